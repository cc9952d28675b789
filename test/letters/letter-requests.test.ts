import t from 'tap';
import { submit } from '../support/documents.js';
import { registerApplicant, registerSchool } from '../support/registry.js';
import { bearer, buildTestApp } from '../support/test-app.js';

interface LetterRequest {
  letter_id: string;
  school_id: string | null;
  school: { id: string; wdoms_id: string; name: string; country: string } | null;
  status: string;
}

t.test('a letter request names the school it waits for, by the directory’s public facts', async (t) => {
  const ctx = await buildTestApp(t);
  const school = await registerSchool(ctx);
  const applicant = await registerApplicant(ctx);
  const publicFacts = { id: school.id, wdoms_id: school.wdoms_id, name: school.name, country: 'NG' };

  const made = await ctx.app.inject({
    method: 'POST',
    url: `/v1/applicants/${applicant.id}/letter-requests`,
    headers: bearer(applicant.token),
    payload: { school_id: school.id, author_name: 'Prof. Ngozi Eze', waive_right_to_view: true },
  });
  t.equal(made.statusCode, 201);
  const request = made.json<LetterRequest>();
  t.same(request.school, publicFacts, 'the answer to the request names the school asked');
  const directory = await ctx.app.inject({
    method: 'GET',
    url: `/v1/schools/directory?q=${school.wdoms_id}`,
    headers: bearer(applicant.token),
  });
  t.same(directory.json().items, [request.school], 'the same facts the directory shows the applicant');

  const listed = async (token: string) =>
    (
      await ctx.app.inject({
        method: 'GET',
        url: `/v1/applicants/${applicant.id}/letter-requests`,
        headers: bearer(token),
      })
    ).json<{ items: LetterRequest[] }>().items;
  t.match(await listed(applicant.token), [{ letter_id: request.letter_id, status: 'requested', school: publicFacts }]);
  const [seenByOperator] = await listed(await ctx.issuer.admin());
  t.same(seenByOperator?.school, publicFacts, 'an operator sees the same');
  t.notOk(JSON.stringify(seenByOperator).includes('registrar-'), "the school's contact e-mail is not in it");

  await submit(ctx, school, applicant, { type: 'lor', letter_id: request.letter_id });
  t.match(
    await listed(applicant.token),
    [{ status: 'received', school: publicFacts }],
    'the answered request still names its school',
  );
});

t.test('a request made before requests named a school names none', async (t) => {
  const ctx = await buildTestApp(t);
  const applicant = await registerApplicant(ctx);
  // As migration 0006 left the requests made before it: no school.
  await ctx.db
    .insertInto('letter_requests')
    .values({
      applicant_id: applicant.id,
      school_id: null,
      author_name: 'Dr. Old',
      waive_right_to_view: false,
      author_email: null,
    })
    .execute();
  const listed = await ctx.app.inject({
    method: 'GET',
    url: `/v1/applicants/${applicant.id}/letter-requests`,
    headers: bearer(applicant.token),
  });
  t.equal(listed.statusCode, 200);
  t.match(listed.json().items, [{ author_name: 'Dr. Old', school_id: null, school: null }]);
});
