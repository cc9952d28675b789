import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Webhook } from 'standardwebhooks';
import t from 'tap';
import { buildTestApp } from '../support/test-app.js';
import { allEvents, emit, eventually, registerEndpoint, startReceiver } from './support.js';

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

// The CLI compiles the whole program through tap's TypeScript loader, which is slow on a busy machine.
t.setTimeout(300_000);

function worker(env: Record<string, string>) {
  const child = spawn(process.execPath, [...process.execArgv, main, 'worker'], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

t.test('`emswp worker` sends deliveries from the shared database and stops cleanly on SIGTERM', async (t) => {
  // Started alongside, since each start compiles the program: without DATABASE_URL it says what it needs.
  const misconfigured = worker({ DATA_DIR: t.testdir({}) });
  const { app, issuer, db, database, directory } = await buildTestApp(t, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
  const receiver = await startReceiver(t);
  const schoolId = randomUUID();
  const endpoint = await registerEndpoint(app, await issuer.school(schoolId), { url: receiver.url, events: allEvents });

  const run = worker({ DATABASE_URL: database.url, DATA_DIR: directory, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
  t.teardown(() => {
    run.child.kill('SIGKILL');
  });
  await eventually(() => run.output().includes('webhook worker: sending deliveries'), 120_000, 'the worker to start');

  const eventId = await emit(db, { type: 'document.verified', data: { document_id: randomUUID(), status: 'verified' }, audience: { school_id: schoolId } });
  const [request] = await eventually(() => receiver.requests.length === 1 && receiver.requests, 10_000, 'the delivery');
  if (!request) throw new Error('no request');
  t.equal(request.headers['webhook-id'], eventId);
  t.ok(new Webhook(endpoint.secret).verify(request.body, Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]))));
  await eventually(async () => {
    const row = await db.selectFrom('webhook_deliveries').select('status').executeTakeFirstOrThrow();
    return row.status === 'succeeded';
  });

  run.child.kill('SIGTERM');
  t.equal(await run.exited, 0, 'exits 0 after a graceful stop');
  t.match(run.output(), /webhook worker: stopped/);

  t.equal(await misconfigured.exited, 2);
  t.match(misconfigured.output(), /emswp: the worker needs DATABASE_URL/);
});
