import { useLocation } from 'preact-iso';
import { useEffect, useState } from 'preact/hooks';
import { manifestPayloadErrors, pdfManifestPayload } from '../../../src/documents/manifest-schema';
import { documentTypes } from '../../../src/facts/documents';
import { Field, Notice, Progress, describedBy } from '../components';
import { ApiProblem, api } from '../lib/api';
import type { DocumentView } from '../lib/documents';
import { storedKeys, type StoredKey } from '../lib/key-store';
import { portalSettings } from '../lib/settings';
import { sha256Hex } from '../../../src/batch/sha256';
import { looksLikePdf, signManifest, type ManifestFields } from '../lib/signing';
import { uploadSubmission } from '../lib/upload';
import { messageOf, useLoad } from '../lib/use-load';
import { documentStatusWords, documentTypeWords } from '../lib/words';
import { useSchool } from '../school-context';
import type { RegisteredKey } from './school-keys';

type FieldName =
  'type' | 'ecfmg_id' | 'given_name' | 'family_name' | 'date_of_birth' | 'letter_id' | 'supersedes' | 'file' | 'key';
type Errors = Partial<Record<FieldName | 'form', string>>;

/** Where the manifest's JSON Pointers land in the form. */
const fieldOfPath: Record<string, FieldName> = {
  '/document/type': 'type',
  '/document/size': 'file',
  '/document/sha256': 'file',
  '/applicant/ecfmg_id': 'ecfmg_id',
  '/applicant/given_name': 'given_name',
  '/applicant/family_name': 'family_name',
  '/applicant/date_of_birth': 'date_of_birth',
  '/letter_id': 'letter_id',
  '/supersedes': 'supersedes',
};

/** The API's refusals that concern one field. */
const fieldOfCode: Record<string, FieldName> = {
  digest_mismatch: 'file',
  media_type_invalid: 'file',
  payload_too_large: 'file',
  upload_interrupted: 'file',
  unknown_key: 'key',
  key_revoked: 'key',
  signature_invalid: 'key',
  letter_invalid: 'letter_id',
  supersede_invalid: 'supersedes',
};

const labels: Record<FieldName, string> = {
  type: 'Document type',
  ecfmg_id: "Applicant's ECFMG ID",
  given_name: 'Given name',
  family_name: 'Family name',
  date_of_birth: 'Date of birth',
  letter_id: 'Letter ID (from the applicant’s letter request)',
  supersedes: 'Replaces document (id), for a correction',
  file: 'The PDF',
  key: 'Sign with key',
};

const fieldLabelFor = (path: string) => labels[fieldOfPath[path] ?? 'type'];

function errorsFromFields(problems: { path: string; message: string }[]): Errors {
  const errors: Errors = {};
  for (const { path, message } of problems) {
    const field = fieldOfPath[path];
    if (field) errors[field] ??= `${fieldLabelFor(path)} ${message}.`;
    else errors.form ??= `${path} ${message}.`;
  }
  return errors;
}

