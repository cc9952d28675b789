import { CompactSign, decodeProtectedHeader, exportJWK, generateKeyPair, calculateJwkThumbprint } from 'jose';
import type { Page } from 'playwright-core';
import t from 'tap';
import { loadServiceKey } from '../../src/crypto/service-key.js';
import { pdfBytes, seriousViolations, shows, startPortal } from '../support/portal-browser.js';
import { proofOf, sendDocument, signingSchool } from '../support/portal-releases.js';

const fileLabel = 'The PDF, receipt or log proof to check';

/** Drops a file on the page's drop zone, as a person dragging it from their desktop would. */
async function dropFile(page: Page, name: string, content: string): Promise<void> {
  // A string, not a function: this file is compiled for Node, where there is no DOM.
  const transfer = await page.evaluateHandle(
    `(() => { const data = new DataTransfer(); data.items.add(new File([${JSON.stringify(content)}], ${JSON.stringify(name)})); return data; })()`,
  );
  await page.locator('.drop-zone').dispatchEvent('drop', { dataTransfer: transfer });
}

const choose = (page: Page, name: string, content: string) =>
  page
    .getByLabel(fileLabel)
    .setInputFiles({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(content) });

/** The receipt's payload changed and put back with the original signature: what a forger would try. */
function withChangedPayload(receiptJson: string, change: (payload: Record<string, unknown>) => void): string {
  const jws = (JSON.parse(receiptJson) as { receipt: string }).receipt;
  const [header, payload, signature] = jws.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  change(claims);
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}

