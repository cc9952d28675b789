import { generateKeyPairSync, randomInt } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import t from 'tap';
import { generateSigningKey, signatureAlgorithms } from '../../src/crypto/jwk.js';
import { expectProblem } from '../support/expect-problem.js';
import { expectRefused } from '../support/refusal.js';
import { bearer, buildTestApp, type TestApp } from '../support/test-app.js';

interface SchoolKey {
  kid: string;
  alg: string;
  status: string;
  jwk: JWK;
  created_at: string;
  revoked_at: string | null;
  revoked_reason: string | null;
  compromised_at: string | null;
}

async function newSchool(ctx: TestApp) {
  const wdoms_id = `F${String(randomInt(10_000_000)).padStart(7, '0')}`;
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/v1/schools',
    headers: bearer(await ctx.issuer.admin()),
    payload: {
      wdoms_id,
      name: 'Makerere University School of Medicine',
      country: 'UG',
      contact_email: 'registrar@mak.ac.ug',
    },
  });
  const { id } = response.json<{ id: string }>();
  return { id, headers: bearer(await ctx.issuer.school(id)) };
}

const publicOnly = (jwk: JWK) => {
  const { kty, crv, x, y, n, e } = jwk;
  return Object.fromEntries(Object.entries({ kty, crv, x, y, n, e }).filter(([, v]) => v !== undefined)) as JWK;
};

t.test('a school registers a key of each accepted algorithm and publishes them all at once', async (t) => {
  const ctx = await buildTestApp(t);
  const school = await newSchool(ctx);
  const kids: string[] = [];
  for (const alg of signatureAlgorithms) {
    const { publicJwk } = await generateSigningKey(alg);
    // Sent without kid: the registry names the key by its RFC 7638 thumbprint.
    const { kid: _kid, ...withoutKid } = publicJwk;
    const response = await ctx.app.inject({
      method: 'POST',
      url: `/v1/schools/${school.id}/keys`,
      headers: school.headers,
      payload: { jwk: withoutKid },
    });
    t.equal(response.statusCode, 201, `${alg} accepted`);
    const key = response.json<SchoolKey>();
    const thumbprint = await calculateJwkThumbprint(publicOnly(publicJwk), 'sha256');
    t.match(key, {
      kid: thumbprint,
      alg,
      status: 'active',
      revoked_at: null,
      revoked_reason: null,
      compromised_at: null,
      created_at: /Z$/,
    });
    t.same(
      key.jwk,
      { ...publicOnly(publicJwk), kid: thumbprint, alg, use: 'sig' },
      `${alg}: only public members, plus kid, alg and use`,
    );
    kids.push(key.kid);
  }

  const jwks = await ctx.app.inject({ method: 'GET', url: `/v1/schools/${school.id}/jwks.json` });
  t.equal(jwks.statusCode, 200, 'the JWKS is public: no token sent');
  t.equal(jwks.headers['cache-control'], 'public, max-age=60');
  const keys = jwks.json<{ keys: JWK[] }>().keys;
  t.same(
    keys.map((k) => k.kid),
    kids,
    'five active keys side by side (rotation), oldest first',
  );
  t.notOk(
    keys.some((k) => 'd' in k || 'p' in k),
    'no private member anywhere',
  );
});

t.test('a kid carried by the JWK is kept', async (t) => {
  const ctx = await buildTestApp(t);
  const school = await newSchool(ctx);
  const { publicJwk } = await generateSigningKey('ES256');
  const response = await ctx.app.inject({
    method: 'POST',
    url: `/v1/schools/${school.id}/keys`,
    headers: bearer(await ctx.issuer.admin()),
    payload: { jwk: { ...publicJwk, kid: 'registrar-2027-01' } },
  });
  t.equal(response.statusCode, 201, 'an operator may register a key for a school');
  t.match(response.json(), { kid: 'registrar-2027-01', alg: 'ES256', jwk: { kid: 'registrar-2027-01' } });
});

