import { createPrivateKey, randomBytes, randomUUID, type JsonWebKey } from 'node:crypto';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import t, { type Test } from 'tap';
import { CompactSign, decodeProtectedHeader, importJWK, type JSONWebKeySet } from 'jose';
import { sha256Hex } from '../../src/crypto/digest.js';
import { generateSigningKey, publicJwkOf, signatureAlgorithms, type SigningKeyPair } from '../../src/crypto/jwk.js';
import { signManifest } from '../../src/documents/manifest.js';
import {
  ReceiptVerificationError,
  signReceipt,
  verifyReceipt,
  type ReceiptFailure,
  type ReceiptPayload,
  type ReceiptSigningKey,
} from '../../src/receipts/receipt.js';

const service = await generateSigningKey('ES256');
const intruder = await generateSigningKey('ES256');
const jwks: JSONWebKeySet = { keys: [service.publicJwk] };
const serviceKey = (pair: SigningKeyPair, kid = pair.privateJwk.kid as string): ReceiptSigningKey => ({
  privateJwk: pair.privateJwk,
  kid,
  alg: pair.privateJwk.alg as ReceiptSigningKey['alg'],
});

const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(100_000)]);
const documentId = randomUUID();

function receiptPayload(overrides: Partial<ReceiptPayload> = {}): ReceiptPayload {
  return {
    iss: 'https://emswp.example',
    sub: documentId,
    iat: Math.floor(Date.now() / 1000),
    document: {
      id: documentId,
      type: 'transcript',
      status: 'verified',
      status_reason: null,
      sha256: sha256Hex(pdf),
      size: pdf.length,
      media_type: 'application/pdf',
      school: { id: randomUUID(), wdoms_id: 'F0001234', name: 'University of Lagos College of Medicine' },
      ecfmg_id: '12345678',
      submission_id: 'SIS-2026-0042',
      key_id: 'school-key-1',
      signed_at: '2026-01-15T11:59:00.000Z',
    },
    manifest_sha256: sha256Hex('a.b.c'),
    ...overrides,
  };
}

async function refusedFor(t: Test, promise: Promise<unknown>, reason: ReceiptFailure, message?: RegExp): Promise<void> {
  try {
    await promise;
    t.fail(`expected ${reason}, but the receipt was accepted`);
  } catch (error) {
    t.type(error, ReceiptVerificationError);
    t.equal((error as ReceiptVerificationError).reason, reason, (error as Error).message);
    if (message) t.match((error as Error).message, message);
  }
}

const b64 = (value: string) => Buffer.from(value).toString('base64url');

t.test('a holder checks a receipt and the PDF it holds, and is told what that does and does not prove', async (t) => {
  const receipt = await signReceipt(serviceKey(service), receiptPayload());
  t.same(decodeProtectedHeader(receipt), { alg: 'ES256', kid: service.privateJwk.kid, typ: 'emswp-receipt+jwt' });
  const dir = t.testdir({ 'document.pdf': pdf });

  const result = await verifyReceipt(receipt, jwks, {
    file: join(dir, 'document.pdf'),
    expectedIssuer: 'https://emswp.example',
  });
  t.equal(result.payload.document.id, documentId);
  t.equal(result.header.kid, service.privateJwk.kid);
  t.equal(result.key.kid, service.publicJwk.kid);
  t.equal(result.file?.sha256, sha256Hex(pdf));
  t.equal(result.file?.size, pdf.length);
  t.equal(result.issuedAt.getTime(), result.payload.iat * 1000);
  t.match(result.proven.join('\n'), /signed by key .* of the JWKS you supplied/);
  t.match(result.proven.join('\n'), /status verified/);
  t.match(result.proven.join('\n'), /The file you supplied is that document/);
  t.match(result.proven.join('\n'), /issuer is https:\/\/emswp\.example, as expected/);
  t.match(result.notProven.join('\n'), /That the status is still verified now/);
  t.notMatch(result.notProven.join('\n'), /pass the file/);

  const streamed = await verifyReceipt(receipt, jwks, { file: Readable.from([pdf.subarray(0, 10), pdf.subarray(10)]) });
  t.equal(streamed.file?.sha256, sha256Hex(pdf));

  const bare = await verifyReceipt(receipt, jwks);
  t.equal(bare.file, undefined);
  t.match(bare.notProven.join('\n'), /pass the file to compare/);
  t.notMatch(bare.proven.join('\n'), /The file you supplied/);
});

