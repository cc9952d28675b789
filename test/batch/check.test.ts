import { createHash } from 'node:crypto';
import t from 'tap';
import { batchFileOf, checkBatchCsv, derivedJti, describeProblem, type BatchProblem } from '../../src/batch/index.js';
import { manifestPayloadErrors } from '../../src/documents/manifest-schema.js';
import { csvOf, filesOf, issuer, letterId, memoryFile, pdfText } from './support.js';

const row = (file: string, rest = 'transcript,12345678,Chiamaka,Okafor,1996-04-12,,,') => `${file},${rest}`;
const codes = (problems: BatchProblem[]) => problems.map((p) => [p.code, p.row, p.column]);

t.test(
  'good rows become manifests for the service, with a jti derived from school, bytes, type and applicant',
  async (t) => {
    const a = memoryFile('a.pdf', pdfText('a'));
    const b = memoryFile('b.pdf', pdfText('b'));
    const c = memoryFile('c.pdf', pdfText('c'));
    const check = await checkBatchCsv(
      csvOf([
        row('a.pdf'),
        row('b.pdf', `LOR,12345678,Chiamaka,Okafor,1996-04-12,${letterId},,`),
        row('c.pdf', 'mspe,87654321,Ada,Obi,1990-01-31,,,school-own-id-7'),
      ]),
      filesOf(a, b, c),
      { issuer },
    );
    t.same(check.problems, []);
    t.same(
      check.rows.map((r) => [r.row, r.file.name]),
      [
        [2, 'a.pdf'],
        [3, 'b.pdf'],
        [4, 'c.pdf'],
      ],
    );
    const [first, second, third] = check.rows;
    const sha256 = createHash('sha256').update(pdfText('a')).digest('hex');
    t.same(first?.manifest, {
      iss: issuer,
      jti: `batch-${createHash('sha256').update(['emswp-batch-v1', issuer, sha256, 'transcript', '12345678'].join('\n')).digest('hex')}`,
      document: { type: 'transcript', sha256, size: pdfText('a').length, media_type: 'application/pdf' },
      applicant: { ecfmg_id: '12345678', given_name: 'Chiamaka', family_name: 'Okafor', date_of_birth: '1996-04-12' },
    });
    t.equal(second?.manifest.document.type, 'lor', 'the type is read without regard to case');
    t.equal(second?.manifest.letter_id, letterId);
    t.equal(third?.manifest.jti, 'school-own-id-7', "the school's own jti is kept");
    for (const planned of check.rows)
      t.same(manifestPayloadErrors({ ...planned.manifest, iat: 1_700_000_000 }), [], 'the service would accept it');
    t.equal(a.reads, 1, 'each file read once');
  },
);

t.test('the derived jti changes with each of its facts and only with them', async (t) => {
  const facts = { issuer, sha256: 'a'.repeat(64), type: 'transcript', ecfmgId: '12345678' } as const;
  const base = await derivedJti(facts);
  t.equal(await derivedJti({ ...facts }), base, 'the same facts, the same jti: a re-run resends nothing new');
  const variants = await Promise.all([
    derivedJti({ ...facts, issuer: 'F7654321' }),
    derivedJti({ ...facts, sha256: 'b'.repeat(64) }),
    derivedJti({ ...facts, type: 'mspe' }),
    derivedJti({ ...facts, ecfmgId: '87654321' }),
    derivedJti({ ...facts, supersedes: letterId }),
  ]);
  t.equal(new Set([base, ...variants]).size, 6);
  t.ok(base.length <= 128, 'within the manifest jti limit');
});

