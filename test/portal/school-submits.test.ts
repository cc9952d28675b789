import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { pdfBytes, shows, signInAs, startPortal } from '../support/portal-browser.js';

t.test('a registrar signs in, makes a key in the browser, submits an MSPE and sees it verified', async (t) => {
  const world = await startPortal(t);
  const school = await world.activeSchool('Lagos University College of Medicine');
  const applicant = await world.applicant({
    given_name: 'Chiamaka',
    family_name: 'Okafor',
    date_of_birth: '1996-04-12',
  });
  const page = await world.newPage();

  await signInAs(page, new RegExp(school.wdoms_id));
  await page.getByRole('heading', { name: school.name }).waitFor();
  t.ok(await shows(page.getByText('Active: your school can submit documents.')), 'the school and its status');

  await page.getByRole('link', { name: 'Keys' }).click();
  await page.getByRole('button', { name: 'Make a new key in this browser' }).click();
  await page.getByText(/A new key was made in this browser and registered/).waitFor();
  t.ok(await shows(page.getByRole('cell', { name: 'Yes, made here' })), 'the key is listed as kept in this browser');
  const keys = await world.asAdmin<{ items: { status: string; alg: string }[] }>(
    'GET',
    `/v1/schools/${school.id}/keys`,
  );
  t.equal(keys.items.length, 1, 'its public half is registered');

  const directory = t.testdir({});
  const pdf = join(directory, 'okafor-mspe.pdf');
  await writeFile(pdf, pdfBytes('okafor'));
  await page.getByRole('link', { name: 'Submit' }).click();
  await page.getByLabel('Document type').selectOption('mspe');
  await page.getByLabel("Applicant's ECFMG ID").fill(applicant.ecfmg_id);
  await page.getByLabel('Given name').fill('Chiamaka');
  await page.getByLabel('Family name').fill('Okafor');
  await page.getByLabel('Date of birth').fill('1996-04-12');
  await page.getByLabel('The PDF').setInputFiles(pdf);
  await page.getByRole('button', { name: 'Sign and send' }).click();
  await page.getByText(/Verified: the signature, the file and your school checked out/).waitFor();

  await page.getByRole('link', { name: 'Open the document' }).click();
  await page.getByRole('heading', { name: /MSPE .* for ECFMG ID/ }).waitFor();
  const documents = await world.asAdmin<{ items: { status: string; ecfmg_id: string }[] }>('GET', '/v1/documents');
  t.match(documents.items, [{ status: 'verified', ecfmg_id: applicant.ecfmg_id }], 'the service holds it, verified');
});
