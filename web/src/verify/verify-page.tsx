import { useEffect, useState } from 'preact/hooks';
import { isPdf } from '../../../src/crypto/pdf-magic';
import { Field, Notice, Progress, SiteHeader, describedBy } from '../components';
import { documentStatusShort, documentTypeWords, when } from '../lib/words';
import { sha256OfFile } from './hash-file';
import { checkLogProof, NotValid, readLogKey, type LogInclusion } from './log-proof-check';
import { checkReceipt, type CheckedReceipt } from './receipt-check';
import {
  logVerifierKey,
  lookUpHash,
  serviceIssuer,
  serviceKeys,
  type VerifiedDocument,
  type VerifyAnswer,
} from './service';

const text = {
  title: 'Check a document',
  intro:
    'Drop a PDF you were given, or choose it below. Your browser computes its fingerprint (SHA-256) and sends only that to the service: the file never leaves this computer.',
  more: 'You can also check a receipt or a transparency log proof (.tlog-proof) the service gave for a document: it is checked here in your browser against the service’s published keys.',
  file: 'The PDF, receipt or log proof to check',
  drop: 'Drop the file here',
  hashing: (name: string) => `Computing the fingerprint of ${name} on this computer`,
  checking: 'Checking…',
  noMatch:
    'Not a document this service knows: no school ever submitted a file with exactly these bytes. It is not a genuine document from a school here, or it was changed.',
  notKnownFile: 'This file is not a PDF, a receipt or a log proof, so it cannot be checked here.',
  fingerprint: 'Fingerprint (SHA-256) sent:',
  receiptValid: 'A valid receipt from this service.',
  receiptSnapshot:
    'A receipt says what was true when it was issued. To learn the document’s status now, check the PDF itself.',
  proofValid: 'A valid log proof: this entry is in the service’s public transparency log.',
  notValid: 'Not valid.',
};

/** Receipts and log proofs are small text files; anything larger that is not a PDF is neither. */
const maxTextFileBytes = 1024 * 1024;
const proofHeader = 'c2sp.org/tlog-proof@v1';

type Outcome =
  | { kind: 'hashing'; name: string; share: number }
  | { kind: 'checking' }
  | { kind: 'pdf'; sha256: string; answer: VerifyAnswer }
  | { kind: 'receipt'; receipt: CheckedReceipt }
  | { kind: 'proof'; inclusion: LogInclusion }
  | { kind: 'not-valid'; reason: string };

function schoolNow(doc: VerifiedDocument): string {
  if (doc.school.status === 'active') return '';
  return ` The school is ${doc.school.status} now${doc.school.status_reason ? ` (${doc.school.status_reason})` : ''}.`;
}

/** "an MSPE", "a Transcript": the article goes by how the word is said. */
const withArticle = (words: string, capital = false): string =>
  `${/^(MSPE|[AEIOU])/i.test(words) ? (capital ? 'An' : 'an') : capital ? 'A' : 'a'} ${words}`;

/** One document with these bytes, in plain words: genuine, replaced or revoked is an answer, not an error. */
function DocumentAnswer({ doc }: { doc: VerifiedDocument }) {
  const what = `${documentTypeWords[doc.type] ?? doc.type} from ${doc.school.name} (${doc.school.wdoms_id}), signed ${when(doc.signed_at)}`;
  const status = `Status: ${documentStatusShort[doc.status] ?? doc.status}.`;
  const said: Record<string, [kind: 'success' | 'info', words: string]> = {
    verified: ['success', `Genuine: ${withArticle(what)}. ${status}`],
    superseded: [
      'info',
      `A genuine ${what}, but it has been superseded: the school sent a correction that replaces it. Ask for the newer version. ${status}`,
    ],
    revoked: [
      'info',
      `${withArticle(what, true)}, but it has been revoked: the school withdrew it, and it no longer counts as genuine. ${status}`,
    ],
    rejected: [
      'info',
      `${withArticle(what, true)}, but an operator rejected it after review: it does not count as genuine. ${status}`,
    ],
  };
  const [kind, words] = said[doc.status] ?? [
    'info',
    `Signed by the school: ${withArticle(what)}, still being checked. ${status}`,
  ];
  return (
    <Notice kind={kind}>
      {words}
      {schoolNow(doc)}
    </Notice>
  );
}

function ReceiptAnswer({ receipt }: { receipt: CheckedReceipt }) {
  const doc = receipt.document;
  return (
    <Notice kind="success">
      <p>{text.receiptValid}</p>
      <dl>
        <dt>Document</dt>
        <dd>
          {documentTypeWords[doc.type] ?? doc.type} from {doc.school.name} ({doc.school.wdoms_id})
        </dd>
        <dt>Status when the receipt was issued</dt>
        <dd>{documentStatusShort[doc.status] ?? doc.status}</dd>
        <dt>Signed by the school</dt>
        <dd>{when(doc.signed_at)}</dd>
        <dt>Receipt issued</dt>
        <dd>
          {when(receipt.issuedAt.toISOString())} by {receipt.issuer}
        </dd>
        <dt>PDF fingerprint (SHA-256)</dt>
        <dd>
          <code>{doc.sha256}</code> ({doc.size} bytes)
        </dd>
        <dt>Transparency log</dt>
        <dd>
          {receipt.log
            ? `Entry ${receipt.log.index} of ${receipt.log.origin}, proven in its signed checkpoint of ${receipt.log.size} entries.`
            : 'The receipt carries no log proof.'}
        </dd>
      </dl>
      <p>{text.receiptSnapshot}</p>
    </Notice>
  );
}

