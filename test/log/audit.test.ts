import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import t, { type Test } from 'tap';
import { buildApp } from '../../src/app.js';
import { insertPending } from '../../src/log/repository.js';
import { submit } from '../support/documents.js';
import { registerApplicant, registerSchool, type RegisteredSchool } from '../support/registry.js';
import { runEmswp } from '../support/run-process.js';
import { bearer, buildTestApp, type TestApp } from '../support/test-app.js';
import { behindTheServicesBack, integrateAll } from './support.js';

// Five logs and a dozen runs of the compiled CLI: more than the default two minutes on a busy machine.
t.setTimeout(400_000);

/** A log with a school, its key, and documents with some history, all in signed checkpoints. */
async function populatedLog(t: Test): Promise<{ ctx: TestApp; school: RegisteredSchool; revokedId: string }> {
  const ctx = await buildTestApp(t, { LOG_SEQUENCER: 'false' });
  const school = await registerSchool(ctx);
  const applicant = await registerApplicant(ctx);
  await submit(ctx, school, applicant);
  const revoked = await submit(ctx, school, applicant);
  await ctx.app.inject({
    method: 'POST',
    url: `/v1/documents/${revoked.document.id}/revoke`,
    headers: bearer(school.token),
    payload: { reason: 'sent in error' },
  });
  await integrateAll(ctx.db, ctx.app.logKey);
  return { ctx, school, revokedId: revoked.document.id };
}

/**
 * The service as it would be after a restart, on the same database: a new process with nothing
 * cached, so what the database now holds is what it serves.
 */
