import { randomUUID } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { createDatabase } from '../../src/db/database.js';
import type { DB } from '../../src/db/types.js';
import { createLogger } from '../../src/logger.js';
import { expectRefused } from '../support/refusal.js';
import { bearer, buildTestApp } from '../support/test-app.js';
import {
  call,
  get,
  registerApplicant,
  release,
  releaseRequest,
  releaseTables,
  releaseWorld,
  verifiedDocument,
  withdraw,
} from './helpers.js';

t.test('releasing: every bad request is refused with its code and stores nothing', async (t) => {
  const ctx = await buildTestApp(t);
  const { school, applicant, program, transcript } = await releaseWorld(ctx);
  const other = await registerApplicant(ctx, { given_name: 'Kofi', family_name: 'Annan', date_of_birth: '1992-02-02' });
  const othersDocument = await verifiedDocument(ctx, school, other);
  const refused = (
    token: string,
    request: ReturnType<typeof releaseRequest>,
    code: Parameters<typeof expectRefused>[3],
  ) => expectRefused(t, ctx, { ...request, headers: { ...request.headers, ...bearer(token) } }, code, releaseTables);

  const theirs = await refused(
    applicant.token,
    releaseRequest(applicant.id, othersDocument.document.id, program.id),
    'document_not_releasable',
  );
  const unknown = await refused(
    applicant.token,
    releaseRequest(applicant.id, randomUUID(), program.id),
    'document_not_releasable',
  );
  t.equal(theirs.detail, unknown.detail, "another applicant's document and an unknown id get the same answer");

  const needsReview = await verifiedDocument(ctx, school, { ...applicant, given_name: 'Chiamakah' });
  t.equal(needsReview.document.status, 'needs_review');
  const notVerified = await refused(
    applicant.token,
    releaseRequest(applicant.id, needsReview.document.id, program.id),
    'document_not_releasable',
  );
  t.match(notVerified.detail, /needs_review/);

  const revokedDoc = await verifiedDocument(ctx, school, applicant);
  await call(ctx, school.token, {
    method: 'POST',
    url: `/v1/documents/${revokedDoc.document.id}/revoke`,
    payload: { reason: 'issued in error' },
  });
  await refused(
    applicant.token,
    releaseRequest(applicant.id, revokedDoc.document.id, program.id),
    'document_not_releasable',
  );

  await refused(applicant.token, releaseRequest(applicant.id, transcript.document.id, randomUUID()), 'program_unknown');

  await release(ctx, applicant, transcript.document.id, program.id);
  await refused(applicant.token, releaseRequest(applicant.id, transcript.document.id, program.id), 'release_exists');

  // A supersede moved the release to the replacement; the replaced document cannot be released again.
  const replacement = await verifiedDocument(ctx, school, applicant, { supersedes: transcript.document.id });
  await refused(
    applicant.token,
    releaseRequest(applicant.id, transcript.document.id, program.id),
    'document_not_releasable',
  );
  await refused(applicant.token, releaseRequest(applicant.id, replacement.document.id, program.id), 'release_exists');

  await refused(applicant.token, releaseRequest(other.id, othersDocument.document.id, program.id), 'not_found');
  for (const token of [school.token, program.token, await ctx.issuer.admin()]) {
    await refused(token, releaseRequest(applicant.id, transcript.document.id, program.id), 'forbidden');
  }

  const url = `/v1/applicants/${applicant.id}/releases`;
  const body = (payload: unknown) => ({ method: 'POST' as const, url, payload: payload as Record<string, unknown> });
  await refused(applicant.token, body({ document_id: transcript.document.id }), 'validation_failed');
  await refused(applicant.token, body({ document_id: 'not-a-uuid', program_id: program.id }), 'validation_failed');
  await refused(
    applicant.token,
    body({ document_id: transcript.document.id, program_id: program.id, applicant_id: other.id }),
    'validation_failed',
  );
  await refused(applicant.token, body([transcript.document.id, program.id]), 'validation_failed');
  await refused(
    applicant.token,
    { method: 'POST', url, payload: '{"document_id":', headers: { 'content-type': 'application/json' } },
    'malformed_json',
  );
});

