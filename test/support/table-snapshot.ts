import { sql } from 'kysely';
import type { Database } from '../../src/db/database.js';

/**
 * Every row of the named tables, in a stable order: take one before a refused request and compare
 * after it, to show the refusal stored nothing and changed nothing.
 */
export async function snapshotTables(db: Database, tables: string[]): Promise<Record<string, unknown[]>> {
  const snapshot: Record<string, unknown[]> = {};
  for (const table of tables) {
    const { rows } = await sql<{
      row: unknown;
    }>`select to_jsonb(t) as row from ${sql.table(table)} t order by to_jsonb(t)::text`.execute(db);
    snapshot[table] = rows.map((r) => r.row);
  }
  return snapshot;
}

/** The registry's tables: what any refusal of a registry request must leave as it was. */
export const registryTables = ['schools', 'school_status_events', 'school_keys', 'applicants', 'programs'];
