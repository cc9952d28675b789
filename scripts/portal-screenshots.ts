/**
 * Takes the README's portal screenshots (docs/screenshots/) in Debian's Chromium against the built
 * service with the development OpenID provider: a registrar signs in, makes a key, submits an MSPE,
 * checks a batch with a bad row and sends a fixed one; then a stranger checks the MSPE on /verify.
 *
 *   npm run screenshots      (CHROMIUM_PATH, default /usr/bin/chromium)
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../bench/support/chromium.js';
import { registerApplicant, registerSchool, pdfOfSize } from '../bench/support/actors.js';
import { startBenchServer } from '../bench/support/harness.js';

const out = join(import.meta.dirname, '..', 'docs', 'screenshots');
const server = await startBenchServer();
const folder = await mkdtemp(join(tmpdir(), 'emswp-screenshots-'));
const browser = await launchChromium();
try {
  const school = await registerSchool(server);
  const applicant = await registerApplicant(server);
  const page = await (
    await browser.newContext({ baseURL: server.url, viewport: { width: 1100, height: 760 } })
  ).newPage();
  const shot = (name: string) => page.screenshot({ path: join(out, `${name}.png`), fullPage: true });

  await page.goto('/');
  await page.getByRole('button', { name: 'Sign in' }).first().click();
  await page.getByRole('heading', { name: 'Development sign-in' }).waitFor();
  await shot('1-development-sign-in');
  await page.getByLabel(new RegExp(school.wdoms_id)).check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: `Benchmark School ${school.wdoms_id}` }).waitFor();
  await shot('2-school');

  await page.getByRole('link', { name: 'Keys' }).click();
  await page.getByRole('button', { name: 'Make a new key in this browser' }).click();
  await page.getByText(/A new key was made in this browser/).waitFor();
  await shot('3-keys');

  const mspe = join(folder, 'okafor-mspe.pdf');
  await writeFile(mspe, pdfOfSize(300 * 1024));
  await page.getByRole('link', { name: 'Submit' }).click();
  await page.getByLabel("Applicant's ECFMG ID").fill(applicant.ecfmg_id);
  await page.getByLabel('Given name').fill(applicant.given_name);
  await page.getByLabel('Family name').fill(applicant.family_name);
  await page.getByLabel('Date of birth').fill(applicant.date_of_birth);
  await page.getByLabel('The PDF').setInputFiles(mspe);
  await page.getByRole('button', { name: 'Sign and send' }).click();
  await page.getByRole('link', { name: 'Open the document' }).waitFor();
  await shot('4-submitted');

  const pdfs: string[] = [];
  const rows: string[] = [];
  for (let i = 1; i <= 5; i++) {
    pdfs.push(join(folder, `transcript-${i}.pdf`));
    await writeFile(pdfs[i - 1] as string, pdfOfSize(100 * 1024));
    rows.push(`transcript-${i}.pdf,transcript,${applicant.ecfmg_id},Chiamaka,Okafor,1996-04-12,,,`);
  }
  const header = 'file,type,ecfmg_id,given_name,family_name,date_of_birth,letter_id,supersedes,jti';
  const bad = join(folder, 'batch.csv');
  await writeFile(
    bad,
    [header, ...rows.slice(0, 2), rows[2]?.replace('1996-04-12', '1996-04-31'), ...rows.slice(3)].join('\n'),
  );
  await page.getByRole('link', { name: 'Batch' }).click();
  await page.getByLabel('The batch CSV').setInputFiles(bad);
  await page.getByLabel('The PDFs it names').setInputFiles(pdfs);
  await page.getByRole('button', { name: 'Check the batch' }).click();
  await page.getByText(/problem to fix first/).waitFor();
  await shot('5-batch-problems');
  const good = join(folder, 'batch-fixed.csv');
  await writeFile(good, [header, ...rows].join('\n'));
  await page.getByLabel('The batch CSV').setInputFiles(good);
  await page.getByRole('button', { name: 'Check the batch' }).click();
  await page.getByRole('button', { name: 'Sign and send 5 documents' }).click();
  await page.getByText('5 sent, 0 already received, 0 failed.').waitFor();
  await shot('6-batch-sent');

  await page.getByRole('link', { name: 'Documents' }).click();
  await page.getByRole('link', { name: /MSPE/ }).first().click();
  await page.getByRole('heading', { name: 'History' }).waitFor();
  await shot('7-document');

  // A stranger checks the MSPE on the public /verify page: no sign-in, only its hash is sent.
  const stranger = await (
    await browser.newContext({ baseURL: server.url, viewport: { width: 1100, height: 760 } })
  ).newPage();
  await stranger.goto('/verify');
  await stranger.getByLabel('The PDF, receipt or log proof to check').setInputFiles(mspe);
  await stranger.getByText(/^Genuine: /).waitFor();
  await stranger.screenshot({ path: join(out, '8-verify.png'), fullPage: true });
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
  await server.stop();
  await rm(folder, { recursive: true, force: true });
}
