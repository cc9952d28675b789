import { useEffect, useState } from 'preact/hooks';
import { useApplicant } from '../applicant-context';
import { Notice } from '../components';
import { api, type Page } from '../lib/api';
import type { ApplicantDocument, Release } from '../lib/applicant-types';
import { messageOf, useLoad } from '../lib/use-load';
import { usePaged } from '../lib/use-paged';
import { when } from '../lib/words';
import { PagedCards } from '../paged-cards';
import { documentTitle } from './applicant-documents';

const text = {
  title: 'Your releases',
  intro:
    'The programs you let read your documents. Withdraw a release and the program cannot read or download that document from then on; what it already downloaded is listed on your Disclosures page.',
  none: 'You have not released a document yet. Open one of your documents to release it to a program.',
  what: 'your releases',
  aDocument: 'A document',
  active: (date: string) => `Released ${date}. The program can read it now.`,
  withdrawnOn: (date: string) => `Withdrawn ${date}. The program can no longer read it.`,
  withdraw: 'Withdraw',
  withdrawWhat: (document: string, program: string) => ` the release of the ${document} to ${program}`,
  done: (program: string, date: string) =>
    `The release to ${program} is withdrawn (since ${date}): it can no longer read this document.`,
  more: 'Show more releases',
};

export function ApplicantReleasesPage() {
  const applicant = useApplicant();
  const releases = usePaged<Release>(`/v1/applicants/${applicant.id}/releases`);
  // The releases name only the document's id; its type and school come from the applicant's own list.
  const documents = useLoad(
    () => api<Page<ApplicantDocument>>('GET', `/v1/applicants/${applicant.id}/documents?limit=200`),
    [applicant.id],
  );
  const [outcomes, setOutcomes] = useState<Record<string, { kind: 'success' | 'error'; words: string }>>({});
  useEffect(() => {
    document.title = 'Releases · EMSWP portal';
  }, []);
  const titleOf = (id: string) => {
    const doc = documents.data?.items.find((d) => d.id === id);
    return doc ? documentTitle(doc) : text.aDocument;
  };
  const withdraw = async (release: Release) => {
    try {
      const answer = await api<Release>('DELETE', `/v1/releases/${release.id}`);
      releases.replace((r) => (r.id === answer.id ? answer : r));
      setOutcomes({
        ...outcomes,
        [release.id]: { kind: 'success', words: text.done(answer.program.name, when(answer.withdrawn_at)) },
      });
    } catch (failure) {
      setOutcomes({ ...outcomes, [release.id]: { kind: 'error', words: messageOf(failure) } });
    }
  };
  return (
    <section>
      <h1>{text.title}</h1>
      <p>{text.intro}</p>
      <PagedCards
        paged={releases}
        label={text.title}
        what={text.what}
        none={text.none}
        more={text.more}
        keyOf={(release) => release.id}
      >
        {(release) => {
          const outcome = outcomes[release.id];
          return (
            <>
              <h2 class="card-title">
                <a href={`/applicant/documents/${release.document_id}`}>{titleOf(release.document_id)}</a> to{' '}
                {release.program.name}
              </h2>
              <p class="hint">ACGME {release.program.acgme_id}</p>
              <p>
                {release.status === 'active'
                  ? text.active(when(release.created_at))
                  : text.withdrawnOn(when(release.withdrawn_at))}
              </p>
              {release.status === 'active' && (
                <button type="button" onClick={() => void withdraw(release)}>
                  {text.withdraw}
                  <span class="visually-hidden">
                    {text.withdrawWhat(titleOf(release.document_id), release.program.name)}
                  </span>
                </button>
              )}
              {outcome && <Notice kind={outcome.kind}>{outcome.words}</Notice>}
            </>
          );
        }}
      </PagedCards>
    </section>
  );
}
