import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Papa from 'papaparse';
import t, { type Test } from 'tap';
import { generateSigningKey, publicJwkOf } from '../../src/crypto/jwk.js';
import { pdf, storedCounts } from '../support/documents.js';
import {
  registerApplicant,
  registerSchool,
  type RegisteredApplicant,
  type RegisteredSchool,
} from '../support/registry.js';
import { runEmswp, type Finished } from '../support/run-process.js';
import { bearer, buildTestApp, type TestApp } from '../support/test-app.js';

const header = 'file,type,ecfmg_id,given_name,family_name,date_of_birth,letter_id,supersedes,jti';

interface Setup {
  ctx: TestApp;
  url: string;
  school: RegisteredSchool;
  applicants: RegisteredApplicant[];
  /** The officer's folder: the key file is here, the batch in its `batch` folder. */
  dir: string;
  batchDir: string;
}

/** The real service on 127.0.0.1, an active school whose officer keeps the private key in a file, and applicants. */
async function setup(t: Test, applicantCount = 3): Promise<Setup> {
  const ctx = await buildTestApp(t);
  const url = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const school = await registerSchool(ctx);
  const applicants: RegisteredApplicant[] = [];
  for (let i = 0; i < applicantCount; i++)
    applicants.push(await registerApplicant(ctx, i === 0 ? { family_name: 'Okafor-Eze, Jr.' } : {}));
  const dir = ctx.directory;
  const batchDir = join(dir, 'batch');
  await mkdir(batchDir);
  await writeFile(join(dir, 'school-key.json'), JSON.stringify(school.key.privateJwk), { mode: 0o600 });
  return { ctx, url, school, applicants, dir, batchDir };
}

type Row = Record<string, string>;

/** One transcript per PDF, the applicants taken in turn; the PDFs written into the batch folder. */
async function transcripts(s: Setup, count: number): Promise<Row[]> {
  const rows: Row[] = [];
  for (let i = 1; i <= count; i++) {
    const who = s.applicants[(i - 1) % s.applicants.length] as RegisteredApplicant;
    const file = `transcript-${String(i).padStart(2, '0')}.pdf`;
    await writeFile(join(s.batchDir, file), pdf(`transcript ${i}`));
    rows.push({
      file,
      type: 'transcript',
      ecfmg_id: who.ecfmg_id,
      given_name: who.given_name,
      family_name: who.family_name,
      date_of_birth: who.date_of_birth,
    });
  }
  return rows;
}

/** The CSV as a spreadsheet saves it: a byte order mark, CRLF, and quotes only where a value needs them. */
async function writeCsv(s: Setup, rows: Row[], name = 'batch.csv'): Promise<void> {
  const body = Papa.unparse(
    { fields: header.split(','), data: rows.map((row) => header.split(',').map((c) => row[c] ?? '')) },
    { newline: '\r\n' },
  );
  await writeFile(join(s.batchDir, name), `\uFEFF${body}\r\n`);
}

interface Result {
  row: string;
  file: string;
  status: string;
  document_id: string;
  document_status: string;
  error_code: string;
  detail: string;
}

const parseResults = (text: string): Result[] =>
  Papa.parse<Result>(text.trim(), { header: true, skipEmptyLines: true }).data;

async function readResults(s: Setup, name = 'results.csv'): Promise<Result[]> {
  return parseResults(await readFile(join(s.dir, name), 'utf8'));
}

