import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import type { Test } from 'tap';
import { createDatabase, type Database } from '../../src/db/database.js';
import { testRunFile, type TestRun } from './paths.js';

export const testRun = (): TestRun => JSON.parse(readFileSync(testRunFile, 'utf8')) as TestRun;

export function databaseUrl(name: string): string {
  const url = new URL(testRun().url);
  url.pathname = `/${name}`;
  return url.toString();
}

export interface TestDatabase {
  name: string;
  url: string;
  db: Database;
  /** Stopped before the database is dropped: what holds connections of its own (the log sequencer). */
  beforeDrop: Array<() => Promise<void>>;
}

const SOURCE_IN_USE = '55006';

/**
 * A fresh database for one test, copied from the run's migrated template and dropped at teardown.
 * `migrated: false` gives an empty database instead.
 */
export async function createTestDatabase(t: Test, { migrated = true } = {}): Promise<TestDatabase> {
  const run = testRun();
  const name = `${run.prefix}_${randomBytes(4).toString('hex')}`;
  const admin = createDatabase(run.url, 1).db;
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        // Two files copying the template at the same instant make Postgres refuse one: try again.
        await (
          migrated
            ? sql`create database ${sql.id(name)} template ${sql.id(run.template)}`
            : sql`create database ${sql.id(name)}`
        ).execute(admin);
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== SOURCE_IN_USE || attempt > 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
      }
    }
  } finally {
    await admin.destroy();
  }
  const url = databaseUrl(name);
  const { db } = createDatabase(url, 5);
  const beforeDrop: Array<() => Promise<void>> = [];
  t.teardown(async () => {
    for (const stop of beforeDrop) await stop();
    await db.destroy();
    const cleaner = createDatabase(run.url, 1).db;
    await sql`drop database if exists ${sql.id(name)} with (force)`.execute(cleaner);
    await cleaner.destroy();
  });
  return { name, url, db, beforeDrop };
}
