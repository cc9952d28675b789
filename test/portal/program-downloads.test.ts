import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import type { Page } from 'playwright-core';
import { verifyReceipt } from '../../src/receipts/receipt.js';
import { pdfBytes, seriousViolations, shows, signInAs, startPortal, tabTo } from '../support/portal-browser.js';
import {
  callAs,
  registerProgram,
  release,
  sendDocument,
  signingSchool,
  storyApplicant,
  tokenFor,
  withdraw,
} from '../support/portal-releases.js';

t.test('a program coordinator downloads what was released with its receipt', async (t) => {
  const world = await startPortal(t);
  const program = await registerProgram(world, 'Cook County Internal Medicine Residency');
  const otherProgram = await registerProgram(world, 'Mercy Hospital Surgery Residency', 'Surgery');
  const school = await signingSchool(world, 'University of Ibadan College of Medicine');
  const adaeze = await storyApplicant(world, {
    given_name: 'Adaeze',
    family_name: 'Nwosu',
    date_of_birth: '1996-02-14',
  });
  const tunde = await storyApplicant(world, {
    given_name: 'Tunde',
    family_name: 'Bakare',
    date_of_birth: '1995-07-30',
  });

  const mspePdf = pdfBytes('nwosu mspe', 2000);
  const mspe = await sendDocument(world, school, adaeze, 'mspe', mspePdf);
  const adaezeTranscript = await sendDocument(world, school, adaeze, 'transcript', pdfBytes('nwosu transcript'));
  const tundeTranscript = await sendDocument(world, school, tunde, 'transcript', pdfBytes('bakare transcript'));
  const keptBack = await sendDocument(world, school, tunde, 'mspe', pdfBytes('bakare mspe'));
  const elsewhere = await sendDocument(world, school, tunde, 'transcript', pdfBytes('bakare transcript for surgery'));
  await release(world, adaeze, mspe.id, program.id);
  await release(world, adaeze, adaezeTranscript.id, program.id);
  await release(world, tunde, tundeTranscript.id, program.id);
  const withdrawn = await release(world, tunde, keptBack.id, program.id);
  await withdraw(world, tunde, withdrawn.id);
  await release(world, tunde, elsewhere.id, otherProgram.id);

  const signedIn = async (): Promise<Page> => {
    const page = await world.newPage();
    await signInAs(page, new RegExp(program.acgme_id));
    await page.getByRole('heading', { name: program.name }).waitFor();
    return page;
  };
  const rowOf = (page: Page, ecfmgId: string, type: RegExp) =>
    page
      .getByRole('row')
      .filter({ hasText: ecfmgId })
      .filter({ has: page.getByRole('link', { name: type }) });

  await t.test('signs in, opens the MSPE, downloads it and its receipt, and both check out', async (t) => {
    const page = await signedIn();
    t.equal(new URL(page.url()).pathname, '/program', 'program staff land on their released documents');
    t.ok(await shows(rowOf(page, adaeze.ecfmg_id, /MSPE/)), 'the released MSPE is listed with its ECFMG ID');
    t.equal(await page.getByRole('row').count(), 4, 'a header and the three documents released now');

    await rowOf(page, adaeze.ecfmg_id, /MSPE/).getByRole('link', { name: /MSPE/ }).click();
    await page
      .getByRole('heading', { name: `MSPE (Medical Student Performance Evaluation) for ECFMG ID ${adaeze.ecfmg_id}` })
      .waitFor();
    t.ok(await shows(page.getByText(/^Verified: the school signed it/)), 'its status in words');
    t.ok(await shows(page.getByText(school.name, { exact: false })), 'the school that sent it');

    const directory = t.testdir({});
    const pdfDownload = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download the PDF' }).click();
    const pdfPath = join(directory, (await pdfDownload).suggestedFilename());
    await (await pdfDownload).saveAs(pdfPath);
    t.same(await readFile(pdfPath), mspePdf, 'the PDF is the bytes the school sent');

    const receiptDownload = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download the receipt' }).click();
    const receiptPath = join(directory, (await receiptDownload).suggestedFilename());
    await (await receiptDownload).saveAs(receiptPath);
    t.ok(await shows(page.getByText(/The receipt was downloaded/)), 'the page says it was saved');

    const jwks = (await (await fetch(`${world.baseUrl}/.well-known/jwks.json`)).json()) as { keys: [] };
    const checked = await verifyReceipt((await readFile(receiptPath, 'utf8')).trim(), jwks, { file: pdfPath });
    t.match(
      checked.payload.document,
      { id: mspe.id, type: 'mspe', status: 'verified', ecfmg_id: adaeze.ecfmg_id },
      "the receipt is signed by the service's published key and describes the downloaded PDF",
    );
    const disclosures = await world.asAdmin<{
      items: { document_id: string; program: { id: string }; kind: string }[];
    }>('GET', `/v1/applicants/${adaeze.id}/disclosures`);
    t.same(
      disclosures.items
        .filter((d) => d.document_id === mspe.id && d.program.id === program.id)
        .map((d) => d.kind)
        .sort(),
      ['content', 'receipt'],
      'the applicant sees both as disclosures to the program',
    );
    await page.context().close();
  });

  await t.test('filters by applicant, type, status and date', async (t) => {
    const page = await signedIn();
    await rowOf(page, adaeze.ecfmg_id, /MSPE/).waitFor();

    await page.getByLabel("Applicant's ECFMG ID").fill('1234');
    await page.getByRole('button', { name: 'Show' }).click();
    t.ok(await shows(page.getByText('An ECFMG ID is 8 digits, like 23456789.')), 'a bad ECFMG ID is named next to it');
    t.equal(
      await page.getByLabel("Applicant's ECFMG ID").getAttribute('aria-invalid'),
      'true',
      'and the field is marked invalid',
    );

    await page.getByLabel("Applicant's ECFMG ID").fill(tunde.ecfmg_id);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText('An ECFMG ID is 8 digits').waitFor({ state: 'detached' });
    await rowOf(page, adaeze.ecfmg_id, /MSPE/).waitFor({ state: 'detached' });
    t.equal(await page.getByRole('row').count(), 2, "by applicant: only Tunde's transcript");
    t.ok(await shows(rowOf(page, tunde.ecfmg_id, /Transcript/)), "Tunde's released transcript");

    await page.getByLabel("Applicant's ECFMG ID").fill('');
    await page.getByLabel('Type').selectOption('mspe');
    await page.getByRole('button', { name: 'Show' }).click();
    await rowOf(page, tunde.ecfmg_id, /Transcript/).waitFor({ state: 'detached' });
    t.equal(await page.getByRole('row').count(), 2, 'by type: the one MSPE released now');
    t.ok(await shows(rowOf(page, adaeze.ecfmg_id, /MSPE/)), "Adaeze's MSPE");

    await callAs(world, school.officer, 'POST', `/v1/documents/${tundeTranscript.id}/revoke`, {
      reason: 'issued in error',
    });
    await page.getByLabel('Type').selectOption('');
    await page.getByLabel('Status').selectOption('revoked');
    await page.getByRole('button', { name: 'Show' }).click();
    await rowOf(page, adaeze.ecfmg_id, /MSPE/).waitFor({ state: 'detached' });
    t.ok(await shows(rowOf(page, tunde.ecfmg_id, /Transcript/)), 'by status: the transcript its school revoked');
    t.ok(await shows(page.getByRole('cell', { name: 'Revoked' })), 'shown as revoked');
    t.equal(await page.getByRole('row').count(), 2, 'and nothing else');

    const tomorrow = new Date(Date.now() + 24 * 3600 * 1000).toISOString().slice(0, 10);
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Released or changed since').fill(tomorrow);
    await page.getByRole('button', { name: 'Show' }).click();
    t.ok(
      await shows(page.getByText('No released documents match.')),
      'by date: nothing released or changed after today',
    );
    const yesterday = new Date(Date.now() - 24 * 3600 * 1000).toISOString().slice(0, 10);
    await page.getByLabel('Released or changed since').fill(yesterday);
    await page.getByRole('button', { name: 'Show' }).click();
    await rowOf(page, adaeze.ecfmg_id, /MSPE/).waitFor();
    t.equal(await page.getByRole('row').count(), 4, 'by date: since yesterday, all three');
    await page.context().close();
  });

  await t.test('a page per applicant lists only what they released', async (t) => {
    const page = await signedIn();
    await page.getByRole('link', { name: adaeze.ecfmg_id }).first().click();
    await page.getByRole('heading', { name: `Applicant with ECFMG ID ${adaeze.ecfmg_id}` }).waitFor();
    t.ok(await shows(page.getByRole('link', { name: /MSPE/ })), 'their MSPE');
    t.ok(await shows(page.getByRole('link', { name: 'Transcript' })), 'their transcript');
    t.equal(await page.getByRole('row').count(), 3, 'and nothing of anyone else');
    await page.getByLabel('Type').selectOption('transcript');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByRole('link', { name: /MSPE/ }).waitFor({ state: 'detached' });
    t.equal(await page.getByRole('row').count(), 2, 'filtered to their transcript');
    await page.context().close();
  });

  await t.test(
    'a deep link to a document never released to the program says "not found", as the API does',
    async (t) => {
      const page = await signedIn();
      const programStaff = { sub: 'coordinator', role: 'program', program_id: program.id } as const;
      const authorization = `Bearer ${await tokenFor(world, programStaff)}`;
      for (const [what, id] of [
        ['released to another program', elsewhere.id],
        ['whose release was withdrawn', keptBack.id],
        ['that does not exist', '00000000-0000-4000-8000-000000000000'],
      ] as const) {
        await page.goto(`/program/documents/${id}`);
        t.ok(await shows(page.getByRole('heading', { name: 'Document not found' })), `a document ${what}: not found`);
        t.ok(await shows(page.getByText('No such document.', { exact: false })), "with the API's own words");
        t.notOk(await page.getByRole('button', { name: 'Download the receipt' }).count(), 'and nothing to download');
        for (const part of ['', '/content', '/receipt']) {
          const answer = await fetch(`${world.baseUrl}/v1/documents/${id}${part}`, { headers: { authorization } });
          t.equal(answer.status, 404, `the API answers the program 404 for /v1/documents/{id}${part} too`);
        }
      }
      await page.goto(`/program/documents/${elsewhere.id.slice(0, 20)}`);
      t.ok(await shows(page.getByText('This address does not name a document.')), 'a link cut short: not found too');
      await page.context().close();
    },
  );

  await t.test('a coordinator gets the receipt with the keyboard alone', async (t) => {
    const page = await signedIn();
    await rowOf(page, adaeze.ecfmg_id, /MSPE/).waitFor();
    await tabTo(page, /^MSPE/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /^MSPE .* for ECFMG ID/ }).waitFor();
    await tabTo(page, 'Download the receipt');
    const receipt = page.waitForEvent('download');
    await page.keyboard.press('Enter');
    t.equal((await receipt).suggestedFilename(), `receipt-${mspe.id}.jwt`, 'the receipt downloads');
    await page.context().close();
  });

  await t.test('axe-core finds no serious or critical problem on any program page', async (t) => {
    const page = await signedIn();
    const check = async (what: string) => {
      const violations = await seriousViolations(page);
      t.same(
        violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
        [],
        what,
      );
    };
    await rowOf(page, adaeze.ecfmg_id, /MSPE/).waitFor();
    await check('released documents');
    await page.getByLabel("Applicant's ECFMG ID").fill('12');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText('An ECFMG ID is 8 digits').waitFor();
    await check('released documents, a filter refused');
    await page.getByRole('link', { name: adaeze.ecfmg_id }).first().click();
    await page.getByRole('heading', { name: /Applicant with ECFMG ID/ }).waitFor();
    await check('an applicant');
    await page.getByRole('link', { name: /MSPE/ }).click();
    await page.getByRole('heading', { name: 'History' }).waitFor();
    await check('a document');
    await page.goto(`/program/documents/${keptBack.id}`);
    await page.getByRole('heading', { name: 'Document not found' }).waitFor();
    await check('a document not found');
    await page.context().close();
  });
});
