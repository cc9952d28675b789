import t from 'tap';
import { randomUUID } from 'node:crypto';
import { pdfBytes, shows, signInAs, startPortal } from '../support/portal-browser.js';
import {
  callAs,
  registerProgram,
  release,
  sendDocument,
  signingSchool,
  storyApplicant,
  withdraw,
} from '../support/portal-releases.js';

interface Listed<T> {
  items: T[];
}

t.test('an applicant’s mistakes and stale pages get a plain sentence, and nothing half-done', async (t) => {
  const world = await startPortal(t);
  const school = await signingSchool(world, 'Accra Medical School');
  const kofi = { given_name: 'Kofi', family_name: 'Boateng', date_of_birth: '1994-07-30' };
  const applicant = await storyApplicant(world, kofi);
  const program = await registerProgram(world, 'Harbor Family Medicine Residency', 'Family Medicine');
  await t.test('releasing a document that stopped being verified while the page was open', async (t) => {
    const transcript = await sendDocument(world, school, applicant, 'transcript', pdfBytes(randomUUID()));
    const page = await world.newPage();
    await signInAs(page, new RegExp(applicant.ecfmg_id));
    await page.getByRole('link', { name: /Transcript from Accra Medical School/ }).click();
    await page.getByLabel('Find the program').fill('Harbor');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByLabel(/Harbor Family Medicine Residency/).check();

    await callAs(world, school.officer, 'POST', `/v1/documents/${transcript.id}/revoke`, { reason: 'Issued in error' });
    await page.getByRole('button', { name: 'Release to the chosen program' }).click();
    t.ok(
      await shows(page.getByText(/can no longer be released: it stopped being verified while the page was open/)),
      'the page says why in a plain sentence',
    );
    t.ok(
      await shows(page.getByText(/^Revoked: it no longer counts as genuine, and you cannot release it again/)),
      'and shows the new status',
    );
    t.equal(await page.getByRole('button', { name: 'Release to the chosen program' }).count(), 0, 'the form is gone');
    const releases = await world.asAdmin<Listed<unknown>>('GET', `/v1/applicants/${applicant.id}/releases`);
    t.same(releases.items, [], 'nothing was released');
    await page.context().close();
  });

  await t.test('withdrawing twice: the second answer is shown, nothing breaks', async (t) => {
    const mspe = await sendDocument(world, school, applicant, 'mspe', pdfBytes(randomUUID()));
    const released = await release(world, applicant, mspe.id, program.id);
    const page = await world.newPage();
    await signInAs(page, new RegExp(applicant.ecfmg_id));
    await page.getByRole('link', { name: 'Releases' }).click();
    await page.getByRole('heading', { name: /MSPE .* to Harbor Family Medicine Residency/ }).waitFor();

    await withdraw(world, applicant, released.id); // from another tab
    await page
      .getByRole('button', { name: /^Withdraw the release of the MSPE .* to Harbor Family Medicine Residency$/ })
      .click();
    t.ok(
      await shows(page.getByText(/The release to Harbor Family Medicine Residency is withdrawn \(since .+\)/)),
      'the API’s answer, in a sentence',
    );
    t.ok(
      await shows(page.getByText(/^Withdrawn .+\. The program can no longer read it\./)),
      'the release shows withdrawn',
    );
    t.equal(await page.getByRole('button', { name: /Withdraw/ }).count(), 0, 'with nothing left to withdraw');
    await page.context().close();
  });

  await t.test('a letter request with nothing chosen says what is missing next to each field', async (t) => {
    const page = await world.newPage();
    await signInAs(page, new RegExp(applicant.ecfmg_id));
    await page.getByRole('link', { name: 'Letters' }).click();
    await page.getByRole('button', { name: 'Ask for the letter' }).click();
    t.ok(await shows(page.getByText('Find the school and choose it first.')), 'the school');
    t.ok(await shows(page.getByText("Type the letter writer's name.")), 'the writer');
    t.ok(await shows(page.getByText('Choose whether you waive your right to see this letter.')), 'the waiver');
    await page.getByLabel("The letter writer's email (optional)").fill('not an address');
    await page.getByRole('button', { name: 'Ask for the letter' }).click();
    t.ok(await shows(page.getByText('This does not look like an email address.')), 'a bad email');

    await page.getByLabel('Find the school that will send the letter').fill('Atlantis');
    await page.getByRole('button', { name: 'Search' }).click();
    t.ok(await shows(page.getByText(/No active school matches that/)), 'a school not found');
    const requests = await world.asAdmin<Listed<unknown>>('GET', `/v1/applicants/${applicant.id}/letter-requests`);
    t.same(requests.items, [], 'nothing was stored');
    await page.context().close();
  });

  await t.test('a document waiting for an operator shows that it waits, not its content', async (t) => {
    await sendDocument(world, school, { ...applicant, family_name: 'Boatemg' }, 'transcript', pdfBytes(randomUUID()));
    const page = await world.newPage();
    await signInAs(page, new RegExp(applicant.ecfmg_id));
    t.ok(await shows(page.getByText(/waiting for an operator to check your name/).first()), 'listed as waiting');
    await page
      .getByRole('listitem')
      .filter({ hasText: 'Waiting for an operator to check your name' })
      .getByRole('link', { name: /Transcript from Accra Medical School/ })
      .click();
    const waiting = page.getByText(/Its content is not shown while an operator checks your name/);
    t.ok(await shows(waiting), 'its page says it is waiting');
    t.equal(await page.getByRole('button', { name: 'Download the PDF' }).count(), 0, 'no download');
    t.equal(await page.getByRole('button', { name: 'Release to the chosen program' }).count(), 0, 'no release');
    await page.context().close();
  });
});
