import canonicalize from 'canonicalize';
import t from 'tap';
import { documentReasonCodes, entryMembers } from '../../src/log/entries.js';
import { logEntryKinds, type LogEntryKind } from '../../src/log/tables.js';
import { submit } from '../support/documents.js';
import { registerApplicant, registerSchool } from '../support/registry.js';
import { bearer, buildTestApp, type TestApp } from '../support/test-app.js';
import { integrateAll } from './support.js';

type Entry = Record<string, unknown> & { kind: LogEntryKind };

async function logEntries(ctx: TestApp): Promise<{ bytes: Buffer; entry: Entry }[]> {
  await integrateAll(ctx.db, ctx.app.logKey);
  const rows = await ctx.db.selectFrom('log_entries').select('entry').orderBy('idx').execute();
  return rows.map((row) => ({ bytes: row.entry, entry: JSON.parse(row.entry.toString('utf8')) as Entry }));
}

const post = (ctx: TestApp, url: string, token: string, payload: object) =>
  ctx.app.inject({ method: 'POST', url, headers: bearer(token), payload });

t.test(
  'every change of a school, key and document is one canonical entry, naming no person and quoting no one',
  async (t) => {
    const ctx = await buildTestApp(t, { LOG_SEQUENCER: 'false' });
    const admin = await ctx.issuer.admin();
    const school = await registerSchool(ctx);
    const applicant = await registerApplicant(ctx, {
      given_name: 'Adaeze',
      family_name: 'Nwachukwu',
      date_of_birth: '1995-02-03',
      email: 'adaeze.nwachukwu@example.org',
    } as never);
    const contactEmail = `registrar-${school.wdoms_id.toLowerCase()}@example.edu`;

    // A verified document, then revoked by the school with its own words.
    const kept = await submit(ctx, school, applicant);
    t.equal(kept.document.status, 'verified');
    const schoolWords = 'sent to the wrong program by Dr Okafor';
    t.equal(
      (await post(ctx, `/v1/documents/${kept.document.id}/revoke`, school.token, { reason: schoolWords })).statusCode,
      200,
    );

    // One whose identity does not match, rejected with a reviewer's note.
    const mismatch = await submit(ctx, school, { ...applicant, given_name: 'Someone Else' });
    t.equal(mismatch.document.status, 'needs_review');
    const reviewerNote = 'date of birth 1995-02-03 differs, spoke to Adaeze';
    t.equal(
      (
        await post(ctx, `/v1/documents/${mismatch.document.id}/review`, admin, {
          decision: 'reject',
          note: reviewerNote,
        })
      ).statusCode,
      200,
    );

    // One signed, then the key reported compromised: the cascade revokes it.
    const signed = await submit(ctx, school, applicant);
    const revokeWords = 'laptop stolen from the registrar';
    const compromisedAt = new Date(Date.now() - 60_000).toISOString();
    const revoked = await post(ctx, `/v1/schools/${school.id}/keys/${school.key.publicJwk.kid}/revoke`, school.token, {
      reason: revokeWords,
      compromised_at: compromisedAt,
    });
    t.equal(revoked.statusCode, 200);

    const entries = await logEntries(ctx);
    const kinds = new Set(entries.map((e) => e.entry.kind));
    t.same([...kinds].sort(), [...logEntryKinds].sort(), 'all three kinds are in the log');

    const forbidden = [
      applicant.ecfmg_id,
      'Adaeze',
      'Nwachukwu',
      'Someone Else',
      '1995-02-03',
      'adaeze.nwachukwu',
      contactEmail,
      schoolWords,
      reviewerNote,
      revokeWords,
      'vetted',
    ];
    for (const { bytes, entry } of entries) {
      t.equal(bytes.toString('utf8'), canonicalize(entry), `${entry.kind} entry is RFC 8785 canonical`);
      t.same(
        Object.keys(entry).sort(),
        ['v', 'kind', 'at', ...entryMembers[entry.kind]].sort(),
        `${entry.kind} entry has exactly its members`,
      );
      t.equal(entry.v, 1);
      t.match(entry.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const text = bytes.toString('utf8');
      for (const word of forbidden) t.notOk(text.includes(word), `${entry.kind} entry does not hold "${word}"`);
      if (entry.kind === 'document') {
        t.ok(
          entry.reason === null || (documentReasonCodes as readonly unknown[]).includes(entry.reason),
          'a reason code, never free text',
        );
      }
    }

    const schoolEntries = entries.filter((e) => e.entry.kind === 'school').map((e) => e.entry);
    t.match(schoolEntries, [
      { school: school.wdoms_id, name: school.name, country: 'NG', status: 'pending' },
      { school: school.wdoms_id, status: 'active' },
    ]);
    const keyEntries = entries.filter((e) => e.entry.kind === 'key').map((e) => e.entry);
    t.match(keyEntries, [
      { school: school.wdoms_id, kid: school.key.publicJwk.kid, status: 'active', compromised_at: null, alg: 'EdDSA' },
      { kid: school.key.publicJwk.kid, status: 'revoked', compromised_at: compromisedAt },
    ]);
    t.same((keyEntries[0]?.jwk as { x?: string }).x, school.key.publicJwk.x, 'the public key itself is in the log');

    const history = (id: string) =>
      entries.filter((e) => e.entry.kind === 'document' && e.entry.document_id === id).map((e) => e.entry);
    t.match(history(kept.document.id), [
      { seq: 1, status: 'verified', reason: null, school: school.wdoms_id, sha256: kept.document.sha256 },
      { seq: 2, status: 'revoked', reason: 'revoked_by_school' },
    ]);
    t.match(history(mismatch.document.id), [
      { seq: 1, status: 'needs_review', reason: 'identity_mismatch' },
      { seq: 2, status: 'rejected', reason: 'rejected_in_review' },
    ]);
    t.match(history(signed.document.id), [
      { seq: 1, status: 'verified' },
      { seq: 2, status: 'revoked', reason: 'key_compromised' },
    ]);
    const keyRevokedAt = entries.findIndex((e) => e.entry.kind === 'key' && e.entry.status === 'revoked');
    const cascadeAt = entries.findIndex((e) => e.entry.document_id === signed.document.id && e.entry.seq === 2);
    t.ok(keyRevokedAt < cascadeAt, "the key's revocation comes before the documents it revoked");
  },
);

t.test('a refused change leaves no entry behind', async (t) => {
  const ctx = await buildTestApp(t, { LOG_SEQUENCER: 'false' });
  const school = await registerSchool(ctx);
  const before = await ctx.db
    .selectFrom('log_pending')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  const again = await post(ctx, `/v1/schools/${school.id}/keys`, school.token, { jwk: school.key.publicJwk });
  t.equal(again.statusCode, 409, 'the same key twice is refused');
  const unchanged = await ctx.app.inject({
    method: 'PATCH',
    url: `/v1/schools/${school.id}`,
    headers: bearer(await ctx.issuer.admin()),
    payload: { status: 'active' },
  });
  t.equal(unchanged.statusCode, 409);
  const after = await ctx.db
    .selectFrom('log_pending')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  t.equal(Number(after?.n), Number(before?.n));
});
