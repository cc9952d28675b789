import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import t, { type Test } from 'tap';
import { bearer, buildTestApp } from '../support/test-app.js';
import {
  allEvents,
  emit,
  eventually,
  fastSchedule,
  registerEndpoint,
  startDispatcher,
  startReceiver,
  type ReceivedRequest,
} from './support.js';

const schoolId = randomUUID();

async function setUp(t: Test) {
  const testApp = await buildTestApp(t, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
  const school = await testApp.issuer.school(schoolId);
  return { ...testApp, school };
}

const verifiedEvent = (documentId = randomUUID()) => ({
  type: 'document.verified' as const,
  data: { document_id: documentId, status: 'verified' },
  audience: { school_id: schoolId },
});

const headersOf = (request: ReceivedRequest) =>
  Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));

interface DeliveryView {
  id: string;
  event_id: string;
  event_type: string;
  status: string;
  attempt_count: number;
  last_status_code: number | null;
  last_error: string | null;
  replay: boolean;
  attempts: { attempt: number; status_code: number | null; duration_ms: number; error: string | null; at: string }[];
}

async function deliveriesOf(testApp: Awaited<ReturnType<typeof setUp>>, endpointId: string): Promise<DeliveryView[]> {
  const response = await testApp.app.inject({
    method: 'GET',
    url: `/v1/webhooks/${endpointId}/deliveries?limit=200`,
    headers: bearer(testApp.school),
  });
  return response.json().items;
}

