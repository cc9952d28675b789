/**
 * Ingest throughput: 1 MiB signed PDFs through POST /v1/documents (multipart, manifest verified,
 * bytes hashed, stored in chunks with the document row and its event, one transaction
 * each) against the plain baseline of the same database: `INSERT INTO <scratch bytea table>` of the
 * same 1 MiB buffers with pg, at the same concurrency. Target: ingest reaches at least 55% of the
 * baseline's bytes per second with the transparency log on (issue 14), as the server runs by default:
 * its sequencer integrates each submission's entry and signs checkpoints during the run, which the
 * bench shows by counting them at the end.
 *
 * The two sides alternate in short phases (BENCH_ROUNDS of BENCH_SECONDS each, default 6 x 5 s), so
 * whatever else the machine is doing weighs on both alike; the ratio is of the totals.
 *
 *   npm run bench:ingest       (BENCH_CONCURRENCY, default 4)
 */
import { Agent } from 'node:http';
import { loadavg } from 'node:os';
import pg from 'pg';
import { factsOf, manifestFor, pdfOfSize, registerApplicant, registerSchool } from './support/actors.js';
import { cpuBetween, cpuPerOperation, cpuSeconds, type CpuSeconds } from './support/cpu.js';
import { formatMiB, MiB, runBench } from './support/harness.js';
import { postSubmission, runPhase, type PhaseResult } from './support/load.js';

const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 4);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 6);
const fileBytes = MiB;
const distinctFiles = 32;
const target = 0.55;

const showCpu = (cpu: CpuSeconds) =>
  `server ${cpu.server.toFixed(1)}, postgres ${cpu.postgres.toFixed(1)}, load generator ${cpu.loadGenerator.toFixed(1)}`;
type Phase = PhaseResult & { cpu: CpuSeconds };
const show = (phase: Phase) =>
  `${phase.name.padEnd(22)} ${String(phase.operations).padStart(5)} x 1 MiB in ${phase.seconds.toFixed(1)} s = ${formatMiB(phase.bytesPerSecond)}/s (${(phase.operations / phase.seconds).toFixed(1)}/s); CPU ms per MiB: ${showCpu(cpuPerOperation([phase.cpu], phase.operations))}`;

/**
 * What the server's log sequencer did during the run, once it has caught up: every submission queued
 * a document entry in its own transaction, and only the sequencer moves them into the log.
 */
async function logActivity(pool: pg.Pool) {
  const read = async () =>
    (
      await pool.query<{ entries: number; documentEntries: number; checkpoints: number; pending: number }>(
        `select (select count(*) from log_entries)::int as entries,
           (select count(*) from log_entries where document_id is not null)::int as "documentEntries",
           (select count(*) from log_checkpoints)::int as checkpoints,
           (select count(*) from log_pending)::int as pending`,
      )
    ).rows[0]!;
  const deadline = Date.now() + 30_000;
  let counts = await read();
  while (counts.pending > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    counts = await read();
  }
  return counts;
}

