import { randomUUID } from 'node:crypto';
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDatabase } from '../../src/db/database.js';
import { createLogger } from '../../src/logger.js';
import { expectProblem } from '../support/expect-problem.js';
import { registerSchool } from '../support/registry.js';
import { bearer, buildTestApp } from '../support/test-app.js';
import { createTestIssuer, testAudience, testIssuerName } from '../support/test-issuer.js';

/** Bytes no client should send get a clear 4xx, and leave nothing stored. */

const json = { 'content-type': 'application/json' };

t.test('a NUL character in any free-text JSON field is 400, wherever it sits, and nothing is stored', async (t) => {
  const ctx = await buildTestApp(t);
  const { app, db, issuer } = ctx;
  const admin = bearer(await issuer.admin());
  const school = await registerSchool(ctx);
  const schoolsBefore = await db
    .selectFrom('schools')
    .select(db.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();

  const cases: [string, string, string, Record<string, string>, unknown, string][] = [
    [
      'a school name',
      'POST',
      '/v1/schools',
      admin,
      { wdoms_id: 'F7654321', name: 'University\u0000of Nowhere', country: 'NG', contact_email: 'r@example.edu' },
      'body.name',
    ],
    [
      'a status change reason',
      'PATCH',
      `/v1/schools/${school.id}`,
      admin,
      { status: 'suspended', reason: 'x\u0000' },
      'body.reason',
    ],
    [
      'a webhook description',
      'POST',
      '/v1/webhooks',
      bearer(school.token),
      { url: 'https://sis.example.edu/hooks', events: ['document.verified'], description: 'ours\u0000' },
      'body.description',
    ],
    [
      'an item of a list',
      'POST',
      '/v1/webhooks',
      bearer(school.token),
      { url: 'https://sis.example.edu/hooks', events: ['document.verified\u0000'] },
      'body.events.0',
    ],
    ['an object key', 'POST', '/v1/schools', admin, { 'name\u0000': 'x' }, 'body'],
  ];
  for (const [what, method, url, headers, payload, path] of cases) {
    const response = await app.inject({
      method: method as 'POST',
      url,
      headers: { ...headers, ...json },
      payload: JSON.stringify(payload),
    });
    const body = expectProblem(t, response, 'validation_failed');
    t.same(body.errors, [{ path, message: 'must not contain the NUL character (U+0000)' }], what);
  }
  const schoolsAfter = await db
    .selectFrom('schools')
    .select(db.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  t.equal(schoolsAfter.n, schoolsBefore.n, 'no school was added');
  const stored = await db.selectFrom('schools').select('status').where('id', '=', school.id).executeTakeFirstOrThrow();
  t.equal(stored.status, 'active', 'the school was not suspended');
  t.equal((await db.selectFrom('webhook_endpoints').selectAll().execute()).length, 0, 'no endpoint was registered');
});

t.test('a JSON body that is not UTF-8 is 400 malformed_json, not stored with U+FFFD', async (t) => {
  const { app, db, issuer } = await buildTestApp(t);
  const body = Buffer.concat([
    Buffer.from('{"wdoms_id":"F7654322","name":"Universit'),
    Buffer.from([0xe9, 0xff]),
    Buffer.from('","country":"NG","contact_email":"r@example.edu"}'),
  ]);
  const response = await app.inject({
    method: 'POST',
    url: '/v1/schools',
    headers: { ...bearer(await issuer.admin()), ...json },
    payload: body,
  });
  expectProblem(t, response, 'malformed_json');
  t.equal((await db.selectFrom('schools').selectAll().execute()).length, 0, 'nothing stored');

  const fine = await app.inject({
    method: 'POST',
    url: '/v1/schools',
    headers: { ...bearer(await issuer.admin()), ...json },
    payload: Buffer.from('{"wdoms_id":"F7654322","name":"Université","country":"NG","contact_email":"r@example.edu"}'),
  });
  t.equal(fine.statusCode, 201, 'well-formed UTF-8 is accepted');
  t.equal(fine.json().name, 'Université');
});

t.test('a cursor the service did not issue is 400 invalid_cursor; its own cursors page on', async (t) => {
  const ctx = await buildTestApp(t);
  const { app, issuer } = ctx;
  const admin = bearer(await issuer.admin());
  await registerSchool(ctx);
  await registerSchool(ctx);
  const first = await app.inject({ method: 'GET', url: '/v1/schools?limit=1', headers: admin });
  const issued = first.json().next_cursor as string;
  t.type(issued, 'string', 'the first page has a next cursor');
  const second = await app.inject({ method: 'GET', url: `/v1/schools?limit=1&cursor=${issued}`, headers: admin });
  t.equal(second.statusCode, 200, 'the issued cursor is accepted');
  t.not(second.json().items[0].id, first.json().items[0].id, 'and leads to the next page');

  const position = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const [issuedPosition, issuedTag] = issued.split('.');
  const forged = [
    // The crafted cursor that was a 500 from Postgres: a year no timestamp column can hold.
    position({ at: '-200000-01-01T00:00:00.000Z', id: randomUUID() }),
    `${position({ at: '-200000-01-01T00:00:00.000Z', id: randomUUID() })}.${issuedTag}`,
    `${position({ at: '2020-01-01T00:00:00.000Z', id: randomUUID() })}.${issuedTag}`,
    `${issuedPosition}.${'A'.repeat(22)}`,
    `${issuedPosition}.${issuedTag}.x`,
    issuedPosition,
  ];
  for (const cursor of forged) {
    expectProblem(
      t,
      await app.inject({ method: 'GET', url: `/v1/schools?cursor=${cursor}`, headers: admin }),
      'invalid_cursor',
    );
  }

  // Another deployment (another service key) cannot mint cursors this one accepts.
  const other = await buildTestApp(t);
  const foreign = await other.app.inject({
    method: 'GET',
    url: '/v1/schools?limit=1',
    headers: bearer(await other.issuer.admin()),
  });
  t.equal(foreign.json().next_cursor, null);
  await registerSchool(other);
  await registerSchool(other);
  const theirs = (
    await other.app.inject({ method: 'GET', url: '/v1/schools?limit=1', headers: bearer(await other.issuer.admin()) })
  ).json().next_cursor as string;
  expectProblem(
    t,
    await app.inject({ method: 'GET', url: `/v1/schools?cursor=${theirs}`, headers: admin }),
    'invalid_cursor',
  );
});

t.test('a known path asked with a wrong method is 405 with Allow', async (t) => {
  const { app, issuer } = await buildTestApp(t);
  const health = await app.inject({ method: 'DELETE', url: '/healthz' });
  expectProblem(t, health, 'method_not_allowed');
  t.equal(health.headers.allow, 'GET, HEAD');
  const schools = await app.inject({ method: 'PUT', url: '/v1/schools', headers: bearer(await issuer.admin()) });
  expectProblem(t, schools, 'method_not_allowed');
  t.equal(schools.headers.allow, 'GET, HEAD, POST');
  const school = await app.inject({ method: 'DELETE', url: `/v1/schools/${randomUUID()}` });
  expectProblem(t, school, 'method_not_allowed');
  t.equal(school.headers.allow, 'GET, HEAD, PATCH');
  expectProblem(t, await app.inject({ method: 'GET', url: '/v1/nowhere' }), 'not_found');
});

t.test('while the database is down, API calls are 503 with Retry-After, as /readyz is', async (t) => {
  const directory = t.testdir({});
  const issuer = await createTestIssuer(directory);
  const config = loadConfig({
    DATABASE_URL: 'postgres://postgres@127.0.0.1:1/down',
    DATA_DIR: directory,
    LOG_LEVEL: 'silent',
    AUTH_ISSUER: testIssuerName,
    AUTH_AUDIENCE: testAudience,
    AUTH_JWKS_FILE: issuer.jwksFile,
    WEBHOOK_WORKER: 'false',
  });
  const { db } = createDatabase(config.databaseUrl as string, 2);
  const app = await buildApp({ config, db, logger: createLogger('silent') });
  t.teardown(async () => {
    await app.close();
    await db.destroy();
  });
  const admin = bearer(await issuer.admin());
  for (const [method, url, payload] of [
    ['GET', '/v1/schools', undefined],
    ['GET', `/v1/documents/${randomUUID()}`, undefined],
    ['POST', '/v1/schools', { wdoms_id: 'F7654323', name: 'U', country: 'NG', contact_email: 'r@example.edu' }],
  ] as const) {
    const response = await app.inject({ method, url, headers: admin, ...(payload ? { payload } : {}) });
    expectProblem(t, response, 'service_unavailable');
    t.equal(response.headers['retry-after'], '5', `${method} ${url} says when to retry`);
  }
  const ready = await app.inject({ method: 'GET', url: '/readyz' });
  expectProblem(t, ready, 'service_unavailable');
  t.equal(ready.headers['retry-after'], '5');
});

t.test('/metrics without METRICS_TOKEN answers only this machine', async (t) => {
  const open = await buildTestApp(t);
  t.equal((await open.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' })).statusCode, 200);
  t.equal((await open.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '::1' })).statusCode, 200);
  expectProblem(
    t,
    await open.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9' }),
    'forbidden',
  );
  expectProblem(t, await open.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.1.2.3' }), 'forbidden');

  const proxied = await buildTestApp(t, { TRUST_PROXY: 'true' });
  const viaProxy = await proxied.app.inject({
    method: 'GET',
    url: '/metrics',
    remoteAddress: '127.0.0.1',
    headers: { 'x-forwarded-for': '203.0.113.9' },
  });
  expectProblem(t, viaProxy, 'forbidden');

  const tokened = await buildTestApp(t, { METRICS_TOKEN: 'scrape-secret-1' });
  const remote = await tokened.app.inject({
    method: 'GET',
    url: '/metrics',
    remoteAddress: '203.0.113.9',
    headers: bearer('scrape-secret-1'),
  });
  t.equal(remote.statusCode, 200, 'with the token, any address may scrape');
});
