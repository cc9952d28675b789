/**
 * The transparency log (issue 14), three figures in one run against the compiled server:
 *
 * 1. Integration: BENCH_LOG_ENTRIES (50,000) pending entries integrated into tiles and signed
 *    checkpoints by the sequencer's own step (integrateBatch, batches of 5,000, as the running
 *    sequencer does). Target: at least 10,000 entries/s.
 * 2. Commit to checkpoint: entries committed one transaction each at BENCH_LOG_RATE (50) per second
 *    for BENCH_LOG_SECONDS (20), with the sequencer running as the server runs it (default
 *    LOG_CHECKPOINT_INTERVAL_MS); the time from each commit to the first signed checkpoint holding it.
 *    Target: median at most 500 ms, p99 at most 2 s.
 * 3. GET /log/tile/0/000 against GET /healthz, autocannon, BENCH_CONNECTIONS (10), BENCH_SECONDS
 *    (10) each, two rounds taking turns. Target: the tile reaches at least 70% of /healthz.
 *
 *   npm run bench:log
 *
 * The server runs with LOG_SEQUENCER=false so this process drives the sequencer itself (the same
 * code). Exits 1 when a target is missed.
 */
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import pino from 'pino';
import { loadConfig } from '../src/config.js';
import { integrateBatch } from '../src/log/integrate.js';
import { insertPending } from '../src/log/repository.js';
import { LogSequencer } from '../src/log/sequencer.js';
import { loadLogKey } from '../src/log/signing-key.js';
import { runBench, type BenchServer } from './support/harness.js';

const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const entryCount = setting('BENCH_LOG_ENTRIES', 50_000);
const rate = setting('BENCH_LOG_RATE', 50);
const latencySeconds = setting('BENCH_LOG_SECONDS', 20);
const connections = setting('BENCH_CONNECTIONS', 10);
const seconds = setting('BENCH_SECONDS', 10);

/** The machine is shared: every figure is printed with the load average it was measured at. */
const load = () =>
  `load average ${loadavg()
    .map((n) => n.toFixed(1))
    .join(' ')}`;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;

/** An entry of the size of a real document entry (about 450 bytes). */
const entryFor = (label: string) =>
  Buffer.from(
    JSON.stringify({
      at: new Date().toISOString(),
      document_id: label,
      filler: 'x'.repeat(380),
      kind: 'bench',
      v: 1,
    }),
  );

async function integration(server: BenchServer, key: Awaited<ReturnType<typeof loadLogKey>>): Promise<boolean> {
  for (let at = 0; at < entryCount; at += 5_000) {
    const batch = Array.from({ length: Math.min(5_000, entryCount - at) }, (_, i) => ({
      entry: entryFor(`integration ${at + i}`),
      documentId: null,
    }));
    await insertPending(server.db, batch);
  }
  const started = performance.now();
  let checkpoints = 0;
  for (;;) {
    const result = await integrateBatch(server.db, key, 5_000);
    if (result.outcome !== 'signed') break;
    checkpoints += 1;
  }
  const elapsed = (performance.now() - started) / 1000;
  const perSecond = entryCount / elapsed;
  console.log(
    `integration: ${entryCount} entries in ${elapsed.toFixed(2)} s, ${checkpoints} checkpoints: ${Math.round(perSecond)} entries/s (target at least 10000); ${load()}`,
  );
  return perSecond >= 10_000;
}

