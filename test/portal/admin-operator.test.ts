import { randomInt } from 'node:crypto';
import t from 'tap';
import type { Page } from 'playwright-core';
import { pdf } from '../support/documents.js';
import { seriousViolations, shows, signInAs, startPortal } from '../support/portal-browser.js';
import { sendDocument, signingSchool } from '../support/portal-releases.js';

const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');

t.test('operator pages', async (t) => {
  const world = await startPortal(t);
  const school = await world.asAdmin<{ id: string; wdoms_id: string; name: string }>('POST', '/v1/schools', {
    wdoms_id: 'F2024001',
    name: 'Makerere University School of Medicine',
    country: 'UG',
    contact_email: 'registrar@mak.example',
  });
  const grace = { given_name: 'Grace', family_name: 'Nakato', date_of_birth: '1996-02-14' };
  const applicant = { ...(await world.applicant(grace)), ...grace };
  const asOperator = async (): Promise<Page> => {
    const page = await world.newPage();
    await signInAs(page, 'Operator (admin)');
    await page.getByRole('heading', { name: 'Schools' }).waitFor();
    return page;
  };
  const documentStatus = async (id: string) =>
    (await world.asAdmin<{ status: string }>('GET', `/v1/documents/${id}`)).status;

  await t.test('an operator activates a school and accepts a document from the review queue', async (t) => {
    const page = await asOperator();
    t.ok(await shows(page.getByText('1 school is waiting for vetting on this page.')), 'the school waits');
    await page.getByRole('link', { name: school.name }).click();
    await page.getByRole('heading', { name: school.name }).waitFor();
    await page.getByLabel('New status').selectOption('active');
    await page.getByLabel('Reason').fill('Checked against the World Directory');
    await page.getByRole('button', { name: 'Change status' }).click();
    t.ok(await shows(page.getByText('The school is now active.')), 'the change is confirmed');
    const history = page.getByRole('table', { name: 'Every status the school has had, oldest first' });
    t.ok(await shows(history.getByRole('cell', { name: 'Checked against the World Directory' })), 'and in its history');

    const sender = await signingSchool(world, school);
    const { id: typo } = await sendDocument(
      world,
      sender,
      { ...applicant, given_name: 'Grace', family_name: 'Nakatto' },
      'transcript',
      pdf(),
    );
    t.equal(await documentStatus(typo), 'needs_review');

    await page.getByRole('link', { name: 'Review queue' }).click();
    await page.getByRole('heading', { name: 'Review queue' }).waitFor();
    t.ok(await shows(page.getByText('1 document is waiting for review.')));
    const row = page.getByRole('row', { name: /Family name/ });
    t.ok(await shows(row.getByRole('cell', { name: /Nakatto/ })), "the document's name");
    t.ok(await shows(row.getByRole('cell', { name: 'Nakato', exact: true })), "beside the registered applicant's");
    await page.getByLabel('Note').fill('A typing error at the school, confirmed by phone');
    await page.getByRole('button', { name: 'Accept as this applicant’s' }).click();
    t.ok(await shows(page.getByText('Accepted: the transcript is now verified.')));
    t.ok(await shows(page.getByText('No documents are waiting for review.')), 'the queue is clear');
    t.equal(await documentStatus(typo), 'verified');
    await page.context().close();
  });

  await t.test('an operator rejects a document, with a note', async (t) => {
    const sender = await signingSchool(world, school);
    const { id: other } = await sendDocument(
      world,
      sender,
      { ...applicant, date_of_birth: '1990-01-01' },
      'transcript',
      pdf(),
    );
    const page = await asOperator();
    await page.getByRole('link', { name: 'Review queue' }).click();
    await page.getByRole('button', { name: 'Reject' }).click();
    t.ok(await shows(page.locator('[id$="-note-error"]').getByText('Write a note before you decide.')), 'no note');
    t.equal(await documentStatus(other), 'needs_review', 'nothing decided without one');
    await page.getByLabel('Note').fill('Another student: the birth date differs');
    await page.getByRole('button', { name: 'Reject' }).click();
    t.ok(await shows(page.getByText(/^Rejected: the transcript/)));
    t.equal(await documentStatus(other), 'rejected');
    const events = await world.asAdmin<{ items: { reason: string | null }[] }>('GET', `/v1/documents/${other}/events`);
    t.match(events.items.at(-1), { reason: 'Another student: the birth date differs' });
    await page.context().close();
  });

  await t.test('an operator suspends a school, with a reason', async (t) => {
    const page = await asOperator();
    await page.getByRole('link', { name: school.name }).click();
    await page.getByLabel('New status').selectOption('suspended');
    await page.getByRole('button', { name: 'Change status' }).click();
    t.ok(await shows(page.locator('#school-reason-error').getByText('Say why the school is suspended.')));
    await page.getByLabel('Reason').fill('Accreditation under review');
    await page.getByRole('button', { name: 'Change status' }).click();
    t.ok(await shows(page.getByText('The school is now suspended.')));
    t.ok(await shows(page.getByText('(Accreditation under review)')), 'the reason stands beside the status');
    const stored = await world.asAdmin<{ status: string }>('GET', `/v1/schools/${school.id}`);
    t.equal(stored.status, 'suspended');
    await page.context().close();
  });

  await t.test(
    'an operator shows only the schools of one status: waiting for vetting, active, suspended',
    async (t) => {
      const waiting = await world.asAdmin<{ name: string }>('POST', '/v1/schools', {
        wdoms_id: `F${digits(7)}`,
        name: 'Moi University School of Medicine',
        country: 'KE',
        contact_email: 'registrar@moi.example',
      });
      const active = await world.activeSchool('Aga Khan University Medical College');
      const page = await asOperator();
      const schools = page.getByRole('table', { name: 'Registered schools, oldest first' });
      const listed = (name: string) => schools.getByRole('link', { name, exact: true });
      t.ok(await shows(listed(active.name)), 'every school at first');
      t.ok(await shows(listed(school.name)), 'the suspended one too');

      await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Waiting for vetting' });
      await listed(active.name).waitFor({ state: 'detached' });
      t.ok(await shows(listed(waiting.name)), 'the school waiting for vetting');
      t.equal(await schools.getByRole('link').count(), 1, 'and no other');

      await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Suspended' });
      t.ok(await shows(listed(school.name)), 'the suspended school');
      await listed(waiting.name).waitFor({ state: 'detached' });
      t.equal(await schools.getByRole('link').count(), 1, 'alone');

      await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Active' });
      t.ok(await shows(listed(active.name)), 'the active school');
      await listed(school.name).waitFor({ state: 'detached' });
      t.equal(await schools.getByRole('link').count(), 1, 'alone');
      await page.context().close();
    },
  );

  await t.test('an operator registers an applicant and a program; a bad value is shown at its field', async (t) => {
    const page = await asOperator();
    await page.getByRole('link', { name: 'Register' }).click();
    await page.getByRole('heading', { name: 'Register applicants and programs' }).waitFor();
    const applicantForm = page.getByRole('form', { name: 'Register an applicant' });
    await applicantForm.getByLabel('ECFMG ID').fill('1234');
    await applicantForm.getByLabel('Given name').fill('Samuel');
    await applicantForm.getByLabel('Family name').fill('Okello');
    await applicantForm.getByLabel('Date of birth').fill('1995-07-30');
    await applicantForm.getByRole('button', { name: 'Register applicant' }).click();
    t.ok(await shows(page.locator('#applicant-ecfmg-id-error').getByText('An ECFMG ID is 8 digits, like 12345678.')));
    const ecfmg = digits(8);
    await applicantForm.getByLabel('ECFMG ID').fill(ecfmg);
    await applicantForm.getByRole('button', { name: 'Register applicant' }).click();
    t.ok(await shows(page.getByText(`Samuel Okello is registered (ECFMG ID ${ecfmg}).`, { exact: false })));

    await applicantForm.getByLabel('ECFMG ID').fill(ecfmg);
    await applicantForm.getByLabel('Given name').fill('Someone');
    await applicantForm.getByLabel('Family name').fill('Else');
    await applicantForm.getByLabel('Date of birth').fill('1994-01-01');
    await applicantForm.getByRole('button', { name: 'Register applicant' }).click();
    t.ok(
      await shows(page.locator('#applicant-ecfmg-id-error').getByText(/already registered/)),
      "the service's refusal of a taken ECFMG ID, at its field",
    );

    const programForm = page.getByRole('form', { name: 'Register a residency program' });
    await programForm.getByLabel('ACGME ID').fill(digits(10));
    await programForm.getByLabel('Program name').fill('Mulago Internal Medicine Residency');
    await programForm.getByRole('button', { name: 'Register program' }).click();
    t.ok(await shows(page.locator('#program-specialty-error').getByText('Enter the specialty.')), 'a missing field');
    await programForm.getByLabel('Specialty').fill('Internal Medicine');
    await programForm.getByRole('button', { name: 'Register program' }).click();
    t.ok(await shows(page.getByText('Mulago Internal Medicine Residency is registered')));
    const found = await world.asAdmin<{ items: { name: string }[] }>('GET', '/v1/programs?q=mulago');
    t.match(found.items, [{ name: 'Mulago Internal Medicine Residency' }], 'and is in the directory');
    await page.context().close();
  });

  await t.test('axe-core finds no serious or critical problem on any operator page', async (t) => {
    const sender = await signingSchool(world, await world.activeSchool('Gulu University Faculty of Medicine'));
    await sendDocument(world, sender, { ...applicant, family_name: 'Nakatoo' }, 'transcript', pdf());
    const page = await asOperator();
    const check = async (what: string, ready: string) => {
      await page.getByRole('heading', { name: ready }).first().waitFor();
      const violations = await seriousViolations(page);
      t.same(
        violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
        [],
        what,
      );
    };
    await check('schools', 'Schools');
    await page.getByRole('link', { name: school.name }).click();
    await check('a school', 'Status history');
    // Suspended by the story above: asking for the same status again is refused at the field.
    await page.getByLabel('New status').selectOption('suspended');
    await page.getByLabel('Reason').fill('again');
    await page.getByRole('button', { name: 'Change status' }).click();
    await page.locator('#school-status-error').waitFor();
    await check('a school, with a refused change', 'Status history');
    await page.getByRole('link', { name: 'Review queue' }).click();
    await page.getByRole('heading', { name: /^Transcript from/ }).waitFor();
    await check('the review queue', 'Review queue');
    await page.getByRole('link', { name: 'Register' }).click();
    await page.getByRole('button', { name: 'Register program' }).click();
    await page.locator('#program-acgme-id-error').waitFor();
    await check('register, with refused fields', 'Register applicants and programs');
    await page.context().close();
  });
});
