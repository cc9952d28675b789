import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Migrator, sql, type Migration, type MigrationProvider, type MigrationResult } from 'kysely';
import type { Database } from './database.js';

/** migrations/ at the package root, both from src/db (tests) and dist/db (production). */
export const migrationsFolder = fileURLToPath(new URL('../../migrations/', import.meta.url));

/** Ordered SQL files; each runs in the migrator's transaction, so a failing file leaves no trace. */
class SqlFileMigrationProvider implements MigrationProvider {
  constructor(private readonly folder: string) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const names = (await readdir(this.folder)).filter((name) => name.endsWith('.sql')).sort();
    const migrations: Record<string, Migration> = {};
    for (const name of names) {
      const text = await readFile(`${this.folder}/${name}`, 'utf8');
      migrations[name.replace(/\.sql$/, '')] = {
        up: async (db) => {
          await sql.raw(text).execute(db);
        },
      };
    }
    return migrations;
  }
}

export class MigrationError extends Error {
  constructor(
    readonly migration: string | undefined,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    // No migration named: the run failed before any began (the database is unreachable, say).
    super(
      migration === undefined ? `migrations could not run: ${reason}` : `migration ${migration} failed: ${reason}`,
      { cause },
    );
    this.name = 'MigrationError';
  }
}

function migratorFor(db: Database, folder: string): Migrator {
  return new Migrator({ db, provider: new SqlFileMigrationProvider(folder) });
}

/**
 * Applies every pending migration. Kysely holds a Postgres advisory lock meanwhile, so two
 * processes starting together apply each migration once.
 */
export async function migrateToLatest(db: Database, folder = migrationsFolder): Promise<MigrationResult[]> {
  const { error, results } = await migratorFor(db, folder).migrateToLatest();
  if (error) throw new MigrationError(results?.find((r) => r.status === 'Error')?.migrationName, error);
  return results ?? [];
}

/** The migrations on disk that the database has not applied yet. */
export async function pendingMigrations(db: Database, folder = migrationsFolder): Promise<string[]> {
  const all = await migratorFor(db, folder).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
