import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import t, { type Test } from 'tap';
import { expectProblem } from '../support/expect-problem.js';
import { bearer, buildTestApp } from '../support/test-app.js';

/**
 * The foundation has no POST routes yet, so these stories add small routes of their own before the
 * first request. What they exercise is ours: the global error handler, the JSON body limit, the
 * schema validation options and the request id rules that every feature route gets.
 */
async function appWithTestRoutes(t: Test) {
  const built = await buildTestApp(t);
  const { app } = built;
  const Applicant = Type.Object(
    {
      given_name: Type.String({ minLength: 1 }),
      date_of_birth: Type.String({ format: 'date' }),
      age: Type.Optional(Type.Integer({ minimum: 0 })),
      notes: Type.Optional(Type.String()),
    },
    { additionalProperties: false },
  );
  app.post(
    '/v1/test/applicants',
    { schema: { body: Applicant, response: { 201: Applicant } } },
    async (request, reply) => reply.status(201).send(request.body),
  );
  app.get('/v1/test/crash', async () => {
    throw new Error('boom in /work/main/src/secret.ts:12:7 with password hunter2');
  });
  app.get('/v1/test/bad-sql', async () => {
    await sql`select secret_column from no_such_table where ecfmg_id = ${'12345678'}`.execute(app.db);
    return {};
  });
  return { ...built, token: await built.issuer.admin() };
}

const json = { 'content-type': 'application/json' };

t.test('a well-formed request passes through the test route', async (t) => {
  const { app, token } = await appWithTestRoutes(t);
  const response = await app.inject({
    method: 'POST',
    url: '/v1/test/applicants',
    headers: { ...bearer(token), ...json },
    payload: { given_name: 'Ann', date_of_birth: '1998-04-02' },
  });
  t.equal(response.statusCode, 201);
  t.same(response.json(), { given_name: 'Ann', date_of_birth: '1998-04-02' });
});

t.test('an unknown route is a 404 problem, with or without a token', async (t) => {
  const { app, token } = await appWithTestRoutes(t);
  const anonymous = expectProblem(t, await app.inject({ method: 'GET', url: '/v1/nothing-here?x=1' }), 'not_found');
  t.equal(anonymous.detail, 'No route GET /v1/nothing-here.', 'the detail names the path without its query');
  expectProblem(t, await app.inject({ method: 'GET', url: '/v1/nothing-here', headers: bearer(token) }), 'not_found');
  expectProblem(t, await app.inject({ method: 'GET', url: '/nothing-here' }), 'not_found');
  expectProblem(t, await app.inject({ method: 'DELETE', url: '/healthz' }), 'method_not_allowed');
});

t.test('a body that is not JSON is 400 malformed_json', async (t) => {
  const { app, token } = await appWithTestRoutes(t);
  for (const payload of ['{"given_name": "Ann",', 'given_name=Ann', '']) {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/test/applicants',
      headers: { ...bearer(token), ...json },
      payload,
    });
    const body = expectProblem(t, response, 'malformed_json');
    t.notMatch(body.detail, /Ann/, 'the detail does not echo the body');
  }
});

t.test('a body that breaks the schema is 400 validation_failed with the field paths', async (t) => {
  const { app, token } = await appWithTestRoutes(t);
  const cases: Array<[string, Record<string, unknown>, { path: string; message: RegExp }]> = [
    ['a required field missing', { given_name: 'Ann' }, { path: 'body.date_of_birth', message: /is required/ }],
    [
      'a field of the wrong type',
      { given_name: 'Ann', date_of_birth: '1998-04-02', age: 'old' },
      { path: 'body.age', message: /integer/ },
    ],
    [
      'a field in the wrong format',
      { given_name: 'Ann', date_of_birth: '02/04/1998' },
      { path: 'body.date_of_birth', message: /format "date"/ },
    ],
    [
      'an empty required string',
      { given_name: '', date_of_birth: '1998-04-02' },
      { path: 'body.given_name', message: /fewer than 1/ },
    ],
  ];
  for (const [story, payload, error] of cases) {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/test/applicants',
      headers: { ...bearer(token), ...json },
      payload,
    });
    const body = expectProblem(t, response, 'validation_failed');
    t.match(body.errors, [error], `${story}: ${JSON.stringify(body.errors)}`);
  }
  const array = await app.inject({
    method: 'POST',
    url: '/v1/test/applicants',
    headers: { ...bearer(token), ...json },
    payload: '[1,2]',
  });
  t.match(
    expectProblem(t, array, 'validation_failed').errors,
    [{ path: 'body', message: /object/ }],
    'an array where an object belongs',
  );
});

