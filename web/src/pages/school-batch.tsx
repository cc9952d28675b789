import { useEffect, useState } from 'preact/hooks';
import {
  batchFileOf,
  checkBatchCsv,
  describeProblem,
  resultsCsv,
  resultsFromProblems,
  sendBatch,
  type BatchFile,
  type BatchProblem,
  type BatchRowResult,
  type PlannedRow,
} from '../../../src/batch/index';
import { Field, Notice, Progress, describedBy } from '../components';
import { api } from '../lib/api';
import { storedKeys, type StoredKey } from '../lib/key-store';
import { portalSettings } from '../lib/settings';
import { signManifest } from '../lib/signing';
import { postSubmission } from '../lib/submit-fetch';
import { messageOf, useLoad } from '../lib/use-load';
import { documentStatusShort } from '../lib/words';
import { useSchool } from '../school-context';
import type { RegisteredKey } from './school-keys';

/** A chosen PDF as the batch module reads it, with the file itself to upload. */
type ChosenFile = BatchFile & { blob: File };

const text = {
  title: 'Submit a batch',
  intro:
    'Choose a CSV with one row per document (file, type, ecfmg_id, given_name, family_name, date_of_birth, letter_id, supersedes, jti) and the PDFs it names. Every row is checked before anything is sent; the same batch sent again stores nothing twice.',
  csv: 'The batch CSV',
  files: 'The PDFs it names',
  key: 'Sign with key',
  check: 'Check the batch',
  send: (n: number) => `Sign and send ${n} document${n === 1 ? '' : 's'}`,
  retry: (n: number) => `Send the ${n} failed row${n === 1 ? '' : 's'} again`,
  download: 'Download the results (CSV)',
  checked: (n: number) => `All ${n} rows are ready to send.`,
  problems: (n: number) => `${n} problem${n === 1 ? '' : 's'} to fix first: nothing was sent.`,
};

const statusWords: Record<BatchRowResult['status'], string> = {
  sent: 'Sent',
  already_sent: 'Already received earlier (nothing stored twice)',
  failed: 'Failed',
  not_sent: 'Not sent',
  invalid: 'Invalid',
};

/** Problems about the files chosen go next to the PDFs; the rest next to the CSV. */
const aboutFiles = (problem: BatchProblem) => problem.code.startsWith('file_');