export function SchoolSubmitPage() {
  const { school } = useSchool();
  const { query } = useLocation();
  const [fields, setFields] = useState<ManifestFields>({
    type: ((documentTypes as readonly string[]).includes(query.type ?? '')
      ? query.type
      : 'mspe') as ManifestFields['type'],
    ecfmg_id: query.ecfmg_id ?? '',
    given_name: '',
    family_name: '',
    date_of_birth: '',
    letter_id: '',
    supersedes: query.supersedes ?? '',
  });
  const [file, setFile] = useState<File>();
  const [kid, setKid] = useState('');
  const [jti, setJti] = useState(() => crypto.randomUUID());
  const [errors, setErrors] = useState<Errors>({});
  const [phase, setPhase] = useState<'idle' | 'hashing' | 'uploading'>('idle');
  const [progress, setProgress] = useState(0);
  const [result, setResult] = useState<{ document: DocumentView; again: boolean }>();
  const keys = useLoad(async () => {
    const [local, registered] = await Promise.all([
      storedKeys(school.id),
      api<{ items: RegisteredKey[] }>('GET', `/v1/schools/${school.id}/keys?limit=200`),
    ]);
    const active = new Set(registered.items.filter((k) => k.status === 'active').map((k) => k.kid));
    return local.filter((k) => active.has(k.kid));
  }, [school.id]);
  useEffect(() => {
    document.title = `Submit a document · EMSWP portal`;
  }, []);
  useEffect(() => {
    if (kid === '' && keys.data?.[0]) setKid(keys.data[0].kid);
  }, [keys.data]);

  const set = (name: keyof ManifestFields) => (event: Event) =>
    setFields({ ...fields, [name]: (event.currentTarget as HTMLInputElement).value });

  const submit = async (event: Event) => {
    event.preventDefault();
    setResult(undefined);
    const found: Errors = {};
    const key: StoredKey | undefined = keys.data?.find((k) => k.kid === kid);
    if (!key) found.key = 'There is no usable key in this browser: make or load one on the Keys page first.';
    const { max_document_bytes: maxBytes } = await portalSettings();
    if (!file) found.file = 'Choose the PDF to send.';
    else if (file.size === 0) found.file = 'This file is empty.';
    else if (file.size > maxBytes)
      found.file = `This file is ${(file.size / 1048576).toFixed(1)} MiB; the largest accepted is ${(maxBytes / 1048576).toFixed(1)} MiB.`;
    else if (!(await looksLikePdf(file)))
      found.file = 'This file is not a PDF (it does not start with %PDF-), whatever its name says.';
    const cleaned: ManifestFields = {
      ...fields,
      letter_id: fields.type === 'lor' ? fields.letter_id?.trim() : '',
      supersedes: fields.supersedes?.trim(),
    };
    // The same rules the service applies, on a stand-in for the file until it is hashed.
    const fieldErrors = errorsFromFields(
      manifestPayloadErrors(
        pdfManifestPayload(school.wdoms_id, jti, Math.floor(Date.now() / 1000), cleaned, {
          sha256: '0'.repeat(64),
          size: file?.size || 1,
        }),
      ),
    );
    Object.assign(found, fieldErrors, found);
    setErrors(found);
    if (Object.keys(found).length > 0 || !file || !key) {
      document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    try {
      setPhase('hashing');
      setProgress(0);
      // Marked so bench/portal.ts reads how long the page's own code takes to hash and sign.
      performance.mark('emswp:hash-and-sign:start');
      const sha256 = await sha256Hex(new Uint8Array(await file.arrayBuffer()));
      const manifest = await signManifest(
        pdfManifestPayload(school.wdoms_id, jti, Math.floor(Date.now() / 1000), cleaned, { sha256, size: file.size }),
        key,
      );
      performance.measure('emswp:hash-and-sign', 'emswp:hash-and-sign:start');
      setPhase('uploading');
      const { status, body } = await uploadSubmission<DocumentView>(manifest, file, file.name, setProgress);
      setResult({ document: body, again: status === 200 });
      setJti(crypto.randomUUID());
    } catch (failure) {
      if (failure instanceof ApiProblem) {
        const field = fieldOfCode[failure.code];
        const fromFields = errorsFromFields(failure.errors);
        setErrors(
          field ? { [field]: failure.detail } : Object.keys(fromFields).length ? fromFields : { form: failure.detail },
        );
      } else setErrors({ form: messageOf(failure) });
    } finally {
      setPhase('idle');
    }
  };

  const input = (name: Exclude<FieldName, 'type' | 'file' | 'key'>, extra: Record<string, string> = {}) => (
    <Field id={`submit-${name}`} label={labels[name]} error={errors[name]} hint={extra.hint}>
      <input
        name={name}
        value={fields[name] ?? ''}
        onInput={set(name)}
        autocomplete="off"
        {...(extra.type ? { type: extra.type } : {})}
        {...(extra.inputmode ? { inputMode: extra.inputmode as 'numeric' } : {})}
        {...describedBy(`submit-${name}`, errors[name], extra.hint !== undefined)}
      />
    </Field>
  );

  return (
    <section>
      <h1>Submit a document</h1>
      <p>
        The PDF is hashed and the manifest signed here, in your browser, with your school’s key; then both are sent to
        the service.
      </p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        {errors.form && <Notice kind="error">{errors.form}</Notice>}
        <Field id="submit-type" label={labels.type} error={errors.type}>
          <select name="type" value={fields.type} onChange={set('type')} {...describedBy('submit-type', errors.type)}>
            {Object.entries(documentTypeWords).map(([value, words]) => (
              <option value={value}>{words}</option>
            ))}
          </select>
        </Field>
        {input('ecfmg_id', { inputmode: 'numeric', hint: '8 digits' })}
        {input('given_name')}
        {input('family_name')}
        {input('date_of_birth', { type: 'date' })}
        {fields.type === 'lor' &&
          input('letter_id', { hint: 'The applicant gives you this id when they request the letter.' })}
        {input('supersedes', { hint: 'Leave empty for a new document.' })}
        <Field id="submit-file" label={labels.file} error={errors.file}>
          <input
            type="file"
            name="file"
            accept="application/pdf,.pdf"
            onChange={(e) => {
              setFile(e.currentTarget.files?.[0]);
              setJti(crypto.randomUUID());
            }}
            {...describedBy('submit-file', errors.file)}
          />
        </Field>
        <Field id="submit-key" label={labels.key} error={errors.key}>
          <select
            name="key"
            value={kid}
            onChange={(e) => setKid(e.currentTarget.value)}
            {...describedBy('submit-key', errors.key)}
          >
            {(keys.data ?? []).map((k) => (
              <option value={k.kid}>
                {k.kid.slice(0, 16)}… ({k.alg}, {k.source === 'browser' ? 'made in this browser' : 'from a file'})
              </option>
            ))}
            {keys.data?.length === 0 && <option value="">No key in this browser</option>}
          </select>
        </Field>
        {keys.data?.length === 0 && (
          <p>
            <a href="/school/keys">Make or load a key first</a>.
          </p>
        )}
        <button type="submit" disabled={phase !== 'idle'}>
          Sign and send
        </button>
      </form>
      <div role="status" aria-live="polite">
        {phase === 'hashing' && <p>Hashing and signing the PDF…</p>}
        {phase === 'uploading' && <Progress label="Uploading" value={progress} />}
        {result && (
          <Notice kind={result.document.status === 'verified' ? 'success' : 'info'}>
            <p>
              <strong>
                {result.again ? 'This document was already received: nothing was stored twice. ' : 'Sent. '}
              </strong>
              {documentStatusWords[result.document.status] ?? result.document.status}
            </p>
            <p>
              <a href={`/school/documents/${result.document.id}`}>Open the document</a>
            </p>
          </Notice>
        )}
      </div>
    </section>
  );
}
