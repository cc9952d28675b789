import { createPrivateKey, sign as nodeSign, type JsonWebKey } from 'node:crypto';
import { sql } from 'kysely';
import t from 'tap';
import type { DocumentView } from '../../src/documents/views.js';
import { verifyReceipt } from '../../src/receipts/receipt.js';
import {
  manifestPayload,
  pdf,
  postDocument,
  signedManifest,
  storedCounts,
  submissionParts,
  submit,
} from '../support/documents.js';
import { expectProblem } from '../support/expect-problem.js';
import { registerApplicant, registerProgram, registerSchool, type RegisteredSchool } from '../support/registry.js';
import { bearer, buildTestApp, type TestApp } from '../support/test-app.js';
import { outboxEvents, release, type Release } from '../releases/helpers.js';

/** Issue 11: the trust rules a hostile review found holes in, each as the story it broke. */

const call = (ctx: TestApp, token: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  ctx.app.inject({ method, url, headers: bearer(token), ...(payload === undefined ? {} : { payload }) });
const get = (ctx: TestApp, token: string, url: string) => call(ctx, token, 'GET', url);

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3600_000);

/** The school's key as if it had been registered `days` ago. */
async function keyRegisteredDaysAgo(ctx: TestApp, school: RegisteredSchool, days: number) {
  await sql`update school_keys set created_at = now() - make_interval(days => ${days}) where kid = ${school.key.publicJwk.kid}`.execute(
    ctx.db,
  );
}

async function revokeAsCompromised(ctx: TestApp, school: RegisteredSchool, compromisedAt: Date) {
  const response = await call(
    ctx,
    school.token,
    'POST',
    `/v1/schools/${school.id}/keys/${school.key.publicJwk.kid}/revoke`,
    {
      reason: 'private key found on a shared drive',
      compromised_at: compromisedAt.toISOString(),
    },
  );
  if (response.statusCode !== 200) throw new Error(`revoking failed: ${response.body}`);
}

/** Signs any payload text with the school's Ed25519 key, as an attacker's own tool would, repeated names and all. */
function rawManifest(school: RegisteredSchool, header: string, payload: string): string {
  const b64 = (text: string) => Buffer.from(text).toString('base64url');
  const input = `${b64(header)}.${b64(payload)}`;
  const key = createPrivateKey({ key: school.key.privateJwk as JsonWebKey, format: 'jwk' });
  return `${input}.${nodeSign(null, Buffer.from(input), key).toString('base64url')}`;
}

const headerOf = (school: RegisteredSchool) =>
  JSON.stringify({ alg: 'EdDSA', kid: school.key.publicJwk.kid, typ: 'emswp-manifest+jwt' });

