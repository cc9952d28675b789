import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import t from 'tap';
import type { DocumentView } from '../../src/documents/views.js';
import { pdf, submit } from '../support/documents.js';
import { expectProblem } from '../support/expect-problem.js';
import { newEcfmgId, registerApplicant, registerSchool } from '../support/registry.js';
import { bearer, buildTestApp, type TestApp } from '../support/test-app.js';

const get = (ctx: TestApp, url: string, token: string) =>
  ctx.app.inject({ method: 'GET', url, headers: bearer(token) });
const post = (ctx: TestApp, url: string, token: string, payload: object) =>
  ctx.app.inject({ method: 'POST', url, headers: bearer(token), payload });
const events = async (ctx: TestApp, id: string, token: string) =>
  (await get(ctx, `/v1/documents/${id}/events`, token)).json().items as {
    from_status: string | null;
    to_status: string;
    reason: string;
    actor: string;
  }[];

t.test('a school replaces a transcript: the old one is superseded and points at the new one', async (t) => {
  const ctx = await buildTestApp(t);
  const school = await registerSchool(ctx);
  const applicant = await registerApplicant(ctx);
  const original = await submit(ctx, school, applicant);
  const replacement = await submit(ctx, school, applicant, {
    supersedes: original.document.id,
    file: pdf('corrected grades'),
  });
  t.equal(replacement.response.statusCode, 201, replacement.response.body);
  t.equal(replacement.document.supersedes, original.document.id);
  t.equal(replacement.document.status, 'verified');

  const old = (await get(ctx, `/v1/documents/${original.document.id}`, applicant.token)).json() as DocumentView;
  t.equal(old.status, 'superseded');
  t.equal(old.superseded_by, replacement.document.id);
  t.match(await events(ctx, old.id, school.token), [
    { to_status: 'verified' },
    { from_status: 'verified', to_status: 'superseded' },
  ]);

  const again = await submit(ctx, school, applicant, { supersedes: original.document.id });
  expectProblem(t, again.response, 'supersede_invalid');
});

t.test('a school revokes its document, once; nobody else can', async (t) => {
  const ctx = await buildTestApp(t);
  const school = await registerSchool(ctx);
  const otherSchool = await registerSchool(ctx);
  const applicant = await registerApplicant(ctx);
  const { document } = await submit(ctx, school, applicant);
  const url = `/v1/documents/${document.id}/revoke`;

  expectProblem(t, await post(ctx, url, otherSchool.token, { reason: 'not ours' }), 'not_found');
  expectProblem(t, await post(ctx, url, applicant.token, { reason: 'I dislike it' }), 'forbidden');
  expectProblem(t, await post(ctx, url, school.token, {}), 'validation_failed');

  const revoked = await post(ctx, url, school.token, { reason: 'issued in error' });
  t.equal(revoked.statusCode, 200);
  t.match(revoked.json(), { status: 'revoked', status_reason: 'issued in error' });
  expectProblem(t, await post(ctx, url, school.token, { reason: 'again' }), 'invalid_transition');
  t.match(await events(ctx, document.id, applicant.token), [
    { to_status: 'verified' },
    { to_status: 'revoked', reason: 'issued in error', actor: `school-officer-${school.id}` },
  ]);
});

t.test('an admin settles a document whose identity did not match', async (t) => {
  const ctx = await buildTestApp(t);
  const school = await registerSchool(ctx);
  const applicant = await registerApplicant(ctx, { family_name: 'Okafor' });
  const admin = await ctx.issuer.admin();
  const typo = await submit(ctx, school, { ...applicant, family_name: 'Okafo' });
  const mismatch = await submit(ctx, school, { ...applicant, date_of_birth: '1990-01-01' });
  t.equal(typo.document.status, 'needs_review');

  expectProblem(
    t,
    await post(ctx, `/v1/documents/${typo.document.id}/review`, school.token, { decision: 'accept', note: 'fine' }),
    'forbidden',
  );
  const accepted = await post(ctx, `/v1/documents/${typo.document.id}/review`, admin, {
    decision: 'accept',
    note: 'Spelling error on the school record, confirmed by phone',
  });
  t.match(accepted.json(), { status: 'verified', status_reason: null });
  const rejected = await post(ctx, `/v1/documents/${mismatch.document.id}/review`, admin, {
    decision: 'reject',
    note: 'Different person',
  });
  t.match(rejected.json(), { status: 'rejected', status_reason: 'Different person' });
  expectProblem(
    t,
    await post(ctx, `/v1/documents/${typo.document.id}/review`, admin, { decision: 'reject', note: 'changed my mind' }),
    'invalid_transition',
  );
  expectProblem(
    t,
    await post(ctx, `/v1/documents/${randomUUID()}/review`, admin, { decision: 'accept', note: 'x' }),
    'not_found',
  );
});