t.test('an unknown field is refused, not silently dropped', async (t) => {
  const { app, token } = await appWithTestRoutes(t);
  const response = await app.inject({
    method: 'POST',
    url: '/v1/test/applicants',
    headers: { ...bearer(token), ...json },
    payload: { given_name: 'Ann', date_of_birth: '1998-04-02', is_admin: true },
  });
  const body = expectProblem(t, response, 'validation_failed');
  t.same(body.errors, [{ path: 'body.is_admin', message: 'is not an allowed field' }]);
});

t.test('a JSON body over 1 MiB is 413 payload_too_large', async (t) => {
  const { app, token } = await appWithTestRoutes(t);
  const payload = JSON.stringify({ given_name: 'Ann', date_of_birth: '1998-04-02', notes: 'x'.repeat(1024 * 1024) });
  const response = await app.inject({
    method: 'POST',
    url: '/v1/test/applicants',
    headers: { ...bearer(token), ...json },
    payload,
  });
  expectProblem(t, response, 'payload_too_large');
  const justUnder = JSON.stringify({
    given_name: 'Ann',
    date_of_birth: '1998-04-02',
    notes: 'x'.repeat(1024 * 1024 - 100),
  });
  const accepted = await app.inject({
    method: 'POST',
    url: '/v1/test/applicants',
    headers: { ...bearer(token), ...json },
    payload: justUnder,
  });
  t.equal(accepted.statusCode, 201, 'a body just under the limit is accepted');
});

t.test('a content type the route does not take is 415', async (t) => {
  const { app, token } = await appWithTestRoutes(t);
  for (const type of ['application/xml', 'application/x-www-form-urlencoded', 'image/png']) {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/test/applicants',
      headers: { ...bearer(token), 'content-type': type },
      payload: '<applicant/>',
    });
    expectProblem(t, response, 'unsupported_media_type');
  }
});

t.test('an anonymous caller is refused before the body is read, so it learns nothing about the schema', async (t) => {
  const { app } = await appWithTestRoutes(t);
  const response = await app.inject({ method: 'POST', url: '/v1/test/applicants', headers: json, payload: '{"broken' });
  expectProblem(t, response, 'invalid_token');
});

t.test('a failure inside the service is a 500 problem without stack trace, SQL or message', async (t) => {
  const { app, token } = await appWithTestRoutes(t);
  for (const url of ['/v1/test/crash', '/v1/test/bad-sql']) {
    const response = await app.inject({ method: 'GET', url, headers: bearer(token) });
    const body = expectProblem(t, response, 'internal_error');
    t.match(body.detail, /request id/, 'the detail points at the request id');
    t.notMatch(
      response.body,
      /boom|hunter2|secret|no_such_table|relation|12345678/,
      `${url}: nothing of the failure leaks`,
    );
  }
});

t.test('the request id is echoed when safe and made up otherwise', async (t) => {
  const { app, token } = await appWithTestRoutes(t);
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  const given = await app.inject({
    method: 'GET',
    url: '/v1/me',
    headers: { ...bearer(token), 'x-request-id': 'portal-7f3a:retry.2' },
  });
  t.equal(given.headers['x-request-id'], 'portal-7f3a:retry.2', 'a plain id is echoed');

  const missing = await app.inject({ method: 'GET', url: '/healthz' });
  t.match(missing.headers['x-request-id'], uuid, 'a missing id is generated as a UUID');
  const other = await app.inject({ method: 'GET', url: '/healthz' });
  t.not(other.headers['x-request-id'], missing.headers['x-request-id'], 'each generated id is new');

  for (const unsafe of ['id with spaces', '<script>alert(1)</script>', 'a'.repeat(129), 'line\\nbreak', 'ünïcode']) {
    const response = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': unsafe } });
    t.match(response.headers['x-request-id'], uuid, `${JSON.stringify(unsafe.slice(0, 20))} is replaced`);
  }

  const failed = await app.inject({ method: 'GET', url: '/v1/me', headers: { 'x-request-id': 'client-404-check' } });
  t.equal(failed.statusCode, 401);
  t.equal(failed.headers['x-request-id'], 'client-404-check', 'echoed on errors too');
  const unknown = await app.inject({
    method: 'GET',
    url: '/v1/none',
    headers: { 'x-request-id': 'client-unknown-route' },
  });
  t.equal(unknown.headers['x-request-id'], 'client-unknown-route', 'and on unknown routes');
});
