import t from 'tap';
import { parseBatchCsv } from '../../src/batch/index.js';
import { csvOf, header } from './support.js';

const row = 'a.pdf,transcript,12345678,Chiamaka,Okafor,1996-04-12,,,';

t.test('a spreadsheet export reads the same with a byte order mark, CRLF, LF, as text or as bytes', async (t) => {
  const plain = parseBatchCsv(csvOf([row]));
  t.same(plain.problems, []);
  t.same(plain.rows, [
    {
      row: 2,
      values: {
        file: 'a.pdf',
        type: 'transcript',
        ecfmg_id: '12345678',
        given_name: 'Chiamaka',
        family_name: 'Okafor',
        date_of_birth: '1996-04-12',
        letter_id: '',
        supersedes: '',
        jti: '',
      },
    },
  ]);
  const bytesWithBom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(csvOf([row], '\r\n'))]);
  t.same(parseBatchCsv(bytesWithBom), plain, 'UTF-8 BOM and CRLF, as bytes');
  t.same(parseBatchCsv(`\uFEFF${csvOf([row], '\r\n')}`), plain, 'BOM and CRLF, as text');
});

t.test('RFC 4180 quoting: commas, doubled quotes and line breaks inside quoted values', async (t) => {
  const parsed = parseBatchCsv(
    csvOf(['"a, final.pdf",transcript,12345678,"Chiamaka ""Chi""","Okafor,\r\nJr",1996-04-12,,,'], '\r\n'),
  );
  t.same(parsed.problems, []);
  t.equal(parsed.rows[0]?.values.file, 'a, final.pdf');
  t.equal(parsed.rows[0]?.values.given_name, 'Chiamaka "Chi"');
  t.equal(parsed.rows[0]?.values.family_name, 'Okafor,\r\nJr');
});

t.test('columns may come in any order, optional ones may be left out, names and values are trimmed', async (t) => {
  const parsed = parseBatchCsv(
    ' Type ,FILE,ecfmg_id,given_name,family_name,date_of_birth\nmspe , b.pdf ,12345678,Ada,Obi,1990-01-01\n',
  );
  t.same(parsed.problems, []);
  t.match(parsed.rows[0]?.values, { file: 'b.pdf', type: 'mspe', letter_id: '', jti: '' });
});

t.test('blank rows are skipped but counted, so row numbers stay the spreadsheet rows', async (t) => {
  const parsed = parseBatchCsv(csvOf([row, '', ',,,,,,,,', row.replace('a.pdf', 'b.pdf')]));
  t.same(parsed.problems, []);
  t.same(
    parsed.rows.map((r) => [r.row, r.values.file]),
    [
      [2, 'a.pdf'],
      [5, 'b.pdf'],
    ],
  );
});

t.test('the header is checked: unknown, missing, repeated and unnamed columns are all reported', async (t) => {
  const parsed = parseBatchCsv('file,kind,ecfmg_id,given_name,given_name,,date_of_birth\n');
  t.same(
    parsed.problems.map((p) => [p.code, p.row, p.column]),
    [
      ['column_unknown', 1, 'kind'],
      ['column_repeated', 1, 'given_name'],
      ['column_unknown', 1, undefined],
      ['column_missing', 1, 'type'],
      ['column_missing', 1, 'family_name'],
    ],
  );
  t.match(parsed.problems[0]?.message, /The column "kind" is not one of file, type, ecfmg_id/);
  t.match(parsed.problems[2]?.message, /Column 6 of the header has no name/);
});

t.test('rows with more or fewer values than the header are reported and left out', async (t) => {
  const parsed = parseBatchCsv(
    csvOf([
      `${row},extra`,
      'b.pdf,transcript,12345678',
      `${row},,,`,
      'c.pdf,transcript,12345678,Okafor, Jr,Chi,1996-04-12,,,my-jti',
    ]),
  );
  t.same(
    parsed.problems.map((p) => [p.code, p.row]),
    [
      ['row_too_many_values', 2],
      ['row_too_few_values', 3],
      ['row_too_many_values', 5],
    ],
    'empty cells past the header are spreadsheet padding, not values',
  );
  t.match(
    parsed.problems[2]?.message,
    /has 10 values but the header has 9 columns; wrap a value that holds a comma in double quotes/,
  );
  t.same(
    parsed.rows.map((r) => r.row),
    [4],
  );
});

t.test(
  'a broken quote, a file that is not UTF-8, semicolons and an empty file each get their own sentence',
  async (t) => {
    const quote = parseBatchCsv(csvOf([row, 'b.pdf,transcript,12345678,"Chiamaka,Okafor,1996-04-12,,,']));
    t.same(
      quote.problems.map((p) => [p.code, p.row]),
      [['csv_malformed', 3]],
    );
    t.match(quote.problems[0]?.message, /double quote is not closed/);

    const latin1 = new Uint8Array([
      ...new TextEncoder().encode(`${header}\na.pdf,transcript,12345678,Jos`),
      0xe9,
      0x0a,
    ]);
    t.same(
      parseBatchCsv(latin1).problems.map((p) => [p.code, p.message]),
      [['csv_unreadable', 'The CSV is not UTF-8 text: save it from the spreadsheet as "CSV UTF-8 (comma delimited)".']],
    );

    t.same(
      parseBatchCsv(`${header.replaceAll(',', ';')}\n${row.replaceAll(',', ';')}\n`).problems.map((p) => p.code),
      ['csv_malformed'],
    );
    t.match(parseBatchCsv(`${header.replaceAll(',', ';')}\n`).problems[0]?.message, /separated by semicolons/);
    t.same(
      parseBatchCsv('').problems.map((p) => p.code),
      ['csv_empty'],
    );
    t.same(
      parseBatchCsv(`${header}\r\n`).problems.map((p) => p.code),
      ['csv_empty'],
    );
  },
);

t.test('10,000 rows are read in well under a second', async (t) => {
  const rows = Array.from(
    { length: 10_000 },
    (_, i) => `doc-${i}.pdf,transcript,${String(10_000_000 + i)},"Okafor, Chiamaka",Okafor,1996-04-12,,,`,
  );
  const started = performance.now();
  const parsed = parseBatchCsv(`\uFEFF${csvOf(rows, '\r\n')}`);
  const elapsed = performance.now() - started;
  t.same(parsed.problems, []);
  t.equal(parsed.rows.length, 10_000);
  t.equal(parsed.rows[9_999]?.row, 10_001);
  t.equal(parsed.rows[9_999]?.values.given_name, 'Okafor, Chiamaka');
  t.ok(elapsed < 1000, `${elapsed.toFixed(0)} ms`);
});
