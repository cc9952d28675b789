import t from 'tap';
import {
  batchSucceeded,
  checkBatchCsv,
  sendBatch,
  type BatchFile,
  type PlannedRow,
  type SubmitAnswer,
} from '../../src/batch/index.js';
import type { ManifestPayload } from '../../src/documents/manifest-schema.js';
import { csvOf, filesOf, issuer, memoryFile, pdfText } from './support.js';

/** A refusal as the API client throws it: the problem+json code and detail. */
class Refusal extends Error {
  constructor(
    readonly code: string,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

async function plannedRows(count: number): Promise<PlannedRow[]> {
  const files = Array.from({ length: count }, (_, i) => memoryFile(`d${i}.pdf`, pdfText(`d${i}`)));
  const check = await checkBatchCsv(
    csvOf(files.map((file, i) => `${file.name},transcript,${10_000_000 + i},Ada,Obi,1990-01-31,,,`)),
    filesOf(...files),
    { issuer },
  );
  return check.rows;
}

/** A pretend service: stores by jti, answers 200 for a jti it has, and counts uploads in flight. */
function fakeService(refuse: (row: PlannedRow) => Error | undefined = () => undefined) {
  const stored = new Map<string, string>();
  const state = { inFlight: 0, mostInFlight: 0, calls: 0 };
  const submit = async (row: PlannedRow<BatchFile>, manifest: ManifestPayload): Promise<SubmitAnswer> => {
    state.calls++;
    state.inFlight++;
    state.mostInFlight = Math.max(state.mostInFlight, state.inFlight);
    await new Promise((resolve) => setTimeout(resolve, 5));
    state.inFlight--;
    const refusal = refuse(row);
    if (refusal) throw refusal;
    const known = stored.get(manifest.jti);
    if (known) return { created: false, document: { id: known, status: 'verified' } };
    const id = `doc-${stored.size + 1}`;
    stored.set(manifest.jti, id);
    return { created: true, document: { id, status: 'verified' } };
  };
  return { submit, stored, state };
}

t.test('rows are sent a few at a time, each signed at sending time; a second run stores nothing new', async (t) => {
  const rows = await plannedRows(10);
  const service = fakeService();
  const iats = new Set<number>();
  const progress: number[] = [];
  const first = await sendBatch(rows, {
    concurrency: 3,
    submit: (row, manifest) => {
      iats.add(manifest.iat);
      return service.submit(row, manifest);
    },
    onResult: (_result, done) => progress.push(done),
    now: () => new Date('2026-12-05T01:00:00Z'),
  });
  t.equal(service.state.mostInFlight, 3, 'at most 3 in flight, and 3 used');
  t.same([...iats], [Math.floor(Date.parse('2026-12-05T01:00:00Z') / 1000)]);
  t.same(progress, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  t.same(
    first.results.map((r) => [r.row, r.file, r.status, r.documentId]),
    rows.map((row, i) => [row.row, row.file.name, 'sent', `doc-${i + 1}`]),
  );
  t.ok(batchSucceeded(first.results));
  t.equal(first.stoppedBy, undefined);

  const again = await sendBatch(rows, { submit: service.submit });
  t.same(
    again.results.map((r) => [r.status, r.documentId]),
    first.results.map((r) => ['already_sent', r.documentId]),
  );
  t.equal(service.stored.size, 10, 'nothing stored twice');
  t.ok(batchSucceeded(again.results));
});

t.test('a row the service refuses fails alone; the others go on', async (t) => {
  const rows = await plannedRows(5);
  const service = fakeService((row) =>
    row.row === 4 ? new Refusal('supersede_invalid', 'No such document to replace.') : undefined,
  );
  const { results, stoppedBy } = await sendBatch(rows, { submit: service.submit });
  t.same(
    results.map((r) => [r.row, r.status, r.errorCode, r.detail]),
    [
      [2, 'sent', undefined, undefined],
      [3, 'sent', undefined, undefined],
      [4, 'failed', 'supersede_invalid', 'No such document to replace.'],
      [5, 'sent', undefined, undefined],
      [6, 'sent', undefined, undefined],
    ],
  );
  t.equal(stoppedBy, undefined);
  t.notOk(batchSucceeded(results));
});

t.test('no answer at all is reported as unreachable, with what the client said', async (t) => {
  const rows = await plannedRows(2);
  const service = fakeService((row) => (row.row === 2 ? new Error('connect ECONNREFUSED 127.0.0.1:9') : undefined));
  const { results } = await sendBatch(rows, { submit: service.submit });
  t.same(
    results.map((r) => [r.status, r.errorCode, r.detail]),
    [
      ['failed', 'unreachable', 'connect ECONNREFUSED 127.0.0.1:9'],
      ['sent', undefined, undefined],
    ],
  );
});

for (const code of ['key_revoked', 'unknown_key', 'invalid_token', 'school_not_active']) {
  t.test(`${code} stops the batch: it would refuse every row, so the rest are not sent`, async (t) => {
    const rows = await plannedRows(12);
    const service = fakeService(() => new Refusal(code, `refused: ${code}`));
    const { results, stoppedBy } = await sendBatch(rows, { submit: service.submit, concurrency: 2 });
    t.same(stoppedBy, { code, detail: `refused: ${code}` });
    t.equal(service.state.calls, 2, 'only the rows already in flight were tried');
    t.same(
      results.map((r) => r.status),
      ['failed', 'failed', ...Array(10).fill('not_sent')],
    );
    t.match(results[5], {
      errorCode: code,
      detail: `Not sent: the service refused an earlier row with ${code}, which would refuse this one too.`,
    });
  });
}

t.test('an abort signal (a Cancel button, Ctrl-C) stops taking rows; those in flight finish', async (t) => {
  const rows = await plannedRows(8);
  const service = fakeService();
  const stop = new AbortController();
  const { results } = await sendBatch(rows, {
    submit: service.submit,
    concurrency: 2,
    signal: stop.signal,
    onResult: (_result, done) => {
      if (done === 3) stop.abort();
    },
  });
  const statuses = results.map((r) => r.status);
  t.equal(statuses.filter((s) => s === 'sent').length, 4, 'the three done and the one in flight');
  t.same(statuses.slice(4), Array(4).fill('not_sent'));
  t.equal(results[7]?.detail, 'Not sent: the batch was stopped before this row.');
  t.same(
    (await sendBatch(rows, { submit: service.submit })).results.map((r) => r.status),
    [...Array(4).fill('already_sent'), ...Array(4).fill('sent')],
    'the retry sends only the rest',
  );
});
