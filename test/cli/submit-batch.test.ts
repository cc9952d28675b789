import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import {
  batchArgs,
  readResults,
  parseResults,
  setup,
  submitBatch,
  transcripts,
  writeCsv,
  type Result,
  type Row,
} from '../support/batch-cli.js';
import { storedCounts } from '../support/documents.js';

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
