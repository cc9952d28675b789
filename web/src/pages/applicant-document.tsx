import { useRoute } from 'preact-iso';
import { useEffect, useState } from 'preact/hooks';
import { useApplicant } from '../applicant-context';
import { Loading, Notice } from '../components';
import { DirectorySearch, type Choice } from '../directory-search';
import { ApiProblem, api, download, type Page } from '../lib/api';
import type { ApplicantDocument, DocumentEvent, LetterRequest, Release } from '../lib/applicant-types';
import { applicantStatusWords, historyLine } from '../lib/applicant-words';
import { findPrograms } from '../lib/directories';
import { messageOf, useLoad } from '../lib/use-load';
import { when } from '../lib/words';
import { documentTitle } from './applicant-documents';

const text = {
  what: 'the document',
  from: 'From',
  received: 'Received',
  signed: 'Signed by the school',
  letterBy: 'Letter by',
  sha256: 'SHA-256',
  download: 'Download the PDF',
  receipt: 'Download the signed receipt',
  waived:
    'You waived your right to see this letter, so its content is never shown to you. You can still see that it arrived, its status, and release it to programs.',
  waiting:
    'Its content is not shown while an operator checks your name: you will be able to open and release it once it is verified.',
  history: 'History',
  release: 'Release to a program',
  releaseIntro:
    'A program you release this document to can read it and download it until you withdraw the release. Every download is listed on your Disclosures page.',
  programLabel: 'Find the program',
  programHint: 'Type part of its name, its specialty or its ACGME ID, then Search.',
  programsFound: 'Programs found',
  noPrograms: 'No program matches that. Check the spelling, or try its ACGME ID.',
  choose: 'Find the program and choose it first.',
  releaseButton: 'Release to the chosen program',
  released: (program: string) => `Released to ${program}. It can now read this document.`,
  seeReleases: 'See all your releases',
  notReleasable:
    'This document can no longer be released: it stopped being verified while the page was open. Its status is shown above.',
  exists: 'This document is already released to that program. You can see it on your Releases page.',
  programUnknown: 'That program is no longer registered. Search again.',
};

function ReleaseForm(props: { documentId: string; onStale: () => void }) {
  const applicant = useApplicant();
  const [program, setProgram] = useState<Choice>();
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<Release>();
  const [sending, setSending] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setDone(undefined);
    if (program === undefined) return setError(text.choose);
    setSending(true);
    setError(undefined);
    try {
      setDone(
        await api<Release>('POST', `/v1/applicants/${applicant.id}/releases`, {
          document_id: props.documentId,
          program_id: program.id,
        }),
      );
    } catch (failure) {
      const code = failure instanceof ApiProblem ? failure.code : '';
      if (code === 'document_not_releasable') props.onStale();
      setError(
        code === 'document_not_releasable'
          ? text.notReleasable
          : code === 'release_exists'
            ? text.exists
            : code === 'program_unknown'
              ? text.programUnknown
              : messageOf(failure),
      );
    } finally {
      setSending(false);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="release-heading">
      <h2 id="release-heading">{text.release}</h2>
      <p>{text.releaseIntro}</p>
      <DirectorySearch
        id="release-program"
        label={text.programLabel}
        hint={text.programHint}
        legend={text.programsFound}
        noneFound={text.noPrograms}
        find={findPrograms}
        chosen={program?.id}
        onChoose={(choice) => {
          setProgram(choice);
          setError(undefined);
        }}
        error={error}
      />
      <button type="submit" disabled={sending}>
        {text.releaseButton}
      </button>
      {done && (
        <Notice kind="success">
          {text.released(done.program.name)} <a href="/applicant/releases">{text.seeReleases}</a>
        </Notice>
      )}
    </form>
  );
}

export function ApplicantDocumentPage() {
  const applicant = useApplicant();
  const { params } = useRoute();
  const id = params.id ?? '';
  const [message, setMessage] = useState<string>();
  const [releaseRefused, setReleaseRefused] = useState<string>();
  const { data, error, reload } = useLoad(async () => {
    const [doc, events] = await Promise.all([
      api<ApplicantDocument>('GET', `/v1/documents/${id}`),
      api<{ items: DocumentEvent[] }>('GET', `/v1/documents/${id}/events`),
    ]);
    // The waiver chosen in the letter's request decides whether its content may be shown.
    const letter =
      doc.letter_id === null
        ? undefined
        : (
            await api<Page<LetterRequest>>('GET', `/v1/applicants/${applicant.id}/letter-requests?limit=200`)
          ).items.find((request) => request.letter_id === doc.letter_id);
    return { doc, events: events.items, letter };
  }, [id]);
  useEffect(() => {
    document.title = 'Document · EMSWP portal';
  }, []);
  if (data === undefined) return <Loading error={error} what={text.what} />;
  const { doc, events, letter } = data;
  const waived = letter?.waive_right_to_view === true;
  const waiting = doc.status === 'needs_review';
  const fetchFile = (path: string, name: string, pick?: (r: Response) => Promise<Blob>) =>
    download(path, name, pick).catch((failure: unknown) => setMessage(messageOf(failure)));
  return (
    <section>
      <h1>{documentTitle(doc)}</h1>
      <Notice kind={doc.status === 'verified' ? 'success' : 'info'}>
        <strong>{applicantStatusWords(doc)}</strong>
        {doc.status_reason && <> Reason: {doc.status_reason}.</>}
      </Notice>
      <dl class="facts">
        <dt>{text.from}</dt>
        <dd>{doc.school.name}</dd>
        {letter && (
          <>
            <dt>{text.letterBy}</dt>
            <dd>{letter.author_name}</dd>
          </>
        )}
        <dt>{text.received}</dt>
        <dd>{when(doc.created_at)}</dd>
        <dt>{text.signed}</dt>
        <dd>{when(doc.signed_at)}</dd>
        <dt>{text.sha256}</dt>
        <dd>
          <code class="wrap">{doc.sha256}</code>
        </dd>
      </dl>
      {waived ? (
        <Notice kind="info">{text.waived}</Notice>
      ) : waiting ? (
        <Notice kind="info">{text.waiting}</Notice>
      ) : (
        <p class="actions">
          <button type="button" onClick={() => void fetchFile(`/v1/documents/${doc.id}/content`, `${doc.type}.pdf`)}>
            {text.download}
          </button>
          <button
            type="button"
            onClick={() =>
              void fetchFile(`/v1/documents/${doc.id}/receipt`, `receipt-${doc.id}.jwt`, async (r) => {
                const { receipt } = (await r.json()) as { receipt: string };
                return new Blob([receipt], { type: 'application/jwt' });
              })
            }
          >
            {text.receipt}
          </button>
        </p>
      )}
      {message && <Notice kind="error">{message}</Notice>}
      {doc.status === 'verified' ? (
        <ReleaseForm
          documentId={doc.id}
          onStale={() => {
            setReleaseRefused(text.notReleasable);
            reload();
          }}
        />
      ) : (
        releaseRefused && <Notice kind="error">{releaseRefused}</Notice>
      )}
      <h2>{text.history}</h2>
      <ol class="history">
        {events.map((event) => (
          <li key={event.id}>
            {when(event.created_at)}: {historyLine(event, doc.school.name)}
          </li>
        ))}
      </ol>
    </section>
  );
}
