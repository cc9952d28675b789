import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { makeKeyInBrowser, pdfBytes, shows, signInAs, startPortal } from '../support/portal-browser.js';

t.test(
  'a batch of 20 with two bad rows is refused whole, then fixed and sent, then sent again with nothing new stored',
  async (t) => {
    const world = await startPortal(t);
    const school = await world.activeSchool('Lahore Medical College');
    const applicant = await world.applicant({ given_name: 'Ayesha', family_name: 'Khan', date_of_birth: '1997-01-30' });
    const directory = t.testdir({});
    const pdfs: string[] = [];
    for (let i = 1; i <= 20; i++) {
      const path = join(directory, `transcript-${i}.pdf`);
      await writeFile(path, pdfBytes(`transcript ${i}`));
      pdfs.push(path);
    }
    const header = 'file,type,ecfmg_id,given_name,family_name,date_of_birth,letter_id,supersedes,jti';
    const row = (i: number, ecfmg = applicant.ecfmg_id, date = '1997-01-30') =>
      `transcript-${i}.pdf,transcript,${ecfmg},Ayesha,Khan,${date},,,`;
    const rows = Array.from({ length: 20 }, (_, k) => row(k + 1));
    rows[4] = row(5, '1234567'); // seven digits
    rows[11] = row(12, applicant.ecfmg_id, '1997-02-30'); // no such day
    const csv = join(directory, 'batch.csv');
    await writeFile(csv, `\uFEFF${[header, ...rows].join('\r\n')}\r\n`);

    const page = await world.newPage();
    await signInAs(page, new RegExp(school.wdoms_id));
    await page.getByRole('heading', { name: school.name }).waitFor();
    await makeKeyInBrowser(page);
    await page.getByRole('link', { name: 'Batch' }).click();
    await page.getByLabel('The batch CSV').setInputFiles(csv);
    await page.getByLabel('The PDFs it names').setInputFiles(pdfs);
    await page.getByRole('button', { name: 'Check the batch' }).click();
    await page.getByText('2 problems to fix first: nothing was sent.').waitFor();
    t.ok(await shows(page.getByText(/Row 6, ecfmg_id: .*8 digits/)), 'the short ECFMG ID, on its row and column');
    t.ok(await shows(page.getByText(/Row 13, date_of_birth: .*real date/)), 'the impossible date');
    t.notOk(await page.getByRole('button', { name: /Sign and send/ }).isVisible(), 'nothing can be sent yet');
    t.equal((await world.asAdmin<{ items: unknown[] }>('GET', '/v1/documents')).items.length, 0, 'nothing stored');

    rows[4] = row(5);
    rows[11] = row(12);
    const fixed = join(directory, 'batch-fixed.csv');
    await writeFile(fixed, `${[header, ...rows].join('\n')}\n`);
    await page.getByLabel('The batch CSV').setInputFiles(fixed);
    await page.getByRole('button', { name: 'Check the batch' }).click();
    await page.getByText('All 20 rows are ready to send.').waitFor();
    await page.getByRole('button', { name: 'Sign and send 20 documents' }).click();
    await page.getByText('20 sent, 0 already received, 0 failed.').waitFor({ timeout: 60_000 });
    t.equal(await page.getByRole('cell', { name: 'Sent: Verified' }).count(), 20, 'every row verified');

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download the results (CSV)' }).click();
    const results = await readFile(await (await download).path(), 'utf8');
    t.match(results, /^row,file,status,document_id,document_status,error_code,detail\r\n/);
    t.equal(results.match(/,sent,[0-9a-f-]{36},verified,/g)?.length, 20, 'the results CSV has every row');

    // The same batch again, as after an interruption: the derived jti make every row a repeat.
    await page.reload();
    await page.getByLabel('The batch CSV').setInputFiles(fixed);
    await page.getByLabel('The PDFs it names').setInputFiles(pdfs);
    await page.getByRole('button', { name: 'Check the batch' }).click();
    await page.getByRole('button', { name: 'Sign and send 20 documents' }).click();
    await page.getByText('0 sent, 20 already received, 0 failed.').waitFor({ timeout: 60_000 });
    const stored = await world.asAdmin<{ items: unknown[] }>('GET', '/v1/documents?limit=200');
    t.equal(stored.items.length, 20, 'nothing was stored twice');
  },
);

t.test('a sign-in that runs out in the middle of a batch stops it; signed in again, the rest is sent', async (t) => {
  const world = await startPortal(t);
  const school = await world.activeSchool('Ibadan College of Medicine');
  const applicant = await world.applicant({ given_name: 'Tunde', family_name: 'Adeyemi', date_of_birth: '1996-09-09' });
  const directory = t.testdir({});
  const pdfs: string[] = [];
  const rows = ['file,type,ecfmg_id,given_name,family_name,date_of_birth'];
  for (let i = 1; i <= 8; i++) {
    const path = join(directory, `letter-${i}.pdf`);
    await writeFile(path, pdfBytes(`adeyemi ${i}`));
    pdfs.push(path);
    rows.push(`letter-${i}.pdf,transcript,${applicant.ecfmg_id},Tunde,Adeyemi,1996-09-09`);
  }
  const csv = join(directory, 'batch.csv');
  await writeFile(csv, rows.join('\n'));
  const page = await world.newPage();
  await signInAs(page, new RegExp(school.wdoms_id));
  await page.getByRole('heading', { name: school.name }).waitFor();
  await makeKeyInBrowser(page);
  await page.getByRole('link', { name: 'Batch' }).click();
  await page.getByLabel('The batch CSV').setInputFiles(csv);
  await page.getByLabel('The PDFs it names').setInputFiles(pdfs);
  await page.getByRole('button', { name: 'Check the batch' }).click();

  // After three uploads the API starts refusing the token, as it does once it has expired.
  let uploads = 0;
  await page.route('**/v1/documents', async (route) => {
    if (route.request().method() !== 'POST' || ++uploads <= 3) return route.continue();
    await route.fulfill({
      status: 401,
      contentType: 'application/problem+json',
      headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
      body: JSON.stringify({ status: 401, code: 'invalid_token', detail: 'The token has expired.' }),
    });
  });
  await page.getByRole('button', { name: 'Sign and send 8 documents' }).click();
  await page.getByText(/The batch stopped: /).waitFor();
  await page.getByText('You are signed out: your sign-in has expired. What you typed on this page is kept.').waitFor();
  const stored = (await world.asAdmin<{ items: unknown[] }>('GET', '/v1/documents')).items.length;
  t.ok(stored >= 3 && stored < 8, `the batch stopped rather than sending every row to be refused (${stored} stored)`);

  await page.unroute('**/v1/documents');
  const popup = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Sign in again' }).click();
  // The provider may remember the sign-in and close the pop-up at once, before a listener is attached.
  const signIn = await popup;
  if (!signIn.isClosed()) await signIn.waitForEvent('close');
  await page.getByRole('button', { name: /Send the \d failed rows? again/ }).click();
  await page.getByText(/already received, 0 failed\./).waitFor();
  t.equal(
    await page.getByRole('cell', { name: /^(Sent|Already received earlier).*: Verified$/ }).count(),
    8,
    'every row ends verified',
  );
  t.equal((await world.asAdmin<{ items: unknown[] }>('GET', '/v1/documents')).items.length, 8, 'each stored once');
});
