import { createHash, createPrivateKey, randomUUID, sign as cryptoSign, type JsonWebKey } from 'node:crypto';
import { CompactSign } from 'jose';
import t, { type Test } from 'tap';
import type { ErrorCode } from '../../src/http/error-codes.js';
import { manifestPayload, pdf, signedManifest, submissionParts, submit, type Identity } from '../support/documents.js';
import { expectProblem } from '../support/expect-problem.js';
import { multipartBody, type Part } from '../support/multipart.js';
import { registerApplicant, registerSchool, type RegisteredSchool } from '../support/registry.js';
import { snapshotTables } from '../support/table-snapshot.js';
import { bearer, buildTestApp, type TestApp } from '../support/test-app.js';

const documentTables = ['documents', 'document_chunks', 'document_events', 'letter_requests'];
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function expectSubmissionRefused(
  t: Test,
  ctx: TestApp,
  token: string,
  body: { payload: Buffer; headers: Record<string, string> },
  code: ErrorCode,
) {
  const before = await snapshotTables(ctx.db, documentTables);
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/v1/documents',
    headers: { ...body.headers, ...bearer(token) },
    payload: body.payload,
  });
  const problem = expectProblem(t, response, code);
  t.same(await snapshotTables(ctx.db, documentTables), before, 'nothing was stored');
  return problem;
}

const refuse = (t: Test, ctx: TestApp, school: RegisteredSchool, parts: Part[], code: ErrorCode) =>
  expectSubmissionRefused(t, ctx, school.token, multipartBody(parts), code);

