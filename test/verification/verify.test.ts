import { createHash } from 'node:crypto';
import t from 'tap';
import { loadConfig } from '../../src/config.js';
import { pdf, submit } from '../support/documents.js';
import { expectProblem } from '../support/expect-problem.js';
import { multipartBody, type Part } from '../support/multipart.js';
import { expectRefused } from '../support/refusal.js';
import { registerApplicant, registerSchool } from '../support/registry.js';
import { bearer, buildTestApp, type TestApp } from '../support/test-app.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const byDigest = (ctx: TestApp, digest: unknown, remoteAddress = '198.51.100.7') =>
  ctx.app.inject({ method: 'POST', url: '/v1/verify', payload: { sha256: digest }, remoteAddress });

function byFile(ctx: TestApp, parts: Part[], remoteAddress = '198.51.100.7') {
  const { payload, headers } = multipartBody(parts);
  return ctx.app.inject({ method: 'POST', url: '/v1/verify', payload, headers, remoteAddress });
}

const filePart = (data: Buffer, name = 'file'): Part => ({ kind: 'file', name, filename: 'received.pdf', data });

/** What a refused verification must leave: it never stores anything, documents least of all. */
const tables = ['documents', 'document_chunks', 'document_events', 'disclosures'];

t.test('anyone holding a PDF learns whether it is genuine, and nothing about whom it concerns', async (t) => {
  const ctx = await buildTestApp(t);
  const school = await registerSchool(ctx);
  const applicant = await registerApplicant(ctx);
  const { file, document } = await submit(ctx, school, applicant);
  const expected = {
    match: true,
    documents: [
      {
        type: 'transcript',
        status: 'verified',
        // The school's standing now (with the reason the operator gave), beside the document's own status.
        school: { wdoms_id: school.wdoms_id, name: school.name, status: 'active', status_reason: 'vetted' },
        signed_at: document.signed_at,
        received_at: document.created_at,
      },
    ],
  };

  const asked = await byDigest(ctx, sha256(file));
  t.equal(asked.statusCode, 200, asked.body);
  t.same(
    asked.json(),
    expected,
    'by SHA-256: type, status, school and its standing, signing and receipt times, nothing more',
  );
  t.equal(asked.headers['cache-control'], 'no-store');
  for (const personal of [
    applicant.ecfmg_id,
    applicant.given_name,
    applicant.family_name,
    applicant.date_of_birth,
    applicant.id,
    document.id,
  ]) {
    t.notOk(asked.body.includes(personal), `the answer does not contain ${personal}`);
  }

  const uploaded = await byFile(ctx, [filePart(file)]);
  t.equal(uploaded.statusCode, 200, uploaded.body);
  t.same(uploaded.json(), expected, 'by file: the same answer');

  const withToken = await ctx.app.inject({
    method: 'POST',
    url: '/v1/verify',
    payload: { sha256: sha256(file) },
    headers: bearer(await ctx.issuer.admin()),
  });
  t.same(withToken.json(), expected, 'a token changes nothing');

  t.same(
    (await byDigest(ctx, sha256(pdf('never submitted')))).json(),
    { match: false, documents: [] },
    'an unknown digest',
  );
  const altered = Buffer.concat([file, Buffer.from('\n% one more line')]);
  t.same(
    (await byFile(ctx, [filePart(altered)])).json(),
    { match: false, documents: [] },
    'an altered file does not match',
  );

  await ctx.app.inject({
    method: 'POST',
    url: `/v1/documents/${document.id}/revoke`,
    headers: bearer(school.token),
    payload: { reason: 'issued in error' },
  });
  t.match(
    (await byDigest(ctx, sha256(file))).json(),
    { match: true, documents: [{ status: 'revoked' }] },
    'a revoked document says so',
  );
});