t.test('documents sent before the applicant registered are matched at registration', async (t) => {
  const ctx = await buildTestApp(t);
  const school = await registerSchool(ctx);
  const ecfmg_id = newEcfmgId();
  const who = { ecfmg_id, given_name: 'Amina', family_name: 'Bello', date_of_birth: '1997-06-01' };
  const early = await submit(ctx, school, who);
  const wrongName = await submit(ctx, school, { ...who, given_name: 'Fatima' });
  t.equal(early.document.status, 'unmatched');

  const applicant = await registerApplicant(ctx, who);
  const matched = (await get(ctx, `/v1/documents/${early.document.id}`, applicant.token)).json() as DocumentView;
  t.match(matched, { status: 'verified', applicant_id: applicant.id });
  t.match(await events(ctx, early.document.id, applicant.token), [
    { to_status: 'unmatched' },
    { from_status: 'unmatched', to_status: 'verified', reason: 'applicant registered' },
  ]);
  const review = (
    await get(ctx, `/v1/documents/${wrongName.document.id}`, await ctx.issuer.admin())
  ).json() as DocumentView;
  t.match(review, { status: 'needs_review', applicant_id: applicant.id });
});

t.test('revoking a key as compromised revokes what it signed from that moment on', async (t) => {
  const ctx = await buildTestApp(t);
  const school = await registerSchool(ctx);
  const applicant = await registerApplicant(ctx);
  const now = Math.floor(Date.now() / 1000);
  // The key has been registered for a day, and the first document arrived two hours ago.
  await sql`update school_keys set created_at = now() - interval '1 day' where kid = ${school.key.publicJwk.kid}`.execute(
    ctx.db,
  );
  const before = await submit(ctx, school, applicant, { iat: now - 7200 });
  await sql`update documents set created_at = now() - interval '2 hours' where id = ${before.document.id}`.execute(
    ctx.db,
  );
  const after = await submit(ctx, school, applicant, { iat: now - 60 });
  const compromisedAt = new Date((now - 3600) * 1000).toISOString();
  const response = await post(ctx, `/v1/schools/${school.id}/keys/${school.key.publicJwk.kid}/revoke`, school.token, {
    reason: 'key leaked',
    compromised_at: compromisedAt,
  });
  t.equal(response.statusCode, 200, response.body);

  t.match((await get(ctx, `/v1/documents/${before.document.id}`, school.token)).json(), { status: 'verified' });
  t.match((await get(ctx, `/v1/documents/${after.document.id}`, school.token)).json(), {
    status: 'revoked',
    status_reason: 'key_compromised',
  });
});

t.test('letters: the waiver the applicant chose decides whether they may read it', async (t) => {
  const ctx = await buildTestApp(t);
  const school = await registerSchool(ctx);
  const applicant = await registerApplicant(ctx);
  const request = async (waive: boolean) =>
    (
      await post(ctx, `/v1/applicants/${applicant.id}/letter-requests`, applicant.token, {
        school_id: school.id,
        author_name: 'Prof. Ngozi Eze',
        author_email: 'eze@example.edu',
        waive_right_to_view: waive,
      })
    ).json() as {
      letter_id: string;
      status: string;
    };
  const waived = await request(true);
  const open = await request(false);
  t.equal(waived.status, 'requested');

  const waivedLetter = await submit(ctx, school, applicant, { type: 'lor', letter_id: waived.letter_id });
  const openLetter = await submit(ctx, school, applicant, { type: 'lor', letter_id: open.letter_id });
  t.equal(waivedLetter.document.letter_id, waived.letter_id);

  t.equal(
    (await get(ctx, `/v1/documents/${waivedLetter.document.id}`, applicant.token)).statusCode,
    200,
    'the applicant sees that the letter arrived',
  );
  expectProblem(
    t,
    await get(ctx, `/v1/documents/${waivedLetter.document.id}/content`, applicant.token),
    'letter_waived',
  );
  t.equal((await get(ctx, `/v1/documents/${openLetter.document.id}/content`, applicant.token)).statusCode, 200);
  t.equal(
    (await get(ctx, `/v1/documents/${waivedLetter.document.id}/content`, school.token)).statusCode,
    200,
    'the school still can',
  );

  const list = (await get(ctx, `/v1/applicants/${applicant.id}/letter-requests`, applicant.token)).json();
  t.match(list.items, [
    {
      letter_id: waived.letter_id,
      status: 'received',
      document_id: waivedLetter.document.id,
      waive_right_to_view: true,
    },
    {
      letter_id: open.letter_id,
      school_id: school.id,
      status: 'received',
      document_id: openLetter.document.id,
      waive_right_to_view: false,
    },
  ]);
  const other = await registerApplicant(ctx);
  expectProblem(
    t,
    await post(ctx, `/v1/applicants/${applicant.id}/letter-requests`, other.token, {
      school_id: school.id,
      author_name: 'x',
      waive_right_to_view: true,
    }),
    'not_found',
  );
  expectProblem(
    t,
    await post(ctx, `/v1/applicants/${applicant.id}/letter-requests`, applicant.token, { author_name: 'x' }),
    'validation_failed',
  );
});

