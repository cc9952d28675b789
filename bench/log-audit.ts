/**
 * `emswp log audit` of a 100,000-entry log (issue 14): target within 30 s.
 *
 * The compiled server serves a log of BENCH_AUDIT_ENTRIES (100,000) entries shaped as the service
 * writes them (schools registered and activated, their keys, documents submitted and some revoked),
 * queued directly and integrated by the sequencer's own step (integrateBatch, batches of 5,000), as
 * bench/log.ts does. Then `node dist/cli/main.js log audit --url <server>` runs as a separate process,
 * as an auditor would run it: every tile and bundle fetched over HTTP, the tree recomputed, every
 * entry checked against the rules. It runs twice: a first audit (no state) and a monitor's audit
 * against the state the first saved.
 *
 *   npm run bench:log-audit
 */
import { spawn } from 'node:child_process';
import { randomUUID, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.js';
import { logEntry, type DocumentEntry } from '../src/log/entries.js';
import { integrateBatch } from '../src/log/integrate.js';
import { insertPending, type PendingEntry } from '../src/log/repository.js';
import { loadLogKey } from '../src/log/signing-key.js';
import { runBench, type BenchServer } from './support/harness.js';

const entryCount = Number(process.env.BENCH_AUDIT_ENTRIES ?? 100_000);
const targetSeconds = 30;
const schoolCount = 50;
const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli', 'main.js');

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** The log as the service would have written it: each school pending, then active, with its key; then documents. */
function* serviceEntries(): Generator<PendingEntry> {
  const at = new Date();
  const schools = Array.from({ length: schoolCount }, (_, i) => ({
    school: `F${String(1_000_000 + i).padStart(7, '0')}`,
    kid: `key-${i}`,
  }));
  for (const { school, kid } of schools) {
    for (const status of ['pending', 'active'])
      yield {
        entry: logEntry('school', at, { school, name: `School ${school}`, country: 'GH', status }),
        documentId: null,
      };
    const jwk = { kty: 'OKP', crv: 'Ed25519', x: randomBytes(32).toString('base64url') };
    yield {
      entry: logEntry('key', at, {
        school,
        kid,
        thumbprint: hex(16),
        alg: 'EdDSA',
        jwk,
        status: 'active',
        compromised_at: null,
      }),
      documentId: null,
    };
  }
  // Every tenth document is revoked later on: its second entry follows ten documents on.
  const revocations: DocumentEntry[] = [];
  for (let n = 0; ; n++) {
    const { school, kid } = schools[n % schoolCount]!;
    const document: DocumentEntry = {
      document_id: randomUUID(),
      seq: 1,
      type: 'transcript',
      status: 'verified',
      reason: null,
      sha256: hex(32),
      size: 1_048_576,
      school,
      key_id: kid,
      manifest_sha256: hex(32),
      signed_at: at.toISOString(),
      supersedes: null,
    };
    yield { entry: logEntry('document', at, document), documentId: document.document_id };
    if (n % 10 === 0) revocations.push({ ...document, seq: 2, status: 'revoked', reason: 'revoked_by_school' });
    if (n % 10 === 9) {
      const revoked = revocations.shift()!;
      yield { entry: logEntry('document', at, revoked), documentId: revoked.document_id };
    }
  }
}

async function buildLog(server: BenchServer): Promise<void> {
  const config = loadConfig({ DATABASE_URL: server.databaseUrl, DATA_DIR: server.dataDir });
  // The server made the log key in its DATA_DIR at start; this process signs with the same one.
  const key = await loadLogKey({
    dataDir: server.dataDir,
    log: { ...config.log, origin: new URL(`${server.url}/log`).host + '/log' },
  });
  const started = performance.now();
  const entries = serviceEntries();
  for (let queued = 0; queued < entryCount;) {
    const batch: PendingEntry[] = [];
    while (batch.length < 5_000 && queued < entryCount) {
      batch.push(entries.next().value as PendingEntry);
      queued += 1;
    }
    await insertPending(server.db, batch);
    while ((await integrateBatch(server.db, key, 5_000)).outcome === 'signed');
  }
  console.log(`log of ${entryCount} entries built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

function audit(url: string, state: string): Promise<{ code: number | null; seconds: number; output: string }> {
  const started = performance.now();
  // BENCH_CLI_NODE_ARGS adds flags to the audit's node, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
  const nodeArgs = (process.env.BENCH_CLI_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, cli, 'log', 'audit', '--url', url, '--state', state], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, seconds: (performance.now() - started) / 1000, output }));
  });
}

await runBench(
  `emswp log audit of a ${entryCount}-entry log`,
  async (server) => {
    await buildLog(server);
    const directory = await mkdtemp(join(tmpdir(), 'emswp-audit-bench-'));
    try {
      const state = join(directory, 'audit-state.json');
      let met = true;
      for (const run of ['first audit (no state)', 'monitor audit (with the saved state)']) {
        const result = await audit(server.url, state);
        const passed = result.code === 0 && result.output.includes(`${entryCount} entries`);
        console.log(
          `${run}: ${result.seconds.toFixed(2)} s, exit ${result.code} (target at most ${targetSeconds} s); load average ${loadavg()
            .map((n) => n.toFixed(1))
            .join(' ')}`,
        );
        if (!passed) console.log(result.output.slice(0, 2_000));
        met &&= passed && result.seconds <= targetSeconds;
      }
      return met;
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  },
  { WEBHOOK_WORKER: 'false', LOG_SEQUENCER: 'false' },
);
