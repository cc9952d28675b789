import { useRoute } from 'preact-iso';
import { useEffect, useState } from 'preact/hooks';
import { DocumentHistory, Loading, Notice } from '../components';
import { uuidPattern } from '../../../src/facts/uuid';
import { ApiProblem, api } from '../lib/api';
import { downloadPdf, downloadReceipt, embargoed, type DocumentEvent, type DocumentView } from '../lib/documents';
import { messageOf, useLoad } from '../lib/use-load';
import { documentTypeWords, when } from '../lib/words';

const text = {
  pageTitle: 'Document · EMSWP portal',
  title: (type: string, ecfmgId: string) => `${type} for ECFMG ID ${ecfmgId}`,
  notFoundTitle: 'Document not found',
  notAnId: 'This address does not name a document.',
  notFoundWhy: 'There is no document with this address released to your program now.',
  back: 'All released documents',
  loading: 'the document',
  status: {
    verified:
      'Verified: the school signed it with a key registered here, the file is the one it signed, and the applicant matched.',
    superseded: 'Replaced: the school has sent a correction of this document.',
    revoked: 'Revoked by its school: it no longer counts as genuine.',
  } as Record<string, string>,
  reason: 'Reason:',
  schoolSuspended: (reason: string | null) =>
    `Its school is now suspended${reason ? ` (${reason})` : ''}. The document keeps its own status.`,
  embargo: (date: string) =>
    `Embargoed until ${date}: MSPEs are released to programs on that date. You can download the PDF from then; its details and receipt are available now.`,
  applicant: 'Applicant',
  school: 'School',
  documentId: 'Document id',
  signed: 'Signed by the school',
  received: 'Received by the service',
  available: 'PDF available from',
  sha256: 'SHA-256',
  size: 'Size',
  bytes: (n: number) => `${n.toLocaleString()} bytes`,
  downloadPdf: 'Download the PDF',
  downloadReceipt: 'Download the receipt',
  pdfSaved: 'The PDF was downloaded.',
  receiptSaved:
    "The receipt was downloaded: the service's signed statement of this document, which anyone can check offline with the service's public keys.",
  history: 'History',
};

type Loaded = { found: true; document: DocumentView; events: DocumentEvent[] } | { found: false; detail: string };

export function ProgramDocumentPage() {
  const { params } = useRoute();
  const id = params.id ?? '';
  const [outcome, setOutcome] = useState<{ kind: 'success' | 'error'; message: string }>();
  const { data, error } = useLoad(async (): Promise<Loaded> => {
    // A mistyped or cut-off link: the API would refuse the id itself (400), so it is not asked.
    if (!uuidPattern.test(id)) return { found: false, detail: text.notAnId };
    try {
      const [document, events] = await Promise.all([
        api<DocumentView>('GET', `/v1/documents/${id}`),
        api<{ items: DocumentEvent[] }>('GET', `/v1/documents/${id}/events`),
      ]);
      return { found: true, document, events: events.items };
    } catch (failure) {
      // The API answers 404 alike for an unknown id and one never (or no longer) released here.
      if (failure instanceof ApiProblem && failure.status === 404) return { found: false, detail: failure.detail };
      throw failure;
    }
  }, [id]);
  useEffect(() => {
    document.title = text.pageTitle;
  }, []);
  if (data === undefined) return <Loading error={error} what={text.loading} />;
  if (!data.found) {
    return (
      <section>
        <h1>{text.notFoundTitle}</h1>
        <Notice kind="info">
          {data.detail} {text.notFoundWhy}
        </Notice>
        <p>
          <a href="/program">{text.back}</a>
        </p>
      </section>
    );
  }
  const d = data.document;
  const save = (fetching: () => Promise<void>, done: string) =>
    fetching().then(
      () => setOutcome({ kind: 'success', message: done }),
      (failure: unknown) => setOutcome({ kind: 'error', message: messageOf(failure) }),
    );
  return (
    <section>
      <h1>{text.title(documentTypeWords[d.type] ?? d.type, d.ecfmg_id)}</h1>
      <Notice kind={d.status === 'verified' ? 'success' : 'info'}>
        <strong>{text.status[d.status] ?? d.status}</strong>
        {d.status_reason && d.status !== 'verified' && (
          <>
            {' '}
            {text.reason} {d.status_reason}.
          </>
        )}
      </Notice>
      {d.school.status === 'suspended' && <Notice kind="info">{text.schoolSuspended(d.school.status_reason)}</Notice>}
      {embargoed(d) && <Notice kind="info">{text.embargo(when(d.available_at))}</Notice>}
      <dl class="facts">
        <dt>{text.applicant}</dt>
        <dd>{d.applicant_id ? <a href={`/program/applicants/${d.applicant_id}`}>{d.ecfmg_id}</a> : d.ecfmg_id}</dd>
        <dt>{text.school}</dt>
        <dd>
          {d.school.name} ({d.school.wdoms_id})
        </dd>
        <dt>{text.signed}</dt>
        <dd>{when(d.signed_at)}</dd>
        <dt>{text.received}</dt>
        <dd>{when(d.created_at)}</dd>
        <dt>{text.available}</dt>
        <dd>{when(d.available_at)}</dd>
        <dt>{text.documentId}</dt>
        <dd>
          <code>{d.id}</code>
        </dd>
        <dt>{text.sha256}</dt>
        <dd>
          <code class="wrap">{d.sha256}</code>
        </dd>
        <dt>{text.size}</dt>
        <dd>{text.bytes(d.size)}</dd>
      </dl>
      <p class="actions">
        {!embargoed(d) && (
          <button type="button" onClick={() => void save(() => downloadPdf(d), text.pdfSaved)}>
            {text.downloadPdf}
          </button>
        )}
        <button type="button" onClick={() => void save(() => downloadReceipt(d.id), text.receiptSaved)}>
          {text.downloadReceipt}
        </button>
      </p>
      {outcome && <Notice kind={outcome.kind}>{outcome.message}</Notice>}
      <h2>{text.history}</h2>
      <DocumentHistory events={data.events} />
    </section>
  );
}
