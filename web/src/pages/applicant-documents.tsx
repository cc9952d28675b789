import { useEffect } from 'preact/hooks';
import { useApplicant } from '../applicant-context';
import type { ApplicantDocument } from '../lib/applicant-types';
import { applicantStatusWords } from '../lib/applicant-words';
import { usePaged } from '../lib/use-paged';
import { documentTypeWords, when } from '../lib/words';
import { PagedCards } from '../paged-cards';

const text = {
  title: 'Your documents',
  who: (name: string, ecfmgId: string) => `${name}, ECFMG ID ${ecfmgId}.`,
  intro:
    'Every document a school has sent about you, with its status. Open one to see its history, download it, or release it to a program.',
  none: 'No school has sent a document about you yet. Letters you asked for are on the Letters page until they arrive.',
  what: 'Documents',
  received: 'Received',
  more: 'Show more documents',
};

export const documentTitle = (doc: Pick<ApplicantDocument, 'type' | 'school'>) =>
  `${documentTypeWords[doc.type] ?? doc.type} from ${doc.school.name}`;

export function ApplicantDocumentsPage() {
  const applicant = useApplicant();
  const documents = usePaged<ApplicantDocument>(`/v1/applicants/${applicant.id}/documents`);
  useEffect(() => {
    document.title = 'Your documents · EMSWP portal';
  }, []);
  return (
    <section>
      <h1>{text.title}</h1>
      <p>{text.who(`${applicant.given_name} ${applicant.family_name}`, applicant.ecfmg_id)}</p>
      <p>{text.intro}</p>
      <PagedCards
        paged={documents}
        label={text.what}
        what={text.what.toLowerCase()}
        none={text.none}
        announceNone
        more={text.more}
        keyOf={(doc) => doc.id}
      >
        {(doc) => (
          <>
            <h2 class="card-title">
              <a href={`/applicant/documents/${doc.id}`}>{documentTitle(doc)}</a>
            </h2>
            <p>
              <strong>{applicantStatusWords(doc)}</strong>
            </p>
            <p class="hint">
              {text.received} {when(doc.created_at)}
            </p>
          </>
        )}
      </PagedCards>
    </section>
  );
}
