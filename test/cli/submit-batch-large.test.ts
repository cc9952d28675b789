import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { batchArgs, setup, submitBatch, writeCsv, type Row } from '../support/batch-cli.js';
import { storedCounts } from '../support/documents.js';

t.test('a CSV of 10,000 rows is checked whole, file by file, and its one bad row named', async (t) => {
  const s = await setup(t, 1);
  const who = s.applicants[0] as (typeof s.applicants)[number];
  const rows: Row[] = [];
  for (let i = 0; i < 10_000; i++) {
    const file = `d${i}.pdf`;
    await writeFile(join(s.batchDir, file), `%PDF-1.7\n% document ${i}\n%%EOF\n`);
    rows.push({
      file,
      type: 'transcript',
      ecfmg_id: who.ecfmg_id,
      given_name: who.given_name,
      family_name: who.family_name,
      date_of_birth: who.date_of_birth,
    });
  }
  Object.assign(rows[7_500] as Row, { date_of_birth: '1996-13-01' });
  await writeCsv(s, rows);
  const run = await submitBatch(s, batchArgs());
  t.equal(run.code, 1);
  t.equal(
    run.stderr,
    'Row 7502, date_of_birth: The date_of_birth "1996-13-01" must be a real date, YYYY-MM-DD.\n' +
      'emswp: 1 problem in batch/batch.csv; nothing was sent. Correct it and run again.\n',
  );
  t.equal((await storedCounts(s.ctx))?.documents, 0);
});
