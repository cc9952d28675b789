import Papa from 'papaparse';
import t from 'tap';
import { checkBatchCsv, resultsColumns, resultsCsv, resultsFromProblems } from '../../src/batch/index.js';
import { csvOf, filesOf, issuer } from './support.js';

t.test('the results CSV has one line per row, RFC 4180 quoting and CRLF, and reads back the same', async (t) => {
  const text = resultsCsv([
    { row: 2, file: 'a.pdf', status: 'sent', documentId: 'd1', documentStatus: 'verified' },
    { row: 3, file: 'b, final.pdf', status: 'failed', errorCode: 'supersede_invalid', detail: 'No "such" document.' },
    { row: 4, file: 'c.pdf', status: 'not_sent', errorCode: 'key_revoked', detail: 'Not sent.' },
  ]);
  t.equal(
    text,
    'row,file,status,document_id,document_status,error_code,detail\r\n' +
      '2,a.pdf,sent,d1,verified,,\r\n' +
      '3,"b, final.pdf",failed,,,supersede_invalid,"No ""such"" document."\r\n' +
      '4,c.pdf,not_sent,,,key_revoked,Not sent.\r\n',
  );
  const back = Papa.parse<string[]>(text.trimEnd(), { delimiter: ',' });
  t.same(back.data[0], [...resultsColumns]);
  t.equal(back.data[2]?.[1], 'b, final.pdf');
});

t.test('values a spreadsheet would run as a formula are defused', async (t) => {
  const text = resultsCsv([{ row: 2, file: '=HYPERLINK("http://evil")', status: 'failed', detail: '+1' }]);
  t.notMatch(text, /(^|,)"?[=+]/m);
  t.match(text, /'=HYPERLINK/);
});

t.test('a batch that fails its check gives a results line per problem, status invalid', async (t) => {
  const check = await checkBatchCsv(
    csvOf(['a.pdf,transcript,1234,Ada,Obi,1990-01-31,,,', 'b.pdf,transcript,12345678,Ada,Obi,1990-01-31,,,', 'extra']),
    filesOf(),
    { issuer },
  );
  const lines = Papa.parse<Record<string, string>>(resultsCsv(resultsFromProblems(check.problems)).trimEnd(), {
    header: true,
  }).data;
  t.same(
    lines.map((line) => [line.row, line.file, line.status, line.error_code]),
    [
      ['2', 'a.pdf', 'invalid', 'value_invalid'],
      ['2', 'a.pdf', 'invalid', 'file_missing'],
      ['3', 'b.pdf', 'invalid', 'file_missing'],
      ['4', '', 'invalid', 'row_too_few_values'],
    ],
  );
  t.match(lines[0]?.detail, /^Row 2, ecfmg_id: The ecfmg_id "1234" must be the ECFMG ID, 8 digits\.$/);
});