t.test('key registration refusals: each answers with its code and stores nothing', async (t) => {
  const ctx = await buildTestApp(t);
  const school = await newSchool(ctx);
  const other = await newSchool(ctx);
  const register = (jwk: unknown, who = school) => ({
    method: 'POST' as const,
    url: `/v1/schools/${who.id}/keys`,
    headers: who.headers,
    payload: { jwk },
  });
  const ed = await generateSigningKey('EdDSA');

  await t.test('a private JWK', async (t) => {
    const problem = await expectRefused(t, ctx, register(ed.privateJwk), 'key_invalid');
    t.match(problem.detail, /private key/);
  });
  await t.test('a symmetric key', async (t) => {
    const problem = await expectRefused(
      t,
      ctx,
      register({ kty: 'oct', k: 'c2VjcmV0LXNoYXJlZC13aXRoLWV2ZXJ5b25l', alg: 'HS256' }),
      'key_invalid',
    );
    t.match(problem.detail, /symmetric/);
  });
  await t.test('RSA-1024', async (t) => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const problem = await expectRefused(
      t,
      ctx,
      register({ ...publicKey.export({ format: 'jwk' }), alg: 'RS256' }),
      'key_invalid',
    );
    t.match(problem.detail, /at least 2048 bits; this one has 1024/);
  });
  await t.test('an unsupported curve', async (t) => {
    for (const [curve, options] of [
      ['P-521', { type: 'ec', namedCurve: 'P-521' }],
      ['secp256k1', { type: 'ec', namedCurve: 'secp256k1' }],
      ['Ed448', { type: 'ed448' }],
      ['X25519', { type: 'x25519' }],
    ] as const) {
      const { publicKey } =
        'namedCurve' in options
          ? generateKeyPairSync('ec', { namedCurve: options.namedCurve })
          : generateKeyPairSync(options.type as 'ed448');
      const problem = await expectRefused(t, ctx, register(publicKey.export({ format: 'jwk' })), 'key_invalid');
      t.match(problem.detail, new RegExp(`curve "${curve}" is not supported`), curve);
    }
  });
  await t.test('an alg that does not fit the key', async (t) => {
    const ec = await generateSigningKey('ES256');
    const rsa = await generateSigningKey('RS256');
    for (const [jwk, why] of [
      [{ ...ed.publicJwk, alg: 'ES256' }, 'alg ES256 does not fit a OKP Ed25519 key'],
      [{ ...ec.publicJwk, alg: 'ES384' }, 'alg ES384 does not fit a EC P-256 key'],
      [{ ...rsa.publicJwk, alg: 'EdDSA' }, 'alg EdDSA does not fit a RSA key'],
      [{ ...ec.publicJwk, alg: 'HS256' }, 'alg "HS256" is not allowed'],
      [{ ...ec.publicJwk, alg: 'none' }, 'alg "none" is not allowed'],
      [{ ...rsa.publicJwk, alg: undefined }, 'an RSA key must say which algorithm'],
    ] as const) {
      const problem = await expectRefused(t, ctx, register(jwk), 'key_invalid');
      t.match(problem.detail, why);
    }
  });
  await t.test('a malformed JWK', async (t) => {
    const ec = (await generateSigningKey('ES256')).publicJwk;
    for (const [jwk, why] of [
      [{ crv: 'Ed25519', x: ed.publicJwk.x }, 'needs a "kty"'],
      [{ ...ed.publicJwk, kty: 'DSA' }, 'key type "DSA" is not supported'],
      [{ ...ed.publicJwk, x: 'not base64url!' }, '"x" must be a base64url string'],
      [{ ...ed.publicJwk, x: 'AAAA' }, '"x" of a Ed25519 key is 32 bytes'],
      [{ ...ec, y: ec.x }, 'do not make a valid public key'],
      [{ kty: 'EC', crv: 'P-256', x: ec.x }, '"y" must be a base64url string'],
      [{ ...ed.publicJwk, use: 'enc' }, '"use" must be "sig"'],
      [{ ...ed.publicJwk, key_ops: ['sign'] }, '"key_ops"'],
      [{ ...ed.publicJwk, x5c: ['MIIB'] }, 'member "x5c" is not accepted'],
      [{ ...ed.publicJwk, kid: '../other' }, '"kid" must be'],
    ] as const) {
      const problem = await expectRefused(t, ctx, register(jwk), 'key_invalid');
      t.match(problem.detail, why);
    }
    await t.test('a JWK that is not an object at all fails the request schema', async (t) => {
      await expectRefused(t, ctx, register('eyJrdHkiOiJPS1AifQ'), 'validation_failed');
      await expectRefused(t, ctx, register([ed.publicJwk]), 'validation_failed');
    });
  });
  await t.test('a key already registered: 409 key_exists, however it comes back', async (t) => {
    const created = await ctx.app.inject(register(ed.publicJwk));
    t.equal(created.statusCode, 201);
    let problem = await expectRefused(t, ctx, register(ed.publicJwk), 'key_exists');
    t.match(problem.detail, 'already registered for this school');
    problem = await expectRefused(t, ctx, register({ ...ed.publicJwk, kid: 'same-key-new-name' }), 'key_exists');
    t.match(problem.detail, 'already registered for this school', 'the same key under another kid');
    problem = await expectRefused(t, ctx, register(ed.publicJwk, other), 'key_exists');
    t.match(problem.detail, 'for another school', 'one key never speaks for two schools');
    const fresh = await generateSigningKey('EdDSA');
    problem = await expectRefused(t, ctx, register({ ...fresh.publicJwk, kid: ed.publicJwk.kid }), 'key_exists');
    t.match(problem.detail, /kid .* is already in use/, 'another key under a kid that is taken');
  });
});

