import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import t, { type Test } from 'tap';
import { makeKeyInBrowser, pdfBytes, signInAs, startPortal } from '../support/portal-browser.js';

/** A key pair as `emswp keygen` writes it: the private JWK with alg and kid. */
async function keygen() {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    privateJwk: { ...(await exportJWK(privateKey)), alg: 'EdDSA', kid },
    publicJwk: { ...publicJwk, alg: 'EdDSA', kid },
    kid,
  };
}

t.test('bad input ends in a clear message next to the field, with nothing stored', async (t) => {
  const world = await startPortal(t, { MAX_DOCUMENT_BYTES: '4096' });
  const school = await world.activeSchool('Accra College of Medicine');
  const applicant = await world.applicant({ given_name: 'Ama', family_name: 'Owusu', date_of_birth: '1998-06-21' });
  const directory = t.testdir({});
  const file = async (name: string, content: string | Buffer) => {
    const path = join(directory, name);
    await writeFile(path, content);
    return path;
  };
  const page = await world.newPage();
  /** The message under a field, waited for: it appears when the check has run. */
  const shows = async (t: Test, selector: string, pattern: RegExp, what: string) => {
    await page.locator(selector, { hasText: pattern }).waitFor({ timeout: 5000 });
    t.pass(what);
  };
  await signInAs(page, new RegExp(school.wdoms_id));
  await page.getByRole('heading', { name: school.name }).waitFor();

  await t.test('key files: public, symmetric, corrupt, revoked, unregistered', async (t) => {
    await page.getByRole('link', { name: 'Keys' }).click();
    const keyFile = page.getByLabel('Or use a private key file made by emswp keygen');
    const generated = await keygen();

    await keyFile.setInputFiles(await file('public.json', JSON.stringify(generated.publicJwk)));
    await shows(t, '#key-file-error', /This is a public key/, 'a public key given as the private key');
    await keyFile.setInputFiles(
      await file('secret.json', JSON.stringify({ kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQ' })),
    );
    await shows(t, '#key-file-error', /symmetric/, 'a symmetric key');
    await keyFile.setInputFiles(await file('corrupt.json', '{"kty":"OKP","crv":"Ed25519",'));
    await shows(t, '#key-file-error', /not a JSON object/, 'a corrupt file');
    await keyFile.setInputFiles(
      await file('damaged.json', JSON.stringify({ ...generated.privateJwk, x: 'AAAA', d: 'AAAA' })),
    );
    await shows(t, '#key-file-error', /damaged/, 'a JWK whose numbers are not a key');

    await keyFile.setInputFiles(await file('school-key.json', JSON.stringify(generated.privateJwk)));
    await shows(t, '#key-file-error', /is not registered for your school yet/, 'a key of an unknown kid');
    await page.getByRole('button', { name: 'Register its public key' }).click();
    await page.getByText(`The key ${generated.kid} is loaded in this browser and ready to sign.`).waitFor();
    const keys = await world.asAdmin<{ items: { kid: string; jwk: Record<string, unknown> }[] }>(
      'GET',
      `/v1/schools/${school.id}/keys`,
    );
    t.equal(keys.items[0]?.kid, generated.kid, 'registered under its kid');
    t.notOk(keys.items[0] && 'd' in keys.items[0].jwk, 'only the public half went to the service');

    const revoked = await keygen();
    await world.asAdmin('POST', `/v1/schools/${school.id}/keys`, { jwk: revoked.publicJwk });
    await world.asAdmin('POST', `/v1/schools/${school.id}/keys/${revoked.kid}/revoke`, { reason: 'laptop stolen' });
    await page.reload();
    await keyFile.setInputFiles(await file('old-key.json', JSON.stringify(revoked.privateJwk)));
    await shows(t, '#key-file-error', /was revoked on .*can no longer sign/, 'a key of a revoked kid');
  });

  await t.test('the submission form: fields, not a PDF, too large, interrupted, signed out', async (t) => {
    await page.getByRole('link', { name: 'Submit' }).click();
    await page.getByLabel('Document type').selectOption('lor');
    await page.getByLabel("Applicant's ECFMG ID").fill('1234567');
    await page.getByLabel('Given name').fill('Ama');
    await page.getByLabel('Family name').fill('Owusu');
    await page.getByLabel('Date of birth').fill('1998-06-21');
    await page.getByLabel('The PDF').setInputFiles(await file('letter.pdf', 'MZ this is a program, renamed'));
    await page.getByRole('button', { name: 'Sign and send' }).click();
    await shows(t, '#submit-ecfmg_id-error', /8 digits/, 'a bad ECFMG ID, at its field');
    await shows(t, '#submit-letter_id-error', /letter request/, 'a LoR without letter ID');
    await shows(t, '#submit-file-error', /not a PDF/, 'a file that is not a PDF');

    await page.getByLabel('Document type').selectOption('transcript');
    await page.getByLabel("Applicant's ECFMG ID").fill(applicant.ecfmg_id);
    await page.getByLabel('The PDF').setInputFiles(await file('big.pdf', pdfBytes('big', 5000)));
    await page.getByRole('button', { name: 'Sign and send' }).click();
    await shows(t, '#submit-file-error', /largest accepted is 0\.0 MiB|largest accepted/, 'over the limit');

    await page.getByLabel('The PDF').setInputFiles(await file('owusu.pdf', pdfBytes('owusu')));
    await page.route('**/v1/documents', (route) => route.abort('connectionreset'), { times: 1 });
    await page.getByRole('button', { name: 'Sign and send' }).click();
    await shows(t, '#submit-file-error', /interrupted.*send it again/, 'an interrupted upload says to send it again');
    t.equal((await world.asAdmin<{ items: unknown[] }>('GET', '/v1/documents')).items.length, 0, 'nothing stored');

    // The sign-in runs out while the form is filled in: the API refuses the token.
    await page.route(
      '**/v1/documents',
      (route) =>
        route.fulfill({
          status: 401,
          contentType: 'application/problem+json',
          headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
          body: JSON.stringify({ status: 401, code: 'invalid_token', detail: 'The token has expired.' }),
        }),
      { times: 1 },
    );
    await page.getByRole('button', { name: 'Sign and send' }).click();
    await page
      .getByText('You are signed out: your sign-in has expired. What you typed on this page is kept.')
      .waitFor();
    const popup = page.waitForEvent('popup');
    await page.getByRole('button', { name: 'Sign in again' }).click();
    await (await popup).waitForEvent('close', { timeout: 15_000 });
    await page.getByRole('button', { name: 'Sign in again' }).waitFor({ state: 'detached' });
    t.equal(await page.getByLabel('Given name').inputValue(), 'Ama', 'the half-filled form is still there');
    await page.getByRole('button', { name: 'Sign and send' }).click();
    await page.getByText(/Verified: the signature, the file and your school checked out/).waitFor();
    t.equal((await world.asAdmin<{ items: unknown[] }>('GET', '/v1/documents')).items.length, 1, 'stored once');
  });

  await t.test('a key made here then revoked elsewhere can no longer be chosen', async (t) => {
    await makeKeyInBrowser(page);
    const keys = await world.asAdmin<{ items: { kid: string; status: string }[] }>(
      'GET',
      `/v1/schools/${school.id}/keys`,
    );
    for (const key of keys.items.filter((k) => k.status === 'active')) {
      await world.asAdmin('POST', `/v1/schools/${school.id}/keys/${key.kid}/revoke`, { reason: 'rotated' });
    }
    await page.getByRole('link', { name: 'Submit' }).click();
    await page.getByRole('button', { name: 'Sign and send' }).click();
    await shows(t, '#submit-key-error', /no usable key in this browser/, 'no key left to sign with');
  });
});
