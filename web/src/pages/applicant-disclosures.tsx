import { useEffect } from 'preact/hooks';
import { useApplicant } from '../applicant-context';
import type { Disclosure } from '../lib/applicant-types';
import { usePaged } from '../lib/use-paged';
import { documentTypeWords, when } from '../lib/words';
import { PagedCards } from '../paged-cards';

const text = {
  title: 'Who saw your documents',
  intro:
    'Every time a program downloaded one of your documents or fetched its signed receipt, it is listed here, including downloads made before you withdrew a release.',
  none: 'No program has downloaded any of your documents yet.',
  what: 'your disclosures',
  action: (d: Disclosure) =>
    d.kind === 'content'
      ? `downloaded your ${documentTypeWords[d.document_type] ?? d.document_type}`
      : `fetched the signed receipt of your ${documentTypeWords[d.document_type] ?? d.document_type}`,
  times: (count: number, last: string) => ` (${count} times within 10 minutes, the last at ${last})`,
  open: 'Open the document',
  more: 'Show more',
};

export function ApplicantDisclosuresPage() {
  const applicant = useApplicant();
  const disclosures = usePaged<Disclosure>(`/v1/applicants/${applicant.id}/disclosures`);
  useEffect(() => {
    document.title = 'Disclosures · EMSWP portal';
  }, []);
  return (
    <section>
      <h1>{text.title}</h1>
      <p>{text.intro}</p>
      <PagedCards
        paged={disclosures}
        label={text.title}
        what={text.what}
        none={text.none}
        more={text.more}
        keyOf={(d) => d.id}
      >
        {(d) => (
          <>
            <p>
              <strong>{when(d.created_at)}</strong>: {d.program.name} (ACGME {d.program.acgme_id}) {text.action(d)}
              {d.count > 1 && text.times(d.count, when(d.last_disclosed_at))}.
            </p>
            <a href={`/applicant/documents/${d.document_id}`}>{text.open}</a>
          </>
        )}
      </PagedCards>
    </section>
  );
}
