import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDatabase } from '../../src/db/database.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded-postgres.js';
import { migrateToLatest } from '../../src/db/migrator.js';
import { createLogger } from '../../src/logger.js';
import { createTestIssuer, testIssuerName } from '../support/test-issuer.js';
import { allEvents, emit, eventually, registerEndpoint, startDispatcher, startReceiver } from './support.js';

/**
 * A fixed address in front of the database, as a DNS name or a pooler would be in production: the
 * embedded server picks a new port each time it starts, and the service keeps its one URL.
 */
async function stableAddress(t: Test, target: () => number): Promise<number> {
  const sockets = new Set<Socket>();
  const proxy = createServer((client) => {
    const upstream = connect(target(), '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        proxy.close(() => resolve());
      }),
  );
  const address = proxy.address();
  return typeof address === 'object' && address ? address.port : 0;
}

t.test('deliveries pending while the database restarts are all sent once it is back', async (t) => {
  const directory = await mkdtemp(join(tmpdir(), 'emswp-webhooks-restart-'));
  // As root, Postgres runs as the postgres user, which must be able to enter this folder.
  await chmod(directory, 0o755);
  let server: EmbeddedDatabase | undefined = await startEmbeddedPostgres({ directory });
  t.teardown(async () => {
    await server?.stop();
    await rm(directory, { recursive: true, force: true });
  });
  let port = Number(new URL(server.url).port);
  const proxyPort = await stableAddress(t, () => port);
  const url = new URL(server.url);
  url.port = String(proxyPort);
  const databaseUrl = url.toString();

  const { db } = createDatabase(databaseUrl, 5);
  t.teardown(() => db.destroy());
  await migrateToLatest(db);
  const issuer = await createTestIssuer(t.testdir({}));
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    DATA_DIR: directory,
    LOG_LEVEL: 'silent',
    AUTH_ISSUER: testIssuerName,
    AUTH_JWKS_FILE: issuer.jwksFile,
    WEBHOOK_WORKER: 'false',
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
  });
  const app = await buildApp({ config, db, logger: createLogger('silent') });
  t.teardown(() => app.close());

  // The receiver is slow and failing at first: its answers arrive while the database is down.
  let healthy = false;
  const receiver = await startReceiver(t, (_request, _index, response) => {
    if (healthy) response.writeHead(204).end();
    else setTimeout(() => response.writeHead(500).end(), 300);
  });
  const schoolId = randomUUID();
  await registerEndpoint(app, await issuer.school(schoolId), { url: receiver.url, events: allEvents });
  const dispatcher = startDispatcher(t, databaseUrl, { retryDelaysMs: [500, 500, 500], pollIntervalMs: 200 });

  const before: string[] = [];
  for (let i = 0; i < 10; i++) {
    before.push(
      await emit(db, {
        type: 'document.verified',
        data: { document_id: randomUUID(), status: 'verified' },
        audience: { school_id: schoolId },
      }),
    );
  }
  await eventually(() => receiver.requests.length === 10, 10_000, 'the first attempts');

  // The database goes away with ten attempts in flight, and stays away for a while.
  await server.stop();
  server = undefined;
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  healthy = true;
  server = await startEmbeddedPostgres({ directory });
  port = Number(new URL(server.url).port);

  // New events after the restart reach the receiver too: the dispatcher listens again.
  const after: string[] = [];
  for (let i = 0; i < 5; i++) {
    after.push(
      await eventually(
        () =>
          emit(db, {
            type: 'document.revoked',
            data: { document_id: randomUUID(), status: 'revoked' },
            audience: { school_id: schoolId },
          }).catch(() => undefined),
        15_000,
        'the database to take events again',
      ),
    );
  }

  const rows = await eventually(
    async () => {
      const all = await db
        .selectFrom('webhook_deliveries')
        .select(['event_id', 'status', 'attempt_count', 'attempts'])
        .execute();
      return all.length === 15 && all.every((row) => row.status === 'succeeded') && all;
    },
    30_000,
    'every delivery to succeed',
  );
  const received = receiver.requests.map((r) => String(r.headers['webhook-id']));
  t.same(new Set(received), new Set([...before, ...after]), 'every event reached the receiver');
  for (const id of before)
    t.equal(received.filter((r) => r === id).length, 2, 'an event from before: failed once, then delivered once');
  for (const id of after) t.equal(received.filter((r) => r === id).length, 1, 'an event from after: delivered once');
  for (const row of rows.filter((r) => before.includes(r.event_id))) {
    t.same(
      row.attempts.map((a) => a.status_code),
      [500, 204],
      'the attempt answered while the database was down was recorded once it was back',
    );
  }
  t.ok(dispatcher.sent >= 25);
});