/** `emswp submit-batch` as the officer runs it from their folder, URL and token from the environment. */
function submitBatch(
  s: Setup,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<Finished> {
  return runEmswp(
    ['submit-batch', ...args],
    { EMSWP_URL: s.url, EMSWP_TOKEN: s.school.token, ...options.env },
    {
      cwd: options.cwd ?? s.dir,
    },
  );
}

const batchArgs = (extra: string[] = []) => [
  'batch/batch.csv',
  '--key',
  'school-key.json',
  '--results',
  'results.csv',
  ...extra,
];

t.test(
  'a batch of 20 with two bad rows is refused whole with every problem listed; fixed, it is sent; run again, nothing new is stored',
  async (t) => {
    const s = await setup(t);
    const rows = await transcripts(s, 20);
    const good = rows.map((row) => ({ ...row }));
    // Row 6 (the fifth document) has a mistyped ECFMG ID and an impossible date; row 10 names a photo renamed .pdf.
    Object.assign(rows[4] as Row, { ecfmg_id: '1234567', date_of_birth: '1996-02-30' });
    await writeFile(join(s.batchDir, 'photo.pdf'), Buffer.from('\x89PNG\r\n\x1a\n not a pdf at all'));
    Object.assign(rows[8] as Row, { file: 'photo.pdf' });
    await writeCsv(s, rows);

    const refused = await submitBatch(s, batchArgs());
    t.equal(refused.code, 1, 'exit 1');
    t.match(refused.stderr, /^Row 6, ecfmg_id: The ecfmg_id "1234567" must be the ECFMG ID, 8 digits\.$/m);
    t.match(
      refused.stderr,
      /^Row 6, date_of_birth: The date_of_birth "1996-02-30" must be a real date, YYYY-MM-DD\.$/m,
    );
    t.match(refused.stderr, /^Row 10, file: The file "photo\.pdf" is not a PDF: it does not start with %PDF-/m);
    t.notMatch(refused.stderr, /transcript-09/, 'a PDF in the folder that no row names is no problem for the CLI');
    t.match(refused.stderr, /emswp: 3 problems in batch\/batch\.csv; nothing was sent/);
    t.same(await storedCounts(s.ctx), { documents: 0, chunks: 0, events: 0, received_letters: 0 }, 'nothing stored');
    const invalid = await readResults(s);
    t.same(
      invalid.map((r) => [r.row, r.file, r.status, r.error_code]),
      [
        ['6', 'transcript-05.pdf', 'invalid', 'value_invalid'],
        ['6', 'transcript-05.pdf', 'invalid', 'value_invalid'],
        ['10', 'photo.pdf', 'invalid', 'file_not_pdf'],
      ],
      'the results CSV lists the problems',
    );

    await writeCsv(s, good);
    const sent = await submitBatch(s, batchArgs(['--concurrency', '3']));
    t.equal(sent.code, 0, sent.stderr);
    t.match(sent.stderr, /20 rows: 20 sent, 0 already stored by an earlier run, 0 failed, 0 not sent\./);
    t.notMatch(sent.stderr, /\[|%/, 'no progress bar when stderr is not a terminal');
    const first = await readResults(s);
    t.same(
      first.map((r) => [r.row, r.file, r.status, r.document_status, r.error_code]),
      good.map((row, i) => [String(i + 2), row.file, 'sent', 'verified', '']),
      'every row sent and verified, in row order',
    );
    t.equal((await storedCounts(s.ctx))?.documents, 20);
    const stored = await s.ctx.db
      .selectFrom('documents')
      .select(['id', 'family_name', 'submission_id'])
      .where('id', '=', (first[0] as Result).document_id)
      .executeTakeFirstOrThrow();
    t.equal(stored.family_name, 'Okafor-Eze, Jr.', 'a quoted comma survives');
    t.match(stored.submission_id, /^batch-[0-9a-f]{64}$/, 'the jti was derived');

    // Again, as `npm run emswp` would run it: from elsewhere, with INIT_CWD saying where the user was.
    const counts = await storedCounts(s.ctx);
    const again = await submitBatch(s, batchArgs(), { cwd: join(s.dir, 'batch'), env: { INIT_CWD: s.dir } });
    t.equal(again.code, 0, again.stderr);
    t.match(again.stderr, /20 rows: 0 sent, 20 already stored by an earlier run, 0 failed, 0 not sent\./);
    const second = await readResults(s);
    t.same(
      second.map((r) => [r.status, r.document_id]),
      first.map((r) => ['already_sent', r.document_id]),
      'the same documents, already stored',
    );
    t.same(await storedCounts(s.ctx), counts, 'nothing new stored');
  },
);

t.test(
  'a row the service refuses is reported with its code, the others are stored, and the exit code is 1',
  async (t) => {
    const s = await setup(t, 1);
    const rows = await transcripts(s, 4);
    // Well formed, so the check passes; no such document, so the service refuses the replacement.
    Object.assign(rows[2] as Row, { supersedes: '7b0c7a52-4bd3-4cb9-9a51-33bb1c54a9a1' });
    await writeCsv(s, rows);
    const run = await submitBatch(s, ['batch/batch.csv', '--key', 'school-key.json']);
    t.equal(run.code, 1);
    t.match(run.stderr, /^Row 4 \(transcript-03\.pdf\): supersede_invalid: /m);
    t.match(run.stderr, /4 rows: 3 sent, 0 already stored by an earlier run, 1 failed, 0 not sent\./);
    const results = parseResults(run.stdout);
    t.same(
      results.map((r) => [r.row, r.status, r.error_code]),
      [
        ['2', 'sent', ''],
        ['3', 'sent', ''],
        ['4', 'failed', 'supersede_invalid'],
        ['5', 'sent', ''],
      ],
      'without --results the results CSV goes to stdout',
    );
    t.equal((await storedCounts(s.ctx))?.documents, 3);
  },
);

t.test('keys that cannot sign for the school are refused plainly and nothing is stored', async (t) => {
  const s = await setup(t, 1);
  await writeCsv(s, await transcripts(s, 6));
  const other = await generateSigningKey('EdDSA');
  await writeFile(join(s.dir, 'public.json'), JSON.stringify(publicJwkOf(s.school.key.privateJwk)));
  await writeFile(
    join(s.dir, 'symmetric.json'),
    JSON.stringify({ kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0', alg: 'HS256' }),
  );
  await writeFile(join(s.dir, 'corrupt.json'), '{"kty": "OKP", "crv": "Ed25519", "d": "AAAA');
  await writeFile(join(s.dir, 'damaged.json'), JSON.stringify({ ...s.school.key.privateJwk, d: 'c2hvcnQ' }));
  await writeFile(join(s.dir, 'unknown.json'), JSON.stringify(other.privateJwk));

  const refusals: Array<[string, RegExp]> = [
    ['public.json', /^emswp: \S+public\.json holds no private key \(a public JWK cannot sign\)/m],
    ['symmetric.json', /^emswp: \S+symmetric\.json holds a symmetric \(oct\) key/m],
    ['corrupt.json', /^emswp: \S+corrupt\.json is not a JSON key file/m],
    ['damaged.json', /^emswp: \S+damaged\.json is not a usable private key/m],
  ];
  for (const [file, message] of refusals) {
    const run = await submitBatch(s, ['batch/batch.csv', '--key', file]);
    t.equal(run.code, 1, file);
    t.match(run.stderr, message, file);
    t.equal(run.stdout, '', `${file}: no results, nothing tried`);
  }

  const unknown = await submitBatch(s, ['batch/batch.csv', '--key', 'unknown.json', '--concurrency', '2']);
  t.equal(unknown.code, 1);
  t.match(
    unknown.stderr,
    /The batch stopped: the service refused it with unknown_key: No key with kid "[^"]+" is registered for this school\./,
  );
  const statuses = parseResults(unknown.stdout).map((r) => r.status);
  t.ok(statuses.includes('not_sent'), 'the rows after the refusal are not sent');
  t.same([...new Set(statuses)].sort(), ['failed', 'not_sent']);

  const revoke = await s.ctx.app.inject({
    method: 'POST',
    url: `/v1/schools/${s.school.id}/keys/${s.school.key.privateJwk.kid}/revoke`,
    headers: bearer(s.school.token),
    payload: { reason: 'laptop stolen' },
  });
  t.equal(revoke.statusCode, 200, revoke.body);
  const revoked = await submitBatch(s, ['batch/batch.csv', '--key', 'school-key.json']);
  t.equal(revoked.code, 1);
  t.match(
    revoked.stderr,
    /The batch stopped: the service refused it with key_revoked: Key \S+ has been revoked; sign with an active key\./,
  );
  t.same(await storedCounts(s.ctx), { documents: 0, chunks: 0, events: 0, received_letters: 0 }, 'nothing stored');
});

t.test(
  'a missing CSV, a bad --concurrency, a PDF over --max-document-bytes and an unreachable service each get one clear line',
  async (t) => {
    const s = await setup(t, 1);
    const rows = await transcripts(s, 2);
    await writeFile(join(s.batchDir, 'large.pdf'), pdf('large', 4096));
    await writeCsv(s, [...rows, { ...(rows[0] as Row), file: 'large.pdf' }]);

    const missing = await submitBatch(s, ['nowhere.csv', '--key', 'school-key.json']);
    t.equal(missing.code, 1);
    t.match(missing.stderr, /^emswp: no batch CSV at \S+nowhere\.csv$/m);

    const concurrency = await submitBatch(s, batchArgs(['--concurrency', '0']));
    t.equal(concurrency.code, 1);
    t.match(concurrency.stderr, /^emswp: --concurrency must be a whole number from 1 to 32, got "0"$/m);

    const large = await submitBatch(s, batchArgs(['--max-document-bytes', '2048']));
    t.equal(large.code, 1);
    t.match(
      large.stderr,
      /^Row 4, file: The file "large\.pdf" is 0\.0 MiB; the service accepts documents of at most 0\.0 MiB \(2048 bytes\)\.$/m,
    );

    const unreachable = await submitBatch(s, batchArgs(), { env: { EMSWP_URL: 'http://127.0.0.1:9' } });
    t.equal(unreachable.code, 1);
    t.match(unreachable.stderr, /^emswp: cannot reach http:\/\/127\.0\.0\.1:9: /m);
    t.equal((await storedCounts(s.ctx))?.documents, 0, 'nothing stored');
  },
);