t.test('withdrawing: only the applicant, only their own releases', async (t) => {
  const ctx = await buildTestApp(t);
  const { school, applicant, program, transcript } = await releaseWorld(ctx);
  const other = await registerApplicant(ctx, { given_name: 'Kofi', family_name: 'Annan', date_of_birth: '1992-02-02' });
  const made = await release(ctx, applicant, transcript.document.id, program.id);
  const remove = (id: string) => ({ method: 'DELETE' as const, url: `/v1/releases/${id}` });

  await expectRefused(t, ctx, { ...remove(made.id), headers: bearer(other.token) }, 'not_found', releaseTables);
  await expectRefused(
    t,
    ctx,
    { ...remove(randomUUID()), headers: bearer(applicant.token) },
    'not_found',
    releaseTables,
  );
  await expectRefused(
    t,
    ctx,
    { ...remove('not-a-uuid'), headers: bearer(applicant.token) },
    'validation_failed',
    releaseTables,
  );
  for (const token of [school.token, program.token, await ctx.issuer.admin()]) {
    await expectRefused(t, ctx, { ...remove(made.id), headers: bearer(token) }, 'forbidden', releaseTables);
  }
  t.equal(
    (await get(ctx, program.token, `/v1/documents/${transcript.document.id}`)).statusCode,
    200,
    'the release still stands',
  );
  t.equal((await withdraw(ctx, applicant, made.id)).statusCode, 200);
});

t.test('programs see only what is released to them now; everything else is 404, never 403', async (t) => {
  const ctx = await buildTestApp(t, { MSPE_RELEASE_AT: '2099-01-01T00:00:00Z' });
  const { school, applicant, program, otherProgram, transcript } = await releaseWorld(ctx);
  const withdrawnDoc = await verifiedDocument(ctx, school, applicant);
  const mspe = await verifiedDocument(ctx, school, applicant, { type: 'mspe' });
  await release(ctx, applicant, transcript.document.id, otherProgram.id);
  await release(ctx, applicant, mspe.document.id, program.id);
  const ended = await release(ctx, applicant, withdrawnDoc.document.id, program.id);
  await withdraw(ctx, applicant, ended.id);

  for (const [what, id] of [
    ['released to another program', transcript.document.id],
    ['after withdrawal', withdrawnDoc.document.id],
    ['an unknown id', randomUUID()],
  ] as const) {
    for (const suffix of ['', '/content', '/receipt', '/events']) {
      await expectRefused(
        t,
        ctx,
        { method: 'GET', url: `/v1/documents/${id}${suffix}`, headers: bearer(program.token) },
        'not_found',
        releaseTables,
      );
    }
    t.pass(`${what}: 404 for the document, its content, receipt and events`);
  }
  await expectRefused(
    t,
    ctx,
    { method: 'GET', url: `/v1/documents/${mspe.document.id}/content`, headers: bearer(program.token) },
    'embargoed',
    releaseTables,
  );
  await expectRefused(
    t,
    ctx,
    { method: 'GET', url: `/v1/programs/${otherProgram.id}/documents`, headers: bearer(program.token) },
    'not_found',
    releaseTables,
  );
  await expectRefused(
    t,
    ctx,
    { method: 'GET', url: `/v1/programs/${randomUUID()}/documents`, headers: bearer(await ctx.issuer.admin()) },
    'not_found',
    releaseTables,
  );
  for (const token of [school.token, applicant.token]) {
    await expectRefused(
      t,
      ctx,
      { method: 'GET', url: `/v1/programs/${program.id}/documents`, headers: bearer(token) },
      'forbidden',
      releaseTables,
    );
  }
  const list = `/v1/programs/${program.id}/documents`;
  await expectRefused(
    t,
    ctx,
    { method: 'GET', url: `${list}?cursor=garbage`, headers: bearer(program.token) },
    'invalid_cursor',
    releaseTables,
  );
  await expectRefused(
    t,
    ctx,
    { method: 'GET', url: `${list}?school_id=${school.id}`, headers: bearer(program.token) },
    'validation_failed',
    releaseTables,
  );
  await expectRefused(
    t,
    ctx,
    { method: 'GET', url: `${list}?limit=500`, headers: bearer(program.token) },
    'validation_failed',
    releaseTables,
  );
  await expectRefused(
    t,
    ctx,
    { method: 'GET', url: `${list}?updated_since=yesterday`, headers: bearer(program.token) },
    'validation_failed',
    releaseTables,
  );
});

