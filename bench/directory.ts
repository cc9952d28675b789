/**
 * The program directory at scale (issue 16): with 100,000 programs stored,
 *   GET /v1/programs?q=<a fragment of a name>
 * against the bare primary-key read GET /v1/programs/{id}, on the same server in the same run,
 * measured with autocannon in alternating rounds. Target: the search answers at least 50% of the
 * primary-key route's requests per second, and its query uses the programs_directory_search index.
 *
 *   npm run bench:directory     (BENCH_CONNECTIONS 8, BENCH_SECONDS 5, BENCH_ROUNDS 3; the median counts)
 *
 * The word typed ("town0042", in lower case: "Town0042" in the names) is in 100 of them, so each answer is a full
 * page of 50 with a next cursor, the default page: not a lucky single hit. That search is what the
 * target is judged on. Measured beside it: the same search as the portal's search box sends it (20
 * programs), and one that finds a single program ("town0042 42042"), to tell the cost of finding
 * from the cost of answering each program. Each route's CPU per request, for the server, PostgreSQL
 * and the load generator (all on this machine), shows where a page's cost goes.
 */
import { loadavg } from 'node:os';
import { sql } from 'kysely';
import { directorySearch } from '../src/db/directory-search.js';
import { searchPrograms } from '../src/programs/repository.js';
import { cpuBetween, cpuPerOperation, cpuSeconds, type CpuSeconds } from './support/cpu.js';
import { runBench, type BenchServer } from './support/harness.js';
import { capturedQuery, explainAnalyze, measure, medianOf, show, type Measurement } from './support/rounds.js';

const load = {
  seconds: Number(process.env.BENCH_SECONDS ?? 5),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 8),
};
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const programs = 100_000;
const fragment = 'town0042';
const single = 'town0042 42042';
const target = 0.5;

async function seedPrograms(server: BenchServer): Promise<string> {
  await sql`
    insert into programs (acgme_id, name, specialty, created_at, updated_at)
    select lpad(i::text, 10, '0'),
           (array['Saint', 'General', 'University', 'Memorial', 'Community'])[1 + i % 5] || ' Hospital of Town' ||
             lpad((i % 1000)::text, 4, '0') || ' Program ' || i,
           (array['Internal Medicine', 'Pediatrics', 'General Surgery', 'Psychiatry', 'Família e Comunidade'])[1 + i % 5],
           now() - make_interval(secs => i), now()
    from generate_series(1, ${programs}::int) as g(i)`.execute(server.db);
  await sql`vacuum analyze programs`.execute(server.db);
  const row = await server.db
    .selectFrom('programs')
    .select('id')
    .where('acgme_id', '=', '0000050000')
    .executeTakeFirst();
  if (!row) throw new Error('seeding made no programs');
  return row.id;
}

const showCpu = (cpu: CpuSeconds) =>
  `server ${cpu.server.toFixed(3)}, PostgreSQL ${cpu.postgres.toFixed(3)}, load generator ${cpu.loadGenerator.toFixed(3)}`;

const loadAverage = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

await runBench('directory: GET /v1/programs?q= against GET /v1/programs/{id}, 100,000 programs', async (server) => {
  console.log(`seeding ${programs.toLocaleString('en')} programs`);
  const id = await seedPrograms(server);
  const query = await capturedQuery(server.databaseUrl, (db) =>
    searchPrograms(db, directorySearch(fragment, /^[0-9]{10}$/), { limit: 50 }),
  );
  const plan = await explainAnalyze(server.databaseUrl, query);
  const indexed = /Bitmap Index Scan on programs_directory_search\b/.test(plan) && !/Seq Scan on programs\b/.test(plan);
  console.log(
    `EXPLAIN (ANALYZE, BUFFERS) of the search${indexed ? '' : ' -- NOT INDEX-BACKED'}:\n${plan.replace(/^/gm, '  ')}`,
  );

  const admin = await server.token({ sub: 'bench-operator', role: 'admin' });
  const routes = [
    { name: `GET /v1/programs?q=${fragment}`, path: `/v1/programs?q=${fragment}` },
    { name: 'GET /v1/programs/{id}', path: `/v1/programs/${id}` },
    { name: `  ...?q=${fragment}&limit=20 (the portal)`, path: `/v1/programs?q=${fragment}&limit=20` },
    { name: `  ...?q=${single} (1 found)`, path: `/v1/programs?q=${encodeURIComponent(single)}` },
  ];
  const check = await fetch(`${server.url}${routes[0]!.path}`, { headers: { authorization: `Bearer ${admin}` } });
  const page = (await check.json()) as { items: unknown[]; next_cursor: string | null };
  console.log(
    `the search answers ${check.status} with ${page.items.length} programs and a next cursor: ${page.next_cursor !== null}`,
  );

  // Warm-up: JIT, caches, connections.
  for (const route of routes) await measure(`${server.url}${route.path}`, admin, { ...load, seconds: 2 });
  const runs: Measurement[][] = routes.map(() => []);
  const cpu: CpuSeconds[][] = routes.map(() => []);
  const loads: string[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const [i, route] of routes.entries()) {
      const before = cpuSeconds(server.pid);
      runs[i]!.push(await measure(`${server.url}${route.path}`, admin, load));
      cpu[i]!.push(cpuBetween(before, cpuSeconds(server.pid)));
    }
    loads.push(loadAverage());
  }
  console.log(
    `autocannon, ${load.connections} connections, ${rounds} alternating rounds of ${load.seconds} s (median shown)`,
  );
  const [search, byId, portal, one] = routes.map((route, i) => {
    const m = medianOf(runs[i]!);
    console.log(`  ${route.name.padEnd(38)} ${show(m)}  (runs: ${runs[i]!.map((r) => r.rps.toFixed(0)).join(', ')})`);
    console.log(`  ${''.padEnd(38)} CPU ms per request: ${showCpu(cpuPerOperation(cpu[i]!, m.requests))}`);
    return m;
  }) as [Measurement, Measurement, Measurement, Measurement];
  const ratio = search.rps / byId.rps;
  const percentOfById = (m: Measurement) => `${((m.rps / byId.rps) * 100).toFixed(0)}%`;
  console.log(`load average after each round: ${loads.join(' | ')}`);
  console.log(
    `ratio: the search makes ${percentOfById(search)} of the primary-key route's requests per second (target ${target * 100}%)`,
  );
  console.log(
    `(the portal's search box, 20 programs: ${percentOfById(portal)}; a search finding one: ${percentOfById(one)})`,
  );
  return indexed && ratio >= target && [search, byId, portal, one].every((m) => m.errors === 0);
});
