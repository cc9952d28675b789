import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { buildTestApp } from '../support/test-app.js';
import { allEvents, emit, eventually, registerEndpoint, startDispatcher, startReceiver } from './support.js';

/** A receiver that accepts connections and never answers on them: the worst kind of dead endpoint. */
async function startBlackHole(t: Test): Promise<{ url: string; connections: Set<Socket>; close(): Promise<void> }> {
  const connections = new Set<Socket>();
  const server: Server = createServer((socket) => {
    connections.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => connections.delete(socket));
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = async () => {
    for (const socket of connections) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  t.teardown(close);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, connections, close };
}

t.test("one owner's black-hole endpoints do not delay another owner's delivery", async (t) => {
  const { app, issuer, db, database } = await buildTestApp(t, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
  const deadSchool = randomUUID();
  const liveSchool = randomUUID();
  const holes = await Promise.all(Array.from({ length: 4 }, () => startBlackHole(t)));
  const deadToken = await issuer.school(deadSchool);
  for (const hole of holes) await registerEndpoint(app, deadToken, { url: hole.url, events: allEvents });
  const live = await startReceiver(t);
  await registerEndpoint(app, await issuer.school(liveSchool), { url: live.url, events: allEvents });
  // The production sizes and the 15 s timeout: only the schedule is the tests' short one.
  const dispatcher = startDispatcher(t, database.url, { timeoutMs: 15_000, pollIntervalMs: 1_000 });

  for (let i = 0; i < 300; i++)
    await emit(db, {
      type: 'document.verified',
      data: { document_id: randomUUID() },
      audience: { school_id: deadSchool },
    });
  await eventually(
    () => holes.reduce((sum, hole) => sum + hole.connections.size, 0) >= 64,
    5_000,
    'the dead endpoints to take their slots',
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  const heldByDead = holes.reduce((sum, hole) => sum + hole.connections.size, 0);

  const sentAt = Date.now();
  await emit(db, {
    type: 'document.verified',
    data: { document_id: randomUUID() },
    audience: { school_id: liveSchool },
  });
  await eventually(() => live.requests.length === 1, 2_000, "the other school's delivery");
  const waited = Date.now() - sentAt;
  t.ok(waited < 2_000, `the other school's delivery arrived after ${waited} ms`);
  t.ok(heldByDead <= 100, `the dead endpoints' owner holds at most half of the 200 slots (${heldByDead} connections)`);

  // Hang up on the dispatcher, so stopping it does not wait out the 15 s timeouts.
  for (const hole of holes) await hole.close();
  await dispatcher.stop();
});

t.test('an endpoint that keeps not answering is paused, probed, and resumed once it answers', async (t) => {
  const { app, issuer, db, database } = await buildTestApp(t, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
  const schoolId = randomUUID();
  let hanging = true;
  const receiver = await startReceiver(t, (_request, _index, response) => {
    if (!hanging) response.writeHead(204).end();
  });
  const endpoint = await registerEndpoint(app, await issuer.school(schoolId), { url: receiver.url, events: allEvents });
  startDispatcher(t, database.url, {
    timeoutMs: 300,
    perEndpointConcurrency: 2,
    breakerThreshold: 3,
    breakerCooldownMs: 2_000,
    pollIntervalMs: 100,
  });
  for (let i = 0; i < 20; i++)
    await emit(db, {
      type: 'document.verified',
      data: { document_id: randomUUID() },
      audience: { school_id: schoolId },
    });

  await eventually(() => receiver.requests.length >= 3, 3_000, 'the first attempts');
  await new Promise((resolve) => setTimeout(resolve, 1_200));
  const attempts = receiver.requests.length;
  t.ok(attempts <= 5, `after 3 silences in a row the endpoint is left alone (${attempts} attempts in 1.5 s)`);
  const waiting = await db
    .selectFrom('webhook_deliveries')
    .select(['status', 'attempt_count', 'next_attempt_at'])
    .where('endpoint_id', '=', endpoint.id)
    .execute();
  t.equal(waiting.filter((d) => d.status === 'pending').length, 20, 'every delivery still waits');
  t.ok(
    waiting.every((d) => d.attempt_count <= 2),
    'none has used up its attempts while the endpoint was paused',
  );
  const checkedAt = new Date();
  t.ok(
    waiting.every((d) => d.next_attempt_at !== null && d.next_attempt_at > checkedAt),
    'none is due while the pause lasts, for any dispatcher',
  );

  hanging = false;
  await eventually(
    () => new Set(receiver.requests.slice(attempts).map((r) => r.headers['webhook-id'])).size === 20,
    8_000,
    'all 20 events after the pause',
  );
  const done = await eventually(async () => {
    const rows = await db
      .selectFrom('webhook_deliveries')
      .select('status')
      .where('endpoint_id', '=', endpoint.id)
      .execute();
    return rows.every((row) => row.status === 'succeeded') && rows;
  });
  t.equal(done.length, 20, 'all delivered once the receiver answers again');
});
