import t from 'tap';
import { randomUUID } from 'node:crypto';
import { pdfBytes, shows, signInAs, startPortal } from '../support/portal-browser.js';
import { registerProgram, sendDocument, signingSchool, storyApplicant, tokenFor } from '../support/portal-releases.js';

interface Listed<T> {
  items: T[];
}

t.test(
  'an applicant signs in, releases an MSPE to a program found by name, requests a waived letter, and sees the program’s download in her disclosures',
  async (t) => {
    const world = await startPortal(t);
    const school = await signingSchool(world, 'University of Ibadan College of Medicine');
    const amara = { given_name: 'Amara', family_name: 'Eze', date_of_birth: '1997-02-20' };
    const applicant = await storyApplicant(world, amara);
    const riverside = await registerProgram(world, 'Riverside Internal Medicine Residency', 'Internal Medicine');
    await registerProgram(world, 'Lakeside Pediatrics Residency', 'Pediatrics');
    const mspe = await sendDocument(world, school, applicant, 'mspe', pdfBytes(randomUUID()));
    const page = await world.newPage();

    await signInAs(page, new RegExp(applicant.ecfmg_id));
    await page.getByRole('heading', { name: 'Your documents' }).waitFor();
    t.ok(
      await shows(page.getByText(/Received from University of Ibadan College of Medicine, verified/)),
      'her MSPE is listed, verified, in plain words',
    );

    await page.getByRole('link', { name: /MSPE .* from University of Ibadan/ }).click();
    await page.getByRole('heading', { name: /MSPE .* from University of Ibadan/ }).waitFor();
    t.ok(
      await shows(
        page
          .getByRole('listitem')
          .filter({ hasText: 'Received from University of Ibadan College of Medicine, verified.' }),
      ),
      'its history says where it came from',
    );
    await page.getByLabel('Find the program').fill('riverside');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByLabel(/Riverside Internal Medicine Residency, Internal Medicine/).check();
    await page.getByRole('button', { name: 'Release to the chosen program' }).click();
    t.ok(
      await shows(page.getByText('Released to Riverside Internal Medicine Residency. It can now read this document.')),
      'the release is confirmed',
    );
    const releases = await world.asAdmin<Listed<{ program_id: string; document_id: string; status: string }>>(
      'GET',
      `/v1/applicants/${applicant.id}/releases`,
    );
    t.match(releases.items, [{ program_id: riverside.id, document_id: mspe.id, status: 'active' }], 'and stored');

    await page.getByRole('link', { name: 'Letters' }).click();
    await page.getByRole('heading', { name: 'Letters of recommendation' }).waitFor();
    t.ok(
      await shows(page.getByText(/If you waive it, you will never see this letter’s content/)),
      'the waiver is explained before the choice',
    );
    await page.getByLabel('Find the school that will send the letter').fill('ibadan');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByLabel(/University of Ibadan College of Medicine, NG/).check();
    await page.getByLabel("The letter writer's name").fill('Dr. Ngozi Adeyemi');
    await page.getByLabel('I waive my right to see this letter').check();
    await page.getByRole('button', { name: 'Ask for the letter' }).click();
    await page.getByText('Request made for a letter by Dr. Ngozi Adeyemi. Give the school this letter id:').waitFor();
    const requests = await world.asAdmin<Listed<{ letter_id: string; waive_right_to_view: boolean }>>(
      'GET',
      `/v1/applicants/${applicant.id}/letter-requests`,
    );
    t.match(requests.items, [{ waive_right_to_view: true }], 'the request is stored, waived');
    const letterId = requests.items[0]?.letter_id ?? '';
    t.ok(await shows(page.getByText(letterId).first()), 'the letter id to give the school is shown');
    const yourRequests = page.getByRole('list', { name: 'Your letter requests' });
    t.ok(
      await shows(yourRequests.getByText(/^Waiting for University of Ibadan College of Medicine \(asked /)),
      'her request says which school it waits for',
    );

    await sendDocument(world, school, applicant, 'lor', pdfBytes(randomUUID()), { letter_id: letterId });
    await page.reload();
    await page.getByRole('link', { name: 'Open the letter’s page' }).click();
    await page.getByRole('heading', { name: /Letter of recommendation from University of Ibadan/ }).waitFor();
    t.ok(
      await shows(page.getByText(/You waived your right to see this letter/)),
      'the arrived letter says it is waived',
    );
    t.equal(await page.getByRole('button', { name: 'Download the PDF' }).count(), 0, 'and offers no download');

    const programToken = await tokenFor(world, {
      sub: 'riverside-coordinator',
      role: 'program',
      program_id: riverside.id,
    });
    const download = await fetch(`${world.baseUrl}/v1/documents/${mspe.id}/content`, {
      headers: { authorization: `Bearer ${programToken}` },
    });
    t.equal(download.status, 200, 'the program downloads the MSPE');
    await download.arrayBuffer();

    await page.getByRole('link', { name: 'Disclosures' }).click();
    await page.getByRole('heading', { name: 'Who saw your documents' }).waitFor();
    t.ok(
      await shows(page.getByText(/Riverside Internal Medicine Residency \(ACGME \d{10}\) downloaded your MSPE/)),
      'her disclosures show the program’s download',
    );
  },
);
