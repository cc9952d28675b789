import { Type } from '@sinclair/typebox';
import t, { type Test } from 'tap';
import { createLogger } from '../../src/logger.js';
import { bearer, buildTestApp } from '../support/test-app.js';

/** The whole service with its logger writing into an array, at the most talkative level. */
async function appWithCapturedLog(t: Test) {
  const lines: string[] = [];
  const { app, issuer } = await buildTestApp(
    t,
    {},
    createLogger('trace', { write: (line: string) => void lines.push(line) }),
  );
  return { app, issuer, lines };
}

const personal = {
  given_name: 'Zelda',
  family_name: 'Quixote-Fairweather',
  date_of_birth: '1997-11-23',
  email: 'zelda@example.org',
};
const manifest = 'eyJhbGciOiJFZERTQSJ9.eyJzaGEyNTYiOiJtYW5pZmVzdC1wYXlsb2FkLW1hcmtlciJ9.c2lnbmF0dXJlLW1hcmtlcg';

function neverLogged(t: Test, lines: string[], secrets: string[]): void {
  t.ok(lines.length > 0, `${lines.length} log lines were written`);
  for (const secret of secrets) {
    const leaks = lines.filter((line) => line.includes(secret));
    t.same(leaks, [], `${secret.slice(0, 24)}… appears in no log line`);
  }
}

t.test('an access token never reaches the log, while the request id does', async (t) => {
  const { app, issuer, lines } = await appWithCapturedLog(t);
  app.get('/v1/test/headers', async (request) => {
    // A feature that logs the headers while debugging must still not leak the credential.
    request.log.info({ headers: request.headers }, 'headers seen');
    return { ok: true };
  });
  const token = await issuer.admin();
  const ok = await app.inject({
    method: 'GET',
    url: '/v1/me',
    headers: { ...bearer(token), 'x-request-id': 'trace-me-123' },
  });
  t.equal(ok.statusCode, 200);
  const bad = await app.inject({
    method: 'GET',
    url: '/v1/me',
    headers: { authorization: `Bearer ${token}x`, 'x-request-id': 'trace-me-456' },
  });
  t.equal(bad.statusCode, 401);
  t.equal((await app.inject({ method: 'GET', url: '/v1/test/headers', headers: bearer(token) })).statusCode, 200);

  const signature = token.split('.')[2] as string;
  neverLogged(t, lines, [token, signature, `Bearer ${token}`]);
  const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  t.ok(
    parsed.some((entry) => entry.reqId === 'trace-me-123'),
    'the given request id is logged',
  );
  t.ok(
    parsed.some((entry) => entry.reqId === 'trace-me-456' && entry.code === 'invalid_token'),
    'the refusal is logged with its request id and code',
  );
  const headers = parsed.find((entry) => entry.msg === 'headers seen')?.headers as Record<string, unknown> | undefined;
  t.equal(headers?.authorization, '[redacted]', 'a logged Authorization header is redacted');
});

t.test('personal fields and manifests never reach the log', async (t) => {
  const { app, issuer, lines } = await appWithCapturedLog(t);
  const Submission = Type.Object(
    {
      manifest: Type.String(),
      applicant: Type.Object(
        { given_name: Type.String(), family_name: Type.String(), date_of_birth: Type.String(), email: Type.String() },
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false },
  );
  app.post('/v1/test/submissions', { schema: { body: Submission } }, async (request) => {
    const body = request.body as { manifest: string; applicant: typeof personal };
    // What features log: the manifest and the person it is about, at the top level or one level down.
    request.log.info({ applicant: body.applicant, manifest: body.manifest }, 'submission received');
    request.log.info(body.applicant, 'applicant matched');
    return { ok: true };
  });
  const token = await issuer.admin();
  const headers = { ...bearer(token), 'content-type': 'application/json' };

  const accepted = await app.inject({
    method: 'POST',
    url: '/v1/test/submissions',
    headers,
    payload: { manifest, applicant: personal },
  });
  t.equal(accepted.statusCode, 200);
  // Refused bodies are logged by the error handler: neither the values nor the raw text may appear.
  const unknownField = await app.inject({
    method: 'POST',
    url: '/v1/test/submissions',
    headers,
    payload: { manifest, applicant: personal, extra: 1 },
  });
  t.equal(unknownField.statusCode, 400);
  const broken = await app.inject({
    method: 'POST',
    url: '/v1/test/submissions',
    headers,
    payload: `{"manifest":"${manifest}","given_name":"Zelda`,
  });
  t.equal(broken.statusCode, 400);

  neverLogged(t, lines, [manifest, personal.given_name, personal.family_name, personal.date_of_birth, personal.email]);
  t.ok(
    lines.some((line) => line.includes('submission received') && line.includes('[redacted]')),
    'the logged objects are there, redacted',
  );
});

t.test(
  'personal data nested two levels down (a manifest payload logged while debugging) is redacted too',
  async (t) => {
    const { app, issuer, lines } = await appWithCapturedLog(t);
    app.get('/v1/test/nested', async (request) => {
      request.log.info({ submission: { applicant: personal } }, 'submission seen');
      return { ok: true };
    });
    t.equal(
      (await app.inject({ method: 'GET', url: '/v1/test/nested', headers: bearer(await issuer.admin()) })).statusCode,
      200,
    );
    t.ok(
      lines.some((line) => line.includes('submission seen')),
      'the line itself was written',
    );
    neverLogged(t, lines, [personal.given_name, personal.family_name, personal.date_of_birth, personal.email]);
  },
);

t.test('personal data in a query string is redacted from the request log; paging and filters stay', async (t) => {
  const { app, issuer, lines } = await appWithCapturedLog(t);
  const admin = bearer(await issuer.admin());
  const listed = await app.inject({
    method: 'GET',
    url: '/v1/documents?ecfmg_id=73918264&status=verified&limit=5',
    headers: admin,
  });
  t.equal(listed.statusCode, 200);
  // A query parameter no route knows, such as a name a client added by mistake, is redacted too.
  await app.inject({ method: 'GET', url: `/v1/documents?family_name=${personal.family_name}&limit=3`, headers: admin });
  neverLogged(t, lines, ['73918264', personal.family_name]);
  const urls = lines
    .map((line) => JSON.parse(line) as { req?: { url?: string } })
    .flatMap((entry) => (entry.req?.url ? [entry.req.url] : []));
  t.ok(
    urls.includes('/v1/documents?ecfmg_id=[redacted]&status=verified&limit=5'),
    'the request is logged with the ECFMG ID redacted',
  );
  t.ok(urls.includes('/v1/documents?family_name=[redacted]&limit=3'));
});
