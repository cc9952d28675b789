import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createLocalJWKSet, generateKeyPair, SignJWT, UnsecuredJWT, type JWK, type JWTVerifyGetKey } from 'jose';
import t, { type Test } from 'tap';
import { createTokenVerifier, InvalidTokenError } from '../../src/auth/token-verifier.js';
import type { Principal } from '../../src/auth/principal.js';
import { expectProblem } from '../support/expect-problem.js';
import { bearer, buildTestApp } from '../support/test-app.js';
import { createTestIssuer, testAudience, testIssuerName, type TestIssuer } from '../support/test-issuer.js';

const schoolId = '5b0c2a52-6d6e-4b61-9b8f-0d3c8f5e7a11';
const admin: Principal = { sub: 'operator-1', role: 'admin' };
const now = () => Math.floor(Date.now() / 1000);

/** What a client with a bad token sees: 401 problem+json, code invalid_token, and the Bearer challenge. */
async function expectRejected(
  t: Test,
  app: Awaited<ReturnType<typeof buildTestApp>>['app'],
  authorization: string | undefined,
  reason: RegExp,
) {
  const response = await app.inject({
    method: 'GET',
    url: '/v1/me',
    headers: authorization === undefined ? {} : { authorization },
  });
  const body = expectProblem(t, response, 'invalid_token');
  t.match(
    response.headers['www-authenticate'],
    /^Bearer error="invalid_token"(, error_description="[^"]*")?$/,
    'WWW-Authenticate challenge',
  );
  t.match(body.detail, reason, `the detail says why: ${body.detail}`);
}

/** An admin token for this issuer and audience, signed with a key of the forger's choosing. */
async function forgedAdmin(alg: string, kid: string, key: Parameters<SignJWT['sign']>[0]): Promise<string> {
  const forged = await new SignJWT({ role: 'admin' })
    .setProtectedHeader({ alg, kid, typ: 'JWT' })
    .setIssuer(testIssuerName)
    .setAudience(testAudience)
    .setSubject('mallory')
    .setExpirationTime('1h')
    .sign(key);
  return `Bearer ${forged}`;
}

/** Tokens a client could send that must all be refused, each for its own reason. */
function badTokens(issuer: TestIssuer): Array<[string, () => Promise<string | undefined>, RegExp]> {
  const at = (seconds: number) => now() + seconds;
  return [
    ['no Authorization header at all', async () => undefined, /no bearer token/],
    [
      'a Basic credential instead of a bearer token',
      async () => 'Basic b3BlcmF0b3I6aHVudGVyMg==',
      /not "Bearer <JWT>"/,
    ],
    ['a bearer value that is not a JWT', async () => 'Bearer not-a-jwt', /not "Bearer <JWT>"/],
    ['three segments of garbage', async () => 'Bearer aaaa.bbbb.cccc', /malformed/],
    ['a valid token followed by more text', async () => `Bearer ${await issuer.admin()} extra`, /not "Bearer <JWT>"/],
    [
      'an unsigned token (alg: none)',
      async () =>
        `Bearer ${new UnsecuredJWT({ role: 'admin' }).setIssuer(testIssuerName).setAudience(testAudience).setSubject('mallory').setExpirationTime('1h').encode()}`,
      /algorithm that is not allowed/,
    ],
    [
      'an HS256 token whose secret is the issuer public key',
      async () => forgedAdmin('HS256', issuer.kid, new TextEncoder().encode(JSON.stringify(issuer.publicJwk))),
      /algorithm that is not allowed/,
    ],
    [
      'a token signed by a key the issuer does not publish (unknown kid)',
      async () =>
        forgedAdmin('EdDSA', 'someone-elses-key', (await generateKeyPair('EdDSA', { crv: 'Ed25519' })).privateKey),
      /no key of the issuer matches/,
    ],
    [
      "a token signed by another key under the issuer's kid",
      async () => forgedAdmin('EdDSA', issuer.kid, (await generateKeyPair('EdDSA', { crv: 'Ed25519' })).privateKey),
      /signature does not verify/,
    ],
    [
      'a token from another issuer',
      async () => `Bearer ${await issuer.token(admin, { claims: { iss: 'https://elsewhere.example' } })}`,
      /iss claim/,
    ],
    [
      'a token for another audience',
      async () => `Bearer ${await issuer.token(admin, { claims: { aud: 'another-api' } })}`,
      /aud claim/,
    ],
    [
      'an expired token',
      async () => `Bearer ${await issuer.token(admin, { claims: { iat: at(-7200), exp: at(-60) } })}`,
      /expired/,
    ],
    [
      'a token not valid yet (nbf in the future)',
      async () => `Bearer ${await issuer.token(admin, { claims: { nbf: at(600) } })}`,
      /nbf claim/,
    ],
    [
      'a token without exp',
      async () => `Bearer ${await issuer.token(admin, { claims: { exp: undefined } })}`,
      /exp claim/,
    ],
    [
      'a token with an unknown role',
      async () => `Bearer ${await issuer.token(admin, { claims: { role: 'superuser' } })}`,
      /role must be one of admin, school, applicant, program/,
    ],
    [
      'a token without a role',
      async () => `Bearer ${await issuer.token(admin, { claims: { role: undefined } })}`,
      /role must be one of/,
    ],
    [
      'a school token without school_id',
      async () =>
        `Bearer ${await issuer.token({ sub: 's-1', role: 'school', school_id: schoolId }, { claims: { school_id: undefined } })}`,
      /school token needs a school_id claim/,
    ],
    [
      'an applicant token whose applicant_id is not a UUID',
      async () => `Bearer ${await issuer.token({ sub: 'a-1', role: 'applicant', applicant_id: 'ann' })}`,
      /applicant token needs a applicant_id claim holding a UUID/,
    ],
    [
      'a program token carrying only a school_id',
      async () =>
        `Bearer ${await issuer.token({ sub: 'p-1', role: 'school', school_id: schoolId }, { claims: { role: 'program' } })}`,
      /program token needs a program_id claim/,
    ],
    [
      'a token without sub',
      async () => `Bearer ${await issuer.token(admin, { claims: { sub: undefined } })}`,
      /no sub claim/,
    ],
    [
      'a school manifest (typ emswp-manifest+jwt) presented as an access token',
      async () => `Bearer ${await issuer.token(admin, { header: { typ: 'emswp-manifest+jwt' } })}`,
      /emswp-manifest\+jwt is not an access token/,
    ],
  ];
}