t.test('bad verification requests are refused with their code and store nothing', async (t) => {
  const ctx = await buildTestApp(t, { MAX_DOCUMENT_BYTES: '2048', VERIFY_RATE_LIMIT: '1000' });
  const post = (payload: unknown, headers: Record<string, string> = {}) => ({
    method: 'POST' as const,
    url: '/v1/verify',
    payload: payload as string,
    headers,
  });

  await expectRefused(t, ctx, post({ sha256: 'A'.repeat(64) }), 'validation_failed', tables);
  await expectRefused(t, ctx, post({ sha256: 'ab' }), 'validation_failed', tables);
  await expectRefused(t, ctx, post({}), 'validation_failed', tables);
  await expectRefused(t, ctx, post({ sha256: 'a'.repeat(64), ecfmg_id: '12345678' }), 'validation_failed', tables);
  await expectRefused(t, ctx, post('{"sha256":', { 'content-type': 'application/json' }), 'malformed_json', tables);
  await expectRefused(t, ctx, post('a'.repeat(64), { 'content-type': 'text/plain' }), 'unsupported_media_type', tables);

  const multipart = (parts: Part[]) => {
    const { payload, headers } = multipartBody(parts);
    return { method: 'POST' as const, url: '/v1/verify', payload, headers };
  };
  await expectRefused(t, ctx, multipart([]), 'multipart_invalid', tables);
  await expectRefused(t, ctx, multipart([filePart(pdf(), 'document')]), 'multipart_invalid', tables);
  await expectRefused(t, ctx, multipart([filePart(pdf()), filePart(pdf())]), 'multipart_invalid', tables);
  await expectRefused(
    t,
    ctx,
    multipart([{ kind: 'field', name: 'sha256', value: 'a'.repeat(64) }]),
    'multipart_invalid',
    tables,
  );
  await expectRefused(t, ctx, multipart([filePart(pdf('big', 4096))]), 'payload_too_large', tables);
  const broken = multipart([filePart(pdf())]);
  await expectRefused(
    t,
    ctx,
    { ...broken, payload: broken.payload.subarray(0, broken.payload.length - 30) },
    'multipart_invalid',
    tables,
  );
});

t.test('a flood from one address is stopped with 429 and Retry-After; other addresses carry on', async (t) => {
  const ctx = await buildTestApp(t, { VERIFY_RATE_LIMIT: '3' });
  const digest = 'a'.repeat(64);
  for (let i = 0; i < 3; i++)
    t.equal((await byDigest(ctx, digest, '203.0.113.9')).statusCode, 200, `request ${i + 1} of 3 is answered`);

  const limited = await byDigest(ctx, digest, '203.0.113.9');
  const body = expectProblem(t, limited, 'rate_limited');
  t.match(body.detail, /At most 3 verification requests a minute/);
  const retryAfter = Number(limited.headers['retry-after']);
  t.ok(
    Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60,
    `Retry-After is whole seconds within the minute (${limited.headers['retry-after']})`,
  );

  const upload = multipartBody([filePart(pdf())]);
  const limitedUpload = await ctx.app.inject({
    method: 'POST',
    url: '/v1/verify',
    payload: upload.payload,
    headers: upload.headers,
    remoteAddress: '203.0.113.9',
  });
  expectProblem(t, limitedUpload, 'rate_limited');

  const spoofed = await ctx.app.inject({
    method: 'POST',
    url: '/v1/verify',
    payload: { sha256: digest },
    remoteAddress: '203.0.113.9',
    headers: { 'x-forwarded-for': '192.0.2.44' },
  });
  expectProblem(t, spoofed, 'rate_limited');

  t.equal((await byDigest(ctx, digest, '203.0.113.10')).statusCode, 200, 'another address is not limited');
  t.equal(
    (await ctx.app.inject({ method: 'GET', url: '/readyz', remoteAddress: '203.0.113.9' })).statusCode,
    200,
    'nor are other routes',
  );
});

t.test('VERIFY_RATE_LIMIT: 30 a minute unless set; a bad value names the variable', async (t) => {
  t.equal(loadConfig({}).verifyRateLimit, 30);
  t.equal(loadConfig({ VERIFY_RATE_LIMIT: '120' }).verifyRateLimit, 120);
  for (const bad of ['0', 'ten', '-5', '1.5']) {
    t.throws(
      () => loadConfig({ VERIFY_RATE_LIMIT: bad }),
      { name: 'ConfigError', message: /^VERIFY_RATE_LIMIT: / },
      `"${bad}" is refused`,
    );
  }
});
