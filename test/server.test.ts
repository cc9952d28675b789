import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import t, { type Test } from 'tap';
import { bearer, buildTestApp } from './support/test-app.js';
import { builtEntry, finished, runEmswp, startProcess } from './support/run-process.js';
import { freePort } from '../src/free-port.js';
import { isRunning, waitUntilReady } from './support/readiness.js';

// Real processes (the built server and CLI, as `npm start` runs them); the first start makes a PostgreSQL cluster.
t.setTimeout(300_000);

/** A data directory the postgres user can enter, as it must when the tests run as root. */
async function dataDirectory(t: Test): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'emswp-server-test-'));
  await chmod(directory, 0o755);
  t.teardown(() => rm(directory, { recursive: true, force: true }));
  return directory;
}

t.test('a newcomer starts the service with nothing configured, calls it, and stops it', async (t) => {
  const dataDir = await dataDirectory(t);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = startProcess(builtEntry('server.js'), [], {
    DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: 'warn',
  });
  const exit = finished(server);
  t.teardown(async () => {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGTERM');
    await exit;
  });

  const elapsed = await waitUntilReady(base, 90_000);
  t.ok(elapsed < 30_000, `GET /readyz answered 200 after ${elapsed} ms (at most 30 s)`);

  const anonymous = await fetch(`${base}/v1/me`);
  t.equal(anonymous.status, 401, 'without a token /v1/me is 401');
  t.match(anonymous.headers.get('content-type'), /^application\/problem\+json/);
  t.match(await anonymous.json(), { code: 'invalid_token', status: 401 });

  const minted = await runEmswp(['token', '--role', 'admin'], { DATA_DIR: dataDir });
  t.equal(minted.code, 0, `emswp token exits 0 ${minted.stderr}`);
  const me = await fetch(`${base}/v1/me`, { headers: bearer(minted.stdout.trim()) });
  t.equal(me.status, 200, 'with a token from `emswp token --role admin` it is 200');
  t.same(await me.json(), { sub: 'dev-admin', role: 'admin' });

  // Hold a request in flight: lock the table /readyz reads, straight on the embedded cluster.
  const pidFile = join(dataDir, 'postgres', 'cluster', 'postmaster.pid');
  const [postgresPid, , , postgresPort] = (await readFile(pidFile, 'utf8')).split('\n');
  const password = (await readFile(join(dataDir, 'postgres', 'password'), 'utf8')).trim();
  const locker = new pg.Client({
    host: '127.0.0.1',
    port: Number(postgresPort),
    user: 'postgres',
    password,
    database: 'postgres',
  });
  locker.on('error', () => {});
  await locker.connect();
  await locker.query('begin');
  await locker.query('lock table kysely_migration in access exclusive mode');
  const inFlight = fetch(`${base}/readyz`);
  for (let waiting = 0; waiting === 0;) {
    const { rows } = await locker.query<{ n: number }>(
      "select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query like '%kysely_migration%'",
    );
    waiting = rows[0]?.n ?? 0;
  }

  server.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  t.equal(server.exitCode, null, 'after SIGTERM the server waits for the request in flight');
  const stillUp = await locker.query<{ ok: number }>('select 1 as ok').then(
    ({ rows }) => rows[0]?.ok,
    (error: Error) => error.message,
  );
  t.equal(stillUp, 1, 'and the database is still up meanwhile');
  await locker.query('commit').catch(() => {});
  await locker.end().catch(() => {});

  const answered = await inFlight;
  t.equal(answered.status, 200, 'the request in flight completes with 200');
  const { code, stderr } = await exit;
  t.equal(code, 0, 'the server exits 0');
  t.equal(stderr, '', 'with nothing on stderr');
  t.notOk(existsSync(pidFile), 'the embedded PostgreSQL stopped cleanly (postmaster.pid removed)');
  t.notOk(isRunning(Number(postgresPid)), `the postgres process ${postgresPid} is gone`);
});

t.test('a bad setting stops the start with one line naming the variable', async (t) => {
  const dataDir = await dataDirectory(t);
  const run = await finished(startProcess(builtEntry('server.js'), [], { DATA_DIR: dataDir, PORT: 'abc' }));
  t.not(run.code, 0, `exits non-zero (${run.code})`);
  t.equal(run.stderr, 'emswp: configuration error: PORT: expected a whole number, got "abc"\n');
  t.notOk(existsSync(join(dataDir, 'postgres')), 'no database was started');
});

t.test('closing the app lets a request in flight finish', async (t) => {
  const { app, issuer } = await buildTestApp(t);
  let entered!: () => void;
  const started = new Promise<void>((resolve) => (entered = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  app.get('/v1/test/slow', async () => {
    entered();
    await released;
    return { done: true };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const token = await issuer.admin();

  const response = fetch(`http://127.0.0.1:${port}/v1/test/slow`, { headers: bearer(token) });
  await started;
  const closing = app.close();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const refused = await fetch(`http://127.0.0.1:${port}/healthz`).then(
    () => 'answered',
    () => 'refused',
  );
  t.equal(refused, 'refused', 'new connections are refused while closing');
  release();
  const slow = await response;
  t.equal(slow.status, 200, 'the request in flight still completes');
  t.same(await slow.json(), { done: true });
  // The client's keep-alive connection is told to close, so closing does not wait out its idle timeout.
  const closedWithin = await Promise.race([
    closing.then(() => 'closed'),
    new Promise((resolve) => setTimeout(resolve, 5_000, 'still open')),
  ]);
  t.equal(closedWithin, 'closed', 'and the app is closed right after it');
});
