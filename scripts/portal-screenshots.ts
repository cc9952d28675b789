/**
 * Takes the README's portal screenshots (docs/screenshots/) in Debian's Chromium against the built
 * service with the development OpenID provider: a registrar signs in, makes a key, submits an MSPE,
 * checks a batch with a bad row and sends a fixed one; at a phone's width the applicant releases the
 * MSPE to a program found by name and looks at her letters; the program's coordinator signs in, opens
 * it and downloads it with its receipt; and the applicant sees that download in her disclosures; an
 * operator vets a pending school and clears the review queue; then a stranger checks the MSPE on
 * /verify.
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

  // The applicant, on her phone, releases the MSPE to the program found by name.
  const phone = await (
    await browser.newContext({ baseURL: server.url, viewport: { width: 390, height: 844 }, isMobile: true })
  ).newPage();
  const phoneShot = (name: string) => phone.screenshot({ path: join(out, `${name}.png`), fullPage: true });
  const phoneNav = (label: string) =>
    phone.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label });
  await phone.goto('/');
  await phone.getByRole('button', { name: 'Sign in' }).first().click();
  await phone.getByLabel(new RegExp(applicant.ecfmg_id)).check();
  await phone.getByRole('button', { name: 'Sign in' }).click();
  await phone.getByRole('heading', { name: 'Your documents' }).waitFor();
  await phone.getByRole('link', { name: /MSPE/ }).first().waitFor();
  await phoneShot('10-applicant-documents');
  await phone.getByRole('link', { name: /MSPE/ }).first().click();
  await phone.getByLabel('Find the program').fill('cook county');
  await phone.getByRole('button', { name: 'Search' }).click();
  await phone.getByLabel(/Cook County Internal Medicine Residency/).check();
  await phone.getByRole('button', { name: 'Release to the chosen program' }).click();
  await phone.getByText(/^Released to Cook County/).waitFor();
  await phoneShot('11-applicant-released');
  await phoneNav('Letters').click();
  await phone.getByText(/If you waive it/).waitFor();
  await phoneShot('12-applicant-letters');

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

  await phoneNav('Disclosures').click();
  await phone.getByText(/downloaded your MSPE/).waitFor();
  await phoneShot('13-applicant-disclosures');
  // A transcript whose family name the school misspelt waits for an operator.
  const misspelt = join(folder, 'okafur-transcript.pdf');
  await writeFile(misspelt, pdfOfSize(80 * 1024));
  await page.getByRole('link', { name: 'Submit' }).click();
  await page.getByLabel('Document type').selectOption('transcript');
  await page.getByLabel("Applicant's ECFMG ID").fill(applicant.ecfmg_id);
  await page.getByLabel('Given name').fill(applicant.given_name);
  await page.getByLabel('Family name').fill('Okafur');
  await page.getByLabel('Date of birth').fill(applicant.date_of_birth);
  await page.getByLabel('The PDF').setInputFiles(misspelt);
  await page.getByRole('button', { name: 'Sign and send' }).click();
  await page.getByRole('link', { name: 'Open the document' }).waitFor();

  // The operator's own token registers the school still waiting for vetting.
  const pending = await fetch(`${server.url}/v1/schools`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      wdoms_id: 'F0004321',
      name: 'University of Nairobi School of Medicine',
      country: 'KE',
      contact_email: 'registrar@uonbi.example',
    }),
  });
  if (pending.status !== 201) throw new Error(`registering a pending school: ${pending.status}`);
  const operator = await (
    await browser.newContext({ baseURL: server.url, viewport: { width: 1100, height: 760 } })
  ).newPage();
  const operatorShot = (name: string) => operator.screenshot({ path: join(out, `${name}.png`), fullPage: true });
  await operator.goto('/');
  await operator.getByRole('button', { name: 'Sign in' }).first().click();
  await operator.getByLabel('Operator (admin)').check();
  await operator.getByRole('button', { name: 'Sign in' }).click();
  await operator.getByText(/waiting for vetting on this page/).waitFor();
  await operatorShot('14-operator-schools');
  await operator.getByRole('link', { name: 'Review queue' }).click();
  await operator.getByRole('heading', { name: /^Transcript from/ }).waitFor();
  await operator.getByLabel('Note').fill('A typing error at the school: confirmed with the registrar by phone');
  await operatorShot('15-review-queue');
  await operator.getByRole('button', { name: 'Accept as this applicant’s' }).click();
  await operator.getByText('No documents are waiting for review.').waitFor();

  // A stranger checks the MSPE on the public /verify page: no sign-in, only its hash is sent.
  const stranger = await (
    await browser.newContext({ baseURL: server.url, viewport: { width: 1100, height: 760 } })
  ).newPage();
  await stranger.goto('/verify');
  await stranger.getByLabel('The PDF, receipt or log proof to check').setInputFiles(mspe);
  await stranger.getByText(/^Genuine: /).waitFor();
  await stranger.screenshot({ path: join(out, '16-verify.png'), fullPage: true });
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
  await server.stop();
  await rm(folder, { recursive: true, force: true });
}