t.test('revocation: the key is listed as revoked, leaves the JWKS, and never comes back', async (t) => {
  const ctx = await buildTestApp(t);
  const school = await newSchool(ctx);
  const old = await generateSigningKey('EdDSA');
  const next = await generateSigningKey('ES256');
  for (const key of [old, next]) {
    t.equal(
      (
        await ctx.app.inject({
          method: 'POST',
          url: `/v1/schools/${school.id}/keys`,
          headers: school.headers,
          payload: { jwk: key.publicJwk },
        })
      ).statusCode,
      201,
    );
  }
  const kid = old.publicJwk.kid as string;
  const revokeUrl = `/v1/schools/${school.id}/keys/${kid}/revoke`;

  await t.test('a compromise time in the future is refused', async (t) => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const problem = await expectRefused(
      t,
      ctx,
      {
        method: 'POST',
        url: revokeUrl,
        headers: school.headers,
        payload: { reason: 'lost laptop', compromised_at: future },
      },
      'validation_failed',
    );
    t.match(problem.errors, [{ path: 'body.compromised_at', message: 'must not be in the future' }]);
  });
  await t.test('a revocation needs a reason', async (t) => {
    await expectRefused(
      t,
      ctx,
      { method: 'POST', url: revokeUrl, headers: school.headers, payload: {} },
      'validation_failed',
    );
  });

  const compromisedAt = '2026-01-15T09:30:00.000Z';
  const revoked = await ctx.app.inject({
    method: 'POST',
    url: revokeUrl,
    headers: school.headers,
    payload: { reason: 'lost laptop', compromised_at: compromisedAt },
  });
  t.equal(revoked.statusCode, 200);
  t.match(revoked.json(), {
    kid,
    status: 'revoked',
    revoked_at: /Z$/,
    revoked_reason: 'lost laptop',
    compromised_at: compromisedAt,
  });
  const stored = await ctx.db
    .selectFrom('school_keys')
    .select(['revoked_by'])
    .where('kid', '=', kid)
    .executeTakeFirstOrThrow();
  t.equal(stored.revoked_by, `school-officer-${school.id}`, 'who revoked it is recorded');

  const listed = await ctx.app.inject({ method: 'GET', url: `/v1/schools/${school.id}/keys`, headers: school.headers });
  t.match(
    listed.json<{ items: SchoolKey[] }>().items.map((k) => [k.kid, k.status]),
    [
      [kid, 'revoked'],
      [next.publicJwk.kid, 'active'],
    ],
    'listed with its status',
  );
  const jwks = await ctx.app.inject({ method: 'GET', url: `/v1/schools/${school.id}/jwks.json` });
  t.same(
    jwks.json<{ keys: JWK[] }>().keys.map((k) => k.kid),
    [next.publicJwk.kid],
    'absent from the JWKS; the other key stays',
  );

  await t.test('it cannot be registered again, under any kid', async (t) => {
    const register = (jwk: JWK) => ({
      method: 'POST' as const,
      url: `/v1/schools/${school.id}/keys`,
      headers: school.headers,
      payload: { jwk },
    });
    let problem = await expectRefused(t, ctx, register(old.publicJwk), 'key_exists');
    t.match(problem.detail, 'a revoked key is never accepted again');
    problem = await expectRefused(t, ctx, register({ ...old.publicJwk, kid: 'reborn' }), 'key_exists');
    t.match(problem.detail, 'revoked');
  });
  await t.test('revoking it again changes nothing: 409 key_already_revoked', async (t) => {
    await expectRefused(
      t,
      ctx,
      {
        method: 'POST',
        url: revokeUrl,
        headers: school.headers,
        payload: { reason: 'again', compromised_at: '2020-01-01T00:00:00Z' },
      },
      'key_already_revoked',
    );
  });
  await t.test("a kid that is not this school's is 404", async (t) => {
    const other = await newSchool(ctx);
    await expectRefused(
      t,
      ctx,
      {
        method: 'POST',
        url: `/v1/schools/${other.id}/keys/${next.publicJwk.kid}/revoke`,
        headers: other.headers,
        payload: { reason: 'mine?' },
      },
      'not_found',
    );
    await expectRefused(
      t,
      ctx,
      {
        method: 'POST',
        url: `/v1/schools/${school.id}/keys/no-such-kid/revoke`,
        headers: school.headers,
        payload: { reason: 'x' },
      },
      'not_found',
    );
  });
});