t.test('who sees what: schools their own, applicants theirs, others nothing', async (t) => {
  const ctx = await buildTestApp(t);
  const school = await registerSchool(ctx);
  const otherSchool = await registerSchool(ctx);
  const applicant = await registerApplicant(ctx);
  const other = await registerApplicant(ctx);
  const { document } = await submit(ctx, school, applicant);
  await submit(ctx, otherSchool, other);
  const program = await ctx.issuer.program(randomUUID());

  for (const token of [otherSchool.token, other.token, program]) {
    expectProblem(t, await get(ctx, `/v1/documents/${document.id}`, token), 'not_found');
    expectProblem(t, await get(ctx, `/v1/documents/${document.id}/content`, token), 'not_found');
    expectProblem(t, await get(ctx, `/v1/documents/${document.id}/events`, token), 'not_found');
  }
  expectProblem(t, await get(ctx, `/v1/documents/${randomUUID()}`, school.token), 'not_found');
  expectProblem(t, await get(ctx, '/v1/documents', applicant.token), 'forbidden');
  expectProblem(t, await get(ctx, `/v1/applicants/${other.id}/documents`, applicant.token), 'not_found');
  expectProblem(t, await get(ctx, `/v1/applicants/${applicant.id}/documents`, school.token), 'forbidden');

  t.same(
    (await get(ctx, '/v1/documents', school.token)).json().items.map((d: DocumentView) => d.id),
    [document.id],
  );
  t.equal((await get(ctx, '/v1/documents', await ctx.issuer.admin())).json().items.length, 2);
  t.same(
    (await get(ctx, `/v1/applicants/${applicant.id}/documents`, applicant.token))
      .json()
      .items.map((d: DocumentView) => d.id),
    [document.id],
  );
});

t.test('lists page with cursors and filter by type, status and time', async (t) => {
  const ctx = await buildTestApp(t);
  const school = await registerSchool(ctx);
  const applicant = await registerApplicant(ctx);
  const ids: string[] = [];
  for (const type of ['transcript', 'mspe', 'transcript', 'lor'] as const) {
    if (type === 'lor') {
      const letter = await post(ctx, `/v1/applicants/${applicant.id}/letter-requests`, applicant.token, {
        school_id: school.id,
        author_name: 'Dr. A',
        waive_right_to_view: false,
      });
      ids.push((await submit(ctx, school, applicant, { type, letter_id: letter.json().letter_id })).document.id);
    } else ids.push((await submit(ctx, school, applicant, { type })).document.id);
  }
  const seen: string[] = [];
  let url = `/v1/applicants/${applicant.id}/documents?limit=3`;
  for (;;) {
    const page = (await get(ctx, url, applicant.token)).json() as { items: DocumentView[]; next_cursor: string | null };
    seen.push(...page.items.map((d) => d.id));
    if (!page.next_cursor) break;
    url = `/v1/applicants/${applicant.id}/documents?limit=3&cursor=${page.next_cursor}`;
  }
  t.same(seen.sort(), [...ids].sort(), 'every document once, across pages');

  const transcripts = (
    await get(ctx, `/v1/documents?type=transcript&applicant_id=${applicant.id}`, school.token)
  ).json().items;
  t.equal(transcripts.length, 2);
  const future = new Date(Date.now() + 60_000).toISOString();
  t.equal(
    (await get(ctx, `/v1/documents?updated_since=${encodeURIComponent(future)}`, school.token)).json().items.length,
    0,
  );
  t.equal((await get(ctx, '/v1/documents?status=revoked', school.token)).json().items.length, 0);
  expectProblem(t, await get(ctx, '/v1/documents?cursor=bm9wZQ', school.token), 'invalid_cursor');
  expectProblem(t, await get(ctx, '/v1/documents?limit=500', school.token), 'validation_failed');
  expectProblem(t, await get(ctx, '/v1/documents?colour=blue', school.token), 'validation_failed');
});
