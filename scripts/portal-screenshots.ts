/**
 * Takes the README's portal screenshots (docs/screenshots/) in Debian's Chromium against the built
 * service with the development OpenID provider: a registrar signs in, makes a key, submits an MSPE,
 * checks a batch with a bad row and sends a fixed one; the applicant releases the MSPE to a program,
 * whose coordinator signs in, opens it and downloads it with its receipt; then a stranger checks the
 * MSPE on /verify.
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

  // The applicant releases the MSPE to a program (through the API, as the applicant's pages would).
  const asRole = async <T>(token: string, method: string, path: string, body: unknown): Promise<T> => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const admin = await server.token({ sub: 'screenshots-operator', role: 'admin' });
  const program = await asRole<{ id: string; acgme_id: string }>(admin, 'POST', '/v1/programs', {
    acgme_id: '1403521001',
    name: 'Cook County Internal Medicine Residency',
    specialty: 'Internal Medicine',
  });
  const mspeId = new URL(page.url()).pathname.split('/').at(-1) ?? '';
  await asRole(applicant.token, 'POST', `/v1/applicants/${applicant.id}/releases`, {
    document_id: mspeId,
    program_id: program.id,
  });
  const coordinator = await (
    await browser.newContext({ baseURL: server.url, viewport: { width: 1100, height: 760 }, acceptDownloads: true })
  ).newPage();
  await coordinator.goto('/');
  await coordinator.getByRole('button', { name: 'Sign in' }).first().click();
  await coordinator.getByLabel(new RegExp(program.acgme_id)).check();
  await coordinator.getByRole('button', { name: 'Sign in' }).click();
  await coordinator.getByRole('link', { name: /MSPE/ }).first().waitFor();
  await coordinator.screenshot({ path: join(out, '8-program-documents.png'), fullPage: true });
  await coordinator.getByRole('link', { name: /MSPE/ }).first().click();
  const pdf = coordinator.waitForEvent('download');
  await coordinator.getByRole('button', { name: 'Download the PDF' }).click();
  await pdf;
  const receipt = coordinator.waitForEvent('download');
  await coordinator.getByRole('button', { name: 'Download the receipt' }).click();
  await receipt;
  await coordinator.getByText(/The receipt was downloaded/).waitFor();
  await coordinator.screenshot({ path: join(out, '9-program-document.png'), fullPage: true });

  // A stranger checks the MSPE on the public /verify page: no sign-in, only its hash is sent.
  const stranger = await (
    await browser.newContext({ baseURL: server.url, viewport: { width: 1100, height: 760 } })
  ).newPage();
  await stranger.goto('/verify');
  await stranger.getByLabel('The PDF, receipt or log proof to check').setInputFiles(mspe);
  await stranger.getByText(/^Genuine: /).waitFor();
  await stranger.screenshot({ path: join(out, '10-verify.png'), fullPage: true });
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
  await server.stop();
  await rm(folder, { recursive: true, force: true });
}
