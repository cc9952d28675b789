import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { preparingPool } from './prepared-statements.js';
import type { DB } from './types.js';

export type Database = Kysely<DB>;

/** What a repository function runs on: the database, or the caller's transaction. */
export type Executor = Kysely<DB> | Transaction<DB>;

const INT8 = 20;
const DATE = 1082;

/**
 * A pg pool behind Kysely. int8 (counts, bigserial) comes back as a number rather than a string, since
 * our int8 values (sizes, sequence numbers) stay far below 2^53; a `date` stays the 'YYYY-MM-DD' string
 * it is, because turning it into a local-midnight Date shifts birthdays across time zones.
 */
export function createDatabase(connectionString: string, poolSize = 10): { db: Database; pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    connectionTimeoutMillis: 5_000,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8
          ? (value: string) => Number(value)
          : oid === DATE
            ? (value: string) => value
            : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // A client losing its connection (a database restart) must not crash the process: an idle one
  // reports on the pool, one checked out reports on itself, and the query in flight fails anyway.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return { db: new Kysely<DB>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) }), pool };
}