function ProofAnswer({ inclusion }: { inclusion: LogInclusion }) {
  const entry = inclusion.entry;
  const about =
    entry.kind === 'document'
      ? `${withArticle(documentTypeWords[String(entry.type)] ?? String(entry.type), true)} of the school ${String(entry.school)}, status ${documentStatusShort[String(entry.status)] ?? String(entry.status)}, fingerprint ${String(entry.sha256)}.`
      : `${withArticle(`${String(entry.kind)} entry`, true)} of the school ${String(entry.school)}.`;
  return (
    <Notice kind="success">
      <p>{text.proofValid}</p>
      <p>
        Entry {inclusion.index} of {inclusion.origin}, in its signed checkpoint of {inclusion.size} entries. {about}
      </p>
    </Notice>
  );
}

/** Reads the file as text only when it is small enough to be a receipt or a proof. */
async function checkTextFile(file: File): Promise<Outcome> {
  const content = await file.text();
  const logKey = async () => readLogKey(await logVerifierKey());
  if (content.startsWith(proofHeader))
    return { kind: 'proof', inclusion: await checkLogProof(content, await logKey()) };
  const [jwks, issuer] = await Promise.all([serviceKeys(), serviceIssuer()]);
  return { kind: 'receipt', receipt: await checkReceipt(content, jwks, issuer, logKey) };
}

export function VerifyPage() {
  const [outcome, setOutcome] = useState<Outcome>();
  const [error, setError] = useState<string>();
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    document.title = `${text.title} · EMSWP`;
  }, []);

  const check = async (file: File | undefined) => {
    setOutcome(undefined);
    setError(undefined);
    if (!file) return;
    try {
      const head = new Uint8Array(await file.slice(0, 5).arrayBuffer());
      if (isPdf(head)) {
        // Measured by `npm run bench:verify`: hashing alone, and from the file chosen to the answer.
        const start = performance.now();
        setOutcome({ kind: 'hashing', name: file.name, share: 0 });
        const sha256 = await sha256OfFile(file, (share) => setOutcome({ kind: 'hashing', name: file.name, share }));
        performance.measure('emswp:verify-hash', { start });
        setOutcome({ kind: 'checking' });
        const answer = await lookUpHash(sha256);
        performance.measure('emswp:verify-answer', { start });
        setOutcome({ kind: 'pdf', sha256, answer });
      } else if (file.size <= maxTextFileBytes) {
        setOutcome({ kind: 'checking' });
        setOutcome(await checkTextFile(file));
      } else {
        setError(text.notKnownFile);
      }
    } catch (failure) {
      if (failure instanceof NotValid) setOutcome({ kind: 'not-valid', reason: failure.message });
      else {
        setOutcome(undefined);
        setError(failure instanceof Error ? failure.message : String(failure));
      }
    }
  };

  return (
    <>
      <SiteHeader />
      <main id="main" tabIndex={-1}>
        <section>
          <h1>{text.title}</h1>
          <p>{text.intro}</p>
          <p>{text.more}</p>
          <div
            class={`drop-zone${dragging ? ' dragging' : ''}`}
            onDragOver={(event) => {
              event.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={(event) => {
              event.preventDefault();
              setDragging(false);
              void check(event.dataTransfer?.files[0]);
            }}
          >
            <p aria-hidden="true">{text.drop}</p>
            <Field id="verify-file" label={text.file} error={error}>
              <input
                type="file"
                accept="application/pdf,.pdf,.tlog-proof,.json,.jws,.txt"
                {...describedBy('verify-file', error)}
                onChange={(event) => void check((event.currentTarget as HTMLInputElement).files?.[0])}
              />
            </Field>
          </div>
          <div role="status">
            {outcome?.kind === 'hashing' && <Progress label={text.hashing(outcome.name)} value={outcome.share} />}
            {outcome?.kind === 'checking' && <p>{text.checking}</p>}
            {outcome?.kind === 'pdf' && (
              <>
                {outcome.answer.match ? (
                  outcome.answer.documents.map((doc, i) => <DocumentAnswer key={i} doc={doc} />)
                ) : (
                  <Notice kind="info">{text.noMatch}</Notice>
                )}
                <p class="hint">
                  {text.fingerprint} <code>{outcome.sha256}</code>
                </p>
              </>
            )}
            {outcome?.kind === 'receipt' && <ReceiptAnswer receipt={outcome.receipt} />}
            {outcome?.kind === 'proof' && <ProofAnswer inclusion={outcome.inclusion} />}
            {outcome?.kind === 'not-valid' && (
              <Notice kind="error">
                {text.notValid} {outcome.reason}
              </Notice>
            )}
          </div>
        </section>
      </main>
    </>
  );
}
