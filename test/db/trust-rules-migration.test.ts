import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import t from 'tap';
import { migrateToLatest, migrationsFolder } from '../../src/db/migrator.js';
import { createTestDatabase } from '../support/test-database.js';

/**
 * Migration 0006 (issue 11) repairs what the earlier rules left behind: a rejected document still
 * linked to the applicant it was wrongly matched to, a release that followed an unverified
 * replacement, letter requests that name no school.
 */
t.test('0006 detaches rejected documents, moves releases back to verified documents, binds letters', async (t) => {
  const { db } = await createTestDatabase(t, { migrated: false });
  const before = await mkdtemp(join(tmpdir(), 'emswp-migrations-'));
  t.teardown(() => rm(before, { recursive: true, force: true }));
  for (const name of (await readdir(migrationsFolder)).filter((file) => file < '0006' && file.endsWith('.sql')))
    await copyFile(join(migrationsFolder, name), join(before, name));
  await migrateToLatest(db, before);

  // The world as the old rules left it.
  const one = async <T>(query: ReturnType<typeof sql<T>>) => (await query.execute(db)).rows[0] as T;
  const { id: school } = await one<{ id: string }>(sql`
    insert into schools (wdoms_id, name, country, contact_email, status)
    values ('F0001234', 'University of Ibadan', 'NG', 'registrar@ui.example', 'active') returning id`);
  await sql`insert into school_keys (kid, thumbprint, school_id, alg, jwk, created_by)
    values ('k1', 't1', ${school}, 'EdDSA', '{"kty":"OKP","crv":"Ed25519","x":"AA"}', 'test')`.execute(db);
  const { id: applicant } = await one<{ id: string }>(sql`
    insert into applicants (ecfmg_id, given_name, family_name, date_of_birth)
    values ('23456789', 'Tomás', 'Herrera', '1995-09-03') returning id`);
  const { id: program } = await one<{ id: string }>(sql`
    insert into programs (acgme_id, name, specialty) values ('1403521001', 'Internal Medicine', 'Internal Medicine')
    returning id`);
  const letter = async () =>
    (
      await one<{ id: string }>(sql`
        insert into letter_requests (applicant_id, author_name, waive_right_to_view)
        values (${applicant}, 'Dr. Ada Obi', false) returning id`)
    ).id;
  const answeredByRejected = await letter();
  const answeredByVerified = await letter();
  const open = await letter();
  const document = async (
    status: string,
    events: string[],
    extra: { type?: string; letter_id?: string; supersedes?: string } = {},
  ) => {
    const { id } = await one<{ id: string }>(sql`
      insert into documents (type, status, school_id, applicant_id, ecfmg_id, given_name, family_name, date_of_birth,
        sha256, size, media_type, submission_id, key_id, signed_at, manifest, manifest_sha256, letter_id, supersedes,
        available_at)
      values (${extra.type ?? 'transcript'}, ${status}, ${school}, ${applicant}, '23456789', 'Tomás', 'Herrera',
        '1995-09-03', ${'a'.repeat(64)}, 10, 'application/pdf', gen_random_uuid()::text, 'k1', now(), 'x.y.z',
        ${'b'.repeat(64)}, ${extra.letter_id ?? null}, ${extra.supersedes ?? null}, now())
      returning id`);
    for (const to of events)
      await sql`insert into document_events (document_id, to_status, actor, actor_role)
        values (${id}, ${to}, 'test', 'school')`.execute(db);
    return id;
  };
  const original = await document('superseded', ['verified', 'superseded']);
  const waiting = await document('needs_review', ['needs_review'], { supersedes: original });
  const rejected = await document('rejected', ['needs_review', 'rejected'], {
    type: 'lor',
    letter_id: answeredByRejected,
  });
  const verifiedLetter = await document('verified', ['verified'], { type: 'lor', letter_id: answeredByVerified });
  await sql`update documents set superseded_by = ${waiting} where id = ${original}`.execute(db);
  for (const [request, doc] of [
    [answeredByRejected, rejected],
    [answeredByVerified, verifiedLetter],
  ] as const)
    await sql`update letter_requests set status = 'received', document_id = ${doc} where id = ${request}`.execute(db);
  // The old rules moved the release to the replacement at once.
  await sql`insert into releases (applicant_id, document_id, program_id, created_by)
    values (${applicant}, ${waiting}, ${program}, 'applicant')`.execute(db);

  await migrateToLatest(db);

  const release = await one<{ document_id: string }>(sql`select document_id from releases`);
  t.equal(release.document_id, original, 'the release is back on the verified original');
  const detached = await one<{ applicant_id: string | null }>(
    sql`select applicant_id from documents where id = ${rejected}`,
  );
  t.equal(detached.applicant_id, null, 'the rejected document is no longer linked to the applicant');
  const { rows: letters } = await sql<{
    id: string;
    school_id: string | null;
    status: string;
    document_id: string | null;
  }>`
    select id, school_id, status, document_id from letter_requests`.execute(db);
  const byId = new Map(letters.map((row) => [row.id, row]));
  t.match(byId.get(answeredByRejected), { status: 'requested', document_id: null, school_id: school }, 'reopened');
  t.match(byId.get(answeredByVerified), { status: 'received', document_id: verifiedLetter, school_id: school });
  t.match(byId.get(open), { status: 'requested', school_id: null }, 'an open request names no school');
  const standing = await one<{ school_status: string }>(sql`select school_status from program_document_rows`);
  t.equal(standing.school_status, 'active', "a program's rows carry the school's standing");
});