t.test('receipts sign and verify with every accepted algorithm; iat defaults to now', async (t) => {
  for (const alg of signatureAlgorithms) {
    const pair = alg === 'ES256' ? service : await generateSigningKey(alg);
    const before = Math.floor(Date.now() / 1000);
    const { iat: _iat, ...withoutIat } = receiptPayload();
    const receipt = await signReceipt(serviceKey(pair), withoutIat);
    const result = await verifyReceipt(receipt, { keys: [pair.publicJwk] });
    t.equal(result.header.alg, alg);
    t.ok(result.payload.iat >= before && result.payload.iat <= Math.floor(Date.now() / 1000), `${alg}: iat is now`);
  }
});

t.test('a key rotation: two keys share a kid, the right one verifies', async (t) => {
  const receipt = await signReceipt(serviceKey(service), receiptPayload());
  const rotated = { keys: [{ ...intruder.publicJwk, kid: service.publicJwk.kid }, service.publicJwk] };
  t.ok(await verifyReceipt(receipt, rotated));
});

t.test('refusals', async (t) => {
  const good = await signReceipt(serviceKey(service), receiptPayload());
  const [h, p, s] = good.split('.') as [string, string, string];

  t.test('one changed payload byte', async (t) => {
    const tampered = b64(Buffer.from(p, 'base64url').toString().replace('"status":"verified"', '"status":"revoked"'));
    t.not(tampered, p);
    await refusedFor(t, verifyReceipt(`${h}.${tampered}.${s}`, jwks), 'signature_invalid', /does not verify/);
  });

  t.test('signed by another key under the service kid', async (t) => {
    const forged = await signReceipt(serviceKey(intruder, service.privateJwk.kid as string), receiptPayload());
    await refusedFor(t, verifyReceipt(forged, jwks), 'signature_invalid');
  });

  t.test('a kid the JWKS does not have', async (t) => {
    const other = await signReceipt(serviceKey(intruder), receiptPayload());
    await refusedFor(t, verifyReceipt(other, jwks), 'unknown_key', /no key in the JWKS has kid/);
  });

  t.test('a key of the JWKS that does not fit the alg', async (t) => {
    // The ES256 service key named by an ES384 receipt.
    const es384 = await generateSigningKey('ES384');
    const confused = await signReceipt(serviceKey(es384, service.privateJwk.kid as string), receiptPayload());
    await refusedFor(t, verifyReceipt(confused, jwks), 'signature_invalid');
  });

  t.test('a wrong file, and a file cut short', async (t) => {
    const dir = t.testdir({
      'other.pdf': Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(1000)]),
      'short.pdf': pdf.subarray(0, pdf.length - 1),
    });
    await refusedFor(
      t,
      verifyReceipt(good, jwks, { file: join(dir, 'other.pdf') }),
      'file_mismatch',
      /the file is not this document/,
    );
    await refusedFor(
      t,
      verifyReceipt(good, jwks, { file: join(dir, 'short.pdf') }),
      'file_mismatch',
      new RegExp(`${pdf.length - 1} bytes`),
    );
  });

  t.test('a school manifest or an access token signed with the service key is not a receipt', async (t) => {
    const manifest = await signManifest(service.privateJwk, receiptPayload());
    await refusedFor(t, verifyReceipt(manifest, jwks), 'wrong_typ', /typ is "emswp-manifest\+jwt"/);
    const key = await importJWK(service.privateJwk, 'ES256');
    const token = await new CompactSign(Buffer.from(JSON.stringify(receiptPayload())))
      .setProtectedHeader({ alg: 'ES256', kid: service.privateJwk.kid, typ: 'JWT' })
      .sign(key);
    await refusedFor(t, verifyReceipt(token, jwks), 'wrong_typ');
    const untyped = await new CompactSign(Buffer.from(JSON.stringify(receiptPayload())))
      .setProtectedHeader({ alg: 'ES256', kid: service.privateJwk.kid })
      .sign(key);
    await refusedFor(t, verifyReceipt(untyped, jwks), 'wrong_typ');
  });

  t.test('a receipt carrying its own key is refused, never verified with that key', async (t) => {
    const key = await importJWK(intruder.privateJwk, 'ES256');
    const header = {
      alg: 'ES256',
      kid: intruder.privateJwk.kid,
      typ: 'emswp-receipt+jwt',
      jwk: publicJwkOf(intruder.publicJwk),
    };
    const forged = await new CompactSign(Buffer.from(JSON.stringify(receiptPayload())))
      .setProtectedHeader(header)
      .sign(key);
    await refusedFor(t, verifyReceipt(forged, jwks), 'malformed', /jwk/);
  });

  t.test('alg none and HMAC', async (t) => {
    const none = `${b64(JSON.stringify({ alg: 'none', typ: 'emswp-receipt+jwt', kid: service.privateJwk.kid }))}.${p}.`;
    await refusedFor(t, verifyReceipt(none, jwks), 'malformed', /"none"/);
    const hmac = await new CompactSign(Buffer.from(JSON.stringify(receiptPayload())))
      .setProtectedHeader({ alg: 'HS256', kid: service.privateJwk.kid, typ: 'emswp-receipt+jwt' })
      .sign(Buffer.from(JSON.stringify(service.publicJwk)));
    await refusedFor(t, verifyReceipt(hmac, jwks), 'malformed', /"HS256"/);
  });

  t.test('not a JWS at all', async (t) => {
    await refusedFor(t, verifyReceipt('{"receipt":"x"}', jwks), 'malformed', /not a receipt/);
    await refusedFor(t, verifyReceipt(`${good}x`.replace(/\./g, ''), jwks), 'malformed');
  });

  t.test('a payload that is not a receipt, even when signed by the service key', async (t) => {
    const key = serviceKey(service);
    const sign = (payload: unknown) =>
      importJWK(service.privateJwk, 'ES256').then((k) =>
        new CompactSign(Buffer.from(JSON.stringify(payload)))
          .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'emswp-receipt+jwt' })
          .sign(k),
      );
    const base = receiptPayload();
    const { sha256: _sha, ...withoutSha } = base.document;
    await refusedFor(
      t,
      verifyReceipt(await sign({ ...base, document: withoutSha }), jwks),
      'malformed',
      /\/document\/sha256/,
    );
    await refusedFor(
      t,
      verifyReceipt(await sign({ ...base, sub: randomUUID() }), jwks),
      'malformed',
      /sub is not its document id/,
    );
    await refusedFor(t, verifyReceipt(await sign([1]), jwks), 'malformed');
  });

  t.test('an issuer other than the one expected', async (t) => {
    await refusedFor(
      t,
      verifyReceipt(good, jwks, { expectedIssuer: 'https://other.example' }),
      'issuer_mismatch',
      /issued by https:\/\/emswp\.example/,
    );
  });

  t.test('a receipt dated in the future', async (t) => {
    const future = await signReceipt(
      serviceKey(service),
      receiptPayload({ iat: Math.floor(Date.now() / 1000) + 3600 }),
    );
    await refusedFor(t, verifyReceipt(future, jwks), 'dated_in_future');
  });

  t.test('a JWKS without keys', async (t) => {
    await refusedFor(t, verifyReceipt(good, {} as JSONWebKeySet), 'malformed', /no "keys" array/);
  });
});

t.test('signReceipt refuses a payload that is not a receipt, since that is a bug in the caller', async (t) => {
  const base = receiptPayload();
  await t.rejects(
    signReceipt(serviceKey(service), {
      ...base,
      document: { ...base.document, signed_at: new Date() as unknown as string },
    }),
    /\/document\/signed_at/,
  );
  await t.rejects(signReceipt(serviceKey(service), { ...base, sub: randomUUID() }), /sub must be the document id/);
  await t.rejects(
    signReceipt(serviceKey(service), { ...base, document: { ...base.document, sha256: 'ABC' } }),
    /\/document\/sha256/,
  );
});

t.test('an already imported private key (as the service key carries) signs the same receipt', async (t) => {
  const privateKey = createPrivateKey({ key: service.privateJwk as JsonWebKey, format: 'jwk' });
  const receipt = await signReceipt({ ...serviceKey(service), privateKey }, receiptPayload());
  t.equal((await verifyReceipt(receipt, jwks)).header.kid, service.publicJwk.kid);
});