t.test('a caller with a missing or bad token gets 401 invalid_token and learns why', async (t) => {
  const { app, issuer } = await buildTestApp(t);
  for (const [story, make, reason] of badTokens(issuer)) {
    await t.test(story, async (t) => expectRejected(t, app, await make(), reason));
  }
});

t.test('a valid token for each role answers GET /v1/me with exactly who it speaks for', async (t) => {
  const { app, issuer } = await buildTestApp(t);
  const entityId = '0f8b3f9e-2a59-4c86-9d42-5a7c1d2e3f40';
  const cases: Array<[string, Principal, Record<string, string>]> = [
    ['an operator', { sub: 'operator-1', role: 'admin' }, { sub: 'operator-1', role: 'admin' }],
    [
      'a school officer',
      { sub: 'officer-7', role: 'school', school_id: entityId },
      { sub: 'officer-7', role: 'school', school_id: entityId },
    ],
    [
      'an applicant',
      { sub: 'ann', role: 'applicant', applicant_id: entityId },
      { sub: 'ann', role: 'applicant', applicant_id: entityId },
    ],
    [
      'a program director',
      { sub: 'pd-3', role: 'program', program_id: entityId },
      { sub: 'pd-3', role: 'program', program_id: entityId },
    ],
  ];
  for (const [story, principal, expected] of cases) {
    const token = await issuer.token(principal, { claims: { department: 'not part of the answer' } });
    const response = await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(token) });
    t.equal(response.statusCode, 200, `${story}: 200`);
    t.same(response.json(), expected, `${story}: exactly sub, role and the entity`);
  }
});

t.test('the entity id is answered in lower case and the scheme name may be lower case', async (t) => {
  const { app, issuer } = await buildTestApp(t);
  const token = await issuer.school(schoolId.toUpperCase());
  const response = await app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `bearer ${token}` } });
  t.equal(response.statusCode, 200);
  t.same(response.json(), { sub: `school-officer-${schoolId.toUpperCase()}`, role: 'school', school_id: schoolId });
});

t.test('public operations routes need no token, even a bad one does no harm', async (t) => {
  const { app } = await buildTestApp(t);
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  t.equal(
    (await app.inject({ method: 'GET', url: '/healthz', headers: { authorization: 'Bearer a.b.c' } })).statusCode,
    200,
  );
});

/** A key lookup that counts its calls: every call means the token was verified again, not served from the cache. */
function countingKeys(issuer: TestIssuer): { keys: JWTVerifyGetKey; lookups: () => number } {
  const local = createLocalJWKSet({ keys: [issuer.publicJwk] });
  let count = 0;
  const keys: JWTVerifyGetKey = (header, token) => {
    count += 1;
    return local(header, token);
  };
  return { keys, lookups: () => count };
}

