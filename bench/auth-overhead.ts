/**
 * What an access token costs per request (issue 2): token-authenticated GET /v1/me against the
 * public GET /healthz, on one server process with the same logging, in the same run. Target: the
 * authenticated route reaches at least 70% of the health route's requests per second, which holds
 * only if verified tokens are served from the cache instead of re-verified on every request.
 *
 *   npm run bench:auth
 *
 * Settings (environment): DATABASE_URL (else an embedded PostgreSQL in a temporary DATA_DIR),
 * BENCH_CONNECTIONS (10), BENCH_SECONDS per measurement (10), BENCH_ROUNDS (2; the routes take
 * turns so a drift in machine load hits both), BENCH_LOG_LEVEL for the server (info, as in
 * production; its output is discarded). Other service settings pass through to the server, e.g.
 * AUTH_TOKEN_CACHE_SIZE=0 to see what verifying every token costs. Exits 1 when the target is missed.
 */
import autocannon from 'autocannon';
import { runBench, type BenchServer } from './support/harness.js';

const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const connections = setting('BENCH_CONNECTIONS', 10);
const seconds = setting('BENCH_SECONDS', 10);
const rounds = setting('BENCH_ROUNDS', 2);
const logLevel = process.env.BENCH_LOG_LEVEL ?? 'info';
const target = 0.7;

interface Measurement {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  requests: number;
}

async function measure(url: string, headers: Record<string, string>, duration: number): Promise<Measurement> {
  const result = await autocannon({ url, connections, duration, headers });
  if (result.errors > 0 || result.timeouts > 0 || result.non2xx > 0) {
    throw new Error(`${url}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx answers`);
  }
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
  };
}

// autocannon measures latency in whole milliseconds: 0 means under one.
const ms = (value: number) => (value < 1 ? '<1' : value.toFixed(1)).padStart(5);
const format = (m: Measurement) =>
  `${Math.round(m.requestsPerSecond).toString().padStart(6)} req/s   p50 ${ms(m.p50)} ms   p99 ${ms(m.p99)} ms   (${m.requests} requests)`;

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

async function body(server: BenchServer): Promise<boolean> {
  const token = await server.token({ sub: 'bench-operator', role: 'admin' });
  const me = await fetch(`${server.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  if (me.status !== 200) throw new Error(`GET /v1/me with the bench token answered ${me.status}: ${await me.text()}`);

  const routes = {
    'GET /healthz (public)': { url: `${server.url}/healthz`, headers: {} },
    'GET /v1/me (bearer token)': { url: `${server.url}/v1/me`, headers: { authorization: `Bearer ${token}` } },
  };
  console.log(
    `settings: ${connections} connections, ${seconds} s per measurement, ${rounds} rounds, server LOG_LEVEL=${logLevel}`,
  );
  console.log('warming up (3 s per route)');
  for (const { url, headers } of Object.values(routes)) await measure(url, headers, 3);

  const results = new Map<string, Measurement[]>(Object.keys(routes).map((name) => [name, []]));
  for (let round = 1; round <= rounds; round++) {
    // Alternate the order so neither route always runs on a warmer (or busier) machine.
    const order = round % 2 === 1 ? Object.entries(routes) : Object.entries(routes).reverse();
    for (const [name, { url, headers }] of order) {
      const measurement = await measure(url, headers, seconds);
      results.get(name)?.push(measurement);
      console.log(`round ${round}  ${name.padEnd(26)} ${format(measurement)}`);
    }
  }

  const summary = [...results].map(([name, list]) => {
    const combined: Measurement = {
      requestsPerSecond: mean(list.map((m) => m.requestsPerSecond)),
      p50: mean(list.map((m) => m.p50)),
      p99: mean(list.map((m) => m.p99)),
      requests: list.reduce((sum, m) => sum + m.requests, 0),
    };
    console.log(`mean     ${name.padEnd(26)} ${format(combined)}`);
    return combined;
  });
  const [health, authenticated] = summary as [Measurement, Measurement];
  const ratio = authenticated.requestsPerSecond / health.requestsPerSecond;
  console.log(
    `ratio: GET /v1/me reaches ${(ratio * 100).toFixed(1)}% of GET /healthz (target at least ${target * 100}%)`,
  );
  return ratio >= target;
}

await runBench('access token overhead: GET /v1/me (bearer) vs GET /healthz', body, {
  LOG_LEVEL: logLevel,
  WEBHOOK_WORKER: 'false',
});
