import { randomUUID } from 'node:crypto';
import t from 'tap';
import { enqueueEvent } from '../../src/webhooks/outbox.js';
import { claimDue } from '../../src/webhooks/queue.js';
import { buildTestApp } from '../support/test-app.js';
import { allEvents, emit, eventually, registerEndpoint, startDispatcher, startReceiver } from './support.js';

t.test('two dispatchers on one database deliver each event to each endpoint exactly once', async (t) => {
  const { app, issuer, db, database } = await buildTestApp(t, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
  const schoolId = randomUUID();
  const receiver = await startReceiver(t, (_request, _index, response) => {
    // A little latency, so both dispatchers have work in flight at the same time.
    setTimeout(() => response.writeHead(200).end(), 2);
  });
  const schoolEndpoint = await registerEndpoint(app, await issuer.school(schoolId), {
    url: `${receiver.url}/school`,
    events: allEvents,
  });
  const adminEndpoint = await registerEndpoint(app, await issuer.admin(), {
    url: `${receiver.url}/admin`,
    events: allEvents,
  });
  const one = startDispatcher(t, database.url, { batchSize: 10 });
  const two = startDispatcher(t, database.url, { batchSize: 10 });

  const events: string[] = [];
  for (let batch = 0; batch < 20; batch++) {
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < 20; i++) {
        const { id } = await enqueueEvent(trx, {
          type: 'document.verified',
          data: { document_id: randomUUID(), status: 'verified' },
          audience: { school_id: schoolId },
        });
        events.push(id);
      }
    });
  }
  await eventually(() => receiver.requests.length >= 800, 20_000, '800 deliveries');
  await new Promise((resolve) => setTimeout(resolve, 500));

  const received = receiver.requests.map((r) => `${r.path} ${String(r.headers['webhook-id'])}`);
  t.equal(received.length, 800, 'no delivery was sent twice');
  t.same(
    new Set(received),
    new Set(events.flatMap((id) => [`/hooks/school ${id}`, `/hooks/admin ${id}`])),
    'and none was missed',
  );
  t.ok(one.sent > 0 && two.sent > 0, `both dispatchers did a share (${one.sent} and ${two.sent})`);
  t.equal(one.sent + two.sent, 800);
  const states = await db
    .selectFrom('webhook_deliveries')
    .select(['status', 'attempt_count'])
    .where('endpoint_id', 'in', [schoolEndpoint.id, adminEndpoint.id])
    .execute();
  t.ok(
    states.every((s) => s.status === 'succeeded' && s.attempt_count === 1),
    'every delivery succeeded at the first attempt',
  );
});

t.test('deliveries held by a dispatcher that died come back when its lease ends', async (t) => {
  const { app, issuer, db, database } = await buildTestApp(t, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
  const schoolId = randomUUID();
  const receiver = await startReceiver(t);
  await registerEndpoint(app, await issuer.school(schoolId), { url: receiver.url, events: allEvents });
  const eventId = await emit(db, {
    type: 'document.verified',
    data: { document_id: randomUUID(), status: 'verified' },
    audience: { school_id: schoolId },
  });

  // A dispatcher claims the delivery and dies before sending it.
  const claimed = await claimDue(db, {
    limit: 10,
    leaseMs: 800,
    inFlight: new Map(),
    perEndpoint: 10,
    ownersInFlight: new Map(),
    perOwner: 10,
    paused: [],
  });
  t.equal(claimed.length, 1);
  const claimedAt = Date.now();

  startDispatcher(t, database.url, { pollIntervalMs: 100 });
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.equal(receiver.requests.length, 0, 'a leased delivery is not sent by another dispatcher');
  const [request] = await eventually(
    () => receiver.requests.length === 1 && receiver.requests,
    5_000,
    'the delivery after the lease',
  );
  t.equal(request?.headers['webhook-id'], eventId);
  t.ok(Date.now() - claimedAt >= 750, 'only after the lease ended');
  const delivery = await eventually(async () => {
    const row = await db.selectFrom('webhook_deliveries').select(['status', 'attempt_count']).executeTakeFirstOrThrow();
    return row.status === 'succeeded' && row;
  });
  t.equal(delivery.attempt_count, 2, "the dead dispatcher's claim counts as an attempt");
});

t.test('one endpoint that hangs does not hold up the others', async (t) => {
  const { app, issuer, db, database } = await buildTestApp(t, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
  const slow = await startReceiver(t, () => {
    // never answers
  });
  const fast = await startReceiver(t);
  const slowSchool = randomUUID();
  const fastSchool = randomUUID();
  await registerEndpoint(app, await issuer.school(slowSchool), { url: slow.url, events: allEvents });
  await registerEndpoint(app, await issuer.school(fastSchool), { url: fast.url, events: allEvents });
  startDispatcher(t, database.url, {
    concurrency: 8,
    perEndpointConcurrency: 2,
    batchSize: 8,
    timeoutMs: 3_000,
    retryDelaysMs: [60_000],
  });

  for (let i = 0; i < 20; i++)
    await emit(db, {
      type: 'document.verified',
      data: { document_id: randomUUID() },
      audience: { school_id: slowSchool },
    });
  for (let i = 0; i < 5; i++)
    await emit(db, {
      type: 'document.verified',
      data: { document_id: randomUUID() },
      audience: { school_id: fastSchool },
    });
  await eventually(
    () => fast.requests.length === 5,
    2_000,
    'the healthy endpoint to get its 5 events while the other hangs',
  );
  t.ok(slow.requests.length <= 4, `the hanging endpoint holds at most a few slots (${slow.requests.length})`);
});