t.test('each bad value is reported on its row and column, in a plain sentence, all at once', async (t) => {
  const files = filesOf(...Array.from({ length: 12 }, (_, i) => memoryFile(`f${i}.pdf`, pdfText(`f${i}`))));
  const check = await checkBatchCsv(
    csvOf([
      row('f0.pdf', 'transcript,1234567,Chiamaka,Okafor,1996-04-12,,,'),
      row('f1.pdf', 'transcript,12345678,Chiamaka,Okafor,1996-02-30,,,'),
      row('f2.pdf', 'transcript,12345678,Chiamaka,Okafor,12/04/1996,,,'),
      row('f3.pdf', 'lor,12345678,Chiamaka,Okafor,1996-04-12,,,'),
      row('f4.pdf', `transcript,12345678,Chiamaka,Okafor,1996-04-12,${letterId},,`),
      row('f5.pdf', 'cv,12345678,Chiamaka,Okafor,1996-04-12,,,'),
      row('f6.pdf', 'transcript,,,Okafor,1996-04-12,,,'),
      row('f7.pdf', 'lor,12345678,Chiamaka,Okafor,1996-04-12,not-a-uuid,,'),
      row('f8.pdf', 'transcript,12345678,Chiamaka,Okafor,1996-04-12,,previous,'),
      row('f9.pdf', `transcript,12345678,${'x'.repeat(101)},Okafor,1996-04-12,,,`),
      row('f10.pdf', `transcript,12345678,Chiamaka,Okafor,1996-04-12,,,${'j'.repeat(129)}`),
      row('', 'transcript,12345678,Chiamaka,Okafor,1996-04-12,,,'),
    ]),
    files,
    { issuer },
  );
  t.same(codes(check.problems), [
    ['file_extra', undefined, undefined],
    ['value_invalid', 2, 'ecfmg_id'],
    ['value_invalid', 3, 'date_of_birth'],
    ['value_invalid', 4, 'date_of_birth'],
    ['value_invalid', 5, 'letter_id'],
    ['value_invalid', 6, 'letter_id'],
    ['value_invalid', 7, 'type'],
    ['value_missing', 8, 'ecfmg_id'],
    ['value_missing', 8, 'given_name'],
    ['value_invalid', 9, 'letter_id'],
    ['value_invalid', 10, 'supersedes'],
    ['value_invalid', 11, 'given_name'],
    ['value_invalid', 12, 'jti'],
    ['value_missing', 13, 'file'],
  ]);
  t.same(check.problems.slice(1, 8).map(describeProblem), [
    'Row 2, ecfmg_id: The ecfmg_id "1234567" must be the ECFMG ID, 8 digits.',
    'Row 3, date_of_birth: The date_of_birth "1996-02-30" must be a real date, YYYY-MM-DD.',
    'Row 4, date_of_birth: The date_of_birth "12/04/1996" must be a real date, YYYY-MM-DD.',
    'Row 5, letter_id: The letter_id is missing: a lor (letter of recommendation) names its letter request.',
    `Row 6, letter_id: The letter_id "${letterId}" must be absent for a transcript: only a lor has a letter_id.`,
    'Row 7, type: The type "cv" must be one of mspe, transcript, lor.',
    'Row 8, ecfmg_id: The ecfmg_id is empty; every row needs one.',
  ]);
  t.match(describeProblem(check.problems[0] as BatchProblem), /The file "f11\.pdf" was chosen but no row names it/);
  t.equal(check.rows.length, 0, 'no row passed');
});

t.test("a row's file problem is listed beside its value problems", async (t) => {
  const check = await checkBatchCsv(
    csvOf([row('notes.pdf', 'transcript,1234,Chiamaka,Okafor,1996-04-12,,,')]),
    filesOf(memoryFile('notes.pdf', 'meeting notes, saved as .pdf')),
    { issuer },
  );
  t.same(codes(check.problems), [
    ['value_invalid', 2, 'ecfmg_id'],
    ['file_not_pdf', 2, 'file'],
  ]);
});

t.test('files: missing, empty, over the limit, not a PDF, unreadable', async (t) => {
  const big = memoryFile('big.pdf', pdfText('x'.repeat(2000)));
  const broken = {
    name: 'broken.pdf',
    size: 10,
    bytes: async (): Promise<Uint8Array> => {
      throw new Error('permission denied');
    },
  };
  const check = await checkBatchCsv(
    csvOf([row('Missing.pdf'), row('empty.pdf'), row('big.pdf'), row('renamed.pdf'), row('broken.pdf')]),
    filesOf(memoryFile('empty.pdf', ''), big, memoryFile('renamed.pdf', 'PK\x03\x04 a zip renamed .pdf'), broken),
    { issuer, maxDocumentBytes: 1024, filesLabel: 'the folder /school/batch' },
  );
  t.same(codes(check.problems), [
    ['file_missing', 2, 'file'],
    ['file_empty', 3, 'file'],
    ['file_too_large', 4, 'file'],
    ['file_not_pdf', 5, 'file'],
    ['file_unreadable', 6, 'file'],
  ]);
  t.same(check.problems.map(describeProblem), [
    'Row 2, file: There is no file "Missing.pdf" among the folder /school/batch; check the name, including capitals and the .pdf ending.',
    'Row 3, file: The file "empty.pdf" is empty (0 bytes).',
    'Row 4, file: The file "big.pdf" is 0.0 MiB; the service accepts documents of at most 0.0 MiB (1024 bytes).',
    'Row 5, file: The file "renamed.pdf" is not a PDF: it does not start with %PDF- (renaming a file to .pdf does not make it one); export or print it as PDF.',
    'Row 6, file: The file "broken.pdf" cannot be read: permission denied.',
  ]);
  t.equal(big.reads, 0, 'a file over the limit is not read');
});

