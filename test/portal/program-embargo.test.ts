import t from 'tap';
import { pdfBytes, seriousViolations, shows, signInAs, startPortal } from '../support/portal-browser.js';
import {
  registerProgram,
  release,
  sendDocument,
  signingSchool,
  storyApplicant,
  tokenFor,
} from '../support/portal-releases.js';

t.test('an MSPE under embargo is shown with its date, and only its details and receipt are there', async (t) => {
  // The season's MSPE release date, far enough ahead that it is still to come.
  const world = await startPortal(t, { MSPE_RELEASE_AT: '2099-09-24T14:00:00Z' });
  const program = await registerProgram(world, 'Lakeside Pediatrics Residency', 'Pediatrics');
  const school = await signingSchool(world, 'Makerere University School of Medicine');
  const applicant = await storyApplicant(world, {
    given_name: 'Grace',
    family_name: 'Namutebi',
    date_of_birth: '1997-01-09',
  });
  const mspe = await sendDocument(world, school, applicant, 'mspe', pdfBytes('namutebi mspe'));
  const transcript = await sendDocument(world, school, applicant, 'transcript', pdfBytes('namutebi transcript'));
  await release(world, applicant, mspe.id, program.id);
  await release(world, applicant, transcript.id, program.id);

  const page = await world.newPage();
  await signInAs(page, new RegExp(program.acgme_id));
  await page.getByRole('heading', { name: program.name }).waitFor();

  const mspeRow = page.getByRole('row').filter({ has: page.getByRole('link', { name: /MSPE/ }) });
  t.ok(
    await shows(mspeRow.getByRole('cell', { name: /^Embargoed until Sep 24, 2099/ })),
    'the list shows the embargo date',
  );
  const transcriptRow = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Transcript' }) });
  t.ok(await shows(transcriptRow.getByRole('cell', { name: 'Available' })), 'a transcript is not embargoed');

  await mspeRow.getByRole('link', { name: /MSPE/ }).click();
  await page.getByRole('heading', { name: /MSPE .* for ECFMG ID/ }).waitFor();
  t.ok(
    await shows(page.getByText(/^Embargoed until Sep 24, 2099.*MSPEs are released to programs on that date/)),
    'the document page says until when, and why',
  );
  t.equal(await page.getByRole('button', { name: 'Download the PDF' }).count(), 0, 'no PDF to download yet');
  const authorization = `Bearer ${await tokenFor(world, { sub: 'coordinator', role: 'program', program_id: program.id })}`;
  const content = await fetch(`${world.baseUrl}/v1/documents/${mspe.id}/content`, { headers: { authorization } });
  t.match(await content.json(), { status: 403, code: 'embargoed' }, 'as the API refuses it');

  const receipt = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download the receipt' }).click();
  t.equal((await receipt).suggestedFilename(), `receipt-${mspe.id}.jwt`, 'the receipt is available now');
  t.ok(await shows(page.getByText(/The receipt was downloaded/)), 'and the page says so');

  const violations = await seriousViolations(page);
  t.same(
    violations.map((v) => v.id),
    [],
    'axe-core finds no serious or critical problem on an embargoed document',
  );
});
