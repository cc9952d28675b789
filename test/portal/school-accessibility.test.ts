import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import {
  makeKeyInBrowser,
  pdfBytes,
  seriousViolations,
  signInAs,
  startPortal,
  tabTo,
} from '../support/portal-browser.js';

t.test('school pages, by keyboard and for screen readers', async (t) => {
  const world = await startPortal(t);
  const school = await world.activeSchool('Kumasi School of Medicine');
  const applicant = await world.applicant({ given_name: 'Kwame', family_name: 'Mensah', date_of_birth: '1995-11-03' });
  const directory = t.testdir({});
  const pdf = join(directory, 'mensah-transcript.pdf');
  await writeFile(pdf, pdfBytes('mensah'));

  await t.test('a registrar submits a transcript with the keyboard alone', async (t) => {
    const page = await world.newPage();
    await signInAs(page, new RegExp(school.wdoms_id));
    await page.getByRole('heading', { name: school.name }).waitFor();

    await tabTo(page, 'Keys');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Signing keys' }).waitFor();
    await tabTo(page, 'Make a new key in this browser');
    await page.keyboard.press('Enter');
    await page.getByText(/A new key was made in this browser and registered/).waitFor();

    await page.keyboard.press('Shift+Tab');
    await tabTo(page, 'Submit');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Submit a document' }).waitFor();
    await tabTo(page, 'Document type');
    await page.keyboard.press('ArrowDown'); // MSPE -> Transcript
    await tabTo(page, "Applicant's ECFMG ID");
    await page.keyboard.type(applicant.ecfmg_id);
    await page.keyboard.press('Tab');
    await page.keyboard.type('Kwame');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Mensah');
    await tabTo(page, 'Date of birth');
    await page.keyboard.type('11031995'); // the date field's own month/day/year segments
    await tabTo(page, 'The PDF');
    await page.locator('input[type=file]:focus').waitFor();
    const chooser = page.waitForEvent('filechooser');
    await page.keyboard.press('Space');
    await (await chooser).setFiles(pdf);
    await tabTo(page, 'Sign and send');
    await page.keyboard.press('Enter');
    await page.getByText(/Verified: the signature, the file and your school checked out/).waitFor();
    const stored = await world.asAdmin<{ items: { type: string; status: string }[] }>('GET', '/v1/documents');
    t.match(stored.items, [{ type: 'transcript', status: 'verified' }], 'stored and verified');
    await page.context().close();
  });

  await t.test('axe-core finds no serious or critical problem on any school page', async (t) => {
    const page = await world.newPage();
    await signInAs(page, new RegExp(school.wdoms_id));
    await page.getByRole('heading', { name: school.name }).waitFor();
    const check = async (what: string) => {
      const violations = await seriousViolations(page);
      t.same(
        violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
        [],
        what,
      );
    };
    await check('the school');
    // The check itself can fail: an input without a label is a critical problem to axe.
    await page.evaluate(
      `document.querySelector('main').append(Object.assign(document.createElement('input'), { id: 'unlabelled' }))`,
    );
    t.match(
      (await seriousViolations(page)).map((v) => v.id),
      ['label'],
      'axe reports an unlabelled field',
    );
    await page.evaluate(`document.getElementById('unlabelled').remove()`);
    await makeKeyInBrowser(page);
    await check('keys');
    await page
      .getByRole('button', { name: /^Revoke key/ })
      .first()
      .click();
    await check('keys, revoking one');

    await page.getByRole('link', { name: 'Submit' }).click();
    await page.getByRole('button', { name: 'Sign and send' }).click();
    await page.getByText('Choose the PDF to send.').waitFor();
    await check('submit, with every field refused');

    await page.getByRole('link', { name: 'Batch' }).click();
    await page.getByRole('button', { name: 'Check the batch' }).click();
    await page.getByText('Choose the batch CSV.').waitFor();
    await check('batch, with a problem');

    await page.getByRole('link', { name: 'Documents' }).click();
    await page.getByRole('link', { name: 'Transcript' }).first().click();
    await page.getByRole('heading', { name: 'History' }).waitFor();
    await check('a document');
    await page.getByRole('link', { name: 'Documents' }).click();
    await page.getByRole('columnheader', { name: 'Status' }).waitFor();
    await check('documents');

    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByLabel('Receiver URL (https)').fill('https://sis.school.example/emswp-hooks');
    await page.getByRole('button', { name: 'Create the webhook' }).click();
    await page.getByText(/shown only now/).waitFor();
    await page.getByRole('button', { name: 'Show deliveries' }).click();
    await page.getByRole('table', { name: 'Deliveries' }).waitFor();
    await check('webhooks, a secret shown');

    await page.goto('/verify');
    await page.getByRole('heading', { name: 'Check a document' }).waitFor();
    await check('verify');
  });
});