t.test('the default size limit is the service default, MAX_DOCUMENT_BYTES 20 MiB', async (t) => {
  const huge = { name: 'huge.pdf', size: 20 * 1024 * 1024 + 1, bytes: async () => new Uint8Array() };
  const check = await checkBatchCsv(csvOf([row('huge.pdf')]), filesOf(huge), { issuer });
  t.same(codes(check.problems), [['file_too_large', 2, 'file']]);
  t.match(
    check.problems[0]?.message,
    /is 20\.0 MiB; the service accepts documents of at most 20\.0 MiB \(20971520 bytes\)/,
  );
});

t.test('duplicates: a repeated row, a file named twice, the same PDF under two names, a jti used twice', async (t) => {
  const check = await checkBatchCsv(
    csvOf([
      row('a.pdf'),
      row('a.pdf'),
      row('a.pdf', 'mspe,87654321,Ada,Obi,1990-01-31,,,'),
      row('copy-of-a.pdf', 'mspe,87654321,Ada,Obi,1990-01-31,,,'),
      row('b.pdf', 'transcript,12345678,Chiamaka,Okafor,1996-04-12,,,same-jti'),
      row('c.pdf', 'transcript,87654321,Ada,Obi,1990-01-31,,,same-jti'),
    ]),
    filesOf(
      memoryFile('a.pdf', pdfText('a')),
      memoryFile('copy-of-a.pdf', pdfText('a')),
      memoryFile('b.pdf', pdfText('b')),
      memoryFile('c.pdf', pdfText('c')),
    ),
    { issuer },
  );
  t.same(codes(check.problems), [
    ['row_duplicate', 3, undefined],
    ['row_duplicate', 4, 'file'],
    ['row_duplicate', 5, 'file'],
    ['row_duplicate', 7, 'jti'],
  ]);
  t.same(check.problems.map(describeProblem), [
    'Row 3: The row repeats row 2; remove one of them.',
    'Row 4, file: The file "a.pdf" is also named in row 2; a PDF is one document, listed once (send a correction with supersedes).',
    'Row 5, file: The file "copy-of-a.pdf" has the same content as "a.pdf" in row 2; list each PDF once.',
    `Row 7, jti: The jti "same-jti" is also row 6's; each document needs its own jti (or leave the column empty).`,
  ]);
});

t.test('a batch of 10,000 rows is checked, every file hashed, in a few seconds', async (t) => {
  const files = Array.from({ length: 10_000 }, (_, i) => memoryFile(`doc-${i}.pdf`, pdfText(`document ${i}`)));
  const rows = files.map((file, i) =>
    row(file.name, `transcript,${10_000_000 + i},"Okafor, Chiamaka",Okafor,1996-04-12,,,`),
  );
  let progress = 0;
  const started = performance.now();
  const check = await checkBatchCsv(`\uFEFF${csvOf(rows, '\r\n')}`, filesOf(...files), {
    issuer,
    onProgress: (checked) => (progress = checked),
  });
  const seconds = (performance.now() - started) / 1000;
  t.same(check.problems, []);
  t.equal(check.rows.length, 10_000);
  t.equal(new Set(check.rows.map((r) => r.manifest.jti)).size, 10_000);
  t.equal(progress, 10_000, 'progress reported to the last row');
  t.ok(seconds < 20, `${seconds.toFixed(1)} s`);
});

t.test('a browser File (any named Blob) is checked as it is and handed back for the upload', async (t) => {
  const blob = new File([pdfText('chosen')], 'chosen.pdf', { type: 'application/pdf' });
  const check = await checkBatchCsv(csvOf([row('chosen.pdf')]), new Map([[blob.name, batchFileOf(blob)]]), { issuer });
  t.same(check.problems, []);
  t.equal(check.rows[0]?.file.blob, blob);
  t.equal(check.rows[0]?.manifest.document.size, blob.size);
});
