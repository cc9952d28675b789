import { randomUUID } from 'node:crypto';
import t from 'tap';
import { submit } from '../support/documents.js';
import { expectProblem } from '../support/expect-problem.js';
import { newEcfmgId, registerApplicant, registerSchool } from '../support/registry.js';
import { bearer, buildTestApp } from '../support/test-app.js';

t.test("an operator sees the manifest's identity beside the registered applicant's before deciding", async (t) => {
  const ctx = await buildTestApp(t);
  const school = await registerSchool(ctx);
  const applicant = await registerApplicant(ctx, { given_name: 'Chiamaka', family_name: 'Okafor' });
  const admin = bearer(await ctx.issuer.admin());
  const typo = await submit(ctx, school, { ...applicant, family_name: 'Okafo' });
  t.equal(typo.document.status, 'needs_review');

  const check = await ctx.app.inject({
    method: 'GET',
    url: `/v1/documents/${typo.document.id}/identity-check`,
    headers: admin,
  });
  t.equal(check.statusCode, 200);
  t.same(check.json(), {
    document: typo.document,
    manifest: {
      ecfmg_id: applicant.ecfmg_id,
      given_name: 'Chiamaka',
      family_name: 'Okafo',
      date_of_birth: applicant.date_of_birth,
    },
    registered: {
      id: applicant.id,
      ecfmg_id: applicant.ecfmg_id,
      given_name: 'Chiamaka',
      family_name: 'Okafor',
      date_of_birth: applicant.date_of_birth,
    },
  });

  const read = await ctx.app.inject({
    method: 'GET',
    url: `/v1/documents/${typo.document.id}`,
    headers: bearer(school.token),
  });
  t.notMatch(read.json(), { family_name: String }, 'the document itself never carries the manifest identity');
  expectProblem(
    t,
    await ctx.app.inject({
      method: 'GET',
      url: `/v1/documents/${typo.document.id}/identity-check`,
      headers: bearer(school.token),
    }),
    'forbidden',
  );
  expectProblem(
    t,
    await ctx.app.inject({ method: 'GET', url: `/v1/documents/${randomUUID()}/identity-check`, headers: admin }),
    'not_found',
  );
});

t.test('a document no registered applicant has the ECFMG ID of shows none beside it', async (t) => {
  const ctx = await buildTestApp(t);
  const school = await registerSchool(ctx);
  const who = { ecfmg_id: newEcfmgId(), given_name: 'Amina', family_name: 'Bello', date_of_birth: '1997-06-01' };
  const early = await submit(ctx, school, who);
  t.equal(early.document.status, 'unmatched');
  const check = await ctx.app.inject({
    method: 'GET',
    url: `/v1/documents/${early.document.id}/identity-check`,
    headers: bearer(await ctx.issuer.admin()),
  });
  t.match(check.json(), { manifest: who, registered: null });
});
