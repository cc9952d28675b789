/**
 * Listing an applicant's documents must not slow down as the documents table grows: the same 20
 * documents of one applicant are listed with 10,000 and then with 1,000,000 documents in the table
 * (seeded in SQL with generate_series), through GET /v1/applicants/{id}/documents as the applicant
 * and GET /v1/documents?applicant_id= as an operator, measured with autocannon. Target: at 1,000,000
 * each endpoint keeps at least 1/1.5 of its requests per second at 10,000. The list query's EXPLAIN
 * is printed at both sizes and must use an index on documents, never a sequential scan.
 *
 * The two sizes live in two databases served by two server processes, measured in alternation
 * (BENCH_ROUNDS runs of BENCH_SECONDS each per size and endpoint, default 3 x 6 s; the median counts).
 *
 *   npm run bench:list     (BENCH_CONNECTIONS, default 8)
 */
import { sql, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { listDocuments } from '../src/documents/repository.js';
import { registerApplicant, registerSchool, type BenchApplicant, type BenchSchool } from './support/actors.js';
import { runBench, startBenchServer, type BenchServer } from './support/harness.js';
import { capturedQuery, explainAnalyze, measure, medianOf, show, type Measurement } from './support/rounds.js';

const load = {
  seconds: Number(process.env.BENCH_SECONDS ?? 6),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 8),
};
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const small = 10_000;
const large = 1_000_000;
const otherApplicants = 10_000;
/** The listed applicant has one document in every `spacing` rows of the first 10,000: 20 documents, spread out. */
const spacing = 500;
const allowedSlowdown = 1.5;

/** A database as the server sees it, with the school, the listed applicant and 10,000 other applicants. */
interface Stage {
  name: string;
  size: number;
  server: BenchServer;
  school: BenchSchool;
  target: BenchApplicant;
  admin: string;
}

async function stage(server: BenchServer, size: number): Promise<Stage> {
  const school = await registerSchool(server);
  const target = await registerApplicant(server);
  const admin = await server.token({ sub: 'bench-operator', role: 'admin' });
  await sql`create table bench_applicants (n int primary key, id uuid not null, ecfmg_id text not null)`.execute(
    server.db,
  );
  await sql`
    with made as (
      insert into applicants (ecfmg_id, given_name, family_name, date_of_birth)
      select '9' || lpad(i::text, 7, '0'), 'Given' || i, 'Family' || i, date '1990-01-01' + (i % 3000)
      from generate_series(0, ${otherApplicants - 1}::int) as g(i)
      returning id, ecfmg_id
    )
    insert into bench_applicants select ecfmg_id::int - 90000000, id, ecfmg_id from made`.execute(server.db);
  return { name: `${size.toLocaleString('en')} documents`, size, server, school, target, admin };
}

/**
 * Rows 1..size of the documents table: verified transcripts and MSPEs of one school, one every
 * second further in the past, 20 of the first 10,000 about the listed applicant and the rest spread
 * over the others. Foreign-key checks are skipped where the role may (session_replication_role):
 * the rows point at rows made above, and seeding is not what is measured.
 */
async function seedDocuments({ server, school, target, size }: Stage): Promise<void> {
  const kid = school.key.publicJwk.kid as string;
  const client = new pg.Client({ connectionString: server.databaseUrl });
  await client.connect();
  try {
    await client
      .query('set session_replication_role = replica')
      .catch(() => console.log('  (foreign-key checks stay on: not a superuser)'));
    const batch = 100_000;
    for (let start = 1; start <= size; start += batch) {
      const end = Math.min(size, start + batch - 1);
      await client.query(
        `insert into documents (type, status, school_id, applicant_id, ecfmg_id, given_name, family_name, date_of_birth, sha256, size,
                                media_type, submission_id, key_id, signed_at, manifest, manifest_sha256, available_at, created_at, updated_at)
         select case when i % 2 = 0 then 'transcript' else 'mspe' end, 'verified', $1::uuid,
                case when mine then $2::uuid else a.id end, case when mine then $3 else a.ecfmg_id end,
                'Given', 'Family', date '1990-01-01', md5(i::text) || md5((i + 1)::text), 100000 + i % 900000,
                'application/pdf', 'seed-' || i, $4, t, 'seeded row: no manifest', md5(i::text), t, t, t
         from generate_series($5::int, $6::int) as g(i)
         cross join lateral (select i % $7::int = 0 and i <= $8::int as mine, now() - make_interval(secs => i) as t) as facts
         join bench_applicants a on a.n = i % $9::int`,
        [school.id, target.id, target.ecfmg_id, kid, start, end, spacing, small, otherApplicants],
      );
      if (size > batch) console.log(`  seeded rows ${start}..${end}`);
    }
    await client.query('vacuum analyze documents');
  } finally {
    await client.end();
  }
}

