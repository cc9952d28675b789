import { randomUUID } from 'node:crypto';
import t from 'tap';
import { bearer, buildTestApp } from '../support/test-app.js';
import { registerEndpoint } from './support.js';

const schoolId = randomUUID();
const otherSchoolId = randomUUID();
const programId = randomUUID();

const countEndpoints = async (db: Awaited<ReturnType<typeof buildTestApp>>['db']) =>
  Number(
    (
      await db
        .selectFrom('webhook_endpoints')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

t.test('a school registers an endpoint, sees its secret once, and manages it', async (t) => {
  const { app, issuer } = await buildTestApp(t);
  const school = await issuer.school(schoolId);

  const created = await app.inject({
    method: 'POST',
    url: '/v1/webhooks',
    headers: bearer(school),
    payload: {
      url: 'https://sis.example.edu/emswp/hooks',
      events: ['document.verified', 'document.revoked'],
      description: 'student system',
    },
  });
  t.equal(created.statusCode, 201);
  const endpoint = created.json();
  t.match(endpoint, {
    url: 'https://sis.example.edu/emswp/hooks',
    events: ['document.verified', 'document.revoked'],
    description: 'student system',
    status: 'enabled',
    disabled_reason: null,
    owner: { role: 'school', id: schoolId },
    previous_secret_expires_at: null,
  });
  t.match(endpoint.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
  t.equal(Buffer.from(endpoint.secret.slice(6), 'base64').length, 32);

  const read = await app.inject({ method: 'GET', url: `/v1/webhooks/${endpoint.id}`, headers: bearer(school) });
  t.equal(read.statusCode, 200);
  t.notOk('secret' in read.json(), 'the secret is never shown again');
  const { secret: _secret, ...withoutSecret } = endpoint;
  t.same(read.json(), withoutSecret);

  const list = await app.inject({ method: 'GET', url: '/v1/webhooks', headers: bearer(school) });
  t.equal(list.statusCode, 200);
  t.same(
    list.json().items.map((e: { id: string }) => e.id),
    [endpoint.id],
  );
  t.equal(list.json().next_cursor, null);
  t.notOk('secret' in list.json().items[0]);

  const changed = await app.inject({
    method: 'PATCH',
    url: `/v1/webhooks/${endpoint.id}`,
    headers: bearer(school),
    payload: {
      url: 'https://sis.example.edu/v2/hooks',
      events: ['document.superseded'],
      description: null,
      status: 'disabled',
    },
  });
  t.equal(changed.statusCode, 200);
  t.match(changed.json(), {
    url: 'https://sis.example.edu/v2/hooks',
    events: ['document.superseded'],
    description: null,
    status: 'disabled',
    disabled_reason: 'owner',
  });

  const enabled = await app.inject({
    method: 'PATCH',
    url: `/v1/webhooks/${endpoint.id}`,
    headers: bearer(school),
    payload: { status: 'enabled' },
  });
  t.match(enabled.json(), { status: 'enabled', disabled_reason: null, url: 'https://sis.example.edu/v2/hooks' });

  const removed = await app.inject({ method: 'DELETE', url: `/v1/webhooks/${endpoint.id}`, headers: bearer(school) });
  t.equal(removed.statusCode, 204);
  t.equal(removed.body, '');
  t.equal(
    (await app.inject({ method: 'GET', url: `/v1/webhooks/${endpoint.id}`, headers: bearer(school) })).statusCode,
    404,
  );
});

t.test('rotating the secret returns a new one and says until when the old one still signs', async (t) => {
  const { app, issuer, db } = await buildTestApp(t);
  const program = await issuer.program(programId);
  const endpoint = await registerEndpoint(app, program, {
    url: 'https://residency.example.org/hooks',
    events: ['release.created'],
  });

  const before = Date.now();
  const rotated = await app.inject({
    method: 'POST',
    url: `/v1/webhooks/${endpoint.id}/rotate-secret`,
    headers: bearer(program),
  });
  t.equal(rotated.statusCode, 200);
  const body = rotated.json();
  t.match(body.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
  t.not(body.secret, endpoint.secret);
  const expires = Date.parse(body.previous_secret_expires_at);
  t.ok(
    expires >= before + 24 * 3600_000 - 5_000 && expires <= Date.now() + 24 * 3600_000 + 5_000,
    'the old secret signs for 24 hours',
  );

  const stored = await db
    .selectFrom('webhook_endpoints')
    .select(['secret', 'previous_secret'])
    .where('id', '=', endpoint.id)
    .executeTakeFirstOrThrow();
  t.same(stored, { secret: body.secret, previous_secret: endpoint.secret });
});

t.test('each owner sees only its own endpoints; applicants may not use webhooks', async (t) => {
  const { app, issuer } = await buildTestApp(t);
  const school = await issuer.school(schoolId);
  const mine = await registerEndpoint(app, school, {
    url: 'https://a.example.edu/hooks',
    events: ['document.verified'],
  });
  const admins = await registerEndpoint(app, await issuer.admin(), {
    url: 'https://ops.example.org/hooks',
    events: ['document.verified'],
  });
  const programs = await registerEndpoint(app, await issuer.program(programId), {
    url: 'https://p.example.org/hooks',
    events: ['release.created'],
  });

  const strangers = [await issuer.school(otherSchoolId), await issuer.program(randomUUID()), await issuer.admin()];
  for (const stranger of strangers) {
    for (const [method, path, payload] of [
      ['GET', '', undefined],
      ['PATCH', '', { status: 'disabled' }],
      ['DELETE', '', undefined],
      ['POST', '/rotate-secret', undefined],
      ['GET', '/deliveries', undefined],
      ['POST', '/replay', { since: '2020-01-01T00:00:00Z' }],
    ] as const) {
      const response = await app.inject({
        method,
        url: `/v1/webhooks/${mine.id}${path}`,
        headers: bearer(stranger),
        ...(payload ? { payload } : {}),
      });
      t.equal(response.statusCode, 404, `${method} ${path || '/'} by a stranger is 404`);
      t.equal(response.json().code, 'not_found');
    }
  }
  const adminList = await app.inject({ method: 'GET', url: '/v1/webhooks', headers: bearer(await issuer.admin()) });
  t.same(
    adminList.json().items.map((e: { id: string }) => e.id),
    [admins.id],
    "an admin lists the admins' endpoints only",
  );
  const programList = await app.inject({
    method: 'GET',
    url: '/v1/webhooks',
    headers: bearer(await issuer.program(programId)),
  });
  t.same(
    programList.json().items.map((e: { id: string }) => e.id),
    [programs.id],
  );

  const applicant = await issuer.applicant(randomUUID());
  for (const [method, url] of [
    ['POST', '/v1/webhooks'],
    ['GET', '/v1/webhooks'],
    ['GET', `/v1/webhooks/${mine.id}`],
  ] as const) {
    const response = await app.inject({
      method,
      url,
      headers: bearer(applicant),
      ...(method === 'POST' ? { payload: { url: 'https://x.example/h', events: ['document.verified'] } } : {}),
    });
    t.equal(response.statusCode, 403);
    t.equal(response.json().code, 'forbidden');
  }
  const anonymous = await app.inject({ method: 'GET', url: '/v1/webhooks' });
  t.equal(anonymous.statusCode, 401);
  const still = await app.inject({ method: 'GET', url: `/v1/webhooks/${mine.id}`, headers: bearer(school) });
  t.equal(still.json().status, 'enabled', "strangers' PATCH and DELETE changed nothing");
});

t.test('bad registrations are refused with a clear code and store nothing', async (t) => {
  const { app, issuer, db } = await buildTestApp(t);
  const school = await issuer.school(schoolId);
  const cases: [string, unknown, string][] = [
    ['an ftp URL', { url: 'ftp://files.example.edu/hooks', events: ['document.verified'] }, 'webhook_url_invalid'],
    ['a javascript URL', { url: 'javascript:alert(1)', events: ['document.verified'] }, 'webhook_url_invalid'],
    ['not a URL', { url: 'sis.example.edu/hooks', events: ['document.verified'] }, 'webhook_url_invalid'],
    [
      'credentials in the URL',
      { url: 'https://user:pass@sis.example.edu/hooks', events: ['document.verified'] },
      'webhook_url_invalid',
    ],
    [
      'a user name in the URL',
      { url: 'https://token@sis.example.edu/hooks', events: ['document.verified'] },
      'webhook_url_invalid',
    ],
    [
      'a loopback address',
      { url: 'http://127.0.0.1:8080/hooks', events: ['document.verified'] },
      'webhook_url_invalid',
    ],
    ['a private address', { url: 'http://10.1.2.3/hooks', events: ['document.verified'] }, 'webhook_url_invalid'],
    [
      'the cloud metadata address',
      { url: 'http://169.254.169.254/latest/meta-data', events: ['document.verified'] },
      'webhook_url_invalid',
    ],
    ['IPv6 loopback', { url: 'http://[::1]/hooks', events: ['document.verified'] }, 'webhook_url_invalid'],
    [
      'an IPv4-mapped private address',
      { url: 'http://[::ffff:192.168.1.1]/hooks', events: ['document.verified'] },
      'webhook_url_invalid',
    ],
    ['a hex-written loopback', { url: 'http://0x7f.1/hooks', events: ['document.verified'] }, 'webhook_url_invalid'],
    [
      'an IPv4-compatible loopback (::/96)',
      { url: 'http://[::127.0.0.1]/hooks', events: ['document.verified'] },
      'webhook_url_invalid',
    ],
    [
      'an IPv4-compatible public address (::/96)',
      { url: 'http://[::8.8.8.8]/hooks', events: ['document.verified'] },
      'webhook_url_invalid',
    ],
    ['localhost', { url: 'http://localhost:3000/hooks', events: ['document.verified'] }, 'webhook_url_invalid'],
    [
      'a URL over 2048 characters',
      { url: `https://sis.example.edu/${'a'.repeat(2048)}`, events: ['document.verified'] },
      'validation_failed',
    ],
    ['no events', { url: 'https://sis.example.edu/hooks', events: [] }, 'validation_failed'],
    ['an unknown event', { url: 'https://sis.example.edu/hooks', events: ['document.deleted'] }, 'validation_failed'],
    [
      'a repeated event',
      { url: 'https://sis.example.edu/hooks', events: ['document.verified', 'document.verified'] },
      'validation_failed',
    ],
    [
      'an unknown field',
      { url: 'https://sis.example.edu/hooks', events: ['document.verified'], secret: 'whsec_mine' },
      'validation_failed',
    ],
    ['no url', { events: ['document.verified'] }, 'validation_failed'],
    [
      'a description over 500 characters',
      { url: 'https://sis.example.edu/hooks', events: ['document.verified'], description: 'x'.repeat(501) },
      'validation_failed',
    ],
    ['an array body', [{ url: 'https://sis.example.edu/hooks', events: ['document.verified'] }], 'validation_failed'],
  ];
  for (const [what, payload, code] of cases) {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers: bearer(school),
      payload: payload as object,
    });
    t.equal(response.json().code, code, `${what}: ${code}`);
    t.equal(response.statusCode, code === 'validation_failed' ? 400 : 422);
    t.match(response.headers['content-type'], /^application\/problem\+json/);
  }
  const malformed = await app.inject({
    method: 'POST',
    url: '/v1/webhooks',
    headers: { ...bearer(school), 'content-type': 'application/json' },
    payload: '{"url":',
  });
  t.equal(malformed.json().code, 'malformed_json');
  t.equal(await countEndpoints(db), 0, 'nothing was stored');
});

t.test('bad changes are refused and leave the endpoint as it was', async (t) => {
  const { app, issuer } = await buildTestApp(t);
  const school = await issuer.school(schoolId);
  const endpoint = await registerEndpoint(app, school, {
    url: 'https://sis.example.edu/hooks',
    events: ['document.verified'],
  });
  const before = (
    await app.inject({ method: 'GET', url: `/v1/webhooks/${endpoint.id}`, headers: bearer(school) })
  ).json();
  const cases: [unknown, string][] = [
    [{}, 'validation_failed'],
    [{ url: 'http://192.168.0.10/hooks' }, 'webhook_url_invalid'],
    [{ url: 'https://u:p@sis.example.edu/hooks', events: ['document.revoked'] }, 'webhook_url_invalid'],
    [{ events: [] }, 'validation_failed'],
    [{ status: 'paused' }, 'validation_failed'],
    [{ secret: 'whsec_x' }, 'validation_failed'],
    [{ owner_id: otherSchoolId }, 'validation_failed'],
  ];
  for (const [payload, code] of cases) {
    const response = await app.inject({
      method: 'PATCH',
      url: `/v1/webhooks/${endpoint.id}`,
      headers: bearer(school),
      payload: payload as object,
    });
    t.equal(response.json().code, code, `${JSON.stringify(payload)}: ${code}`);
  }
  const notAnId = await app.inject({
    method: 'PATCH',
    url: '/v1/webhooks/not-a-uuid',
    headers: bearer(school),
    payload: { status: 'disabled' },
  });
  t.equal(notAnId.json().code, 'validation_failed');
  const after = (
    await app.inject({ method: 'GET', url: `/v1/webhooks/${endpoint.id}`, headers: bearer(school) })
  ).json();
  t.same(after, before, 'unchanged');

  const badCursor = await app.inject({ method: 'GET', url: '/v1/webhooks?cursor=bm9wZQ', headers: bearer(school) });
  t.equal(badCursor.json().code, 'invalid_cursor');
  const badLimit = await app.inject({ method: 'GET', url: '/v1/webhooks?limit=500', headers: bearer(school) });
  t.equal(badLimit.json().code, 'validation_failed');
  const badSince = await app.inject({
    method: 'POST',
    url: `/v1/webhooks/${endpoint.id}/replay`,
    headers: bearer(school),
    payload: { since: 'yesterday' },
  });
  t.equal(badSince.json().code, 'validation_failed');
});

t.test('an owner can have 20 endpoints, not more', async (t) => {
  const { app, issuer, db } = await buildTestApp(t);
  const school = await issuer.school(schoolId);
  const attempts = await Promise.all(
    Array.from({ length: 24 }, (_, i) =>
      app.inject({
        method: 'POST',
        url: '/v1/webhooks',
        headers: bearer(school),
        payload: { url: `https://sis.example.edu/hooks/${i}`, events: ['document.verified'] },
      }),
    ),
  );
  t.equal(attempts.filter((r) => r.statusCode === 201).length, 20, 'twenty accepted, even when asked at once');
  for (const refused of attempts.filter((r) => r.statusCode !== 201))
    t.equal(refused.json().code, 'webhook_limit_reached');
  t.equal(await countEndpoints(db), 20);
  const otherSchool = await registerEndpoint(app, await issuer.school(otherSchoolId), {
    url: 'https://b.example.edu/hooks',
    events: ['document.verified'],
  });
  t.ok(otherSchool.id, 'the limit is per owner');
});

t.test('endpoints are listed page by page in creation order', async (t) => {
  const { app, issuer } = await buildTestApp(t);
  const admin = await issuer.admin();
  const ids = [];
  for (let i = 0; i < 5; i++)
    ids.push(
      (await registerEndpoint(app, admin, { url: `https://ops.example.org/${i}`, events: ['document.verified'] })).id,
    );
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { statusCode: number; json(): { items: { id: string }[]; next_cursor: string | null } } =
      await app.inject({
        method: 'GET',
        url: `/v1/webhooks?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        headers: bearer(admin),
      });
    t.equal(page.statusCode, 200);
    const body = page.json();
    t.ok(body.items.length <= 2);
    seen.push(...body.items.map((e) => e.id));
    cursor = body.next_cursor;
  } while (cursor);
  t.same(seen, ids);
});

t.test('private addresses may be registered when WEBHOOK_ALLOW_PRIVATE_NETWORKS=true', async (t) => {
  const { app, issuer } = await buildTestApp(t, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
  const endpoint = await registerEndpoint(app, await issuer.school(schoolId), {
    url: 'http://127.0.0.1:9999/hooks',
    events: ['document.verified'],
  });
  t.equal(endpoint.status, 'enabled');
  const ftp = await app.inject({
    method: 'POST',
    url: '/v1/webhooks',
    headers: bearer(await issuer.school(schoolId)),
    payload: { url: 'ftp://127.0.0.1/hooks', events: ['document.verified'] },
  });
  t.equal(ftp.json().code, 'webhook_url_invalid', 'still only http and https');
});

t.test('a disabled endpoint cannot be replayed until it is enabled again', async (t) => {
  const { app, issuer } = await buildTestApp(t);
  const school = await issuer.school(schoolId);
  const endpoint = await registerEndpoint(app, school, {
    url: 'https://sis.example.edu/hooks',
    events: ['document.verified'],
  });
  await app.inject({
    method: 'PATCH',
    url: `/v1/webhooks/${endpoint.id}`,
    headers: bearer(school),
    payload: { status: 'disabled' },
  });
  const refused = await app.inject({
    method: 'POST',
    url: `/v1/webhooks/${endpoint.id}/replay`,
    headers: bearer(school),
    payload: { since: '2020-01-01T00:00:00Z' },
  });
  t.equal(refused.statusCode, 409);
  t.equal(refused.json().code, 'webhook_disabled');
  await app.inject({
    method: 'PATCH',
    url: `/v1/webhooks/${endpoint.id}`,
    headers: bearer(school),
    payload: { status: 'enabled' },
  });
  const accepted = await app.inject({
    method: 'POST',
    url: `/v1/webhooks/${endpoint.id}/replay`,
    headers: bearer(school),
    payload: { since: '2020-01-01T00:00:00Z' },
  });
  t.equal(accepted.statusCode, 202);
  t.same(accepted.json(), { replayed: 0, next_since: null });
});
