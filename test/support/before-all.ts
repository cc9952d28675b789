import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { createDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrator.js';
import { testRunFile, type TestRun } from './paths.js';

const here = dirname(fileURLToPath(import.meta.url));

async function startEmbedded(): Promise<{ url: string; pid: number; directory: string }> {
  const directory = await mkdtemp(join(tmpdir(), 'emswp-test-pg-'));
  // As root, Postgres runs as the postgres user, which must be able to enter this folder.
  await chmod(directory, 0o755);
  const child = spawn(process.execPath, [...process.execArgv, join(here, 'embedded-server-process.ts'), directory], {
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { url: string }).url));
    child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited early (code ${code})`)));
  });
  child.unref();
  return { url, pid: child.pid as number, directory };
}

/** Stale databases of earlier runs that were killed before `after` ran (older than two hours). */
async function dropStaleDatabases(admin: ReturnType<typeof createDatabase>['db']): Promise<void> {
  const { rows } = await sql<{
    datname: string;
  }>`select datname from pg_database where datname like 'emswp_t_%'`.execute(admin);
  const cutoff = Math.floor(Date.now() / 1000) - 2 * 3600;
  for (const { datname } of rows) {
    const started = Number(datname.split('_')[2]);
    if (Number.isFinite(started) && started < cutoff) {
      await sql`drop database if exists ${sql.id(datname)}`.execute(admin).catch(() => {});
    }
  }
}

// Empty counts as unset, as in the service's own configuration: `DATABASE_URL= npm test` asks for the embedded server.
const existing = process.env.DATABASE_URL?.trim() || undefined;
const embedded = existing ? undefined : await startEmbedded();
const url = existing ?? (embedded as { url: string }).url;
const prefix = `emswp_t_${Math.floor(Date.now() / 1000)}_${randomBytes(3).toString('hex')}`;
const template = `${prefix}_template`;

const admin = createDatabase(url, 1).db;
await dropStaleDatabases(admin);
await sql`create database ${sql.id(template)}`.execute(admin);
await admin.destroy();

const templateUrl = new URL(url);
templateUrl.pathname = `/${template}`;
const templateDb = createDatabase(templateUrl.toString(), 1).db;
await migrateToLatest(templateDb);
await templateDb.destroy();

const run: TestRun = { url, template, prefix, embeddedPid: embedded?.pid, embeddedDirectory: embedded?.directory };
await mkdir(dirname(testRunFile), { recursive: true });
await writeFile(testRunFile, JSON.stringify(run, null, 2));
console.log(`# test databases on ${embedded ? 'an embedded PostgreSQL' : 'DATABASE_URL'} (template ${template})`);