t.test('verified tokens are remembered until they expire, in a bounded cache', async (t) => {
  const issuer = await createTestIssuer(t.testdir({}));

  await t.test('the same token twice is verified once', async (t) => {
    const { keys, lookups } = countingKeys(issuer);
    const verifier = createTokenVerifier({ issuer: testIssuerName, audience: testAudience, keys, cacheSize: 10 });
    const token = await issuer.admin();
    t.same(await verifier.verify(token), admin);
    t.same(await verifier.verify(token), admin);
    t.equal(lookups(), 1, 'the second call was answered from the cache');
  });

  await t.test('with the cache off (size 0) every call verifies', async (t) => {
    const { keys, lookups } = countingKeys(issuer);
    const verifier = createTokenVerifier({ issuer: testIssuerName, audience: testAudience, keys, cacheSize: 0 });
    const token = await issuer.admin();
    await verifier.verify(token);
    await verifier.verify(token);
    t.equal(lookups(), 2);
  });

  await t.test('distinct tokens beyond the size evict the least recently used', async (t) => {
    const { keys, lookups } = countingKeys(issuer);
    const verifier = createTokenVerifier({ issuer: testIssuerName, audience: testAudience, keys, cacheSize: 2 });
    const [a, b, c] = await Promise.all([issuer.admin(), issuer.admin(), issuer.admin()]);
    t.not(a, b, 'each token is distinct (its own jti)');
    for (const token of [a, b, c]) await verifier.verify(token as string);
    t.equal(lookups(), 3);
    await verifier.verify(c as string);
    await verifier.verify(b as string);
    t.equal(lookups(), 3, 'the two newest are still cached');
    await verifier.verify(a as string);
    t.equal(lookups(), 4, 'the oldest was evicted and is verified again');
  });

  await t.test('a failure is never cached', async (t) => {
    const { keys, lookups } = countingKeys(issuer);
    const verifier = createTokenVerifier({ issuer: testIssuerName, audience: 'another-api', keys, cacheSize: 10 });
    const token = await issuer.admin();
    await t.rejects(verifier.verify(token), InvalidTokenError);
    await t.rejects(verifier.verify(token), InvalidTokenError);
    t.equal(lookups(), 2);
  });

  await t.test('a cached token stops working when it expires', async (t) => {
    const { keys, lookups } = countingKeys(issuer);
    const verifier = createTokenVerifier({ issuer: testIssuerName, audience: testAudience, keys, cacheSize: 10 });
    const exp = now() + 2;
    const token = await issuer.token(admin, { claims: { exp } });
    t.same(await verifier.verify(token), admin);
    t.same(await verifier.verify(token), admin);
    t.equal(lookups(), 1, 'cached while valid');
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 50));
    await t.rejects(verifier.verify(token), { name: 'InvalidTokenError', message: 'the token has expired' });
    t.equal(lookups(), 2, 'the expired entry was not served');
  });
});

t.test('the issuer keys can come from an http JWKS URL on this machine', async (t) => {
  let published: JWK[] = [];
  let fetches = 0;
  const server = createServer((request, response) => {
    fetches += 1;
    if (request.url !== '/.well-known/jwks.json') return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;

  const { app, directory } = await buildTestApp(t, {
    AUTH_JWKS_FILE: '',
    AUTH_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
  });
  const issuer = await createTestIssuer(await mkdtemp(join(directory, 'issuer-')));
  const stranger = await createTestIssuer(await mkdtemp(join(directory, 'stranger-')));
  published = [issuer.publicJwk];

  const response = await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(await issuer.admin()) });
  t.equal(response.statusCode, 200);
  t.same(response.json(), admin);
  t.ok(fetches >= 1, 'the keys were fetched from the URL');
  await expectRejected(t, app, `Bearer ${await stranger.admin()}`, /no key of the issuer matches/);
});

t.test('when the issuer JWKS URL is down, callers get 503 and keep their tokens', async (t) => {
  const server = createServer((_request, response) => void response.writeHead(500).end('upstream trouble'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;

  for (const [story, url] of [
    ['the JWKS URL answers 500', `http://127.0.0.1:${port}/.well-known/jwks.json`],
    ['nothing listens at the JWKS URL', 'http://127.0.0.1:1/.well-known/jwks.json'],
  ] as const) {
    await t.test(story, async (t) => {
      const { app, directory } = await buildTestApp(t, { AUTH_JWKS_FILE: '', AUTH_JWKS_URL: url });
      const issuer = await createTestIssuer(await mkdtemp(join(directory, 'issuer-')));
      const response = await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(await issuer.admin()) });
      const body = expectProblem(t, response, 'service_unavailable');
      t.match(body.detail, /issuer is not reachable/);
      t.equal(response.headers['retry-after'], '30');
    });
  }
});
