import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { freePort } from '../../src/free-port.js';
import { noPgCtl, pgCtl } from '../support/pg-ctl.js';
import { builtEntry, finished, startProcess } from '../support/run-process.js';

t.setTimeout(240_000);

async function status(url: string): Promise<number> {
  return fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
    (response) => response.status,
    () => 0,
  );
}

async function until(check: () => Promise<boolean>, limitMs: number, what: string): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

t.test(
  'after its embedded database is restarted, SIGTERM still stops the server within its grace',
  { skip: noPgCtl },
  async (t) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'emswp-restart-stop-'));
    // As root, Postgres runs as the postgres user, which must be able to enter this folder.
    await chmod(dataDir, 0o755);
    t.teardown(() => rm(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const server = startProcess(builtEntry('server.js'), [], {
      DATA_DIR: dataDir,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      SHUTDOWN_GRACE_MS: '10000',
    });
    const exit = finished(server);
    const cluster = join(dataDir, 'postgres', 'cluster');
    t.teardown(async () => {
      if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
      await exit;
      // Whatever happened, no postmaster is left running on the folder about to be removed.
      if (existsSync(join(cluster, 'postmaster.pid'))) pgCtl(['stop', '-D', cluster, '-m', 'immediate']);
    });
    await until(async () => (await status(`${base}/readyz`)) === 200, 90_000, 'the server to be ready');

    // An operator restarts the cluster; the new postmaster is not the process the server started.
    const before = (await readFile(join(cluster, 'postmaster.pid'), 'utf8')).split('\n')[0];
    pgCtl(['restart', '-D', cluster, '-m', 'fast', '-w']);
    const after = (await readFile(join(cluster, 'postmaster.pid'), 'utf8')).split('\n')[0];
    t.not(after, before, 'another postmaster runs the cluster now');
    await until(async () => (await status(`${base}/readyz`)) === 200, 30_000, 'the server to be ready again');

    const signalledAt = Date.now();
    server.kill('SIGTERM');
    const { code, stdout, stderr } = await exit;
    const took = Date.now() - signalledAt;
    t.equal(code, 0, `the server exits 0 ${stderr}`);
    t.ok(took < 8_000, `and stops in ${took} ms, within the 10 s grace`);
    t.notMatch(stdout, /"level":50/, 'with no error logged');
    t.notOk(existsSync(join(cluster, 'postmaster.pid')), 'the database it was using is stopped too');
  },
);