/** The SQL the list endpoints run, as the repository builds it. */
const listQuery = (databaseUrl: string, applicantId: string) =>
  capturedQuery(databaseUrl, (db) => listDocuments(db, { applicant_id: applicantId }, 50));

async function explain(server: BenchServer, query: CompiledQuery): Promise<{ plan: string; indexed: boolean }> {
  const plan = await explainAnalyze(server.databaseUrl, query);
  // The documents are reached through the applicant's index, never by reading the table; a sort
  // (after a bitmap scan) sorts only that applicant's rows, which do not grow with the table.
  const indexed =
    /(Index|Index Only|Bitmap Index) Scan (using|on) documents_by_applicant\b/.test(plan) &&
    !/Seq Scan on documents\b/.test(plan);
  return { plan, indexed };
}

const endpointsOf = ({ server, target, admin }: Stage) => [
  {
    name: 'GET /v1/applicants/{id}/documents (applicant)',
    url: `${server.url}/v1/applicants/${target.id}/documents`,
    token: target.token,
  },
  {
    name: 'GET /v1/documents?applicant_id= (admin)',
    url: `${server.url}/v1/documents?applicant_id=${target.id}`,
    token: admin,
  },
];

await runBench(
  'list: an applicant’s documents with 10,000 and with 1,000,000 documents in the table',
  async (largeServer) => {
    // Two servers, each on its own database, measured in alternation: whatever else the machine does
    // in the meantime weighs on both sizes alike.
    const smallServer = await startBenchServer();
    try {
      const stages = [await stage(smallServer, small), await stage(largeServer, large)];
      const query = await listQuery(largeServer.databaseUrl, (stages[1] as Stage).target.id);
      console.log(`list query (src/documents/repository.ts listDocuments, as both endpoints run it):\n  ${query.sql}`);

      let allIndexed = true;
      for (const current of stages) {
        console.log(`seeding ${current.name}`);
        const seedStarted = Date.now();
        await seedDocuments(current);
        console.log(`  seeded and analysed in ${((Date.now() - seedStarted) / 1000).toFixed(0)} s`);
        const { plan, indexed } = await explain(
          current.server,
          await listQuery(current.server.databaseUrl, current.target.id),
        );
        allIndexed &&= indexed;
        console.log(
          `EXPLAIN (ANALYZE, BUFFERS) with ${current.name}${indexed ? '' : ' -- NOT INDEX-BACKED'}:\n${plan.replace(/^/gm, '  ')}`,
        );
      }

      let fast = true;
      console.log(
        `autocannon, ${load.connections} connections, ${rounds} alternating runs of ${load.seconds} s per size and endpoint (median shown)`,
      );
      for (let e = 0; e < 2; e++) {
        const runs: Measurement[][] = stages.map(() => []);
        // Warm-up: JIT, caches, connections.
        for (const current of stages) {
          const endpoint = endpointsOf(current)[e] as { url: string; token: string };
          await measure(endpoint.url, endpoint.token, { ...load, seconds: 2 });
        }
        for (let round = 0; round < rounds; round++) {
          for (const [i, current] of stages.entries()) {
            const endpoint = endpointsOf(current)[e] as { url: string; token: string };
            (runs[i] as Measurement[]).push(await measure(endpoint.url, endpoint.token, load));
          }
        }
        const name = (endpointsOf(stages[0] as Stage)[e] as { name: string }).name;
        const summary = runs.map(medianOf);
        for (const [i, current] of stages.entries()) {
          console.log(
            `${current.name.padStart(19)}  ${name}: ${show(summary[i] as Measurement)}  (runs: ${(runs[i] as Measurement[]).map((m) => m.rps.toFixed(0)).join(', ')} req/s)`,
          );
        }
        const [atSmall, atLarge] = summary as [Measurement, Measurement];
        const slowdown = atSmall.rps / atLarge.rps;
        const ok = slowdown <= allowedSlowdown && atSmall.errors === 0 && atLarge.errors === 0;
        fast &&= ok;
        console.log(
          `${name}: with 1,000,000 documents ${slowdown.toFixed(2)}x the time of 10,000 (allowed ${allowedSlowdown}x)${ok ? '' : ' -- MISSED'}`,
        );
      }
      console.log(allIndexed ? 'the list query is index-backed at both sizes' : 'the list query is NOT index-backed');
      return fast && allIndexed;
    } finally {
      await smallServer.stop();
    }
  },
);