t.test('1. a leaked key cannot sign documents that escape the compromise cascade', async (t) => {
  t.test('a forgery received after the compromise is revoked, however early its iat', async (t) => {
    const ctx = await buildTestApp(t);
    const school = await registerSchool(ctx);
    const applicant = await registerApplicant(ctx);
    await keyRegisteredDaysAgo(ctx, school, 2);

    const genuine = await submit(ctx, school, applicant, { iat: seconds(hoursAgo(3)), file: pdf('genuine') });
    // The genuine one arrived three hours ago, before the key leaked.
    await sql`update documents set created_at = now() - interval '3 hours' where id = ${genuine.document.id}`.execute(
      ctx.db,
    );
    // The attacker dates the forgery a day back: after the key was registered, before the leak.
    const forged = await submit(ctx, school, applicant, { iat: seconds(hoursAgo(24)), file: pdf('forged') });
    t.equal(forged.response.statusCode, 201, forged.response.body);

    await revokeAsCompromised(ctx, school, hoursAgo(1));

    t.match((await get(ctx, school.token, `/v1/documents/${forged.document.id}`)).json(), {
      status: 'revoked',
      status_reason: 'key_compromised',
    });
    t.match((await get(ctx, school.token, `/v1/documents/${genuine.document.id}`)).json(), { status: 'verified' });
    const verify = await ctx.app.inject({
      method: 'POST',
      url: '/v1/verify',
      payload: { sha256: forged.document.sha256 },
    });
    t.match(verify.json(), { match: true, documents: [{ status: 'revoked' }] }, '/v1/verify says revoked too');
  });

  t.test('a submission racing the revocation of its key is refused, not slipped in after the cascade', async (t) => {
    const ctx = await buildTestApp(t);
    const school = await registerSchool(ctx);
    const applicant = await registerApplicant(ctx);
    const file = pdf();
    const manifest = await signedManifest(school, file, applicant);
    const before = await storedCounts(ctx);
    const kid = school.key.publicJwk.kid as string;

    let submission: ReturnType<typeof postDocument> | undefined;
    // The revocation holds the key's row when the submission, its manifest already checked against
    // the key as it was, comes to store the document.
    await ctx.db.transaction().execute(async (trx) => {
      await sql`select 1 from school_keys where kid = ${kid} for update`.execute(trx);
      submission = postDocument(ctx, school.token, submissionParts(manifest, file));
      for (let waited = 0; waited < 5000; waited += 20) {
        const { rows } = await sql<{ waiting: number }>`
          select count(*)::int as waiting from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'`.execute(ctx.db);
        if ((rows[0]?.waiting ?? 0) > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await sql`update school_keys set status = 'revoked', revoked_at = now(), revoked_by = 'test',
        revoked_reason = 'leaked', compromised_at = now() - interval '1 hour' where kid = ${kid}`.execute(trx);
    });
    const response = await submission;
    if (response === undefined) throw new Error('the submission was not sent');
    expectProblem(t, response, 'key_revoked');
    t.same(await storedCounts(ctx), before, 'nothing stored');
  });

  t.test('an iat of 0 (shown as 1970) is refused, and nothing is stored', async (t) => {
    const ctx = await buildTestApp(t);
    const school = await registerSchool(ctx);
    const applicant = await registerApplicant(ctx);
    const before = await storedCounts(ctx);
    const { response } = await submit(ctx, school, applicant, { iat: 0 });
    const problem = expectProblem(t, response, 'manifest_invalid');
    t.match(problem.detail, /\/iat says 1970-01-01T00:00:00Z, before the signing key was registered/);
    t.same(await storedCounts(ctx), before);
  });

  t.test('a manifest dated before its key was registered (beyond 5 minutes of clock skew) is refused', async (t) => {
    const ctx = await buildTestApp(t);
    const school = await registerSchool(ctx);
    const applicant = await registerApplicant(ctx);
    const early = await submit(ctx, school, applicant, { iat: seconds(new Date()) - 3600 });
    t.match(expectProblem(t, early.response, 'manifest_invalid').detail, /before the signing key was registered/);
    const skewed = await submit(ctx, school, applicant, { iat: seconds(new Date()) - 240 });
    t.equal(skewed.response.statusCode, 201, 'four minutes early is clock skew');
  });

  t.test('a manifest older than MANIFEST_MAX_AGE is refused', async (t) => {
    const ctx = await buildTestApp(t, { MANIFEST_MAX_AGE: '7d' });
    const school = await registerSchool(ctx);
    const applicant = await registerApplicant(ctx);
    await keyRegisteredDaysAgo(ctx, school, 60);
    const stale = await submit(ctx, school, applicant, { iat: seconds(hoursAgo(8 * 24)) });
    t.match(expectProblem(t, stale.response, 'manifest_invalid').detail, /MANIFEST_MAX_AGE/);
    const fresh = await submit(ctx, school, applicant, { iat: seconds(hoursAgo(6 * 24)) });
    t.equal(fresh.response.statusCode, 201, 'six days old is within the window');
  });
});

t.test('2. a document whose identity did not match reaches no one until an operator accepts it', async (t) => {
  t.test('needs_review: the applicant sees that it waits, not its content or receipt', async (t) => {
    const ctx = await buildTestApp(t);
    const school = await registerSchool(ctx);
    const holder = await registerApplicant(ctx);
    // The school typed the holder's ECFMG ID on someone else's transcript.
    const { document } = await submit(ctx, school, { ...holder, given_name: 'Ngozi', family_name: 'Adeyemi' });
    t.equal(document.status, 'needs_review');

    const read = await get(ctx, holder.token, `/v1/documents/${document.id}`);
    t.match(read.json(), { status: 'needs_review', type: 'transcript', school: { id: school.id } }, 'it is waiting');
    const listed = (await get(ctx, holder.token, `/v1/applicants/${holder.id}/documents`)).json();
    t.same(
      listed.items.map((d: DocumentView) => d.id),
      [document.id],
      'and listed as waiting',
    );
    expectProblem(t, await get(ctx, holder.token, `/v1/documents/${document.id}/content`), 'identity_unconfirmed');
    expectProblem(t, await get(ctx, holder.token, `/v1/documents/${document.id}/receipt`), 'identity_unconfirmed');
    expectProblem(
      t,
      await call(ctx, holder.token, 'POST', `/v1/applicants/${holder.id}/releases`, {
        document_id: document.id,
        program_id: (await registerProgram(ctx)).id,
      }),
      'document_not_releasable',
    );

    const accepted = await call(ctx, await ctx.issuer.admin(), 'POST', `/v1/documents/${document.id}/review`, {
      decision: 'accept',
      note: 'the school confirmed the legal name changed',
    });
    t.equal(accepted.statusCode, 200);
    t.equal((await get(ctx, holder.token, `/v1/documents/${document.id}/content`)).statusCode, 200, 'once accepted');
    t.equal((await get(ctx, holder.token, `/v1/documents/${document.id}/receipt`)).statusCode, 200);
  });

  t.test('rejected: the document is detached from the applicant it was wrongly linked to', async (t) => {
    const ctx = await buildTestApp(t);
    const school = await registerSchool(ctx);
    const holder = await registerApplicant(ctx);
    const letter = (
      await call(ctx, holder.token, 'POST', `/v1/applicants/${holder.id}/letter-requests`, {
        school_id: school.id,
        author_name: 'Prof. Ifeoma Okeke',
        waive_right_to_view: false,
      })
    ).json<{ letter_id: string }>();
    const { document } = await submit(
      ctx,
      school,
      { ...holder, date_of_birth: '1990-01-01' },
      { type: 'lor', letter_id: letter.letter_id },
    );
    t.equal(document.status, 'needs_review');
    const admin = await ctx.issuer.admin();
    const rejected = await call(ctx, admin, 'POST', `/v1/documents/${document.id}/review`, {
      decision: 'reject',
      note: 'not this applicant: another student of ours',
    });
    t.match(rejected.json(), { status: 'rejected', applicant_id: null, ecfmg_id: holder.ecfmg_id });

    for (const path of ['', '/content', '/receipt', '/events'])
      expectProblem(t, await get(ctx, holder.token, `/v1/documents/${document.id}${path}`), 'not_found');
    t.same((await get(ctx, holder.token, `/v1/applicants/${holder.id}/documents`)).json().items, [], 'not listed');
    t.match(
      (await get(ctx, holder.token, `/v1/applicants/${holder.id}/letter-requests`)).json().items,
      [{ letter_id: letter.letter_id, status: 'requested', document_id: null }],
      'the letter request is open again',
    );
    t.equal((await get(ctx, school.token, `/v1/documents/${document.id}`)).statusCode, 200, 'the school still sees it');
  });

  t.test('a waiting document replaced before review was never verified as theirs', async (t) => {
    const ctx = await buildTestApp(t);
    const school = await registerSchool(ctx);
    const holder = await registerApplicant(ctx);
    const { document } = await submit(ctx, school, { ...holder, family_name: 'Balogun' });
    const replacement = await submit(ctx, school, { ...holder, family_name: 'Eze' }, { supersedes: document.id });
    t.equal(replacement.document.status, 'needs_review');
    t.match((await get(ctx, holder.token, `/v1/documents/${document.id}`)).json(), { status: 'superseded' });
    expectProblem(t, await get(ctx, holder.token, `/v1/documents/${document.id}/content`), 'identity_unconfirmed');
  });
});

t.test('3. a release moves to a replacement only once the replacement is verified', async (t) => {
  const ctx = await buildTestApp(t);
  const school = await registerSchool(ctx);
  const applicant = await registerApplicant(ctx);
  const program = await registerProgram(ctx);
  const original = await submit(ctx, school, applicant, { file: pdf('original') });
  const made = await release(ctx, applicant, original.document.id, program.id);

  // The school's replacement carries a misspelt name: it waits for review.
  const replacement = await submit(
    ctx,
    school,
    { ...applicant, family_name: 'Okafo' },
    { supersedes: original.document.id, file: pdf('replacement') },
  );
  t.equal(replacement.document.status, 'needs_review');

  const programList = async () =>
    (await get(ctx, program.token, `/v1/programs/${program.id}/documents`)).json().items as DocumentView[];
  t.match(await programList(), [{ id: original.document.id, status: 'superseded' }], 'the program keeps the original');
  const content = await get(ctx, program.token, `/v1/documents/${original.document.id}/content`);
  t.same(content.rawPayload, original.file, 'and can still download it');
  expectProblem(t, await get(ctx, program.token, `/v1/documents/${replacement.document.id}`), 'not_found');
  t.match((await get(ctx, applicant.token, `/v1/applicants/${applicant.id}/releases`)).json().items, [
    { id: made.id, document_id: original.document.id, status: 'active' },
  ]);
  t.match(
    await outboxEvents(ctx, 'document.superseded'),
    [
      {
        data: { document_id: original.document.id, superseded_by: replacement.document.id },
        audience_program_ids: [program.id],
      },
    ],
    'the program hears that its document was superseded',
  );
  t.same(
    (await outboxEvents(ctx, 'document.needs_review')).map((event) => event.audience_program_ids),
    [[]],
    'but nothing of the unverified replacement',
  );

  await call(ctx, await ctx.issuer.admin(), 'POST', `/v1/documents/${replacement.document.id}/review`, {
    decision: 'accept',
    note: 'a typing error in the family name, confirmed by the registrar',
  });
  t.match(await programList(), [{ id: replacement.document.id, status: 'verified' }], 'accepted: the release moves');
  expectProblem(t, await get(ctx, program.token, `/v1/documents/${original.document.id}`), 'not_found');
  t.match((await get(ctx, applicant.token, `/v1/applicants/${applicant.id}/releases`)).json().items, [
    { id: made.id, document_id: replacement.document.id } satisfies Partial<Release>,
  ]);
  const verified = await outboxEvents(ctx, 'document.verified');
  t.match(
    verified.at(-1),
    {
      data: { document_id: replacement.document.id, supersedes: original.document.id, previous_status: 'needs_review' },
      audience_program_ids: [program.id],
    },
    'and the program hears the replacement verified, naming the document it replaces',
  );
});

t.test('3. a rejected replacement leaves the program with the superseded original', async (t) => {
  const ctx = await buildTestApp(t);
  const school = await registerSchool(ctx);
  const applicant = await registerApplicant(ctx);
  const program = await registerProgram(ctx);
  const original = await submit(ctx, school, applicant);
  await release(ctx, applicant, original.document.id, program.id);
  const wrong = await submit(ctx, school, { ...applicant, given_name: 'Emeka' }, { supersedes: original.document.id });
  await call(ctx, await ctx.issuer.admin(), 'POST', `/v1/documents/${wrong.document.id}/review`, {
    decision: 'reject',
    note: 'another student',
  });
  // The school corrects itself by replacing the rejected replacement; this one matches.
  const corrected = await submit(ctx, school, applicant, { supersedes: wrong.document.id });
  t.equal(corrected.document.status, 'verified');
  t.match(
    (await get(ctx, program.token, `/v1/programs/${program.id}/documents`)).json().items,
    [{ id: corrected.document.id, status: 'verified' }],
    'the release reaches the corrected replacement, past the rejected one',
  );
});

t.test('4. a manifest with a repeated member name is refused', async (t) => {
  const ctx = await buildTestApp(t);
  const school = await registerSchool(ctx);
  const applicant = await registerApplicant(ctx);
  const before = await storedCounts(ctx);
  const file = pdf();
  const payload = JSON.stringify(manifestPayload(school, file, applicant));

  const twoIssuers = rawManifest(school, headerOf(school), payload.replace('{', '{"iss":"F0009999",'));
  const refused = await postDocument(ctx, school.token, submissionParts(twoIssuers, file));
  t.match(expectProblem(t, refused, 'manifest_invalid').detail, /\/iss appears more than once/);

  const otherApplicant = payload.replace('"applicant":{', '"applicant":{"ecfmg_id":"99999999",');
  const twoApplicants = await postDocument(
    ctx,
    school.token,
    submissionParts(rawManifest(school, headerOf(school), otherApplicant), file),
  );
  t.match(expectProblem(t, twoApplicants, 'manifest_invalid').detail, /\/applicant\/ecfmg_id appears more than once/);

  const header = headerOf(school).replace('{', '{"typ":"JWT",');
  const twoTypes = await postDocument(ctx, school.token, submissionParts(rawManifest(school, header, payload), file));
  t.match(expectProblem(t, twoTypes, 'manifest_invalid').detail, /"typ" twice/);
  t.same(await storedCounts(ctx), before, 'nothing stored');

  const plain = await postDocument(
    ctx,
    school.token,
    submissionParts(rawManifest(school, headerOf(school), payload), file),
  );
  t.equal(plain.statusCode, 201, 'the same manifest without the repeat is accepted');
});

t.test('4. a letter request is bound to the school the applicant names', async (t) => {
  const ctx = await buildTestApp(t);
  const asked = await registerSchool(ctx);
  const other = await registerSchool(ctx);
  const suspended = await registerSchool(ctx, { status: 'suspended' });
  const pending = await registerSchool(ctx, { status: 'pending' });
  const applicant = await registerApplicant(ctx);
  const ask = (schoolId: string | undefined) =>
    call(ctx, applicant.token, 'POST', `/v1/applicants/${applicant.id}/letter-requests`, {
      ...(schoolId === undefined ? {} : { school_id: schoolId }),
      author_name: 'Dr. Chidi Obi',
      waive_right_to_view: true,
    });

  expectProblem(t, await ask(undefined), 'validation_failed');
  for (const schoolId of ['00000000-0000-4000-8000-000000000000', suspended.id, pending.id])
    expectProblem(t, await ask(schoolId), 'school_unknown');
  const made = await ask(asked.id);
  t.equal(made.statusCode, 201);
  const letter = made.json<{ letter_id: string; school_id: string }>();
  t.equal(letter.school_id, asked.id);

  const before = await storedCounts(ctx);
  const fromOther = await submit(ctx, other, applicant, { type: 'lor', letter_id: letter.letter_id });
  t.match(expectProblem(t, fromOther.response, 'letter_invalid').detail, /made to your school/);
  t.same(await storedCounts(ctx), before, 'nothing stored');
  const fromAsked = await submit(ctx, asked, applicant, { type: 'lor', letter_id: letter.letter_id });
  t.equal(fromAsked.response.statusCode, 201, fromAsked.response.body);
});

t.test("4. a suspended school's documents say so beside their own status", async (t) => {
  const ctx = await buildTestApp(t);
  const school = await registerSchool(ctx);
  const applicant = await registerApplicant(ctx);
  const program = await registerProgram(ctx);
  const { document } = await submit(ctx, school, applicant);
  await release(ctx, applicant, document.id, program.id);
  const admin = await ctx.issuer.admin();
  const suspension = await call(ctx, admin, 'PATCH', `/v1/schools/${school.id}`, {
    status: 'suspended',
    reason: 'accreditation withdrawn',
  });
  t.equal(suspension.statusCode, 200);

  const standing = { status: 'suspended', status_reason: 'accreditation withdrawn' };
  for (const token of [admin, school.token, applicant.token, program.token]) {
    t.match((await get(ctx, token, `/v1/documents/${document.id}`)).json(), {
      status: 'verified',
      school: { id: school.id, ...standing },
    });
  }
  t.match((await get(ctx, program.token, `/v1/programs/${program.id}/documents`)).json().items, [
    { id: document.id, status: 'verified', school: standing },
  ]);
  const verify = await ctx.app.inject({ method: 'POST', url: '/v1/verify', payload: { sha256: document.sha256 } });
  t.match(verify.json(), { documents: [{ status: 'verified', school: { wdoms_id: school.wdoms_id, ...standing } }] });

  const { receipt } = (await get(ctx, program.token, `/v1/documents/${document.id}/receipt`)).json<{
    receipt: string;
  }>();
  const jwks = (await ctx.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
  const checked = await verifyReceipt(receipt, jwks);
  t.match(checked.payload.document, { status: 'verified', school: standing, received_at: document.created_at });
});

t.test('4. invisible and bidirectional format characters are refused in jti', async (t) => {
  const ctx = await buildTestApp(t);
  const school = await registerSchool(ctx);
  const applicant = await registerApplicant(ctx);
  const before = await storedCounts(ctx);
  for (const jti of ['transcript-2026\u200b', 'invoice-\u202egpj.exe', '\ufeffsubmission-1', 'a\u2066b\u2069']) {
    const { response } = await submit(ctx, school, applicant, { jti });
    t.match(
      expectProblem(t, response, 'manifest_invalid').detail,
      /\/jti must not contain invisible/,
      JSON.stringify(jti),
    );
  }
  t.same(await storedCounts(ctx), before, 'nothing stored');
});
