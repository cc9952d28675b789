import { useRoute } from 'preact-iso';
import { useEffect } from 'preact/hooks';
import { uuidPattern } from '../../../src/facts/uuid';
import { Loading } from '../components';
import { api, type Page } from '../lib/api';
import type { DocumentView } from '../lib/documents';
import { useLoad } from '../lib/use-load';
import { useProgram } from '../program-context';
import { ReleasedDocuments } from './program-document-list';

const text = {
  pageTitle: 'Applicant · EMSWP portal',
  title: (ecfmgId: string) => `Applicant with ECFMG ID ${ecfmgId}`,
  unknownTitle: 'Applicant',
  nothingReleased: 'This applicant has released no documents to your program.',
  loading: 'the applicant',
  back: 'All released documents',
};

/** Everything one applicant released to the program; they are known to it only by their ECFMG ID. */
export function ProgramApplicantPage() {
  const program = useProgram();
  const { params } = useRoute();
  const applicantId = params.id ?? '';
  // The ECFMG ID for the heading, from any one of their released documents.
  const { data, error } = useLoad(
    async (): Promise<Page<DocumentView>> =>
      // A mistyped or cut-off link names no applicant: nothing of theirs can be released here.
      !uuidPattern.test(applicantId)
        ? { items: [], next_cursor: null }
        : api<Page<DocumentView>>(
            'GET',
            `/v1/programs/${program.id}/documents?${new URLSearchParams({ applicant_id: applicantId, limit: '1' }).toString()}`,
          ),
    [program.id, applicantId],
  );
  useEffect(() => {
    document.title = text.pageTitle;
  }, []);
  if (data === undefined) return <Loading error={error} what={text.loading} />;
  const first = data.items[0];
  return (
    <section>
      <h1>{first ? text.title(first.ecfmg_id) : text.unknownTitle}</h1>
      <p>
        <a href="/program">{text.back}</a>
      </p>
      {first ? (
        <ReleasedDocuments programId={program.id} applicantId={applicantId} />
      ) : (
        <p role="status">{text.nothingReleased}</p>
      )}
    </section>
  );
}