async function commitToCheckpoint(server: BenchServer, key: Awaited<ReturnType<typeof loadLogKey>>): Promise<boolean> {
  const config = loadConfig({ DATABASE_URL: server.databaseUrl, DATA_DIR: server.dataDir });
  const sequencer = new LogSequencer({
    databaseUrl: server.databaseUrl,
    logger: pino({ level: 'warn' }),
    key,
    intervalMs: config.log.checkpointIntervalMs,
  });
  sequencer.start();
  // A watcher notes when each checkpoint size is first visible.
  const seen: Array<{ size: number; at: number }> = [];
  let watching = true;
  const watcher = (async () => {
    let last = -1;
    while (watching) {
      const row = await server.db
        .selectFrom('log_checkpoints')
        .select((eb) => eb.fn.max('tree_size').as('size'))
        .executeTakeFirst();
      const size = Number(row?.size ?? 0);
      if (size !== last) seen.push({ size, at: performance.now() });
      last = size;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  const committedAt = new Map<string, number>();
  const total = rate * latencySeconds;
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const label = `latency ${i}`;
    inFlight.push(
      insertPending(server.db, [{ entry: entryFor(label), documentId: null }]).then(() => {
        committedAt.set(label, performance.now());
      }),
    );
  }
  await Promise.all(inFlight);
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  watching = false;
  await watcher;
  await sequencer.stop();

  const rows = await server.db
    .selectFrom('log_entries')
    .select(['idx', 'entry'])
    .where('idx', '>=', entryCount)
    .execute();
  const latencies: number[] = [];
  for (const row of rows) {
    const label = (JSON.parse(row.entry.toString()) as { document_id: string }).document_id;
    const committed = committedAt.get(label);
    const checkpointed = seen.find((s) => s.size > row.idx)?.at;
    if (committed !== undefined && checkpointed !== undefined) latencies.push(Math.max(0, checkpointed - committed));
  }
  latencies.sort((a, b) => a - b);
  const median = percentile(latencies, 0.5);
  const p99 = percentile(latencies, 0.99);
  console.log(
    `commit to checkpoint at ${rate}/s for ${latencySeconds} s (${latencies.length} of ${total} entries measured, interval ${config.log.checkpointIntervalMs} ms): median ${median.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms, max ${latencies.at(-1)?.toFixed(0)} ms (targets 500 ms, 2000 ms); ${load()}`,
  );
  return latencies.length === total && median <= 500 && p99 <= 2_000;
}

async function measure(url: string, duration: number): Promise<number> {
  const result = await autocannon({ url, connections, duration });
  if (result.errors > 0 || result.timeouts > 0 || result.non2xx > 0) {
    throw new Error(`${url}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx answers`);
  }
  return result.requests.average;
}

async function tileReads(server: BenchServer): Promise<boolean> {
  const routes: Record<string, string> = {
    'GET /healthz': `${server.url}/healthz`,
    'GET /log/tile/0/000': `${server.url}/log/tile/0/000`,
  };
  // For a closer look at where the time goes: the same plugin with a one-line body.
  if (process.env.BENCH_LOG_VKEY) routes['GET /log/vkey'] = `${server.url}/log/vkey`;
  for (const url of Object.values(routes)) await measure(url, 3);
  const results: Record<string, number[]> = Object.fromEntries(Object.keys(routes).map((name) => [name, []]));
  for (let round = 1; round <= 2; round++) {
    const order = round % 2 === 1 ? Object.entries(routes) : Object.entries(routes).reverse();
    for (const [name, url] of order) {
      const rps = await measure(url, seconds);
      results[name]?.push(rps);
      console.log(`round ${round}  ${name.padEnd(20)} ${Math.round(rps)} req/s`);
    }
  }
  const mean = (list: number[] = []) => list.reduce((a, b) => a + b, 0) / list.length;
  const ratio = mean(results['GET /log/tile/0/000']) / mean(results['GET /healthz']);
  console.log(`ratio: the tile reaches ${(ratio * 100).toFixed(1)}% of GET /healthz (target at least 70%); ${load()}`);
  return ratio >= 0.7;
}

async function body(server: BenchServer): Promise<boolean> {
  const config = loadConfig({ DATABASE_URL: server.databaseUrl, DATA_DIR: server.dataDir });
  // The server made the log key in its DATA_DIR at start; this process signs with the same one.
  const key = await loadLogKey({
    dataDir: server.dataDir,
    log: { ...config.log, origin: new URL(`${server.url}/log`).host + '/log' },
  });
  const results = [await integration(server, key), await commitToCheckpoint(server, key), await tileReads(server)];
  return results.every(Boolean);
}

await runBench('transparency log: integration, commit to checkpoint, tile reads', body, {
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
  WEBHOOK_WORKER: 'false',
  LOG_SEQUENCER: 'false',
});
