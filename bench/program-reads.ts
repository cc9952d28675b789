/**
 * Program reads at scale (issue 5): with 1,000,000 documents stored, how a program director's
 *   GET /v1/programs/{id}/documents?applicant_id=...   and   GET /v1/documents/{id}
 * compare with a bare Fastify route running one primary-key SELECT on the same pool, in the same
 * server process, in the same run. Target: each API route at least 50% of the bare route's
 * requests per second, with p99 latency under 50 ms at 50 connections.
 *
 *   npm run bench:program-reads
 *
 * Settings (environment): DATABASE_URL (else an embedded PostgreSQL kept in BENCH_DATA_DIR, default
 * .data/bench-program-reads, so the seeded rows are reused by the next run), BENCH_DOCUMENTS
 * (1000000), BENCH_DOCUMENTS_PER_APPLICANT (5), BENCH_CONNECTIONS (50), BENCH_SECONDS per measurement (5), BENCH_ROUNDS (6),
 * BENCH_LOG_LEVEL for the server (info, as in production; its output is discarded), BENCH_ROUTES
 * (bare,list,read) and BENCH_PROFILE=1 (a CPU profile of the server in BENCH_DATA_DIR/profiles).
 * Prints the query plans and the figures, and exits 1 when an API route misses its target; it is not
 * part of `npm test`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { generateSigningKey } from '../src/crypto/jwk.js';
import { createDatabase, type Database } from '../src/db/database.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded-postgres.js';
import { migrateToLatest } from '../src/db/migrator.js';
import type { DB } from '../src/db/types.js';
import { findReleasedDocument, listProgramDocuments } from '../src/documents/released-repository.js';

const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const documents = setting('BENCH_DOCUMENTS', 1_000_000);
const connections = setting('BENCH_CONNECTIONS', 50);
const seconds = setting('BENCH_SECONDS', 5);
const rounds = setting('BENCH_ROUNDS', 6);
const logLevel = process.env.BENCH_LOG_LEVEL ?? 'info';
const dataDir = resolve(process.env.BENCH_DATA_DIR ?? '.data/bench-program-reads');

/**
 * Each applicant has BENCH_DOCUMENTS_PER_APPLICANT documents (5: an MSPE, a transcript and three
 * letters, a typical file), all released to one of a hundred programs: so a program's list for one
 * applicant is that many documents.
 */
const perApplicant = setting('BENCH_DOCUMENTS_PER_APPLICANT', 5);
const applicants = Math.max(1, Math.floor(documents / perApplicant));
const programs = 100;
const issuer = 'https://issuer.bench.emswp';

const log = (message: string) => console.log(`[bench] ${message}`);

async function openDatabase(): Promise<{ url: string; embedded?: EmbeddedDatabase }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL };
  await mkdir(dataDir, { recursive: true });
  // As root the embedded server runs as the postgres user, which must be able to enter the folder.
  await chmod(dataDir, 0o755);
  const embedded = await startEmbeddedPostgres({ directory: join(dataDir, 'postgres') });
  return { url: embedded.url, embedded };
}

/**
 * Seeds the whole data set with a handful of set-based statements (generate_series), in one
 * transaction: three schools with a real Ed25519 key each, the applicants, the programs, the
 * documents (metadata and a manifest-sized text, no bytes: these reads never touch them; letters
 * without letter requests, which these reads never consult) and one release per document.
 */