await runBench('ingest: 1 MiB signed PDFs vs a plain pg bytea insert', async (server) => {
  const school = await registerSchool(server);
  const applicant = await registerApplicant(server);
  const files = Array.from({ length: distinctFiles }, () => pdfOfSize(fileBytes));
  const facts = files.map(factsOf);

  // Idle connections stay open between phases, so every plain phase runs on warm connections.
  const pool = new pg.Pool({ connectionString: server.databaseUrl, max: concurrency, idleTimeoutMillis: 0 });
  await pool.query('create table bench_plain_bytes (id bigserial primary key, bytes bytea not null)');
  // Stored as document_chunks stores its bytes: PDFs are already compressed, so no compression attempt.
  await pool.query('alter table bench_plain_bytes alter column bytes set storage external');

  let next = 0;
  const plain = async () => {
    const file = files[next++ % distinctFiles] as Buffer;
    await pool.query('insert into bench_plain_bytes (bytes) values ($1)', [file]);
    return file.length;
  };

  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const failures: string[] = [];
  const ingest = async () => {
    const index = next++ % distinctFiles;
    const file = files[index] as Buffer;
    const manifest = await manifestFor(school, applicant, facts[index] as { sha256: string; size: number });
    const answer = await postSubmission(agent, server.url, school.token, manifest, file);
    if (answer.status !== 201 || !answer.body.includes('"status":"verified"')) {
      failures.push(`${answer.status} ${answer.body.slice(0, 300)}`);
      return 0;
    }
    return file.length;
  };

  try {
    console.log(
      `concurrency ${concurrency}, ${rounds} rounds of ${seconds} s per side, ${distinctFiles} distinct 1 MiB PDFs, each submission with its own manifest (jti)`,
    );
    await runPhase('warm-up plain', 3, concurrency, plain);
    await runPhase('warm-up ingest', 3, concurrency, ingest);
    // Alternating phases, so drift on a shared machine (checkpoints, other load) hits both sides alike.
    const results: Phase[] = [];
    for (let round = 1; round <= rounds; round++) {
      for (const [name, operation] of [
        ['plain pg insert', plain],
        ['POST /v1/documents', ingest],
      ] as const) {
        const before = cpuSeconds(server.pid);
        const result = await runPhase(`${name} #${round}`, seconds, concurrency, operation);
        const phase = { ...result, cpu: cpuBetween(before, cpuSeconds(server.pid)) };
        console.log(show(phase));
        results.push(phase);
      }
    }
    const side = (prefix: string) => results.filter((r) => r.name.startsWith(prefix));
    const rate = (prefix: string) =>
      side(prefix).reduce((sum, r) => sum + r.bytes, 0) / side(prefix).reduce((sum, r) => sum + r.seconds, 0);
    const cpu = (prefix: string) =>
      showCpu(
        cpuPerOperation(
          side(prefix).map((r) => r.cpu),
          side(prefix).reduce((sum, r) => sum + r.operations, 0),
        ),
      );
    const plainRate = rate('plain');
    const ingestRate = rate('POST');
    const ratio = ingestRate / plainRate;
    const { rows } = await pool.query<{ documents: number; chunks: number }>(
      'select (select count(*) from documents)::int as documents, (select count(*) from document_chunks)::int as chunks',
    );
    console.log(`stored: ${rows[0]?.documents} documents, ${rows[0]?.chunks} chunks`);
    const log = await logActivity(pool);
    console.log(
      `transparency log: ${log.entries} entries integrated (${log.documentEntries} of documents) in ${log.checkpoints} signed checkpoints, ${log.pending} still pending`,
    );
    console.log(`plain pg insert:    ${formatMiB(plainRate)}/s; CPU ms per MiB: ${cpu('plain')}`);
    console.log(`POST /v1/documents: ${formatMiB(ingestRate)}/s; CPU ms per MiB: ${cpu('POST')}`);
    const perRound = side('POST').map((r, i) => r.bytesPerSecond / (side('plain')[i] as PhaseResult).bytesPerSecond);
    console.log(`ratio per round: ${perRound.map((r) => `${(r * 100).toFixed(0)}%`).join(' ')}`);
    console.log(`ratio: ${(ratio * 100).toFixed(0)}% of the plain insert (target >= ${(target * 100).toFixed(0)}%)`);
    console.log(
      `load average at the end: ${loadavg()
        .map((n) => n.toFixed(1))
        .join(' ')}`,
    );
    if (failures.length > 0) console.log(`${failures.length} submissions failed, e.g. ${failures[0]}`);
    const logKeptUp = log.pending === 0 && log.documentEntries === Number(rows[0]?.documents);
    if (!logKeptUp) console.log('the log did not integrate an entry for every stored document');
    return ratio >= target && failures.length === 0 && logKeptUp;
  } finally {
    agent.destroy();
    await pool.end();
  }
});