async function serve(t: Test, ctx: TestApp): Promise<string> {
  const app = await buildApp({
    config: ctx.config,
    db: ctx.db,
    logger: pino({ level: 'silent' }),
    logKey: ctx.app.logKey,
    serviceKey: ctx.app.serviceKey,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  t.teardown(() => app.close());
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

const audit = (url: string, state: string) => runEmswp(['log', 'audit', '--url', url, '--state', state]);

t.test('a clean log passes the audit, which saves its checkpoint and later checks the log extends it', async (t) => {
  const { ctx, school } = await populatedLog(t);
  const state = join(ctx.directory, 'audit-state.json');
  const first = await audit(await serve(t, ctx), state);
  t.equal(first.code, 0, first.stderr);
  t.match(first.stdout, /Log audit passed: .*log, 6 entries/);
  t.ok(existsSync(state));
  t.match(JSON.parse(await readFile(state, 'utf8')), { size: 6, vkey: ctx.app.logKey.vkey });

  await submit(ctx, school, await registerApplicant(ctx));
  await integrateAll(ctx.db, ctx.app.logKey);
  const second = await audit(await serve(t, ctx), state);
  t.equal(second.code, 0, second.stderr);
  t.match(second.stdout, 'The log extends the checkpoint of size 6 saved at the last audit');

  const watch = await runEmswp([
    'log',
    'watch-school',
    '--url',
    await serve(t, ctx),
    '--wdoms-id',
    school.wdoms_id,
    '--state',
    `${state}.watch`,
  ]);
  t.equal(watch.code, 0, watch.stderr);
  t.match(watch.stdout, new RegExp(`NEW #\\d+ .* key ${school.key.publicJwk.kid} \\(EdDSA\\) active`));
  t.match(watch.stdout, /3 document entries|4 document entries/);
  const again = await runEmswp([
    'log',
    'watch-school',
    '--url',
    await serve(t, ctx),
    '--wdoms-id',
    school.wdoms_id,
    '--state',
    `${state}.watch`,
  ]);
  t.notMatch(again.stdout, /NEW #/, 'nothing is new on the second run');
  t.match(again.stdout, /0 new since the last run/);

  // A program director's receipt, checked offline against the log's key.
  const url = await serve(t, ctx);
  const [doc] = await ctx.db.selectFrom('documents').select('id').limit(1).execute();
  const receipt = await ctx.app.inject({ url: `/v1/documents/${doc!.id}/receipt`, headers: bearer(school.token) });
  await writeFile(join(ctx.directory, 'receipt.json'), receipt.body);
  await writeFile(join(ctx.directory, 'log.vkey'), ctx.app.logKey.vkey);
  const checked = await runEmswp([
    'verify-receipt',
    join(ctx.directory, 'receipt.json'),
    '--jwks',
    `${url}/.well-known/jwks.json`,
    '--log-vkey',
    join(ctx.directory, 'log.vkey'),
  ]);
  t.equal(checked.code, 0, checked.stderr);
  t.match(checked.stdout, /Log entry +\d+ of .*\/log \(checkpoint size \d+\)/);
  t.match(checked.stdout, /is entry \d+ of the transparency log/);

  const vkey = await runEmswp(['log', 'vkey'], { DATA_DIR: ctx.directory, SERVICE_ISSUER: ctx.config.service.issuer });
  t.equal(vkey.stdout.trim(), ctx.app.logKey.vkey, 'emswp log vkey prints the key the service publishes');
});

t.test('an entry row changed behind the service is caught', async (t) => {
  const { ctx } = await populatedLog(t);
  const state = join(ctx.directory, 'state.json');
  t.equal((await audit(await serve(t, ctx), state)).code, 0);
  await behindTheServicesBack(
    ctx.db,
    sql`update log_entries set entry = convert_to(replace(convert_from(entry, 'UTF8'), '"revoked"', '"verified"'), 'UTF8')
        where idx = (select max(idx) from log_entries)`,
  );
  const result = await audit(await serve(t, ctx), state);
  t.equal(result.code, 1);
  t.match(result.stderr, /Log audit FAILED/);
  t.match(result.stderr, /do not hash to the checkpoint's root/);
  t.match(result.stderr, /The state file was left as it was/);
});

t.test('a tile row changed behind the service is caught', async (t) => {
  const { ctx } = await populatedLog(t);
  const state = join(ctx.directory, 'state.json');
  t.equal((await audit(await serve(t, ctx), state)).code, 0);
  await behindTheServicesBack(
    ctx.db,
    sql`update log_tiles set hashes = overlay(hashes placing '\\x00'::bytea from 1 for 1) where level = 0 and n = 0 and width = 6`,
  );
  const result = await audit(await serve(t, ctx), state);
  t.equal(result.code, 1);
  t.match(result.stderr, /tile\/0\/000\.p\/6 differs from the tile recomputed from the entries/);
});

t.test(
  "a document's status changed in SQL: its receipt fails against the log, and a forged entry fails the audit",
  async (t) => {
    const { ctx, school, revokedId } = await populatedLog(t);
    const directory = ctx.directory;
    const state = join(directory, 'state.json');
    t.equal((await audit(await serve(t, ctx), state)).code, 0);
    await sql`update documents set status = 'verified', status_reason = null where id = ${revokedId}`.execute(ctx.db);

    const url = await serve(t, ctx);
    const receipt = await ctx.app.inject({ url: `/v1/documents/${revokedId}/receipt`, headers: bearer(school.token) });
    await writeFile(join(directory, 'receipt.json'), receipt.body);
    const verify = await runEmswp([
      'verify-receipt',
      join(directory, 'receipt.json'),
      '--jwks',
      `${url}/.well-known/jwks.json`,
      '--log-vkey',
      `${url}/log/vkey`,
    ]);
    t.equal(verify.code, 1);
    t.match(verify.stderr, /the logged entry says status "revoked", the receipt "verified"/);

    // The operator also slips a matching entry into the log: the status rules give it away.
    const [last] = await ctx.db
      .selectFrom('log_entries')
      .select('entry')
      .where('document_id', '=', revokedId)
      .orderBy('idx', 'desc')
      .limit(1)
      .execute();
    const forged = { ...JSON.parse(last!.entry.toString()), seq: 3, status: 'verified', reason: null };
    const { default: canonicalize } = await import('canonicalize');
    await insertPending(ctx.db, [{ entry: Buffer.from(canonicalize(forged) as string), documentId: revokedId }]);
    await integrateAll(ctx.db, ctx.app.logKey);
    const result = await audit(await serve(t, ctx), state);
    t.equal(result.code, 1);
    t.match(result.stderr, /moves from revoked to verified, which the status rules forbid/);
  },
);

t.test('a rewritten and re-signed history passes on its own, but not against the saved checkpoint', async (t) => {
  const { ctx } = await populatedLog(t);
  const directory = ctx.directory;
  const state = join(directory, 'state.json');
  t.equal((await audit(await serve(t, ctx), state)).code, 0);

  // Everything rebuilt from scratch with one entry's reason changed, and signed again with the log's own key.
  const entries = await ctx.db.selectFrom('log_entries').select(['entry', 'document_id']).orderBy('idx').execute();
  await sql`truncate log_entries, log_tiles, log_checkpoints`.execute(ctx.db);
  const rewritten = entries.map((row) => ({
    entry: Buffer.from(row.entry.toString().replace('"reason":"revoked_by_school"', '"reason":"key_compromised"')),
    documentId: row.document_id,
  }));
  t.not(Buffer.concat(rewritten.map((r) => r.entry)).toString(), Buffer.concat(entries.map((r) => r.entry)).toString());
  await insertPending(ctx.db, rewritten);
  await integrateAll(ctx.db, ctx.app.logKey);

  const url = await serve(t, ctx);
  const fresh = await audit(url, join(directory, 'new-state.json'));
  t.equal(fresh.code, 0, 'an auditor who never saw the log before cannot tell');
  const monitor = await audit(url, state);
  t.equal(monitor.code, 1, 'a monitor with the saved checkpoint can');
  t.match(
    monitor.stderr,
    /not consistent with the checkpoint saved at the last audit \(size 6\): its history was rewritten/,
  );
});
