import t from 'tap';
import { webhookEventTypes } from '../../src/webhooks/tables.js';
import { pdf, submit } from '../support/documents.js';
import { registerApplicant, registerProgram, registerSchool } from '../support/registry.js';
import { bearer, buildTestApp, type TestApp } from '../support/test-app.js';

const allEvents = [...webhookEventTypes];

async function endpoint(ctx: TestApp, token: string): Promise<string> {
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/v1/webhooks',
    headers: bearer(token),
    payload: { url: 'https://receiver.example/hooks', events: allEvents },
  });
  if (response.statusCode !== 201) throw new Error(response.body);
  return response.json().id as string;
}

/** What each endpoint has queued, in order: the event type and the document it is about. */
async function queued(ctx: TestApp, endpointId: string) {
  const rows = await ctx.db
    .selectFrom('webhook_deliveries')
    .innerJoin('webhook_events', 'webhook_events.id', 'webhook_deliveries.event_id')
    .select(['webhook_events.type', 'webhook_events.data'])
    .where('webhook_deliveries.endpoint_id', '=', endpointId)
    .orderBy('webhook_events.created_at')
    .orderBy('webhook_events.type')
    .execute();
  return rows.map((row) => ({ type: row.type, document_id: (row.data as { document_id?: string }).document_id }));
}

t.test(
  'every status change is announced in the same transaction to the school, and to programs it is released to',
  async (t) => {
    const ctx = await buildTestApp(t);
    const school = await registerSchool(ctx);
    const otherSchool = await registerSchool(ctx);
    const applicant = await registerApplicant(ctx);
    const program = await registerProgram(ctx);
    const otherProgram = await registerProgram(ctx);
    const schoolHook = await endpoint(ctx, school.token);
    const otherSchoolHook = await endpoint(ctx, otherSchool.token);
    const programHook = await endpoint(ctx, program.token);
    const otherProgramHook = await endpoint(ctx, otherProgram.token);
    const adminHook = await endpoint(ctx, await ctx.issuer.admin());

    const original = await submit(ctx, school, applicant);
    const released = await ctx.app.inject({
      method: 'POST',
      url: `/v1/applicants/${applicant.id}/releases`,
      headers: bearer(applicant.token),
      payload: { document_id: original.document.id, program_id: program.id },
    });
    t.equal(released.statusCode, 201, released.body);
    const replacement = await submit(ctx, school, applicant, {
      supersedes: original.document.id,
      file: pdf('corrected'),
    });
    const revoked = await ctx.app.inject({
      method: 'POST',
      url: `/v1/documents/${replacement.document.id}/revoke`,
      headers: bearer(school.token),
      payload: { reason: 'issued in error' },
    });
    t.equal(revoked.statusCode, 200);

    const oldId = original.document.id;
    const newId = replacement.document.id;
    t.same(await queued(ctx, schoolHook), [
      { type: 'document.verified', document_id: oldId },
      { type: 'release.created', document_id: oldId },
      { type: 'document.superseded', document_id: oldId },
      { type: 'document.verified', document_id: newId },
      { type: 'document.revoked', document_id: newId },
    ]);
    t.same(
      await queued(ctx, programHook),
      [
        { type: 'release.created', document_id: oldId },
        { type: 'document.superseded', document_id: oldId },
        // The verified replacement takes the release over, and the program hears it with the supersede.
        { type: 'document.verified', document_id: newId },
        { type: 'document.revoked', document_id: newId },
      ],
      'the program hears from its release on, and follows the release to the replacement',
    );
    t.same(await queued(ctx, otherSchoolHook), [], "another school hears nothing of this school's documents");
    t.same(await queued(ctx, otherProgramHook), [], 'a program it was not released to hears nothing');
    t.equal((await queued(ctx, adminHook)).length, 5, 'an operator hears everything');

    const superseded = await ctx.db
      .selectFrom('webhook_events')
      .select('data')
      .where('type', '=', 'document.superseded')
      .executeTakeFirstOrThrow();
    t.match(superseded.data, {
      document_id: oldId,
      status: 'superseded',
      previous_status: 'verified',
      superseded_by: newId,
    });
  },
);

t.test('a refused submission announces nothing', async (t) => {
  const ctx = await buildTestApp(t);
  const school = await registerSchool(ctx);
  const applicant = await registerApplicant(ctx);
  await endpoint(ctx, school.token);
  const bad = await submit(ctx, school, applicant, { override: { iss: 'F0000000' } });
  t.equal(bad.response.statusCode, 422);
  t.equal((await ctx.db.selectFrom('webhook_events').select('id').execute()).length, 0);
});
