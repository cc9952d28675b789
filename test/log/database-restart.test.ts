import { chmod, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { readWholeLog } from '../../src/cli/log-reader.js';
import { loadConfig } from '../../src/config.js';
import { createDatabase } from '../../src/db/database.js';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { migrateToLatest } from '../../src/db/migrator.js';
import { openCheckpoint, parseVerifierKey } from '../../src/log/note.js';
import { LogSequencer } from '../../src/log/sequencer.js';
import { noPgCtl, pgCtlAsync } from '../support/pg-ctl.js';
import { createTestIssuer, testIssuerName } from '../support/test-issuer.js';
import { queueEntries } from './support.js';

// A cluster of its own, started, crashed and recovered: slow on a busy machine.
t.setTimeout(240_000);

const silent = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: () => Promise<T | undefined | false>, timeoutMs: number, waitingFor: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await what().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${waitingFor}`);
    await sleep(50);
  }
}

t.test(
  'the database crashes and restarts while a backlog is integrated: nothing is lost or sequenced twice, and sequencing resumes',
  // The shared PostgreSQL of DATABASE_URL is never restarted: the test always runs on a cluster of its own.
  { skip: noPgCtl },
  async (t) => {
    const directory = await mkdtemp(join(tmpdir(), 'emswp-log-restart-'));
    // As root, Postgres runs as the postgres user, which must be able to enter this folder.
    await chmod(directory, 0o755);
    const server = await startEmbeddedPostgres({ directory, onNotice: () => {} });
    t.teardown(async () => {
      await server.stop();
      await rm(directory, { recursive: true, force: true });
    });
    const { db } = createDatabase(server.url, 10);
    t.teardown(() => db.destroy());
    await migrateToLatest(db);
    const issuer = await createTestIssuer(t.testdir({}));
    const config = loadConfig({
      DATABASE_URL: server.url,
      DATA_DIR: directory,
      LOG_LEVEL: 'silent',
      AUTH_ISSUER: testIssuerName,
      AUTH_JWKS_FILE: issuer.jwksFile,
      WEBHOOK_WORKER: 'false',
      LOG_SEQUENCER: 'false',
    });
    const app = await buildApp({ config, db, logger: silent });
    t.teardown(() => app.close());

    // Whatever commits is kept: entries whose commit was answered, and those whose answer was lost
    // to the crash (committed or not: the client cannot know, the log must hold them at most once).
    const committed = new Set<string>();
    const uncertain = new Set<string>();
    const label = (writer: number, round: number) => `writer ${writer} round ${round}`;
    const bodies = (name: string) => Array.from({ length: 4 }, (_, i) => `{"test":"${name} ${i}"}`);
    for (const body of (await queueEntries(db, 30_000, 'backlog')).map(String)) committed.add(body);

    // A server's sequencer and a worker's, in small batches, so the backlog takes a while.
    const sequencers = [100, 300].map(
      (batchSize) =>
        new LogSequencer({ databaseUrl: server.url, logger: silent, key: app.logKey, intervalMs: 20, batchSize }),
    );
    const signed = () => sequencers.reduce((sum, s) => sum + s.signed, 0);
    for (const sequencer of sequencers) sequencer.start();
    t.teardown(() => Promise.all(sequencers.map((s) => s.stop())));

    let restarted = false;
    let writing = true;
    const afterRestart = new Array<number>(8).fill(0);
    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let round = 0; writing; round++) {
        const name = label(w, round);
        try {
          await queueEntries(db, 4, name);
          for (const body of bodies(name)) committed.add(body);
          if (restarted) afterRestart[w]! += 1;
        } catch {
          for (const body of bodies(name)) uncertain.add(body);
          await sleep(50);
        }
      }
    });

    // Integration is under way: some checkpoints signed, much still pending.
    const atCrash = await until(
      async () => {
        const latest = await db
          .selectFrom('log_checkpoints')
          .select((eb) => eb.fn.max('tree_size').as('size'))
          .executeTakeFirstOrThrow();
        const pending = await db
          .selectFrom('log_pending')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow();
        const size = Number(latest.size ?? 0);
        return size > 0 && { size, pending: Number(pending.n) };
      },
      60_000,
      'the first checkpoint',
    );
    t.ok(atCrash.pending > 1_000, `the crash comes with ${atCrash.pending} entries pending (${atCrash.size} signed)`);
    const signedBeforeCrash = signed();

    // The database stops without a checkpoint of its own (as on a power cut) and recovers from its WAL.
    await pgCtlAsync(['restart', '-D', server.cluster, '-m', 'immediate', '-w']);
    restarted = true;

    await until(async () => afterRestart.every((n) => n >= 5), 60_000, 'every writer to commit again');
    writing = false;
    await Promise.all(writers);

    const size = await until(
      async () => {
        const pending = await db
          .selectFrom('log_pending')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow();
        const latest = await db
          .selectFrom('log_checkpoints')
          .select((eb) => eb.fn.max('tree_size').as('size'))
          .executeTakeFirstOrThrow();
        const entries = await db
          .selectFrom('log_entries')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow();
        return Number(pending.n) === 0 && Number(latest.size) === Number(entries.n) && Number(latest.size);
      },
      90_000,
      'the sequencers to integrate everything',
    );
    t.ok(signed() > signedBeforeCrash, `the sequencers signed again after the restart (${signed()} checkpoints)`);

    const rows = await db.selectFrom('log_entries').select(['idx', 'entry']).orderBy('idx').execute();
    t.same(
      rows.map((r) => r.idx),
      Array.from({ length: size }, (_, i) => i),
      `indexes 0..${size - 1}, each once`,
    );
    const times = new Map<string, number>();
    for (const row of rows) times.set(row.entry.toString(), (times.get(row.entry.toString()) ?? 0) + 1);
    t.same(
      [...committed].filter((body) => times.get(body) !== 1),
      [],
      `each of the ${committed.size} committed changes has exactly one entry`,
    );
    t.same(
      [...times.keys()].filter((body) => !committed.has(body) && !uncertain.has(body)),
      [],
      'and the log holds nothing else',
    );
    t.ok(
      [...uncertain].every((body) => (times.get(body) ?? 0) <= 1),
      `a change whose commit was cut off by the crash (${uncertain.size}) is in at most once`,
    );

    // The served log, read as `emswp log audit` reads it: checkpoint, bundles, tiles, root.
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/log`;
    const log = await readWholeLog(url, parseVerifierKey(app.logKey.vkey));
    t.equal(log.checkpoint.size, size, 'the signed checkpoint covers every entry');
    t.equal(log.entries.length, size);
    t.same(log.problems, [], 'every tile and bundle matches the tree recomputed from the entries');
    const note = (await app.inject({ url: '/log/checkpoint' })).body;
    t.equal(openCheckpoint(note, parseVerifierKey(app.logKey.vkey)).size, size);
  },
);
