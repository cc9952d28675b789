/**
 * Webhook delivery with one dispatcher: the compiled server (which runs the dispatcher in-process,
 * WEBHOOK_WORKER's default) sends to a receiver in this process on 127.0.0.1.
 *
 * 1. Throughput: BENCH_DELIVERIES events (default 20,000) are committed through enqueueEvent with
 *    their deliveries held back, then released at once; the figure is deliveries per second from
 *    the release to the last one received. Target: at least 1,000/s.
 * 2. Latency when idle: BENCH_EVENTS events (default 200) committed one at a time, 50 ms apart;
 *    the figure is the time from just before COMMIT to the request arriving at the receiver.
 *    Target: median under 100 ms.
 *
 * Every 100th request's signature is checked with the standardwebhooks package.
 *
 *   npm run bench:webhooks     (BENCH_DELIVERIES, default 20,000; BENCH_EVENTS, default 200)
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { enqueueEvent, webhookEventTypes } from '../src/webhooks/outbox.js';
import { runBench, type BenchServer } from './support/harness.js';

const deliveries = Number(process.env.BENCH_DELIVERIES ?? 20_000);
const idleEvents = Number(process.env.BENCH_EVENTS ?? 200);
const targetPerSecond = 1_000;
const targetMedianMs = 100;

const now = () => performance.timeOrigin + performance.now();

interface Receiver {
  url: string;
  /** Arrival time by event sequence number. */
  arrivals: Map<number, number>;
  count: number;
  badSignatures: number;
  close(): Promise<void>;
}

async function startReceiver(secret: () => string): Promise<Receiver> {
  const receiver: Receiver = { url: '', arrivals: new Map(), count: 0, badSignatures: 0, close: async () => {} };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const at = now();
      const body = Buffer.concat(chunks).toString('utf8');
      receiver.count++;
      const { data } = JSON.parse(body) as { data: { seq: number } };
      if (!receiver.arrivals.has(data.seq)) receiver.arrivals.set(data.seq, at);
      if (receiver.count % 100 === 1) {
        try {
          new Webhook(secret()).verify(
            body,
            Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)])),
          );
        } catch {
          receiver.badSignatures++;
        }
      }
      response.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  receiver.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return true;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;

async function throughput(server: BenchServer, receiver: Receiver): Promise<boolean> {
  console.log(`\n## throughput: ${deliveries} deliveries queued, then released at once`);
  const perTransaction = 1_000;
  const started = Date.now();
  for (let seq = 0; seq < deliveries; seq += perTransaction) {
    await server.db.transaction().execute(async (trx) => {
      for (let i = seq; i < Math.min(seq + perTransaction, deliveries); i++) {
        await enqueueEvent(trx, {
          type: 'document.verified',
          data: { document_id: '00000000-0000-4000-8000-000000000000', status: 'verified', seq: i },
          audience: {},
        });
      }
      // Held back until every event is in, so the dispatcher drains a full queue.
      await sql`update webhook_deliveries set next_attempt_at = now() + interval '1 hour' where status = 'pending'`.execute(
        trx,
      );
    });
  }
  console.log(`queued in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const release = now();
  await sql`update webhook_deliveries set next_attempt_at = now() where status = 'pending'`.execute(server.db);
  await sql`select pg_notify('emswp_webhook_deliveries', '')`.execute(server.db);
  const done = await until(() => receiver.arrivals.size >= deliveries, 300_000);
  const last = Math.max(...receiver.arrivals.values());
  const seconds = (last - release) / 1000;
  const rate = receiver.arrivals.size / seconds;
  let recorded = 0;
  for (let i = 0; i < 200 && recorded < deliveries; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    const { rows } = await sql<{
      n: number;
    }>`select count(*)::int as n from webhook_deliveries where status = 'succeeded'`.execute(server.db);
    recorded = rows[0]?.n ?? 0;
  }
  console.log(
    `received ${receiver.arrivals.size} of ${deliveries} in ${seconds.toFixed(2)} s: ${Math.round(rate)} deliveries/s (target >= ${targetPerSecond})`,
  );
  console.log(
    `requests received ${receiver.count} (duplicates: ${receiver.count - receiver.arrivals.size}); recorded as succeeded: ${recorded}`,
  );
  return done && rate >= targetPerSecond && recorded >= deliveries;
}

async function latency(server: BenchServer, receiver: Receiver): Promise<boolean> {
  console.log(`\n## latency when idle: ${idleEvents} events committed one at a time, 50 ms apart`);
  const first = 1_000_000;
  const committing = new Map<number, number>();
  for (let i = 0; i < idleEvents; i++) {
    const seq = first + i;
    await server.db.transaction().execute(async (trx) => {
      await enqueueEvent(trx, {
        type: 'document.revoked',
        data: { document_id: '00000000-0000-4000-8000-000000000000', status: 'revoked', seq },
        audience: {},
      });
      committing.set(seq, now());
    });
    await until(() => receiver.arrivals.has(seq), 5_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const times = [...committing].map(([seq, at]) => (receiver.arrivals.get(seq) ?? Infinity) - at).sort((a, b) => a - b);
  const lost = times.filter((t) => !Number.isFinite(t)).length;
  const median = percentile(times, 50);
  console.log(
    `commit -> receiver: median ${median.toFixed(1)} ms, p90 ${percentile(times, 90).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms, ` +
      `min ${(times[0] ?? NaN).toFixed(1)} ms (target median < ${targetMedianMs} ms)${lost ? `; ${lost} not received` : ''}`,
  );
  return lost === 0 && median < targetMedianMs;
}

await runBench(
  'webhook deliveries with one dispatcher (in the server process)',
  async (server) => {
    let secret = '';
    const receiver = await startReceiver(() => secret);
    try {
      const admin = await server.token({ sub: 'bench-operator', role: 'admin' });
      const response = await fetch(`${server.url}/v1/webhooks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url: receiver.url, events: webhookEventTypes }),
      });
      if (response.status !== 201)
        throw new Error(`registering the endpoint: ${response.status} ${await response.text()}`);
      secret = ((await response.json()) as { secret: string }).secret;

      const fast = await throughput(server, receiver);
      const quick = await latency(server, receiver);
      console.log(
        `\nsignatures checked with standardwebhooks: ${Math.ceil(receiver.count / 100)}, failed: ${receiver.badSignatures}`,
      );
      return fast && quick && receiver.badSignatures === 0;
    } finally {
      await receiver.close();
    }
  },
  { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', LOG_LEVEL: 'warn' },
);
