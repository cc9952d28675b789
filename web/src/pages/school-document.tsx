import { useRoute } from 'preact-iso';
import { useEffect, useState } from 'preact/hooks';
import { DocumentHistory, Field, Loading, Notice, describedBy } from '../components';
import { api } from '../lib/api';
import { downloadPdf, downloadReceipt, type DocumentEvent, type DocumentView } from '../lib/documents';
import { messageOf, useLoad } from '../lib/use-load';
import { documentStatusWords, documentTypeWords, when } from '../lib/words';

function RevokeDocument(props: { id: string; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const submit = async (event: Event) => {
    event.preventDefault();
    if (reason.trim() === '') return setError('Say why the document is revoked.');
    try {
      await api('POST', `/v1/documents/${props.id}/revoke`, { reason: reason.trim() });
      props.onDone();
    } catch (failure) {
      setError(messageOf(failure));
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)}>
      <Field id="revoke-reason" label="Why is it revoked?" error={error}>
        <input
          value={reason}
          onInput={(e) => setReason(e.currentTarget.value)}
          {...describedBy('revoke-reason', error)}
        />
      </Field>
      <button type="submit">Revoke this document</button>
    </form>
  );
}

export function SchoolDocumentPage() {
  const { params } = useRoute();
  const id = params.id ?? '';
  const [message, setMessage] = useState<string>();
  const { data, error, reload } = useLoad(
    async () => ({
      document: await api<DocumentView>('GET', `/v1/documents/${id}`),
      events: (await api<{ items: DocumentEvent[] }>('GET', `/v1/documents/${id}/events`)).items,
    }),
    [id],
  );
  useEffect(() => {
    document.title = 'Document · EMSWP portal';
  }, []);
  if (data === undefined) return <Loading error={error} what="the document" />;
  const d = data.document;
  const fetchFile = (fetching: () => Promise<void>) =>
    fetching().catch((failure: unknown) => setMessage(messageOf(failure)));
  const open = d.status !== 'revoked' && d.status !== 'superseded';
  return (
    <section>
      <h1>
        {documentTypeWords[d.type] ?? d.type} for ECFMG ID {d.ecfmg_id}
      </h1>
      <Notice kind={d.status === 'verified' ? 'success' : 'info'}>
        <strong>{documentStatusWords[d.status] ?? d.status}</strong>
        {d.status_reason && <> Reason: {d.status_reason}.</>}
      </Notice>
      <dl class="facts">
        <dt>Document id</dt>
        <dd>
          <code>{d.id}</code>
        </dd>
        <dt>Signed</dt>
        <dd>
          {when(d.signed_at)} with key <code>{d.key_id.slice(0, 16)}…</code>
        </dd>
        <dt>Received</dt>
        <dd>{when(d.created_at)}</dd>
        <dt>SHA-256</dt>
        <dd>
          <code class="wrap">{d.sha256}</code>
        </dd>
        <dt>Size</dt>
        <dd>{d.size.toLocaleString()} bytes</dd>
        {d.supersedes && (
          <>
            <dt>Replaces</dt>
            <dd>
              <a href={`/school/documents/${d.supersedes}`}>{d.supersedes}</a>
            </dd>
          </>
        )}
        {d.superseded_by && (
          <>
            <dt>Replaced by</dt>
            <dd>
              <a href={`/school/documents/${d.superseded_by}`}>{d.superseded_by}</a>
            </dd>
          </>
        )}
      </dl>
      <p class="actions">
        <button type="button" onClick={() => void fetchFile(() => downloadPdf(d))}>
          Download the PDF
        </button>
        <button type="button" onClick={() => void fetchFile(() => downloadReceipt(d.id))}>
          Download the receipt
        </button>
        {open && (
          <a class="button" href={`/school/submit?supersedes=${d.id}&type=${d.type}&ecfmg_id=${d.ecfmg_id}`}>
            Send a correction
          </a>
        )}
      </p>
      {message && <Notice kind="error">{message}</Notice>}
      <h2>History</h2>
      <DocumentHistory events={data.events} />
      {open && (
        <>
          <h2>Revoke</h2>
          <RevokeDocument id={d.id} onDone={reload} />
        </>
      )}
    </section>
  );
}
