import { useEffect, useState } from 'preact/hooks';
import { Field, Notice, describedBy } from '../components';
import { api } from '../lib/api';
import { sha256Hex } from '../../../src/batch/sha256';
import { messageOf } from '../lib/use-load';
import { documentStatusShort, documentTypeWords, when } from '../lib/words';

interface VerifyResult {
  match: boolean;
  documents: { type: string; status: string; school: { wdoms_id: string; name: string }; signed_at: string }[];
}

const text = {
  title: 'Check a document',
  intro:
    'Choose a PDF. Your browser computes its fingerprint (SHA-256) and sends only that: the PDF never leaves this computer.',
  file: 'The PDF to check',
  noMatch:
    'No document with exactly these bytes was ever submitted. It is not a genuine document from a school here, or it was changed.',
};

export function VerifyPage() {
  const [result, setResult] = useState<VerifyResult>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    document.title = `${text.title} · EMSWP portal`;
  }, []);
  const check = async (file: File | undefined) => {
    setResult(undefined);
    setError(undefined);
    if (!file) return;
    setBusy(true);
    try {
      const sha256 = await sha256Hex(new Uint8Array(await file.arrayBuffer()));
      setResult(await api<VerifyResult>('POST', '/v1/verify', { sha256 }));
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section>
      <h1>{text.title}</h1>
      <p>{text.intro}</p>
      <Field id="verify-file" label={text.file} error={error}>
        <input
          type="file"
          accept="application/pdf,.pdf"
          {...describedBy('verify-file', error)}
          onChange={(event) => void check((event.currentTarget as HTMLInputElement).files?.[0])}
        />
      </Field>
      <div role="status">
        {busy && <p>Checking…</p>}
        {result && !result.match && <Notice kind="info">{text.noMatch}</Notice>}
        {result?.match &&
          result.documents.map((d) => (
            <Notice kind={d.status === 'verified' ? 'success' : 'info'}>
              A genuine {documentTypeWords[d.type] ?? d.type} from {d.school.name} ({d.school.wdoms_id}), signed{' '}
              {when(d.signed_at)}. Status: {documentStatusShort[d.status] ?? d.status}.
            </Notice>
          ))}
      </div>
    </section>
  );
}