t.test('a school with many keys lists them page by page', async (t) => {
  const ctx = await buildTestApp(t);
  const school = await newSchool(ctx);
  const kids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const response = await ctx.app.inject({
      method: 'POST',
      url: `/v1/schools/${school.id}/keys`,
      headers: school.headers,
      payload: { jwk: (await generateSigningKey('EdDSA')).publicJwk },
    });
    kids.push(response.json<SchoolKey>().kid);
  }
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const url: string = `/v1/schools/${school.id}/keys?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
    const body = (await ctx.app.inject({ method: 'GET', url, headers: school.headers })).json<{
      items: SchoolKey[];
      next_cursor: string | null;
    }>();
    seen.push(...body.items.map((k) => k.kid));
    cursor = body.next_cursor;
    pages++;
  } while (cursor !== null && pages < 10);
  t.equal(pages, 3);
  t.same(seen, kids, 'every key once, in the order registered');
  expectProblem(
    t,
    await ctx.app.inject({
      method: 'GET',
      url: `/v1/schools/${school.id}/keys?cursor=eyJhdCI6MX0`,
      headers: school.headers,
    }),
    'invalid_cursor',
  );
});

t.test('the JWKS of a school that does not exist is 404', async (t) => {
  const ctx = await buildTestApp(t);
  expectProblem(
    t,
    await ctx.app.inject({ method: 'GET', url: '/v1/schools/00000000-0000-4000-8000-000000000000/jwks.json' }),
    'not_found',
  );
});
