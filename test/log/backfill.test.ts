import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import t from 'tap';
import { migrateToLatest, migrationsFolder } from '../../src/db/migrator.js';
import { integrateBatch } from '../../src/log/integrate.js';
import { loadLogKey } from '../../src/log/signing-key.js';
import { createTestDatabase } from '../support/test-database.js';

t.test(
  'what existed before the log is appended once, in a fixed order, even with two sequencers starting',
  async (t) => {
    const directory = t.testdir({});
    const before = join(directory, 'migrations-before-the-log');
    await mkdir(before);
    for (const name of await readdir(migrationsFolder)) {
      if (name.endsWith('.sql') && name < '0008') await copyFile(join(migrationsFolder, name), join(before, name));
    }
    const { db } = await createTestDatabase(t, { migrated: false });
    await migrateToLatest(db, before);

    // A school with its history, a key later reported compromised, a document revoked by the cascade.
    await sql`
    with school as (
      insert into schools (id, wdoms_id, name, country, contact_email, status, created_at)
      values ('00000000-0000-4000-8000-000000000001', 'F0000001', 'Old School', 'GH', 'dean@old.example', 'active',
        '2026-01-01T00:00:00Z') returning id
    ), events as (
      insert into school_status_events (school_id, from_status, to_status, reason, actor, created_at) values
        ('00000000-0000-4000-8000-000000000001', null, 'pending', null, 'admin', '2026-01-01T00:00:00Z'),
        ('00000000-0000-4000-8000-000000000001', 'pending', 'active', 'vetted by Dr Mensah', 'admin', '2026-01-02T00:00:00Z')
    ), key as (
      insert into school_keys (kid, thumbprint, school_id, alg, jwk, status, created_by, created_at, revoked_at, revoked_by,
        revoked_reason, compromised_at)
      values ('old-key', 'thumb', '00000000-0000-4000-8000-000000000001', 'EdDSA',
        '{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"old-key","alg":"EdDSA","use":"sig"}',
        'revoked', 'officer', '2026-01-03T00:00:00Z', '2026-03-01T00:00:00Z', 'officer', 'stolen laptop',
        '2026-02-01T00:00:00Z')
    )
    select 1`.execute(db);
    await sql`
    insert into documents (id, type, status, status_reason, school_id, ecfmg_id, given_name, family_name, date_of_birth,
      sha256, size, media_type, submission_id, key_id, signed_at, manifest, manifest_sha256, available_at, created_at)
    values ('00000000-0000-4000-8000-0000000000d1', 'transcript', 'revoked', 'key_compromised',
      '00000000-0000-4000-8000-000000000001', '12345678', 'Kwame', 'Asante', '1990-01-01', ${'a'.repeat(64)}, 1000,
      'application/pdf', 'jti-1', 'old-key', '2026-02-10T00:00:00Z', 'x.y.z', ${'b'.repeat(64)},
      '2026-02-10T00:00:00Z', '2026-02-10T00:00:00Z')`.execute(db);
    await sql`
    insert into document_events (document_id, from_status, to_status, reason, actor, actor_role, created_at) values
      ('00000000-0000-4000-8000-0000000000d1', null, 'verified', 'submitted', 'officer', 'school', '2026-02-10T00:00:00Z'),
      ('00000000-0000-4000-8000-0000000000d1', 'verified', 'revoked',
       'signing key old-key reported compromised since 2026-02-01T00:00:00.000Z', 'officer', 'school', '2026-03-01T00:00:00Z')
  `.execute(db);

    await migrateToLatest(db);
    const key = await loadLogKey({
      dataDir: directory,
      log: { origin: 'backfill.test/log', signingKeyFile: undefined, sequencer: true, checkpointIntervalMs: 200 },
    });
    const [first, second] = await Promise.all([integrateBatch(db, key, 100), integrateBatch(db, key, 100)]);
    // One of them did it; the other found the lock taken (or, if it came second, nothing left to do).
    t.ok([first, second].some((result) => result.outcome === 'signed'));
    while ((await integrateBatch(db, key, 100)).outcome === 'signed');

    const rows = await db.selectFrom('log_entries').select(['idx', 'entry']).orderBy('idx').execute();
    const entries = rows.map((row) => JSON.parse(row.entry.toString()) as Record<string, unknown>);
    t.same(
      entries.map((e) => [e.kind, e.status, e.at]),
      [
        ['school', 'pending', '2026-01-01T00:00:00.000Z'],
        ['school', 'active', '2026-01-02T00:00:00.000Z'],
        ['key', 'active', '2026-01-03T00:00:00.000Z'],
        ['document', 'verified', '2026-02-10T00:00:00.000Z'],
        ['key', 'revoked', '2026-03-01T00:00:00.000Z'],
        ['document', 'revoked', '2026-03-01T00:00:00.000Z'],
      ],
      'in time order, each once',
    );
    t.match(entries[4], { compromised_at: '2026-02-01T00:00:00.000Z', kid: 'old-key' });
    t.match(entries[5], { seq: 2, reason: 'key_compromised', school: 'F0000001' });
    t.match(entries[3], { seq: 1, reason: null });
    const text = rows.map((row) => row.entry.toString()).join('\n');
    for (const word of ['Kwame', 'Asante', '12345678', 'vetted by Dr Mensah', 'stolen laptop', 'dean@old.example']) {
      t.notOk(text.includes(word), `no "${word}" in the backfilled entries`);
    }

    const again = await integrateBatch(db, key, 100);
    t.equal(again.outcome, 'idle', 'a later start appends nothing more');
    t.equal((await db.selectFrom('log_backfill').selectAll().execute()).length, 0);
  },
);
