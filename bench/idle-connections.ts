/**
 * 20,000 hostile connections to the compiled server on 127.0.0.1, held for a bounded time, while
 * a well-behaved client asks GET /readyz every 200 ms from another loopback address.
 *
 * The crowd: half the connections send nothing at all; half send the headers of a 100 MB
 * multipart upload with no token, then a byte every 5 s (issue 12's attack). It is split over 4
 * child processes of 5,000 connections each, so no process needs more than its default file
 * descriptor limit (`ulimit -n` is often 1,024 soft and the kernel's default hard limit 4,096 or
 * more: raise the soft limit with `ulimit -n 8192` before the run where it is lower).
 *
 * 1. One client: all 20,000 from 127.0.0.2. Target: the server never holds more than
 *    HTTP_MAX_CONNECTIONS_PER_ADDRESS (256) of them, and /readyz answers at least 95% of the probes
 *    (a probe waits 2 s; on a 2-core machine shared with the crowd's own four processes one may
 *    wait longer while the server accepts and closes thousands of connections).
 * 2. Many clients: 200 from each of 100 addresses (127.0.1.1 to 127.0.1.100), under the
 *    per-address limit. Target: the server's open descriptors stay under HTTP_MAX_CONNECTIONS
 *    (10,000) plus 100, the timeouts close every silent connection (408) and every refused upload
 *    (401, Connection: close), and /readyz answers at least 95% of the probes.
 *
 *   npm run bench:idle-connections     (BENCH_HOLD_MS, default 30,000: how long each crowd stays)
 */
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBench, type BenchServer } from './support/harness.js';

const holdMs = Number(process.env.BENCH_HOLD_MS ?? 30_000);
const processes = 4;
const perProcess = 5_000;
const here = dirname(fileURLToPath(import.meta.url));

interface CrowdReport {
  openedIn: number;
  stillOpen: number;
  failed: number;
  byKind: Record<'idle' | 'upload', { total: number; answered: number; closedAfter: number[] }>;
}

function crowd(port: number, addresses: string[]): Promise<CrowdReport> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      '@tapjs/typescript/import',
      join(here, 'support', 'idle-client.ts'),
      String(port),
      String(perProcess),
      String(holdMs),
      ...addresses,
    ],
    { env: { ...process.env, TS_NODE_TRANSPILE_ONLY: '1' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) =>
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as CrowdReport)
        : reject(new Error(`crowd exited ${code}`)),
    ),
  );
}

/** One GET /readyz on a fresh connection from 127.0.0.1: its status (0 when refused or timed out) and time. */
function probe(port: number): Promise<{ at: number; status: number; ms: number }> {
  const at = Date.now();
  return new Promise((resolve) => {
    const done = (status: number) => resolve({ at, status, ms: Date.now() - at });
    const req = request(
      { host: '127.0.0.1', port, path: '/readyz', localAddress: '127.0.0.1', agent: false, timeout: 2_000 },
      (response) => {
        response.resume();
        response.on('end', () => done(response.statusCode ?? 0));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => done(0));
    req.end();
  });
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
};

async function descriptors(pid: number): Promise<number> {
  return (await readdir(`/proc/${pid}/fd`).catch(() => [])).length;
}

async function scenario(
  server: BenchServer,
  title: string,
  addressesOf: (process: number) => string[],
): Promise<{
  probes: { at: number; status: number; ms: number }[];
  maxFds: number;
  startedAt: number;
  reports: CrowdReport[];
}> {
  console.log(`\n## ${title}`);
  const port = Number(new URL(server.url).port);
  const probes: { at: number; status: number; ms: number }[] = [];
  let maxFds = await descriptors(server.pid);
  const baseline = maxFds;
  let running = true;
  const prober = (async () => {
    while (running) {
      probes.push(await probe(port));
      maxFds = Math.max(maxFds, await descriptors(server.pid));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  const startedAt = Date.now();
  const reports = await Promise.all(Array.from({ length: processes }, (_, i) => crowd(port, addressesOf(i))));
  running = false;
  await prober;

  const all = reports.flatMap((r) => (['idle', 'upload'] as const).map((kind) => ({ kind, ...r.byKind[kind] })));
  for (const kind of ['idle', 'upload'] as const) {
    const mine = all.filter((k) => k.kind === kind);
    const total = mine.reduce((n, k) => n + k.total, 0);
    const closed = mine.flatMap((k) => k.closedAfter);
    const atOnce = closed.filter((ms) => ms < 1_000).length;
    const later = closed.filter((ms) => ms >= 1_000);
    console.log(
      `${kind === 'idle' ? 'sending nothing' : 'upload headers, no token, 1 byte/5 s'}: ${total} connections; ` +
        `${atOnce} closed by the server within 1 s, ${later.length} later (median ${percentile(later, 50)} ms, max ${Math.max(0, ...later)} ms); ` +
        `${mine.reduce((n, k) => n + k.answered, 0)} got an answer`,
    );
  }
  console.log(
    `still open after ${holdMs / 1000} s: ${reports.reduce((n, r) => n + r.stillOpen, 0)}; connect failures: ${reports.reduce((n, r) => n + r.failed, 0)}; ` +
      `crowd built in ${Math.max(...reports.map((r) => r.openedIn))} ms`,
  );
  const ok = probes.filter((p) => p.status === 200);
  console.log(
    `server file descriptors: ${baseline} before, at most ${maxFds} during; ` +
      `/readyz: ${ok.length} of ${probes.length} probes answered 200, p50 ${percentile(
        ok.map((p) => p.ms),
        50,
      )} ms, p99 ${percentile(
        ok.map((p) => p.ms),
        99,
      )} ms`,
  );
  const failedAt = probes.filter((p) => p.status !== 200).map((p) => p.at - startedAt);
  if (failedAt.length > 0)
    console.log(
      `probes not answered between ${Math.min(...failedAt)} and ${Math.max(...failedAt)} ms after the flood began`,
    );
  // Let the server's side of the closed connections settle before the next crowd.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  return { probes, maxFds, startedAt, reports };
}

await runBench('20,000 idle and trickling connections', async (server) => {
  const one = await scenario(server, 'one client: 20,000 connections from 127.0.0.2', () => ['127.0.0.2']);
  const answered = (probes: { status: number }[]) => probes.filter((p) => p.status === 200).length / probes.length;
  const oneOk = answered(one.probes) >= 0.95 && one.maxFds < 256 + 100;

  const many = await scenario(server, 'many clients: 200 connections from each of 100 addresses', (i) =>
    Array.from({ length: 25 }, (_, j) => `127.0.1.${i * 25 + j + 1}`),
  );
  const manyOk = answered(many.probes) >= 0.95 && many.maxFds < 10_000 + 100;
  return oneOk && manyOk;
});