t.test('applicants read only their own releases and disclosures', async (t) => {
  const ctx = await buildTestApp(t);
  const { school, applicant, program } = await releaseWorld(ctx);
  const other = await registerApplicant(ctx, { given_name: 'Kofi', family_name: 'Annan', date_of_birth: '1992-02-02' });
  for (const list of ['releases', 'disclosures']) {
    await expectRefused(
      t,
      ctx,
      { method: 'GET', url: `/v1/applicants/${applicant.id}/${list}`, headers: bearer(other.token) },
      'not_found',
      releaseTables,
    );
    await expectRefused(
      t,
      ctx,
      { method: 'GET', url: `/v1/applicants/${randomUUID()}/${list}`, headers: bearer(await ctx.issuer.admin()) },
      'not_found',
      releaseTables,
    );
    for (const token of [school.token, program.token]) {
      await expectRefused(
        t,
        ctx,
        { method: 'GET', url: `/v1/applicants/${applicant.id}/${list}`, headers: bearer(token) },
        'forbidden',
        releaseTables,
      );
    }
    await expectRefused(
      t,
      ctx,
      { method: 'GET', url: `/v1/applicants/${applicant.id}/${list}?cursor=x`, headers: bearer(applicant.token) },
      'invalid_cursor',
      releaseTables,
    );
    await expectRefused(
      t,
      ctx,
      {
        method: 'GET',
        url: `/v1/applicants/${applicant.id}/${list}?program_id=${program.id}`,
        headers: bearer(applicant.token),
      },
      'validation_failed',
      releaseTables,
    );
  }
});

t.test(
  'guessing document ids: an unknown id and a document the program may not see take the same single query',
  async (t) => {
    const ctx = await buildTestApp(t);
    const { school, applicant, program, otherProgram, transcript } = await releaseWorld(ctx);
    const withdrawnDoc = await verifiedDocument(ctx, school, applicant);
    const mine = await verifiedDocument(ctx, school, applicant);
    await release(ctx, applicant, transcript.document.id, otherProgram.id);
    await withdraw(ctx, applicant, (await release(ctx, applicant, withdrawnDoc.document.id, program.id)).id);
    await release(ctx, applicant, mine.document.id, program.id);

    // The same service on the same database, with every SQL statement it sends written down.
    const { pool } = createDatabase(ctx.database.url, 2);
    const statements: string[] = [];
    const db = new Kysely<DB>({
      dialect: new PostgresDialect({ pool }),
      log: (event) => void (event.level === 'query' && statements.push(event.query.sql)),
    });
    const app = await buildApp({
      config: ctx.config,
      db,
      logger: createLogger('silent'),
      serviceKey: ctx.app.serviceKey,
    });
    t.teardown(async () => {
      await app.close();
      await db.destroy();
    });
    const probe = async (id: string) => {
      statements.length = 0;
      const response = await app.inject({ method: 'GET', url: `/v1/documents/${id}`, headers: bearer(program.token) });
      return { status: response.statusCode, body: response.body, statements: [...statements] };
    };

    const unknown = await probe(randomUUID());
    const elsewhere = await probe(transcript.document.id);
    const withdrawn = await probe(withdrawnDoc.document.id);
    const visible = await probe(mine.document.id);
    t.equal(unknown.status, 404);
    t.equal(unknown.statements.length, 1, 'one query');
    t.same(elsewhere, unknown, "another program's document: the same answer, from the same statement");
    t.same(withdrawn, unknown, 'a withdrawn release: the same answer, from the same statement');
    t.equal(visible.status, 200);
    t.same(visible.statements, unknown.statements, 'a released document is read by that same statement too');
  },
);

t.test('the same release twice at once: one is made, the other is release_exists', async (t) => {
  const ctx = await buildTestApp(t);
  const { applicant, program, transcript } = await releaseWorld(ctx);
  const request = releaseRequest(applicant.id, transcript.document.id, program.id);
  const answers = await Promise.all([call(ctx, applicant.token, request), call(ctx, applicant.token, request)]);
  t.same(answers.map((answer) => answer.statusCode).sort(), [201, 409]);
  const { count } = await ctx.db
    .selectFrom('releases')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  t.equal(Number(count), 1, 'one release stored');
  const events = await ctx.db.selectFrom('webhook_events').select('id').where('type', '=', 'release.created').execute();
  t.equal(events.length, 1, 'one release.created event');
});
