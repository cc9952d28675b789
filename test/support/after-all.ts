import { readFile, rm } from 'node:fs/promises';
import { sql } from 'kysely';
import { createDatabase } from '../../src/db/database.js';
import { testRunFile, type TestRun } from './paths.js';

const run = JSON.parse(await readFile(testRunFile, 'utf8')) as TestRun;

if (run.embeddedPid !== undefined) {
  try {
    process.kill(run.embeddedPid, 'SIGTERM');
    for (let i = 0; i < 100; i++) {
      process.kill(run.embeddedPid, 0);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch {
    // the process has exited
  }
  if (run.embeddedDirectory) await rm(run.embeddedDirectory, { recursive: true, force: true });
} else {
  const admin = createDatabase(run.url, 1).db;
  const { rows } = await sql<{
    datname: string;
  }>`select datname from pg_database where datname like ${`${run.prefix}%`}`.execute(admin);
  for (const { datname } of rows) await sql`drop database if exists ${sql.id(datname)} with (force)`.execute(admin);
  await admin.destroy();
}
await rm(testRunFile, { force: true });
