import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { Webhook } from 'standardwebhooks';
import t, { type Test } from 'tap';
import { builtEntry, finished, startProcess } from '../support/run-process.js';
import { buildTestApp, type TestApp } from '../support/test-app.js';
import { testIssuerName } from '../support/test-issuer.js';
import { allEvents, emit, eventually, registerEndpoint, startReceiver, type ReceivedRequest } from './support.js';
import { freePort } from '../../src/free-port.js';

// Real processes: the built server and `emswp`, as they run in production.
t.setTimeout(300_000);

/** A child process whose output is collected; killed at teardown if still running. */
function run(t: Test, entry: 'server.js' | 'cli/main.js', args: string[], env: Record<string, string>) {
  const child: ChildProcess = startProcess(builtEntry(entry), args, env);
  const done = finished(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, done, output: () => output };
}

const settings = (ctx: TestApp): Record<string, string> => ({
  DATABASE_URL: ctx.database.url,
  DATA_DIR: ctx.directory,
  AUTH_ISSUER: testIssuerName,
  AUTH_JWKS_FILE: ctx.issuer.jwksFile,
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
  LOG_LEVEL: 'info',
});

const verified = (schoolId: string) => ({
  type: 'document.verified' as const,
  data: { document_id: randomUUID(), status: 'verified' },
  audience: { school_id: schoolId },
});

const signedBy = (secret: string, request: ReceivedRequest) =>
  new Webhook(secret).verify(
    request.body,
    Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)])),
  );

t.test('the server sends webhooks itself unless WEBHOOK_WORKER=false', async (t) => {
  const ctx = await buildTestApp(t, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
  const receiver = await startReceiver(t);
  const schoolId = randomUUID();
  const endpoint = await registerEndpoint(ctx.app, await ctx.issuer.school(schoolId), {
    url: receiver.url,
    events: allEvents,
  });

  const quiet = run(t, 'server.js', [], { ...settings(ctx), PORT: String(await freePort()), WEBHOOK_WORKER: 'false' });
  await eventually(
    () => quiet.output().includes('Server listening'),
    60_000,
    'the server with WEBHOOK_WORKER=false to listen',
  );
  const waiting = await emit(ctx.db, verified(schoolId));
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  t.equal(receiver.requests.length, 0, 'with WEBHOOK_WORKER=false the server sends nothing');
  quiet.child.kill('SIGTERM');
  t.equal((await quiet.done).code, 0);

  const sending = run(t, 'server.js', [], { ...settings(ctx), PORT: String(await freePort()) });
  await eventually(() => receiver.requests.length === 1, 60_000, 'the waiting delivery, sent by the next server');
  t.equal(receiver.requests[0]?.headers['webhook-id'], waiting);
  const next = await emit(ctx.db, verified(schoolId));
  await eventually(() => receiver.requests.length === 2, 5_000, 'a new event');
  t.equal(receiver.requests[1]?.headers['webhook-id'], next);
  for (const request of receiver.requests) t.ok(signedBy(endpoint.secret, request));
  sending.child.kill('SIGTERM');
  t.equal((await sending.done).code, 0, 'stops cleanly, dispatcher first');
});

t.test('`emswp worker` sends deliveries from the shared database and stops cleanly on SIGTERM', async (t) => {
  const ctx = await buildTestApp(t, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
  const receiver = await startReceiver(t);
  const schoolId = randomUUID();
  const endpoint = await registerEndpoint(ctx.app, await ctx.issuer.school(schoolId), {
    url: receiver.url,
    events: allEvents,
  });

  const worker = run(t, 'cli/main.js', ['worker'], settings(ctx));
  await eventually(() => worker.output().includes('webhook worker: sending deliveries'), 60_000, 'the worker to start');
  const eventId = await emit(ctx.db, verified(schoolId));
  const [request] = await eventually(() => receiver.requests.length === 1 && receiver.requests, 10_000, 'the delivery');
  if (!request) throw new Error('no request');
  t.equal(request.headers['webhook-id'], eventId);
  t.ok(signedBy(endpoint.secret, request));
  await eventually(async () => {
    const row = await ctx.db.selectFrom('webhook_deliveries').select('status').executeTakeFirstOrThrow();
    return row.status === 'succeeded';
  });

  worker.child.kill('SIGTERM');
  t.equal((await worker.done).code, 0, 'exits 0 after a graceful stop');
  t.match(worker.output(), /webhook worker: stopped/);

  const misconfigured = await finished(
    startProcess(builtEntry('cli/main.js'), ['worker'], { DATA_DIR: ctx.directory }),
  );
  t.equal(misconfigured.code, 2, 'without DATABASE_URL it does not start');
  t.match(misconfigured.stderr, /emswp: the worker needs DATABASE_URL/);
});
