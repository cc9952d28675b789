import type { Page } from 'playwright-core';
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { pdfBytes, seriousViolations, shows, signInAs, startPortal, tabTo } from '../support/portal-browser.js';
import {
  callAs,
  registerProgram,
  release,
  sendDocument,
  signingSchool,
  storyApplicant,
  tokenFor,
} from '../support/portal-releases.js';

const nav = (page: Page, label: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true });

/** Every applicant page, in the order a person visits them, each once its content has arrived. */
const visits: { what: string; open: (page: Page) => Promise<void> }[] = [
  {
    what: 'documents',
    open: async (page) => {
      await nav(page, 'Documents').click();
      await page.getByRole('link', { name: /Transcript from Nairobi/ }).waitFor();
    },
  },
  {
    what: 'a document, programs found',
    open: async (page) => {
      await page.getByRole('link', { name: /Transcript from Nairobi/ }).click();
      await page.getByLabel('Find the program').fill('surgery');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByLabel(/Coastal General Surgery Residency/).waitFor();
    },
  },
  {
    what: 'a document, released',
    open: async (page) => {
      await page.getByLabel(/Coastal General Surgery Residency/).check();
      await page.getByRole('button', { name: 'Release to the chosen program' }).click();
      await page.getByText(/^Released to Coastal General Surgery Residency/).waitFor();
    },
  },
  {
    what: 'releases',
    open: async (page) => {
      await nav(page, 'Releases').click();
      await page
        .getByRole('button', {
          name: /^Withdraw the release of the Transcript from Nairobi School of Medicine to Coastal/,
        })
        .waitFor();
    },
  },
  {
    what: 'letters, every field refused',
    open: async (page) => {
      await nav(page, 'Letters').click();
      await page.getByRole('button', { name: 'Ask for the letter' }).click();
      await page.getByText('Choose whether you waive your right to see this letter.').waitFor();
    },
  },
  {
    what: 'a waived letter',
    open: async (page) => {
      await page.getByRole('link', { name: 'Open the letter’s page' }).click();
      await page.getByText(/You waived your right to see this letter/).waitFor();
    },
  },
  {
    what: 'disclosures',
    open: async (page) => {
      await nav(page, 'Disclosures').click();
      await page.getByText(/downloaded your Letter of recommendation/).waitFor();
    },
  },
];

t.test('applicant pages: for screen readers, and on a phone', async (t) => {
  const world = await startPortal(t);
  const school = await signingSchool(world, 'Nairobi School of Medicine');
  const wanjiru = { given_name: 'Wanjiru', family_name: 'Kamau', date_of_birth: '1998-09-14' };
  const applicant = await storyApplicant(world, wanjiru);
  const program = await registerProgram(world, 'Coastal General Surgery Residency', 'General Surgery');
  await sendDocument(world, school, applicant, 'transcript', pdfBytes(randomUUID()));
  // A waived letter, already released and downloaded, so every page has something to show.
  const request = await callAs<{ letter_id: string }>(
    world,
    { sub: 'wanjiru', role: 'applicant', applicant_id: applicant.id },
    'POST',
    `/v1/applicants/${applicant.id}/letter-requests`,
    { school_id: school.id, author_name: 'Prof. Otieno', waive_right_to_view: true },
  );
  const letter = await sendDocument(world, school, applicant, 'lor', pdfBytes(randomUUID()), {
    letter_id: request.letter_id,
  });
  await release(world, applicant, letter.id, program.id);
  const programToken = await tokenFor(world, { sub: 'coastal', role: 'program', program_id: program.id });
  const download = await fetch(`${world.baseUrl}/v1/documents/${letter.id}/content`, {
    headers: { authorization: `Bearer ${programToken}` },
  });
  t.equal(download.status, 200, 'the program downloaded the letter');
  await download.arrayBuffer();

  await t.test('axe-core finds no serious or critical problem on any applicant page', async (t) => {
    const page = await world.newPage();
    await signInAs(page, new RegExp(applicant.ecfmg_id));
    await page.getByRole('heading', { name: 'Your documents' }).waitFor();
    for (const visit of visits) {
      await visit.open(page);
      const violations = await seriousViolations(page);
      t.same(
        violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
        [],
        visit.what,
      );
    }
    await page.context().close();
  });

  await t.test('at a phone’s width (390 × 844) nothing is wider than the screen and the nav works', async (t) => {
    const context = await world.browser.newContext({
      baseURL: world.baseUrl,
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await signInAs(page, new RegExp(applicant.ecfmg_id));
    await page.getByRole('heading', { name: 'Your documents' }).waitFor();
    for (const visit of visits.filter((v) => v.what !== 'a document, released')) {
      await visit.open(page);
      const widest = (await page.evaluate(
        `Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)`,
      )) as number;
      t.ok(widest <= 390, `${visit.what}: the page is ${widest} px wide`);
      for (const label of ['Documents', 'Releases', 'Letters', 'Disclosures']) {
        const box = await nav(page, label).boundingBox();
        t.ok(box !== null && box.x >= 0 && box.x + box.width <= 390, `${visit.what}: “${label}” is on the screen`);
      }
    }
    // The width check itself can fail: a box wider than the screen is seen.
    await page.evaluate(
      `document.querySelector('main').append(Object.assign(document.createElement('div'), { id: 'too-wide', style: 'width: 600px; height: 1px' }))`,
    );
    t.ok(
      ((await page.evaluate(`document.documentElement.scrollWidth`)) as number) > 390,
      'a page wider than the screen is noticed',
    );
    await page.evaluate(`document.getElementById('too-wide').remove()`);
    // With the keyboard alone, from the top of the page.
    await nav(page, 'Documents').click();
    await page.getByRole('heading', { name: 'Your documents' }).waitFor();
    await page.locator('body').focus();
    await tabTo(page, 'Disclosures');
    await page.keyboard.press('Enter');
    t.ok(await shows(page.getByRole('heading', { name: 'Who saw your documents' })), 'the nav works by keyboard');
    await context.close();
  });
});
