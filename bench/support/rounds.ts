import autocannon from 'autocannon';
import { Kysely, PostgresDialect, type CompiledQuery } from 'kysely';
import pg from 'pg';
import type { DB } from '../../src/db/types.js';

/** One autocannon run against one URL. */
export interface Measurement {
  /** Answered with a 2xx. */
  requests: number;
  rps: number;
  mean: number;
  p50: number;
  p99: number;
  /** Answers other than 2xx, and connection errors. */
  errors: number;
}

export interface Load {
  connections: number;
  seconds: number;
}

export async function measure(url: string, token: string, { connections, seconds }: Load): Promise<Measurement> {
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${token}` },
  });
  return {
    requests: result['2xx'],
    rps: result['2xx'] / result.duration,
    mean: result.latency.mean,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors,
  };
}

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** The median of each figure over several runs; requests and errors are added up. */
export const medianOf = (runs: Measurement[]): Measurement => ({
  requests: runs.reduce((sum, r) => sum + r.requests, 0),
  rps: median(runs.map((r) => r.rps)),
  mean: median(runs.map((r) => r.mean)),
  p50: median(runs.map((r) => r.p50)),
  p99: median(runs.map((r) => r.p99)),
  errors: runs.reduce((sum, r) => sum + r.errors, 0),
});

export const show = (m: Measurement) =>
  `${m.rps.toFixed(0).padStart(6)} req/s, latency mean ${m.mean.toFixed(2)} ms, p50 ${m.p50} ms, p99 ${m.p99} ms${m.errors ? `, ${m.errors} errors` : ''}`;

/** The SQL a repository function runs, as Kysely builds it, captured rather than retyped in the bench. */
export async function capturedQuery(
  databaseUrl: string,
  run: (db: Kysely<DB>) => Promise<unknown>,
): Promise<CompiledQuery> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  let captured: CompiledQuery | undefined;
  const probe = new Kysely<DB>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      if (event.level === 'query') captured = event.query;
    },
  });
  try {
    await run(probe);
  } finally {
    await probe.destroy();
  }
  if (!captured) throw new Error('no query was captured');
  return captured;
}

/** EXPLAIN (ANALYZE, BUFFERS) of a captured query, as text. */
export async function explainAnalyze(databaseUrl: string, query: CompiledQuery): Promise<string> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  try {
    const { rows } = await pool.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${query.sql}`, [
      ...query.parameters,
    ]);
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  } finally {
    await pool.end();
  }
}
