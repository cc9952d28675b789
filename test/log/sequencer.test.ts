import pino from 'pino';
import { Registry } from 'prom-client';
import t from 'tap';
import { LogSequencer } from '../../src/log/sequencer.js';
import { openCheckpoint, parseVerifierKey } from '../../src/log/note.js';
import { buildTestApp } from '../support/test-app.js';
import { queueEntries } from './support.js';

const silent = pino({ level: 'silent' });

async function until<T>(what: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await what();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

t.test('two sequencers (a server and a worker) under 8 parallel writers: every index once, nothing lost', async (t) => {
  const { app, db, database } = await buildTestApp(t, { LOG_SEQUENCER: 'false' });
  const registry = new Registry();
  const sequencers = [0, 1].map(
    (i) =>
      new LogSequencer({
        databaseUrl: database.url,
        logger: silent,
        key: app.logKey,
        intervalMs: 20,
        batchSize: i === 0 ? 50 : 500,
        registry,
      }),
  );
  for (const sequencer of sequencers) sequencer.start();
  t.teardown(() => Promise.all(sequencers.map((s) => s.stop())));

  const writers = Array.from({ length: 8 }, async (_, w) => {
    for (let round = 0; round < 25; round++) await queueEntries(db, 4, `writer ${w} round ${round}`);
  });
  await Promise.all(writers);
  const expected = 8 * 25 * 4;
  const note = await until(async () => {
    const response = await app.inject({ url: '/log/checkpoint' });
    return response.statusCode === 200 && response.body.includes(`\n${expected}\n`) ? response.body : undefined;
  });
  t.equal(openCheckpoint(note, parseVerifierKey(app.logKey.vkey)).size, expected);
  const rows = await db.selectFrom('log_entries').select(['idx', 'entry']).orderBy('idx').execute();
  t.same(
    rows.map((r) => r.idx),
    Array.from({ length: expected }, (_, i) => i),
    'indexes 0..n-1, each once',
  );
  t.equal(new Set(rows.map((r) => r.entry.toString())).size, expected, 'every entry once');
  t.ok(sequencers[0]!.signed + sequencers[1]!.signed > 0);
  const metrics = await registry.metrics();
  t.match(metrics, new RegExp(`emswp_log_tree_size ${expected}`));
  t.match(metrics, /emswp_log_commit_to_checkpoint_seconds_count \d+/);
});