export function SchoolBatchPage() {
  const { school } = useSchool();
  const [csv, setCsv] = useState<File>();
  const [files, setFiles] = useState<File[]>([]);
  const [kid, setKid] = useState('');
  const [problems, setProblems] = useState<BatchProblem[]>();
  const [planned, setPlanned] = useState<PlannedRow<ChosenFile>[]>();
  const [progress, setProgress] = useState<{ label: string; value: number }>();
  const [results, setResults] = useState<Map<number, BatchRowResult>>(new Map());
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const keys = useLoad(async () => {
    const [local, registered] = await Promise.all([
      storedKeys(school.id),
      api<{ items: RegisteredKey[] }>('GET', `/v1/schools/${school.id}/keys?limit=200`),
    ]);
    const active = new Set(registered.items.filter((k) => k.status === 'active').map((k) => k.kid));
    return local.filter((k) => active.has(k.kid));
  }, [school.id]);
  useEffect(() => {
    document.title = `${text.title} · EMSWP portal`;
  }, []);
  useEffect(() => {
    if (kid === '' && keys.data?.[0]) setKid(keys.data[0].kid);
  }, [keys.data]);

  const reset = () => {
    setProblems(undefined);
    setPlanned(undefined);
    setResults(new Map());
    setError(undefined);
  };

  const check = async (event: Event) => {
    event.preventDefault();
    reset();
    if (!csv) return setProblems([{ code: 'csv_empty', message: 'Choose the batch CSV.' }]);
    setBusy(true);
    try {
      const { max_document_bytes: maxDocumentBytes } = await portalSettings();
      const chosen = new Map(files.map((file) => [file.name, batchFileOf(file)]));
      const outcome = await checkBatchCsv(new Uint8Array(await csv.arrayBuffer()), chosen, {
        issuer: school.wdoms_id,
        maxDocumentBytes,
        onProgress: (done, total) => setProgress({ label: 'Checking the rows', value: done / Math.max(total, 1) }),
      });
      setProblems(outcome.problems);
      setPlanned(outcome.problems.length === 0 ? outcome.rows : undefined);
    } catch (failure) {
      setError(
        failure instanceof DOMException && failure.name === 'NotReadableError'
          ? 'A file could not be read: it changed after it was chosen. Choose the CSV and the PDFs again.'
          : messageOf(failure),
      );
    } finally {
      setBusy(false);
      setProgress(undefined);
    }
  };

  const send = async (rows: PlannedRow<ChosenFile>[]) => {
    const key: StoredKey | undefined = keys.data?.find((k) => k.kid === kid);
    if (!key) return setError('There is no usable key in this browser: make or load one on the Keys page first.');
    setError(undefined);
    setBusy(true);
    const next = new Map(results);
    try {
      const outcome = await sendBatch(rows, {
        concurrency: 4,
        submit: async (row, manifest) => {
          const signed = await signManifest(manifest as unknown as Record<string, unknown>, key);
          const { status, body } = await postSubmission<{ id: string; status: string }>(
            signed,
            row.file.blob,
            row.file.name,
          );
          return { created: status === 201, document: body };
        },
        onResult: (result, done, total) => {
          next.set(result.row, result);
          setResults(new Map(next));
          setProgress({ label: 'Sending', value: done / total });
        },
      });
      if (outcome.stoppedBy) setError(`The batch stopped: ${outcome.stoppedBy.detail}`);
    } finally {
      setBusy(false);
      setProgress(undefined);
    }
  };

  const failedRows = (planned ?? []).filter((row) => {
    const result = results.get(row.row);
    return result?.status === 'failed' || result?.status === 'not_sent';
  });
  const downloadResults = () => {
    const lines = problems?.length
      ? resultsFromProblems(problems)
      : [...results.values()].sort((a, b) => a.row - b.row);
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([resultsCsv(lines)], { type: 'text/csv' }));
    link.download = `${csv?.name.replace(/\.csv$/i, '') ?? 'batch'}-results.csv`;
    link.click();
  };
  const csvProblems = (problems ?? []).filter((p) => !aboutFiles(p));
  const fileProblems = (problems ?? []).filter(aboutFiles);
  const list = (items: BatchProblem[]) => (
    <ul>
      {items.map((p) => (
        <li>{describeProblem(p)}</li>
      ))}
    </ul>
  );

  return (
    <section>
      <h1>{text.title}</h1>
      <p>{text.intro}</p>
      <form onSubmit={(e) => void check(e)} noValidate>
        <Field
          id="batch-csv"
          label={text.csv}
          error={csvProblems.length ? `${csvProblems.length} problem(s) in the CSV:` : undefined}
        >
          <input
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => (setCsv(e.currentTarget.files?.[0]), reset())}
            {...describedBy('batch-csv', csvProblems.length ? 'x' : undefined)}
          />
        </Field>
        {csvProblems.length > 0 && <div class="problem-list">{list(csvProblems)}</div>}
        <Field
          id="batch-files"
          label={text.files}
          error={fileProblems.length ? `${fileProblems.length} problem(s) with the files:` : undefined}
        >
          <input
            type="file"
            multiple
            accept="application/pdf,.pdf"
            onChange={(e) => (setFiles([...(e.currentTarget.files ?? [])]), reset())}
            {...describedBy('batch-files', fileProblems.length ? 'x' : undefined)}
          />
        </Field>
        {fileProblems.length > 0 && <div class="problem-list">{list(fileProblems)}</div>}
        <Field id="batch-key" label={text.key}>
          <select id="batch-key" value={kid} onChange={(e) => setKid(e.currentTarget.value)}>
            {(keys.data ?? []).map((k) => (
              <option value={k.kid}>
                {k.kid.slice(0, 16)}… ({k.alg})
              </option>
            ))}
            {keys.data?.length === 0 && <option value="">No key in this browser</option>}
          </select>
        </Field>
        <button type="submit" disabled={busy}>
          {text.check}
        </button>
      </form>
      <div role="status" aria-live="polite">
        {progress && <Progress label={progress.label} value={progress.value} />}
        {problems && problems.length > 0 && <Notice kind="error">{text.problems(problems.length)}</Notice>}
        {planned && results.size === 0 && <Notice kind="success">{text.checked(planned.length)}</Notice>}
        {planned && results.size > 0 && !busy && (
          <Notice kind={failedRows.length ? 'error' : 'success'}>
            {[...results.values()].filter((r) => r.status === 'sent').length} sent,{' '}
            {[...results.values()].filter((r) => r.status === 'already_sent').length} already received,{' '}
            {failedRows.length} failed.
          </Notice>
        )}
      </div>
      {error && <Notice kind="error">{error}</Notice>}
      <p class="actions">
        {planned && results.size === 0 && (
          <button type="button" disabled={busy} onClick={() => void send(planned)}>
            {text.send(planned.length)}
          </button>
        )}
        {failedRows.length > 0 && !busy && (
          <button type="button" onClick={() => void send(failedRows)}>
            {text.retry(failedRows.length)}
          </button>
        )}
        {(results.size > 0 || (problems?.length ?? 0) > 0) && !busy && (
          <button type="button" onClick={downloadResults}>
            {text.download}
          </button>
        )}
      </p>
      {planned && results.size > 0 && (
        <table>
          <caption>Rows</caption>
          <thead>
            <tr>
              <th scope="col">Row</th>
              <th scope="col">File</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {planned.map((row) => {
              const result = results.get(row.row);
              return (
                <tr key={row.row}>
                  <td>{row.row}</td>
                  <td>{row.file.name}</td>
                  <td>
                    {result === undefined
                      ? busy
                        ? 'Waiting'
                        : ''
                      : result.status === 'sent' || result.status === 'already_sent'
                        ? `${statusWords[result.status]}: ${documentStatusShort[result.documentStatus ?? ''] ?? result.documentStatus}`
                        : `${statusWords[result.status]}: ${result.detail ?? ''}`}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
