import { spawn, type ChildProcess } from 'node:child_process';
import { chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { PostgresBinaries } from './binaries.js';
import type { RunAs } from './run-as.js';

/** Messages are matched below (readiness), so they must not be translated. */
const environment = (): NodeJS.ProcessEnv => ({ ...process.env, LC_MESSAGES: 'C' });
const identity = (runAs: RunAs | undefined) => (runAs === undefined ? {} : { uid: runAs.uid, gid: runAs.gid });

/** The last lines PostgreSQL wrote, for an error that says why it stopped. */
function tail(output: string): string {
  return output.trim().split('\n').slice(-3).join(' | ');
}

/**
 * Makes a new cluster in `cluster` (an empty directory the PostgreSQL user owns). The password goes
 * through a file only that user can read, in a private directory beside the cluster, removed at once.
 */
export async function initialiseCluster(
  binaries: PostgresBinaries,
  cluster: string,
  password: string,
  runAs: RunAs | undefined,
  onLog: (message: string) => void,
): Promise<void> {
  const secrets = await mkdtemp(join(dirname(cluster), '.initdb-'));
  try {
    const passwordFile = join(secrets, 'password');
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    if (runAs !== undefined) {
      await chown(passwordFile, runAs.uid, runAs.gid);
      await chown(secrets, runAs.uid, runAs.gid);
    }
    const args = [
      `--pgdata=${cluster}`,
      '--auth=scram-sha-256',
      '--username=postgres',
      `--pwfile=${passwordFile}`,
      '--encoding=UTF8',
      '--locale=C',
    ];
    const child = spawn(binaries.initdb, args, {
      ...identity(runAs),
      env: environment(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      onLog(chunk.toString());
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    if (code !== 0) throw new Error(`initdb failed (exit code ${code}): ${tail(output)}`);
  } finally {
    await rm(secrets, { recursive: true, force: true });
  }
}

export interface PostgresServer {
  pid: number;
  /** Resolves once PostgreSQL accepts connections; rejects, with its last words, if it exits first. */
  ready: Promise<void>;
  /** Fast shutdown (sessions ended, a checkpoint written); resolves when PostgreSQL has exited. */
  stop(): Promise<void>;
  /** Sends the shutdown signal without waiting: for a process that is exiting. */
  signalStop(): void;
}

/**
 * Starts PostgreSQL on `cluster`, listening on 127.0.0.1 only. It runs in a session of its own, so a Ctrl-C in the terminal reaches the service,
 * which closes the database last, instead of stopping PostgreSQL under requests still in flight.
 */
export function startPostgres(
  binaries: PostgresBinaries,
  cluster: string,
  port: number,
  runAs: RunAs | undefined,
  onLog: (message: string) => void,
): PostgresServer {
  const args = [
    '-D',
    cluster,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    '-c',
    'lc_messages=C',
  ];
  const child: ChildProcess = spawn(binaries.postgres, args, {
    ...identity(runAs),
    env: environment(),
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.stderr?.on('data', (chunk: Buffer) => {
      const message = chunk.toString();
      onLog(message);
      if (output.length < 64 * 1024) output += message;
      if (message.includes('database system is ready to accept connections')) resolve();
    });
    void exited.then(() => reject(new Error(`PostgreSQL exited while starting in ${cluster}: ${tail(output)}`)));
  });
  const signalStop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  };
  return {
    pid: child.pid ?? 0,
    ready,
    signalStop,
    stop: async () => {
      signalStop();
      await exited;
    },
  };
}