t.test('every bad submission is refused with its code and leaves nothing stored', async (t) => {
  const ctx = await buildTestApp(t, { MAX_DOCUMENT_BYTES: String(256 * 1024) });
  const school = await registerSchool(ctx);
  const otherSchool = await registerSchool(ctx);
  const applicant = await registerApplicant(ctx);
  const who: Identity = applicant;
  const file = pdf();
  const signed = (input = {}) => signedManifest(school, file, who, input);

  t.test('a tampered byte in the PDF', async (t) => {
    const tampered = Buffer.from(file);
    tampered[20] = tampered[20]! ^ 0x01;
    await refuse(t, ctx, school, submissionParts(await signed(), tampered), 'digest_mismatch');
  });

  t.test('a wrong size in the manifest', async (t) => {
    const manifest = await signedManifest(school, file, who, {
      override: {
        document: {
          type: 'transcript',
          sha256: createHash('sha256').update(file).digest('hex'),
          size: file.length + 1,
          media_type: 'application/pdf',
        },
      },
    });
    await refuse(t, ctx, school, submissionParts(manifest, file), 'digest_mismatch');
  });

  t.test("a manifest signed with another school's key", async (t) => {
    const manifest = await signedManifest({ ...school, key: otherSchool.key }, file, who);
    await refuse(t, ctx, school, submissionParts(manifest, file), 'unknown_key');
  });

  t.test('an unknown kid', async (t) => {
    await refuse(
      t,
      ctx,
      school,
      submissionParts(await signed({ sign: { header: { kid: 'no-such-key' } } }), file),
      'unknown_key',
    );
  });

  t.test('alg none', async (t) => {
    const unsigned = `${b64({ alg: 'none', kid: school.key.publicJwk.kid, typ: 'emswp-manifest+jwt' })}.${b64(manifestPayload(school, file, who))}.`;
    await refuse(t, ctx, school, submissionParts(unsigned, file), 'manifest_invalid');
  });

  t.test('an HMAC manifest keyed with the public key', async (t) => {
    const hmac = await new CompactSign(Buffer.from(JSON.stringify(manifestPayload(school, file, who))))
      .setProtectedHeader({ alg: 'HS256', kid: school.key.publicJwk.kid, typ: 'emswp-manifest+jwt' })
      .sign(Buffer.from(JSON.stringify(school.key.publicJwk)));
    await refuse(t, ctx, school, submissionParts(hmac, file), 'manifest_invalid');
  });

  for (const [label, header] of [
    ['the typ of an access token', { typ: 'JWT' }],
    ['an embedded jwk header', { jwk: school.key.publicJwk }],
    ['a jku header', { jku: 'https://attacker.example/jwks.json' }],
  ] as const) {
    t.test(`a manifest with ${label}`, async (t) => {
      await refuse(t, ctx, school, submissionParts(await signed({ sign: { header } }), file), 'manifest_invalid');
    });
  }

  t.test('a manifest with a crit header', async (t) => {
    // jose will not sign with an unknown critical member, so this one is signed by hand.
    const header = b64({
      alg: 'EdDSA',
      kid: school.key.publicJwk.kid,
      typ: 'emswp-manifest+jwt',
      crit: ['exp'],
      exp: 1,
    });
    const input = `${header}.${b64(manifestPayload(school, file, who))}`;
    const key = createPrivateKey({ key: school.key.privateJwk as JsonWebKey, format: 'jwk' });
    const manifest = `${input}.${cryptoSign(null, Buffer.from(input), key).toString('base64url')}`;
    await refuse(t, ctx, school, submissionParts(manifest, file), 'manifest_invalid');
  });

  t.test('a payload with an unknown field', async (t) => {
    await refuse(
      t,
      ctx,
      school,
      submissionParts(await signed({ override: { note: 'hello' } }), file),
      'manifest_invalid',
    );
  });

  t.test('a payload with a missing field', async (t) => {
    await refuse(
      t,
      ctx,
      school,
      submissionParts(await signed({ override: { jti: undefined } }), file),
      'manifest_invalid',
    );
  });

  t.test('an iat in the future', async (t) => {
    await refuse(
      t,
      ctx,
      school,
      submissionParts(await signed({ iat: Math.floor(Date.now() / 1000) + 3600 }), file),
      'manifest_invalid',
    );
  });

  t.test('an issuer that is not the calling school', async (t) => {
    await refuse(
      t,
      ctx,
      school,
      submissionParts(await signed({ override: { iss: otherSchool.wdoms_id } }), file),
      'issuer_mismatch',
    );
  });

  t.test('a file that is not a PDF, named .pdf', async (t) => {
    const html = Buffer.from('<html><body>Definitely a transcript</body></html>');
    await refuse(t, ctx, school, submissionParts(await signedManifest(school, html, who), html), 'media_type_invalid');
  });

  t.test('an empty file', async (t) => {
    const empty = Buffer.alloc(0);
    await refuse(t, ctx, school, submissionParts(await signed(), empty), 'digest_mismatch');
    await refuse(t, ctx, school, submissionParts(await signedManifest(school, empty, who), empty), 'manifest_invalid');
  });

  t.test('a file over MAX_DOCUMENT_BYTES', async (t) => {
    const big = pdf('big', 300 * 1024);
    const problem = await refuse(
      t,
      ctx,
      school,
      submissionParts(await signedManifest(school, big, who), big),
      'payload_too_large',
    );
    t.match(problem.detail, /262144/);
  });

  t.test('two files', async (t) => {
    await refuse(
      t,
      ctx,
      school,
      [...submissionParts(await signed(), file), { kind: 'file', name: 'file', filename: 'again.pdf', data: file }],
      'multipart_invalid',
    );
  });

  t.test('the file part missing', async (t) => {
    await refuse(t, ctx, school, [{ kind: 'field', name: 'manifest', value: await signed() }], 'multipart_invalid');
  });

  t.test('the manifest part missing', async (t) => {
    await refuse(t, ctx, school, [{ kind: 'file', name: 'file', filename: 'a.pdf', data: file }], 'multipart_invalid');
  });

  t.test('an extra field', async (t) => {
    await refuse(
      t,
      ctx,
      school,
      [...submissionParts(await signed(), file), { kind: 'field', name: 'comment', value: 'x' }],
      'multipart_invalid',
    );
  });

  t.test('a 1 MiB manifest field', async (t) => {
    await refuse(t, ctx, school, submissionParts('a'.repeat(1024 * 1024), file), 'payload_too_large');
  });

  t.test('a truncated multipart body', async (t) => {
    const body = multipartBody(submissionParts(await signed(), pdf('x', 100_000)));
    await expectSubmissionRefused(
      t,
      ctx,
      school.token,
      { ...body, payload: body.payload.subarray(0, body.payload.length - 50_000) },
      'multipart_invalid',
    );
  });

  t.test('a JSON body instead of multipart', async (t) => {
    const before = await snapshotTables(ctx.db, documentTables);
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/v1/documents',
      headers: bearer(school.token),
      payload: { manifest: await signed() },
    });
    expectProblem(t, response, 'unsupported_media_type');
    t.same(await snapshotTables(ctx.db, documentTables), before);
  });

  t.test('an applicant, a program or an admin cannot submit', async (t) => {
    for (const token of [applicant.token, await ctx.issuer.admin(), await ctx.issuer.program(randomUUID())]) {
      await expectSubmissionRefused(t, ctx, token, multipartBody(submissionParts(await signed(), file)), 'forbidden');
    }
  });
});

