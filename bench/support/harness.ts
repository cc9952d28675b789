import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { developmentIssuerKey, mintAccessToken } from '../../src/auth/development-issuer.js';
import type { Principal } from '../../src/auth/principal.js';
import { developmentIssuer } from '../../src/config.js';
import { createDatabase, type Database } from '../../src/db/database.js';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { freePort } from '../../src/free-port.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The compiled server (`npm run -s build`, then `node dist/server.js`) as a child process, on a
 * database of its own: a fresh database on the DATABASE_URL server when that is set, else an
 * embedded PostgreSQL in a temporary DATA_DIR. The bench process (the load generator) reaches the
 * same database for seeding and for its baselines.
 */
export interface BenchServer {
  url: string;
  pid: number;
  /** The benchmark's own database, as the server uses it. */
  db: Database;
  databaseUrl: string;
  dataDir: string;
  token(principal: Principal): Promise<string>;
  stop(): Promise<void>;
}

/** A database of the benchmark's own on the DATABASE_URL server, dropped at the end. */
async function scratchDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `emswp_bench_${Math.floor(Date.now() / 1000)}_${randomBytes(3).toString('hex')}`;
  const admin = createDatabase(serverUrl, 1).db;
  await sql`create database ${sql.id(name)}`.execute(admin);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin);
      await admin.destroy();
    },
  };
}

async function waitUntilReady(url: string, child: ChildProcess, errors: () => string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode}:\n${errors()}`);
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the server did not become ready in 120 s:\n${errors()}`);
}

export async function startBenchServer(env: Record<string, string> = {}): Promise<BenchServer> {
  const serverScript = join(root, 'dist', 'server.js');
  if (!existsSync(serverScript))
    throw new Error('dist/server.js is missing: run `npm run -s build` first (the bench:* scripts do)');
  const dataDir = await mkdtemp(join(tmpdir(), 'emswp-bench-'));
  // As root the embedded Postgres runs as the postgres user, which must be able to enter DATA_DIR.
  await chmod(dataDir, 0o755);

  let databaseUrl: string;
  let stopDatabase: () => Promise<void>;
  if (process.env.DATABASE_URL) {
    const scratch = await scratchDatabase(process.env.DATABASE_URL);
    databaseUrl = scratch.url;
    stopDatabase = scratch.drop;
  } else {
    const embedded = await startEmbeddedPostgres({ directory: join(dataDir, 'postgres') });
    databaseUrl = embedded.url;
    stopDatabase = embedded.stop;
  }

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const childEnv: Record<string, string | undefined> = { ...process.env };
  // The development issuer (no AUTH_* settings) lets the benchmark mint its own tokens.
  for (const name of [
    'AUTH_ISSUER',
    'AUTH_AUDIENCE',
    'AUTH_JWKS_FILE',
    'AUTH_JWKS_URL',
    'PUBLIC_BASE_URL',
    'NODE_OPTIONS',
  ])
    delete childEnv[name];
  // BENCH_NODE_ARGS adds flags to the server's node, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where time goes.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, serverScript], {
    cwd: root,
    env: {
      ...childEnv,
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-10_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const { db } = createDatabase(databaseUrl, 8);
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await db.destroy();
    await stopDatabase();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(url, child, () => stderr);
  } catch (error) {
    await stop();
    throw error;
  }
  const issuerKey = await developmentIssuerKey(dataDir);
  return {
    url,
    pid: child.pid as number,
    db,
    databaseUrl,
    dataDir,
    token: (principal) =>
      mintAccessToken(issuerKey, { issuer: developmentIssuer, audience: 'emswp', principal, ttlSeconds: 3600 }),
    stop,
  };
}

/** Peak and current resident memory of a process, in bytes, from /proc/<pid>/status (Linux). */
export async function memoryOf(pid: number): Promise<{ peakRss: number; rss: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
    if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
    return Number(match[1]) * 1024;
  };
  return { peakRss: kib('VmHWM'), rss: kib('VmRSS') };
}

/** The facts that make a figure comparable: printed with every benchmark. */
export function machineFacts(): string {
  const cores = cpus();
  return [
    `${cores.length} cores (${cores[0]?.model.trim() ?? 'unknown CPU'})`,
    `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `Node ${process.version}`,
    `load average ${loadavg()
      .map((n) => n.toFixed(1))
      .join(' ')} at start`,
    process.env.DATABASE_URL ? 'PostgreSQL at DATABASE_URL' : 'embedded PostgreSQL',
    'load generator on the same machine',
  ].join(', ');
}

export const MiB = 1024 * 1024;
export const formatMiB = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

/** Runs a benchmark body with a server, always stopping it; a missed target sets exit code 1. */
export async function runBench(
  title: string,
  body: (server: BenchServer) => Promise<boolean>,
  env: Record<string, string> = {},
): Promise<void> {
  console.log(`# ${title}`);
  console.log(`machine: ${machineFacts()}`);
  const server = await startBenchServer(env);
  let passed: boolean;
  try {
    passed = await body(server);
  } finally {
    await server.stop();
  }
  console.log(passed ? 'RESULT: target met' : 'RESULT: TARGET MISSED');
  // A missed target fails the run.
  if (!passed) process.exit(1);
}