t.test('a receiver gets each event signed as Standard Webhooks says, and the owner sees the attempt', async (t) => {
  const testApp = await setUp(t);
  const receiver = await startReceiver(t);
  const endpoint = await registerEndpoint(testApp.app, testApp.school, { url: receiver.url, events: allEvents });
  startDispatcher(t, testApp.database.url);

  const documentId = randomUUID();
  const eventId = await emit(testApp.db, verifiedEvent(documentId));
  const [request] = await eventually(() => receiver.requests.length === 1 && receiver.requests, 5_000, 'the delivery');
  if (!request) throw new Error('no request');

  t.equal(request.method, 'POST');
  t.equal(request.path, '/hooks');
  t.equal(request.headers['content-type'], 'application/json');
  t.equal(request.headers['webhook-id'], eventId, 'webhook-id is the event id');
  t.match(request.headers['webhook-timestamp'], /^\d{10}$/);
  t.ok(Math.abs(Number(request.headers['webhook-timestamp']) - Date.now() / 1000) < 5);
  t.match(request.headers['webhook-signature'], /^v1,[A-Za-z0-9+/]{43}=$/, 'one signature while there is one secret');

  // The receiver's view: an independent Standard Webhooks library accepts it.
  const payload = new Webhook(endpoint.secret).verify(request.body, headersOf(request));
  t.match(payload, { type: 'document.verified', data: { document_id: documentId, status: 'verified' } });
  t.same(Object.keys(JSON.parse(request.body)), ['type', 'timestamp', 'data']);
  t.match(JSON.parse(request.body).timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  t.throws(
    () => new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(request.body, headersOf(request)),
    'another secret does not verify',
  );
  t.throws(
    () => new Webhook(endpoint.secret).verify(request.body.replace('verified', 'revoked'), headersOf(request)),
    'an altered body does not verify',
  );

  const [delivery] = await eventually(async () => {
    const list = await deliveriesOf(testApp, endpoint.id);
    return list[0]?.status === 'succeeded' && list;
  });
  t.match(delivery, {
    event_id: eventId,
    event_type: 'document.verified',
    status: 'succeeded',
    attempt_count: 1,
    last_status_code: 204,
    last_error: null,
    replay: false,
  });
  t.equal(delivery?.attempts.length, 1);
  t.match(delivery?.attempts[0], { attempt: 1, status_code: 204, error: null });
  t.type(delivery?.attempts[0]?.duration_ms, 'number');
});

t.test('a receiver that fails twice gets the same event a third time and then it is done', async (t) => {
  const testApp = await setUp(t);
  const receiver = await startReceiver(t, (_request, index, response) =>
    response.writeHead(index < 2 ? 500 : 200).end('ok'),
  );
  const endpoint = await registerEndpoint(testApp.app, testApp.school, {
    url: receiver.url,
    events: ['document.verified'],
  });
  startDispatcher(t, testApp.database.url);

  const eventId = await emit(testApp.db, verifiedEvent());
  await eventually(() => receiver.requests.length >= 3, 5_000, 'three attempts');
  const [delivery] = await eventually(async () => {
    const list = await deliveriesOf(testApp, endpoint.id);
    return list[0]?.status === 'succeeded' && list;
  });
  t.same(
    receiver.requests.map((r) => r.headers['webhook-id']),
    [eventId, eventId, eventId],
    'the same webhook-id on every retry',
  );
  for (const request of receiver.requests)
    t.ok(new Webhook(endpoint.secret).verify(request.body, headersOf(request)), 'each retry is signed afresh');
  t.same(new Set(receiver.requests.map((r) => r.body)).size, 1, 'the body is the same on every retry');
  const gaps = receiver.requests.slice(1).map((r, i) => r.at - (receiver.requests[i]?.at ?? 0));
  for (const gap of gaps) t.ok(gap >= (fastSchedule[0] ?? 0) - 10, `retried after the scheduled wait (${gap} ms)`);
  t.same(
    delivery?.attempts.map((a) => [a.attempt, a.status_code, a.error]),
    [
      [1, 500, '500 Internal Server Error'],
      [2, 500, '500 Internal Server Error'],
      [3, 200, null],
    ],
  );
  await new Promise((resolve) => setTimeout(resolve, 400));
  t.equal(receiver.requests.length, 3, 'nothing more is sent once it succeeded');
  const stored = await testApp.db
    .selectFrom('webhook_endpoints')
    .select('failing_since')
    .where('id', '=', endpoint.id)
    .executeTakeFirstOrThrow();
  t.equal(stored.failing_since, null, 'the success cleared the failure clock');
});

t.test('after the last retry a delivery is failed, stays listed, and the endpoint stays enabled', async (t) => {
  const testApp = await setUp(t);
  const receiver = await startReceiver(t, (_request, _index, response) => response.writeHead(502).end());
  const endpoint = await registerEndpoint(testApp.app, testApp.school, {
    url: receiver.url,
    events: ['document.verified'],
  });
  startDispatcher(t, testApp.database.url, { retryDelaysMs: [30, 30, 30] });
  await emit(testApp.db, verifiedEvent());
  const [delivery] = await eventually(async () => {
    const list = await deliveriesOf(testApp, endpoint.id);
    return list[0]?.status === 'failed' && list;
  });
  t.equal(delivery?.attempt_count, 4, 'the first attempt and one per scheduled retry');
  t.equal(receiver.requests.length, 4);
  const read = await testApp.app.inject({
    method: 'GET',
    url: `/v1/webhooks/${endpoint.id}`,
    headers: bearer(testApp.school),
  });
  t.equal(read.json().status, 'enabled', 'one failed delivery does not disable an endpoint');
});

t.test('a 410 Gone ends the delivery and disables the endpoint', async (t) => {
  const testApp = await setUp(t);
  const receiver = await startReceiver(t, (_request, _index, response) => response.writeHead(410).end());
  const endpoint = await registerEndpoint(testApp.app, testApp.school, {
    url: receiver.url,
    events: ['document.verified'],
  });
  startDispatcher(t, testApp.database.url);
  await emit(testApp.db, verifiedEvent());
  const [delivery] = await eventually(async () => {
    const list = await deliveriesOf(testApp, endpoint.id);
    return list[0]?.status === 'failed' && list;
  });
  t.match(delivery, { status: 'failed', attempt_count: 1, last_status_code: 410 });
  const read = await testApp.app.inject({
    method: 'GET',
    url: `/v1/webhooks/${endpoint.id}`,
    headers: bearer(testApp.school),
  });
  t.match(read.json(), { status: 'disabled', disabled_reason: 'gone' });
  await emit(testApp.db, verifiedEvent());
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.equal(receiver.requests.length, 1, 'a disabled endpoint receives nothing more');
  t.equal((await deliveriesOf(testApp, endpoint.id)).length, 1);
});

t.test('a redirect is a failure and is never followed', async (t) => {
  const testApp = await setUp(t);
  const elsewhere = await startReceiver(t);
  const receiver = await startReceiver(t, (_request, _index, response) =>
    response.writeHead(307, { location: elsewhere.url }).end(),
  );
  const endpoint = await registerEndpoint(testApp.app, testApp.school, {
    url: receiver.url,
    events: ['document.verified'],
  });
  startDispatcher(t, testApp.database.url, { retryDelaysMs: [30] });
  await emit(testApp.db, verifiedEvent());
  const [delivery] = await eventually(async () => {
    const list = await deliveriesOf(testApp, endpoint.id);
    return list[0]?.status === 'failed' && list;
  });
  t.equal(delivery?.attempt_count, 2);
  t.equal(delivery?.last_status_code, 307);
  t.match(delivery?.last_error, /^redirect 307 to http:\/\/127\.0\.0\.1:\d+\/hooks not followed$/);
  t.equal(elsewhere.requests.length, 0, 'the redirect target got nothing');
});

t.test('a receiver that hangs is given up on after the timeout and tried again', async (t) => {
  const testApp = await setUp(t);
  // Answers nothing at first (the socket stays open), then answers quickly.
  const receiver = await startReceiver(t, (_request, index, response) => {
    if (index > 0) response.writeHead(200).end();
  });
  const endpoint = await registerEndpoint(testApp.app, testApp.school, {
    url: receiver.url,
    events: ['document.verified'],
  });
  startDispatcher(t, testApp.database.url, { timeoutMs: 300 });
  await emit(testApp.db, verifiedEvent());
  const [delivery] = await eventually(async () => {
    const list = await deliveriesOf(testApp, endpoint.id);
    return list[0]?.status === 'succeeded' && list;
  });
  const [first, second] = delivery?.attempts ?? [];
  t.match(first, { attempt: 1, status_code: null, error: 'timed out after 0.3 s' });
  t.ok(
    (first?.duration_ms ?? 0) >= 295 && (first?.duration_ms ?? 0) < 1_000,
    `the attempt lasted the timeout (${first?.duration_ms} ms)`,
  );
  t.match(second, { attempt: 2, status_code: 200, error: null });
});

t.test('an attempt waiting for a connection to a busy receiver gets its whole timeout once it has one', async (t) => {
  const testApp = await setUp(t);
  // The first request hangs; the others are answered at once.
  const receiver = await startReceiver(t, (_request, index, response) => {
    if (index > 0) response.writeHead(204).end();
  });
  const endpoint = await registerEndpoint(testApp.app, testApp.school, {
    url: receiver.url,
    events: ['document.verified'],
  });
  startDispatcher(t, testApp.database.url, {
    timeoutMs: 400,
    connectionsPerHost: 1,
    perEndpointConcurrency: 2,
    retryDelaysMs: [60_000],
  });
  await emit(testApp.db, verifiedEvent());
  await eventually(() => receiver.requests.length === 1);
  await emit(testApp.db, verifiedEvent());
  const list = await eventually(async () => {
    const deliveries = await deliveriesOf(testApp, endpoint.id);
    return (
      deliveries.length === 2 && deliveries.every((d) => d.attempt_count === 1 && d.attempts.length === 1) && deliveries
    );
  });
  const [second, first] = list;
  t.match(first?.attempts[0], { status_code: null, error: 'timed out after 0.4 s' }, 'the hanging one timed out');
  t.match(
    second?.attempts[0],
    { status_code: 204, error: null },
    'the one queued behind it was sent once the connection was free',
  );
  t.ok(
    (second?.attempts[0]?.duration_ms ?? Infinity) < 300,
    `its duration counts from its connection (${second?.attempts[0]?.duration_ms} ms)`,
  );
});

t.test('429 and 503 are retried when Retry-After says, not sooner', async (t) => {
  const testApp = await setUp(t);
  const receiver = await startReceiver(t, (_request, index, response) => {
    if (index === 0) response.writeHead(429, { 'retry-after': '1' }).end();
    else if (index === 1) response.writeHead(503, { 'retry-after': new Date(Date.now() + 1_000).toUTCString() }).end();
    else response.writeHead(204).end();
  });
  const endpoint = await registerEndpoint(testApp.app, testApp.school, {
    url: receiver.url,
    events: ['document.verified'],
  });
  startDispatcher(t, testApp.database.url);
  await emit(testApp.db, verifiedEvent());
  await eventually(() => receiver.requests.length >= 3, 8_000, 'three attempts');
  const [a, b, c] = receiver.requests.map((r) => r.at);
  t.ok(
    (b ?? 0) - (a ?? 0) >= 950,
    `after 429 Retry-After: 1 it waited ${(b ?? 0) - (a ?? 0)} ms (the schedule says 100)`,
  );
  // An HTTP date has a resolution of one second, so the wait can be up to a second shorter.
  t.ok((c ?? 0) - (b ?? 0) >= 1, `after 503 with a Retry-After date it waited ${(c ?? 0) - (b ?? 0)} ms`);
  const [delivery] = await eventually(async () => {
    const list = await deliveriesOf(testApp, endpoint.id);
    return list[0]?.status === 'succeeded' && list;
  });
  t.same(
    delivery?.attempts.map((x) => x.status_code),
    [429, 503, 204],
  );
});

t.test('after a secret rotation both secrets sign for the overlap, then only the new one', async (t) => {
  const testApp = await setUp(t);
  const receiver = await startReceiver(t);
  const endpoint = await registerEndpoint(testApp.app, testApp.school, {
    url: receiver.url,
    events: ['document.verified'],
  });
  startDispatcher(t, testApp.database.url);

  const rotated = await testApp.app.inject({
    method: 'POST',
    url: `/v1/webhooks/${endpoint.id}/rotate-secret`,
    headers: bearer(testApp.school),
  });
  const newSecret: string = rotated.json().secret;
  await emit(testApp.db, verifiedEvent());
  const [during] = await eventually(() => receiver.requests.length === 1 && receiver.requests);
  if (!during) throw new Error('no request');
  const signatures = String(during.headers['webhook-signature']).split(' ');
  t.equal(signatures.length, 2, 'two signatures, space-separated');
  t.ok(
    new Webhook(newSecret).verify(during.body, headersOf(during)),
    'a receiver already on the new secret accepts it',
  );
  t.ok(
    new Webhook(endpoint.secret).verify(during.body, headersOf(during)),
    'a receiver still on the old secret accepts it',
  );

  // The 24 hours pass.
  await testApp.db
    .updateTable('webhook_endpoints')
    .set({ previous_secret_expires_at: new Date(Date.now() - 1_000) })
    .where('id', '=', endpoint.id)
    .execute();
  await emit(testApp.db, verifiedEvent());
  const after = await eventually(() => receiver.requests.length === 2 && receiver.requests[1]);
  t.equal(String(after.headers['webhook-signature']).split(' ').length, 1);
  t.ok(new Webhook(newSecret).verify(after.body, headersOf(after)));
  t.throws(
    () => new Webhook(endpoint.secret).verify(after.body, headersOf(after)),
    'the old secret no longer verifies',
  );
});

t.test(
  'a replay sends every event since a time again, with the same webhook-id, including those missed while disabled',
  async (t) => {
    const testApp = await setUp(t);
    const receiver = await startReceiver(t);
    const endpoint = await registerEndpoint(testApp.app, testApp.school, {
      url: receiver.url,
      events: ['document.verified', 'document.revoked'],
    });
    startDispatcher(t, testApp.database.url);

    const first = await emit(testApp.db, verifiedEvent());
    await eventually(() => receiver.requests.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const since = new Date();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await emit(testApp.db, verifiedEvent());
    await eventually(() => receiver.requests.length === 2);
    await testApp.app.inject({
      method: 'PATCH',
      url: `/v1/webhooks/${endpoint.id}`,
      headers: bearer(testApp.school),
      payload: { status: 'disabled' },
    });
    const missed = await emit(testApp.db, { ...verifiedEvent(), type: 'document.revoked' });
    // Not this endpoint's to hear: another school's document, and a type it did not subscribe to.
    await emit(testApp.db, { ...verifiedEvent(), audience: { school_id: randomUUID() } });
    await emit(testApp.db, { ...verifiedEvent(), type: 'document.rejected' });
    await testApp.app.inject({
      method: 'PATCH',
      url: `/v1/webhooks/${endpoint.id}`,
      headers: bearer(testApp.school),
      payload: { status: 'enabled' },
    });

    const replay = await testApp.app.inject({
      method: 'POST',
      url: `/v1/webhooks/${endpoint.id}/replay`,
      headers: bearer(testApp.school),
      payload: { since: since.toISOString() },
    });
    t.equal(replay.statusCode, 202);
    t.same(replay.json(), { replayed: 2, next_since: null });
    await eventually(() => receiver.requests.length === 4, 5_000, 'the replayed deliveries');
    const ids = receiver.requests.map((r) => String(r.headers['webhook-id']));
    t.same(ids.slice(0, 2), [first, second]);
    t.same(ids.slice(2).sort(), [second, missed].sort(), 'the events since then, each with its own webhook-id');
    const replayedSecond = receiver.requests.slice(2).find((r) => r.headers['webhook-id'] === second);
    t.equal(replayedSecond?.body, receiver.requests[1]?.body, 'a replay sends the very same body');
    for (const request of receiver.requests)
      t.ok(new Webhook(endpoint.secret).verify(request.body, headersOf(request)));
    const listed = await eventually(async () => {
      const list = await deliveriesOf(testApp, endpoint.id);
      return list.length === 4 && list.every((d) => d.status === 'succeeded') && list;
    });
    t.same(
      listed.map((d) => d.replay),
      [true, true, false, false],
      'newest first; replays are marked',
    );
  },
);

t.test('an endpoint that has only failed for 5 days is disabled; its owner can enable it again', async (t) => {
  const testApp = await setUp(t);
  let healthy = false;
  const receiver = await startReceiver(t, (_request, _index, response) =>
    response.writeHead(healthy ? 200 : 500).end(),
  );
  const endpoint = await registerEndpoint(testApp.app, testApp.school, {
    url: receiver.url,
    events: ['document.verified'],
  });
  startDispatcher(t, testApp.database.url, { retryDelaysMs: [10_000] });

  await emit(testApp.db, verifiedEvent());
  await eventually(() => receiver.requests.length === 1);
  const clock = await eventually(async () => {
    const row = await testApp.db
      .selectFrom('webhook_endpoints')
      .select('failing_since')
      .where('id', '=', endpoint.id)
      .executeTakeFirstOrThrow();
    return row.failing_since ?? undefined;
  });
  t.ok(clock, 'the first failure starts the clock');
  t.equal(
    (
      await testApp.app.inject({ method: 'GET', url: `/v1/webhooks/${endpoint.id}`, headers: bearer(testApp.school) })
    ).json().status,
    'enabled',
  );

  // Five days and a minute of failures later...
  await testApp.db
    .updateTable('webhook_endpoints')
    .set({ failing_since: new Date(Date.now() - 5 * 24 * 3600_000 - 60_000) })
    .where('id', '=', endpoint.id)
    .execute();
  await emit(testApp.db, verifiedEvent());
  await eventually(async () => {
    const read = await testApp.app.inject({
      method: 'GET',
      url: `/v1/webhooks/${endpoint.id}`,
      headers: bearer(testApp.school),
    });
    return read.json().status === 'disabled' && read.json().disabled_reason === 'failing';
  });

  healthy = true;
  const enabled = await testApp.app.inject({
    method: 'PATCH',
    url: `/v1/webhooks/${endpoint.id}`,
    headers: bearer(testApp.school),
    payload: { status: 'enabled' },
  });
  t.match(enabled.json(), { status: 'enabled', disabled_reason: null });
  await emit(testApp.db, verifiedEvent());
  await eventually(() => receiver.requests.some((_r, i) => i >= 2), 5_000, 'a delivery after enabling');
  const row = await testApp.db
    .selectFrom('webhook_endpoints')
    .select(['failing_since', 'status'])
    .where('id', '=', endpoint.id)
    .executeTakeFirstOrThrow();
  t.same(row, { failing_since: null, status: 'enabled' });
});

t.test('deliveries are listed newest first, page by page', async (t) => {
  const testApp = await setUp(t);
  const receiver = await startReceiver(t);
  const endpoint = await registerEndpoint(testApp.app, testApp.school, {
    url: receiver.url,
    events: ['document.verified'],
  });
  const events = [];
  for (let i = 0; i < 5; i++) events.push(await emit(testApp.db, verifiedEvent()));
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { json(): { items: DeliveryView[]; next_cursor: string | null } } = await testApp.app.inject({
      method: 'GET',
      url: `/v1/webhooks/${endpoint.id}/deliveries?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      headers: bearer(testApp.school),
    });
    seen.push(...page.json().items.map((d) => d.event_id));
    cursor = page.json().next_cursor;
  } while (cursor);
  t.same(seen, events.reverse());
  t.same(
    (await deliveriesOf(testApp, endpoint.id)).map((d) => d.status),
    ['pending', 'pending', 'pending', 'pending', 'pending'],
    'no dispatcher runs here',
  );
});