t.test('receipts and log proofs are checked in the browser against the service’s keys', async (t) => {
  const world = await startPortal(t);
  const school = await signingSchool(world, 'Lagos University College of Medicine');
  const who = { given_name: 'Chiamaka', family_name: 'Okafor', date_of_birth: '1996-04-12' };
  const applicant = { ...who, ...(await world.applicant(who)) };
  const { id } = await sendDocument(world, school, applicant, 'transcript', pdfBytes('a transcript with a receipt'));
  const receipt = await proofOf(world, school, id, 'receipt');
  const proof = await proofOf(world, school, id, 'log-proof');

  const page = await world.newPage();
  await page.goto('/verify');

  await t.test('a genuine receipt, dropped on the page', async (t) => {
    await dropFile(page, 'receipt.json', receipt);
    t.ok(await shows(page.getByText('A valid receipt from this service.')), 'valid');
    t.ok(await shows(page.getByText(`Transcript from ${school.name} (${school.wdoms_id})`)), 'what it is about');
    t.ok(
      await shows(page.getByText(/^Entry \d+ of 127\.0\.0\.1:\d+\/log, proven in its signed checkpoint/)),
      'its log entry',
    );
    t.same(await seriousViolations(page), [], 'no serious accessibility violations');
  });

  await t.test('a receipt whose payload was changed is forged', async (t) => {
    const forged = withChangedPayload(receipt, (claims) => {
      (claims.document as { status: string }).status = 'verified';
      (claims.document as { school: { name: string } }).school.name = 'Harvard Medical School';
    });
    await choose(page, 'receipt.jws', forged);
    t.ok(await shows(page.getByText(/^Not valid\. Forged or changed: the signature does not match/)), 'forged');
    t.notOk(await page.getByText('A valid receipt from this service.').count(), 'and not shown as valid');
  });

  await t.test('a receipt signed by another service’s key', async (t) => {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA');
    const kid = await calculateJwkThumbprint(await exportJWK(publicKey));
    const jws = (JSON.parse(receipt) as { receipt: string }).receipt;
    const claims = JSON.parse(Buffer.from(jws.split('.')[1] as string, 'base64url').toString('utf8')) as object;
    const other = await new CompactSign(Buffer.from(JSON.stringify({ ...claims, iss: 'https://other.example' })))
      .setProtectedHeader({ alg: 'EdDSA', kid, typ: decodeProtectedHeader(jws).typ as string })
      .sign(privateKey);
    await choose(page, 'receipt.jws', other);
    t.ok(
      await shows(
        page.getByText(
          /^Not valid\. This receipt was not signed by this service.*It is from another service, or forged\./,
        ),
      ),
      'from another service',
    );
  });

  await t.test('a receipt of this key for another issuer, and one that has expired', async (t) => {
    // Signed with the service's own key, as another deployment sharing it, or a later receipt format, would.
    const serviceKey = await loadServiceKey(world.config);
    const jws = (JSON.parse(receipt) as { receipt: string }).receipt;
    const claims = JSON.parse(Buffer.from(jws.split('.')[1] as string, 'base64url').toString('utf8')) as object;
    const signed = (payload: object) =>
      new CompactSign(Buffer.from(JSON.stringify(payload)))
        .setProtectedHeader({ alg: serviceKey.alg, kid: serviceKey.kid, typ: 'emswp-receipt+jwt' })
        .sign(serviceKey.privateKey);
    await choose(page, 'receipt.jws', await signed({ ...claims, iss: 'https://emswp.other.example' }));
    t.ok(
      await shows(
        page.getByText(
          /^Not valid\. This receipt is for another service: it was issued by https:\/\/emswp\.other\.example/,
        ),
      ),
      'another issuer',
    );
    await choose(page, 'receipt.jws', await signed({ ...claims, exp: Math.floor(Date.now() / 1000) - 3600 }));
    t.ok(await shows(page.getByText(/^Not valid\. This receipt expired on /)), 'expired');
  });

  await t.test('a corrupt receipt file', async (t) => {
    await choose(page, 'receipt.json', receipt.slice(0, 80));
    t.ok(await shows(page.getByText(/^Not valid\. This file is not a receipt, or it is damaged/)), 'damaged');
    await choose(page, 'receipt.jws', 'eyJhbGciOiJFZERTQSJ9.bm90IGpzb24.c2lnbmF0dXJl');
    t.ok(
      await shows(page.getByText(/^Not valid\. This is a signed token, but not a receipt of this service/)),
      'a token of another kind',
    );
  });

  await t.test('a genuine .tlog-proof', async (t) => {
    await choose(page, 'document.tlog-proof', proof);
    t.ok(await shows(page.getByText('A valid log proof: this entry is in the service’s public transparency log.')));
    t.ok(
      await shows(page.getByText(new RegExp(`of the school ${school.wdoms_id}, status Verified`))),
      'what the entry says',
    );
  });

  await t.test('a tampered .tlog-proof', async (t) => {
    const lines = proof.split('\n');
    const entry = JSON.parse(Buffer.from((lines[1] as string).slice('extra '.length), 'base64').toString('utf8')) as {
      status: string;
    };
    entry.status = 'revoked';
    lines[1] = `extra ${Buffer.from(JSON.stringify(entry)).toString('base64')}`;
    await choose(page, 'document.tlog-proof', lines.join('\n'));
    t.ok(
      await shows(page.getByText(/^Not valid\. Forged or changed: the entry it carries is not entry \d+/)),
      'the inclusion fails',
    );

    const root = lines.findIndex((line, i) => i > 3 && /^\d+$/.test(lines[i - 1] ?? '') && line.length === 44);
    const checkpointChanged = [...proof.split('\n')];
    checkpointChanged[root] = Buffer.alloc(32, 1).toString('base64');
    await choose(page, 'document.tlog-proof', checkpointChanged.join('\n'));
    t.ok(
      await shows(page.getByText(/^Not valid\. Forged or changed: the checkpoint's signature does not match/)),
      'a changed checkpoint',
    );

    await choose(page, 'document.tlog-proof', 'c2sp.org/tlog-proof@v1\nindex x\n');
    t.ok(await shows(page.getByText(/^Not valid\. This log proof is damaged/)), 'a damaged proof');
  });
});
