import { createHash } from 'node:crypto';
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';

/**
 * The name a statement is prepared under, or undefined to send it unnamed.
 *
 * Statements that carry document bytes (a `Buffer` parameter: the chunk writes) are prepared. Postgres
 * plans an unnamed statement for the values it came with, folding them into the plan as constants,
 * and for the statement that writes a document with its first chunk that cost about 3 ms of Postgres
 * CPU per MiB, a quarter of Postgres's work for a submission. Prepared, after its first five runs on
 * a connection, the statement keeps one generic plan that leaves the bytes out (bench/README.md,
 * "Document ingest").
 *
 * Only those: a prepared statement lives in its backend for as long as the connection does, so naming
 * every query (lists with variable filters among them) would grow each backend without bound, and the
 * chunk writes are a handful of fixed texts. They name their result columns rather than `*`, so that a
 * migration adding a column does not break them ("cached plan must not change result type").
 */
export function statementName(sql: string, parameters: readonly unknown[]): string | undefined {
  if (!parameters.some((value) => Buffer.isBuffer(value))) return undefined;
  return `emswp_${createHash('sha256').update(sql).digest('hex').slice(0, 32)}`;
}

class PreparingClient implements PostgresPoolClient {
  constructor(private readonly client: pg.PoolClient) {}

  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(
    sqlOrCursor: string | PostgresCursor<R>,
    parameters: ReadonlyArray<unknown> = [],
  ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    if (typeof sqlOrCursor !== 'string') {
      // Kysely passes a cursor only to stream a query, which needs a cursor class in the dialect; none is configured.
      throw new TypeError('streaming query results is not configured');
    }
    return this.client.query({
      text: sqlOrCursor,
      values: [...parameters],
      name: statementName(sqlOrCursor, parameters),
    }) as unknown as Promise<PostgresQueryResult<R>>;
  }

  release(): void {
    this.client.release();
  }
}

/** The pg pool as Kysely's dialect sees it, with the chunk writes prepared. */
export function preparingPool(pool: pg.Pool): PostgresPool {
  // One wrapper per pg client: Kysely keeps its own connection object per client it is given.
  const wrappers = new WeakMap<pg.PoolClient, PreparingClient>();
  return {
    connect: async () => {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (wrapper === undefined) {
        wrapper = new PreparingClient(client);
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}
