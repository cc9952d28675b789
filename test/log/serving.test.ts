import { gunzipSync } from 'node:zlib';
import { sql } from 'kysely';
import t from 'tap';
import { decodeBundle } from '../../src/log/bundles.js';
import { leafHash } from '../../src/log/merkle.js';
import { openCheckpoint, parseVerifierKey } from '../../src/log/note.js';
import { InconsistentLogError, integrateBatch } from '../../src/log/integrate.js';
import { buildTestApp } from '../support/test-app.js';
import { behindTheServicesBack, integrateAll, queueEntries } from './support.js';

t.test('the log serves its checkpoint, vkey, tiles and bundles as c2sp.org/tlog-tiles says', async (t) => {
  const { app, db } = await buildTestApp(t, { SERVICE_ISSUER: 'https://emswp.example:8443', LOG_SEQUENCER: 'false' });
  t.equal(app.logKey.origin, 'emswp.example:8443/log', 'the origin is the issuer host and port, then /log');

  const before = await app.inject({ url: '/log/checkpoint' });
  t.equal(before.statusCode, 404, 'no checkpoint before the sequencer first runs');

  const entries = await queueEntries(db, 600);
  const results = await integrateAll(db, app.logKey, 257);
  t.same(
    results.map((r) => (r.outcome === 'signed' ? r.size : r.outcome)),
    [257, 514, 600, 'idle'],
    'three checkpoints in batches of 257, then nothing to do',
  );

  const vkey = await app.inject({ url: '/log/vkey' });
  t.equal(vkey.statusCode, 200);
  t.match(vkey.headers['content-type'], /^text\/plain/);
  const verifier = parseVerifierKey(vkey.body);

  const checkpoint = await app.inject({ url: '/log/checkpoint' });
  t.equal(checkpoint.headers['content-type'], 'text/plain; charset=utf-8');
  t.equal(checkpoint.headers['cache-control'], 'public, max-age=2');
  const opened = openCheckpoint(checkpoint.body, verifier);
  t.equal(opened.size, 600);

  const full = await app.inject({ url: '/log/tile/0/001' });
  t.equal(full.statusCode, 200);
  t.equal(full.headers['content-type'], 'application/octet-stream');
  t.equal(full.headers['cache-control'], 'public, max-age=31536000, immutable');
  t.equal(full.rawPayload.length, 256 * 32);
  t.ok(full.rawPayload.subarray(0, 32).equals(leafHash(entries[256] as Buffer)), 'tile 0/001 starts with leaf 256');

  // Partial tiles exist for every checkpointed size: 257 -> 0/001.p/1, 514 -> 0/002.p/2, 600 -> 0/002.p/88.
  for (const path of ['0/001.p/1', '0/002.p/2', '0/002.p/88', '1/000.p/1', '1/000.p/2']) {
    t.equal((await app.inject({ url: `/log/tile/${path}` })).statusCode, 200, `tile/${path}`);
  }
  for (const path of ['0/002.p/3', '0/003', '1/000', '2/000.p/1', '0/002.p/89']) {
    t.equal((await app.inject({ url: `/log/tile/${path}` })).statusCode, 404, `no tile/${path}`);
  }

  const plain = await app.inject({ url: '/log/tile/entries/002.p/88', headers: { 'accept-encoding': 'identity' } });
  t.equal(plain.statusCode, 200);
  t.equal(plain.headers['content-encoding'], undefined);
  t.same(decodeBundle(plain.rawPayload), entries.slice(512, 600));
  const gzipped = await app.inject({ url: '/log/tile/entries/000', headers: { 'accept-encoding': 'gzip, br' } });
  t.equal(gzipped.headers['content-encoding'], 'gzip');
  t.equal(gzipped.headers.vary, 'accept-encoding');
  t.same(decodeBundle(gunzipSync(gzipped.rawPayload)), entries.slice(0, 256));

  const hostile = [
    '/log/tile/0/1',
    '/log/tile/0/x000/001',
    '/log/tile/0/001.p/0',
    '/log/tile/0/001.p/256',
    '/log/tile/64/000',
    '/log/tile/0/999999999999999999999999',
    '/log/tile/entries/..%2F..%2Fcheckpoint',
    '/log/tile/entries/x/000',
    '/log/tile/%00/000',
    '/log/tile/0/000.p/1%2F2',
    '/log/tile/',
    '/log/tile/0/x999/x999/x999/x999/x999/999',
  ];
  for (const url of hostile) {
    const response = await app.inject({ url });
    t.equal(response.statusCode, 404, `404 for ${url}`);
    t.match(response.headers['content-type'], /application\/problem\+json/);
  }
});

t.test('published rows cannot be changed, and the sequencer refuses to sign over a changed edge tile', async (t) => {
  const { app, db } = await buildTestApp(t, { LOG_SEQUENCER: 'false' });
  await queueEntries(db, 300);
  await integrateAll(db, app.logKey);
  await t.rejects(
    sql`update log_entries set entry = '\\x00' where idx = 3`.execute(db),
    /append-only/,
    'entries refuse updates',
  );
  await t.rejects(sql`delete from log_tiles`.execute(db), /append-only/, 'tiles refuse deletes');
  await t.rejects(sql`update log_checkpoints set note = ''`.execute(db), /append-only/);

  await behindTheServicesBack(
    db,
    sql`update log_tiles set hashes = overlay(hashes placing '\\xff'::bytea from 1 for 1) where level = 0 and n = 1 and width = 44`,
  );
  await queueEntries(db, 5, 'after the tampering');
  await t.rejects(integrateBatch(db, app.logKey, 100), InconsistentLogError, 'the sequencer refuses to sign');
  const latest = await app.inject({ url: '/log/checkpoint' });
  t.match(latest.body, /\n300\n/, 'the last good checkpoint stays the latest');
  const pending = await db
    .selectFrom('log_pending')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  t.equal(Number(pending?.n), 5, 'and the entries wait, still pending');
});

t.test('a checkpoint signed by another key stops the sequencer', async (t) => {
  const { app, db, directory } = await buildTestApp(t, { LOG_SEQUENCER: 'false' });
  await queueEntries(db, 3);
  await integrateAll(db, app.logKey);
  const { loadLogKey } = await import('../../src/log/signing-key.js');
  const other = await loadLogKey({ dataDir: `${directory}/elsewhere`, log: { ...app.config.log } });
  await queueEntries(db, 1);
  await t.rejects(integrateBatch(db, other, 10), /does not verify with this log's key/);
});