async function seed(db: Database): Promise<void> {
  const { count } = await db
    .selectFrom('documents')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  if (Number(count) >= documents) {
    const stored = await db
      .selectFrom('applicants')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    if (Number(stored.count) !== applicants) {
      throw new Error(
        `the bench database holds ${stored.count} applicants, not ${applicants}: remove ${dataDir} or use another BENCH_DATA_DIR`,
      );
    }
    log(`${count} documents of ${applicants} applicants already stored: reusing them`);
    return;
  }
  if (Number(count) > 0)
    throw new Error(
      `the bench database holds ${count} documents, not ${documents}: remove ${dataDir} or use another BENCH_DATA_DIR`,
    );
  const started = Date.now();
  const keys = await Promise.all([0, 1, 2].map(() => generateSigningKey('EdDSA')));
  await db.transaction().execute(async (trx) => {
    for (const [index, key] of keys.entries()) {
      const wdoms = `F9${String(index).padStart(6, '0')}`;
      const school = await trx
        .insertInto('schools')
        .values({
          wdoms_id: wdoms,
          name: `Bench University ${index}`,
          country: 'NG',
          contact_email: `registrar${index}@bench.example`,
          status: 'active',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const kid = key.publicJwk.kid as string;
      await trx
        .insertInto('school_keys')
        .values({
          kid,
          thumbprint: kid,
          school_id: school.id,
          alg: 'EdDSA',
          jwk: JSON.stringify(key.publicJwk),
          created_by: 'bench',
        })
        .execute();
    }
    await sql`
      insert into applicants (ecfmg_id, given_name, family_name, date_of_birth)
      select lpad(i::text, 8, '0'), 'Given' || i, 'Family' || i, date '1990-01-01' + (i % 3650)
      from generate_series(0, ${applicants - 1}::int) i`.execute(trx);
    await sql`
      insert into programs (acgme_id, name, specialty)
      select '99' || lpad(i::text, 8, '0'), 'Bench Residency ' || i, 'Internal Medicine'
      from generate_series(0, ${programs - 1}::int) i`.execute(trx);
    log(`registry seeded after ${((Date.now() - started) / 1000).toFixed(1)} s; documents next`);
    await sql`
      with school as (
        select s.id, k.kid, row_number() over (order by s.wdoms_id) - 1 as n
        from schools s join school_keys k on k.school_id = s.id where s.wdoms_id like 'F9%'
      ), base as (select now() - make_interval(secs => ${documents}::int) as t0)
      insert into documents (type, status, school_id, applicant_id, ecfmg_id, given_name, family_name, date_of_birth,
        sha256, size, media_type, submission_id, key_id, signed_at, manifest, manifest_sha256, available_at, created_at, updated_at)
      select case g.i / ${applicants}::int when 0 then 'mspe' when 1 then 'transcript' else 'lor' end, 'verified', school.id, a.id, a.ecfmg_id,
        a.given_name, a.family_name, a.date_of_birth,
        encode(sha256(convert_to('bench-document-' || g.i, 'UTF8')), 'hex'), 40000 + g.i % 100000, 'application/pdf',
        'bench-' || g.i, school.kid, base.t0 + make_interval(secs => g.i) - interval '1 hour',
        'eyJhbGciOiJFZERTQSIsImtpZCI6IkJlbmNoIn0.' || repeat(md5(g.i::text), 20), encode(sha256(convert_to('bench-manifest-' || g.i, 'UTF8')), 'hex'),
        base.t0 + make_interval(secs => g.i), base.t0 + make_interval(secs => g.i), base.t0 + make_interval(secs => g.i)
      from generate_series(0, ${documents - 1}::int) g(i)
      cross join base
      join applicants a on a.ecfmg_id = lpad((g.i % ${applicants}::int)::text, 8, '0')
      join school on school.n = g.i % 3`.execute(trx);
    log(`documents seeded after ${((Date.now() - started) / 1000).toFixed(1)} s; releases next`);
    await sql`
      insert into releases (applicant_id, document_id, program_id, created_by)
      select d.applicant_id, d.id, p.id, 'bench'
      from documents d join programs p on p.acgme_id = '99' || lpad((d.ecfmg_id::int % ${programs}::int)::text, 8, '0')`.execute(
      trx,
    );
  });
  await sql`analyze`.execute(db);
  log(`seeded ${documents} documents and releases in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

interface Target {
  program: { id: string; acgme_id: string };
  documentIds: string[];
  applicantIds: string[];
}

/** The program under test ("Bench Residency 0") and what is released to it. */
async function target(db: Database): Promise<Target> {
  const program = await db
    .selectFrom('programs')
    .select(['id', 'acgme_id'])
    .where('acgme_id', '=', '9900000000')
    .executeTakeFirstOrThrow();
  const released = await db
    .selectFrom('releases')
    .select(['document_id', 'applicant_id'])
    .where('program_id', '=', program.id)
    .where('withdrawn_at', 'is', null)
    .execute();
  return {
    program,
    documentIds: released.map((r) => r.document_id),
    applicantIds: [...new Set(released.map((r) => r.applicant_id))],
  };
}

/**
 * The plans PostgreSQL chooses for the two API queries at full size. The queries run inside
 * PL/pgSQL functions (migration 0005), so the plans are those auto_explain reports for the nested
 * statements; without the rights to load auto_explain (a managed DATABASE_URL) they are skipped.
 */
async function explain(url: string, subject: Target): Promise<void> {
  // Two connections: one runs the queries to capture them, the other explains them.
  const { pool } = createDatabase(url, 2);
  let captured: { sql: string; parameters: readonly unknown[] } | undefined;
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), log: (event) => void (captured = event.query) });
  const client = await pool.connect();
  client.on('error', () => {});
  const notices: string[] = [];
  client.on('notice', (notice) => notices.push(notice.message ?? ''));
  const plan = async (label: string, run: () => Promise<unknown>) => {
    await run();
    if (!captured) return;
    notices.length = 0;
    await client.query(captured.sql, [...captured.parameters]);
    const nested = notices
      .filter((notice) => !/Function Scan/.test(notice))
      .map((notice) => notice.replace(/^duration: [\d.]+ ms\s+plan:\n/, ''));
    log(
      `${label}:\n${nested
        .join('\n')
        .split('\n')
        .map((line) => `    ${line}`)
        .join('\n')}`,
    );
  };
  try {
    try {
      await client.query(`load 'auto_explain'`);
      await client.query(`set auto_explain.log_min_duration = 0; set auto_explain.log_nested_statements = on; set auto_explain.log_analyze = on;
        set auto_explain.log_timing = off; set auto_explain.log_level = notice`);
    } catch (error) {
      log(`no query plans: auto_explain is not available (${(error as Error).message})`);
      return;
    }
    await plan('plan of the program list narrowed to one applicant', () =>
      listProgramDocuments(db, subject.program.id, { applicant_id: subject.applicantIds[0] as string }, 50),
    );
    await plan("plan of the program's whole list, first page", () =>
      listProgramDocuments(db, subject.program.id, {}, 50),
    );
    await plan('plan of a program reading one document', () =>
      findReleasedDocument(db, subject.documentIds[0] as string, subject.program.id),
    );
  } finally {
    client.release();
    await db.destroy();
  }
}

async function programToken(jwksFile: string, programId: string): Promise<string> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'EdDSA', use: 'sig' };
  await writeFile(jwksFile, JSON.stringify({ keys: [jwk] }));
  return new SignJWT({ role: 'program', program_id: programId })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'bench', typ: 'JWT' })
    .setIssuer(issuer)
    .setAudience('emswp')
    .setSubject('program-director@bench.example')
    .setIssuedAt()
    .setExpirationTime('3h')
    .sign(privateKey);
}

async function startServer(url: string, jwksFile: string): Promise<{ child: ChildProcess; port: number }> {
  const script = fileURLToPath(new URL('./program-reads-server.ts', import.meta.url));
  // BENCH_PROFILE=1 writes a V8 CPU profile of the server to BENCH_DATA_DIR/profiles when it stops.
  const profile =
    process.env.BENCH_PROFILE === '1' ? ['--cpu-prof', `--cpu-prof-dir=${join(dataDir, 'profiles')}`] : [];
  const child = spawn(process.execPath, [...process.execArgv, ...profile, script], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: {
      ...process.env,
      DATABASE_URL: url,
      AUTH_ISSUER: issuer,
      AUTH_JWKS_FILE: jwksFile,
      DATA_DIR: dataDir,
      LOG_LEVEL: logLevel,
      WEBHOOK_WORKER: 'false',
    },
  });
  const port = await new Promise<number>((resolvePort, reject) => {
    child.once('message', (message) => resolvePort((message as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`the bench server exited early (code ${code})`)));
  });
  return { child, port };
}

interface Measurement {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** CPU time per request answered, in microseconds: the server process, and PostgreSQL's processes. */
  serverCpu: number;
  databaseCpu: number | undefined;
}

/**
 * CPU time is the figure a shared machine disturbs least: a neighbour's load slows every request
 * down, but hardly changes how much work each one takes. The server reports its own over IPC.
 */
function serverCpuMicros(child: ChildProcess): Promise<number> {
  return new Promise((resolveCpu) => {
    child.once('message', (message) => {
      const { user, system } = (message as { cpu: NodeJS.CpuUsage }).cpu;
      resolveCpu(user + system);
    });
    child.send('cpu');
  });
}

const clockTicks = 100;

/** PostgreSQL's CPU time: the postmaster's child processes (backends, workers), from /proc; undefined off Linux. */
async function databaseCpuMicros(postmaster: number | undefined): Promise<number | undefined> {
  if (postmaster === undefined) return undefined;
  let total = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Fields after the command name, which sits in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[1]) === postmaster) total += Number(fields[11]) + Number(fields[12]);
  }
  return (total / clockTicks) * 1_000_000;
}

async function postmasterOf(db: Database): Promise<number | undefined> {
  try {
    const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
    const stat = await readFile(`/proc/${rows[0]?.pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)] as T;

interface Server {
  child: ChildProcess;
  port: number;
  postmaster: number | undefined;
}

async function measure(
  name: string,
  server: Server,
  token: string,
  path: () => string,
  duration: number,
): Promise<Measurement> {
  const cpuBefore = await serverCpuMicros(server.child);
  const databaseBefore = await databaseCpuMicros(server.postmaster);
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}`,
    connections,
    duration,
    headers: { authorization: `Bearer ${token}` },
    // A different row on every request, so no answer comes from a cache the real traffic would not hit.
    requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: path() }) }],
  });
  const answered = Math.max(1, result.requests.total);
  const serverCpu = ((await serverCpuMicros(server.child)) - cpuBefore) / answered;
  const databaseAfter = await databaseCpuMicros(server.postmaster);
  const databaseCpu =
    databaseBefore === undefined || databaseAfter === undefined
      ? undefined
      : (databaseAfter - databaseBefore) / answered;
  return {
    name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    serverCpu,
    databaseCpu,
  };
}

/** Set when an API route misses its target: the run then exits 1, like the other benchmarks. */
let missed = false;

async function main(): Promise<void> {
  log(
    `load average at start: ${loadavg()
      .map((n) => n.toFixed(1))
      .join(' ')} (${cpus().length} CPUs)`,
  );
  const { url, embedded } = await openDatabase();
  const { db } = createDatabase(url, 2);
  let server: ChildProcess | undefined;
  try {
    await migrateToLatest(db);
    await seed(db);
    const subject = await target(db);
    log(
      `program ${subject.program.acgme_id}: ${subject.documentIds.length} documents released by ${subject.applicantIds.length} applicants`,
    );
    await explain(url, subject);

    const jwksFile = join(dataDir, 'bench-issuer-jwks.json');
    const token = await programToken(jwksFile, subject.program.id);
    const started = await startServer(url, jwksFile);
    server = started.child;
    const measured: Server = { ...started, postmaster: await postmasterOf(db) };
    const programId = subject.program.id;
    const allRoutes: Array<[string, string, () => string]> = [
      ['bare', 'bare primary-key SELECT', () => `/bench/bare/${pick(subject.documentIds)}`],
      [
        'list',
        'GET /v1/programs/{id}/documents?applicant_id=',
        () => `/v1/programs/${programId}/documents?applicant_id=${pick(subject.applicantIds)}`,
      ],
      ['read', 'GET /v1/documents/{id}', () => `/v1/documents/${pick(subject.documentIds)}`],
    ];
    // BENCH_ROUTES=bare,list,read (the default) picks which to measure; the bare one, when chosen, is the baseline.
    const chosen = (process.env.BENCH_ROUTES ?? 'bare,list,read').split(',');
    const routes = allRoutes
      .filter(([key]) => chosen.includes(key))
      .map(([, name, path]) => [name, path] as [string, () => string]);

    log(`warming up (${connections} connections)`);
    for (const [name, path] of routes) await measure(name, measured, token, path, 3);

    const results: Measurement[][] = routes.map(() => []);
    for (let round = 1; round <= rounds; round++) {
      // Interleaved rounds: a neighbour's load on the machine falls on every route alike.
      for (const [index, [name, path]] of routes.entries()) {
        const m = await measure(name, measured, token, path, seconds);
        results[index]?.push(m);
        const cpu = `cpu/req: server ${m.serverCpu.toFixed(0)} µs, postgres ${m.databaseCpu === undefined ? '?' : m.databaseCpu.toFixed(0)} µs`;
        log(
          `round ${round}: ${name.padEnd(46)} ${m.rps.toFixed(0).padStart(6)} req/s  p50 ${m.p50} ms  p99 ${m.p99} ms  ${cpu}  non-2xx ${m.non2xx}  errors ${m.errors}`,
        );
      }
    }

    const median = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      const middle = Math.floor(sorted.length / 2);
      return sorted.length % 2 === 1
        ? (sorted[middle] as number)
        : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
    };
    const baseline = results[0] ?? [];
    const summary = results.map((ms, index) => ({
      name: routes[index]?.[0] as string,
      rps: median(ms.map((m) => m.rps)),
      // Each round's routes ran back to back, so a round's ratio is the fairest comparison on a shared machine.
      ratio: median(ms.map((m, round) => m.rps / (baseline[round]?.rps ?? m.rps))),
      p99: median(ms.map((m) => m.p99)),
      worstP99: Math.max(...ms.map((m) => m.p99)),
      serverCpu: median(ms.map((m) => m.serverCpu)),
      databaseCpu: ms.some((m) => m.databaseCpu === undefined) ? undefined : median(ms.map((m) => m.databaseCpu ?? 0)),
      failures: ms.reduce((sum, m) => sum + m.non2xx + m.errors, 0),
    }));
    console.log(
      `\nPrograms reading at ${documents.toLocaleString('en')} documents, ${connections} connections, ${rounds} rounds of ${seconds} s per route (medians over rounds):\n`,
    );
    console.log(
      '| route | req/s | vs bare (same round) | p99 | worst p99 | CPU per request: server + postgres | verdict |',
    );
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const [index, row] of summary.entries()) {
      const isBare = index === 0;
      const ok = row.ratio >= 0.5 && row.p99 < 50 && row.failures === 0;
      if (!isBare && !ok) missed = true;
      const verdict = isBare ? 'baseline' : ok ? 'meets target' : 'MISSES target';
      console.log(
        `| ${row.name} | ${row.rps.toFixed(0)} | ${(row.ratio * 100).toFixed(0)}% | ${row.p99} ms | ${row.worstP99} ms | ${row.serverCpu.toFixed(0)} + ${row.databaseCpu === undefined ? '?' : row.databaseCpu.toFixed(0)} µs | ${verdict}${row.failures ? ` (${row.failures} failures)` : ''} |`,
      );
    }
    console.log(
      `\nload average at the end: ${loadavg()
        .map((n) => n.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    if (server?.pid !== undefined) {
      const exited = new Promise((done) => server?.once('exit', done));
      server.kill('SIGTERM');
      await exited;
    }
    await db.destroy();
    await embedded?.stop();
  }
}

await main();
// Everything is closed: the exit code is the result.
process.exit(missed ? 1 : 0);
