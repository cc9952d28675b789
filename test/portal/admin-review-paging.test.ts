import { randomUUID } from 'node:crypto';
import t from 'tap';
import { pdfBytes, shows, signInAs, startPortal } from '../support/portal-browser.js';
import { sendDocument, signingSchool, storyApplicant } from '../support/portal-releases.js';

t.test('an operator works through a review queue longer than a page and reaches its last document', async (t) => {
  const world = await startPortal(t);
  const school = await signingSchool(world, 'Moi University School of Medicine');
  const wanjiru = await storyApplicant(world, {
    given_name: 'Wanjiru',
    family_name: 'Kamau',
    date_of_birth: '1995-03-08',
  });
  // One more than the page shows (20): the school's system misspelled her name in each, the last one differently.
  for (let i = 0; i < 20; i++)
    await sendDocument(world, school, { ...wanjiru, family_name: 'Kamua' }, 'transcript', pdfBytes(randomUUID()));
  const last = await sendDocument(
    world,
    school,
    { ...wanjiru, family_name: 'Kamauu' },
    'transcript',
    pdfBytes(randomUUID()),
  );
  t.equal(last.status, 'needs_review');

  const page = await world.newPage();
  await signInAs(page, 'Operator (admin)');
  await page.getByRole('link', { name: 'Review queue' }).click();
  await page.getByRole('heading', { name: 'Review queue' }).waitFor();
  t.ok(await shows(page.getByText('20+ documents are waiting for review.')), 'a first page, and word that more wait');
  const misspelled = page.getByRole('cell', { name: 'Kamua (differs)' });
  await misspelled.nth(19).waitFor();
  const lastOne = page.getByRole('article').filter({ has: page.getByRole('cell', { name: 'Kamauu (differs)' }) });
  t.equal(await lastOne.count(), 0, 'the last document is not on the first page');

  await page.getByRole('button', { name: 'Show more documents' }).click();
  t.ok(await shows(lastOne), 'showing more brings the last document');
  t.ok(await shows(page.getByText('21 documents are waiting for review.')), 'every one of them is shown now');
  t.equal(await page.getByRole('button', { name: 'Show more documents' }).count(), 0, 'and there is no more to show');

  await lastOne.getByLabel('Note').fill('The school misspelled her name; confirmed with its registrar');
  await lastOne.getByRole('button', { name: 'Accept as this applicant’s' }).click();
  t.ok(await shows(page.getByText('Accepted: the transcript is now verified.')));
  t.ok(await shows(page.getByText('20 documents are waiting for review.')), 'the others stay where they were');
  t.equal(await misspelled.count(), 20, 'all twenty of them');
  const decided = await world.asAdmin<{ status: string }>('GET', `/v1/documents/${last.id}`);
  t.equal(decided.status, 'verified', 'and the service has it verified');
});