t.test('a revoked key is refused', async (t) => {
  const ctx = await buildTestApp(t);
  const school = await registerSchool(ctx);
  const applicant = await registerApplicant(ctx);
  const revoked = await ctx.app.inject({
    method: 'POST',
    url: `/v1/schools/${school.id}/keys/${school.key.publicJwk.kid}/revoke`,
    headers: bearer(school.token),
    payload: { reason: 'laptop lost' },
  });
  t.equal(revoked.statusCode, 200, revoked.body);
  const file = pdf();
  await refuse(t, ctx, school, submissionParts(await signedManifest(school, file, applicant), file), 'key_revoked');
});

t.test('a pending or suspended school cannot submit', async (t) => {
  const ctx = await buildTestApp(t);
  const applicant = await registerApplicant(ctx);
  for (const status of ['pending', 'suspended'] as const) {
    const school = await registerSchool(ctx, { status });
    const file = pdf();
    const problem = await refuse(
      t,
      ctx,
      school,
      submissionParts(await signedManifest(school, file, applicant), file),
      'school_not_active',
    );
    t.match(problem.detail, new RegExp(status));
  }
});

t.test('letters must answer an open request of the same applicant', async (t) => {
  const ctx = await buildTestApp(t);
  const school = await registerSchool(ctx);
  const applicant = await registerApplicant(ctx);
  const other = await registerApplicant(ctx);
  const ask = async (who: typeof applicant) =>
    (
      await ctx.app.inject({
        method: 'POST',
        url: `/v1/applicants/${who.id}/letter-requests`,
        headers: bearer(who.token),
        payload: { school_id: school.id, author_name: 'Dr. Adaeze Nwosu', waive_right_to_view: true },
      })
    ).json().letter_id as string;

  const lor = (letter_id?: string) => ({ type: 'lor' as const, letter_id });
  const file = pdf();
  await refuse(
    t,
    ctx,
    school,
    submissionParts(await signedManifest(school, file, applicant, lor(randomUUID())), file),
    'letter_invalid',
  );
  const othersLetter = await ask(other);
  await refuse(
    t,
    ctx,
    school,
    submissionParts(await signedManifest(school, file, applicant, lor(othersLetter)), file),
    'letter_invalid',
  );
  await refuse(
    t,
    ctx,
    school,
    submissionParts(await signedManifest(school, file, applicant, { type: 'lor' }), file),
    'manifest_invalid',
  );

  const letter = await ask(applicant);
  const first = await submit(ctx, school, applicant, lor(letter));
  t.equal(first.response.statusCode, 201, first.response.body);
  const second = pdf();
  await refuse(
    t,
    ctx,
    school,
    submissionParts(await signedManifest(school, second, applicant, lor(letter)), second),
    'letter_invalid',
  );
});

t.test("a school cannot supersede another school's document, nor one of another type or applicant", async (t) => {
  const ctx = await buildTestApp(t);
  const school = await registerSchool(ctx);
  const otherSchool = await registerSchool(ctx);
  const applicant = await registerApplicant(ctx);
  const someoneElse = await registerApplicant(ctx);
  const theirs = await submit(ctx, otherSchool, applicant);
  const ours = await submit(ctx, school, applicant);
  const file = pdf();
  for (const [supersedes, who, type] of [
    [theirs.document.id, applicant, 'transcript'],
    [randomUUID(), applicant, 'transcript'],
    [ours.document.id, someoneElse, 'transcript'],
    [ours.document.id, applicant, 'mspe'],
  ] as const) {
    await refuse(
      t,
      ctx,
      school,
      submissionParts(await signedManifest(school, file, who, { supersedes, type }), file),
      'supersede_invalid',
    );
  }
});
