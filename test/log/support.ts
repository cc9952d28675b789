import { sql } from 'kysely';
import type { Database } from '../../src/db/database.js';
import { integrateBatch, type IntegrationResult } from '../../src/log/integrate.js';
import { insertPending } from '../../src/log/repository.js';
import type { LogKey } from '../../src/log/signing-key.js';

/** Queues n small entries as a feature would. */
export async function queueEntries(db: Database, n: number, label = 'entry'): Promise<Buffer[]> {
  const entries = Array.from({ length: n }, (_, i) => Buffer.from(`{"test":"${label} ${i}"}`));
  for (let at = 0; at < entries.length; at += 5_000) {
    await insertPending(
      db,
      entries.slice(at, at + 5_000).map((entry) => ({ entry, documentId: null })),
    );
  }
  return entries;
}

/** Runs the sequencer's step until nothing is pending, as the running sequencer would. */
export async function integrateAll(db: Database, key: LogKey, batchSize = 5_000): Promise<IntegrationResult[]> {
  const results: IntegrationResult[] = [];
  for (;;) {
    const result = await integrateBatch(db, key, batchSize);
    results.push(result);
    if (result.outcome !== 'signed') return results;
  }
}

/** What an attacker with the database's superuser can do: write with the append-only triggers off. */
export async function behindTheServicesBack(db: Database, statement: ReturnType<typeof sql>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    await statement.execute(trx);
  });
}
