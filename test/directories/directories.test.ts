import { randomInt } from 'node:crypto';
import t from 'tap';
import { expectProblem } from '../support/expect-problem.js';
import { registerApplicant, registerSchool } from '../support/registry.js';
import { bearer, buildTestApp, type TestApp } from '../support/test-app.js';

interface Page<T> {
  items: T[];
  next_cursor: string | null;
}
interface ProgramEntry {
  id: string;
  acgme_id: string;
  name: string;
  specialty: string;
}
interface SchoolEntry {
  id: string;
  wdoms_id: string;
  name: string;
  country: string;
}

const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');

async function addProgram(ctx: TestApp, name: string, specialty: string): Promise<ProgramEntry> {
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/v1/programs',
    headers: bearer(await ctx.issuer.admin()),
    payload: { acgme_id: digits(10), name, specialty },
  });
  return response.json<ProgramEntry>();
}

async function addSchool(ctx: TestApp, name: string, country: string, status?: 'active' | 'suspended') {
  const admin = bearer(await ctx.issuer.admin());
  const wdoms_id = `F${digits(7)}`;
  const created = await ctx.app.inject({
    method: 'POST',
    url: '/v1/schools',
    headers: admin,
    payload: { wdoms_id, name, country, contact_email: `registrar-${wdoms_id.toLowerCase()}@example.edu` },
  });
  const school = created.json<SchoolEntry>();
  for (const next of status === 'suspended' ? ['active', 'suspended'] : status ? [status] : []) {
    await ctx.app.inject({
      method: 'PATCH',
      url: `/v1/schools/${school.id}`,
      headers: admin,
      payload: { status: next, reason: 'vetting' },
    });
  }
  return school;
}

async function programDirectory(ctx: TestApp, token: string, query: string): Promise<Page<ProgramEntry>> {
  const response = await ctx.app.inject({ method: 'GET', url: `/v1/programs?${query}`, headers: bearer(token) });
  if (response.statusCode !== 200) throw new Error(`${response.statusCode} ${response.body}`);
  return response.json();
}

async function schoolDirectory(ctx: TestApp, token: string, query: string): Promise<Page<SchoolEntry>> {
  const response = await ctx.app.inject({
    method: 'GET',
    url: `/v1/schools/directory?${query}`,
    headers: bearer(token),
  });
  if (response.statusCode !== 200) throw new Error(`${response.statusCode} ${response.body}`);
  return response.json();
}

const names = (page: Page<{ name: string }>) => page.items.map((item) => item.name);

t.test(
  'an applicant finds the program to release a document to by the start of words of its name or specialty, or its ACGME ID',
  async (t) => {
    const ctx = await buildTestApp(t);
    const hopkins = await addProgram(ctx, 'Johns Hopkins Hospital Program', 'Internal Medicine');
    await addProgram(ctx, 'Hospital São José Residência', 'Pediatrics');
    await addProgram(ctx, 'Mayo Clinic College of Medicine (Rochester)', 'Cardiovascular Disease');
    const applicant = await registerApplicant(ctx);

    t.same(names(await programDirectory(ctx, applicant.token, 'q=hopkins')), ['Johns Hopkins Hospital Program']);
    t.same(
      names(await programDirectory(ctx, applicant.token, 'q=hospital')),
      ['Johns Hopkins Hospital Program', 'Hospital São José Residência'],
      'a word anywhere in the name, oldest first',
    );
    t.same(
      names(await programDirectory(ctx, applicant.token, `q=${encodeURIComponent('SAO JOSE')}`)),
      ['Hospital São José Residência'],
      'case and accents do not matter',
    );
    t.same(
      names(await programDirectory(ctx, applicant.token, `q=${encodeURIComponent('cardio')}`)),
      ['Mayo Clinic College of Medicine (Rochester)'],
      'by specialty',
    );
    const byId = await programDirectory(ctx, applicant.token, `q=${hopkins.acgme_id}`);
    const { id, acgme_id, name, specialty } = hopkins;
    t.same(byId.items, [{ id, acgme_id, name, specialty }], 'a whole ACGME ID finds that program');
    t.same(
      Object.keys(byId.items[0] ?? {}).sort(),
      ['acgme_id', 'id', 'name', 'specialty'],
      'public facts only: not our record of when it was registered or changed',
    );
    t.same(
      names(await programDirectory(ctx, applicant.token, 'q=hop%20joh')),
      ['Johns Hopkins Hospital Program'],
      'the start of each word typed, in any order',
    );
    t.same(names(await programDirectory(ctx, applicant.token, 'q=opkins')), [], 'not the middle of a word');
    t.same(names(await programDirectory(ctx, applicant.token, 'q=dermatology')), [], 'no match is an empty page');
    t.equal((await programDirectory(ctx, applicant.token, '')).items.length, 3, 'no q lists every program');
    t.equal((await programDirectory(ctx, applicant.token, 'q=%20%20')).items.length, 3, 'a blank q is no search');
  },
);

t.test('the program directory pages with a cursor, and the search holds across pages', async (t) => {
  const ctx = await buildTestApp(t);
  for (let i = 1; i <= 5; i++) await addProgram(ctx, `Surgery Program ${i}`, 'General Surgery');
  await addProgram(ctx, 'Unrelated Psychiatry Program', 'Psychiatry');
  const token = await ctx.issuer.program('00000000-0000-4000-8000-000000000009');
  const seen: string[] = [];
  let query = 'q=surgery&limit=2';
  for (let page = 0; page < 5; page++) {
    const answer = await programDirectory(ctx, token, query);
    seen.push(...names(answer));
    if (answer.next_cursor === null) break;
    query = `q=surgery&limit=2&cursor=${encodeURIComponent(answer.next_cursor)}`;
  }
  t.same(
    seen,
    [1, 2, 3, 4, 5].map((i) => `Surgery Program ${i}`),
  );
  expectProblem(
    t,
    await ctx.app.inject({ method: 'GET', url: '/v1/programs?cursor=made-up', headers: bearer(token) }),
    'invalid_cursor',
  );
});

t.test('a long query or SQL-looking text is refused or found as plain text, never run', async (t) => {
  const ctx = await buildTestApp(t);
  await addProgram(ctx, "St. Mary's 100% Hospital_Program", 'Family Medicine');
  await addProgram(ctx, 'St Marys Program', 'Family Medicine');
  const token = await ctx.issuer.admin();
  for (const url of [
    `/v1/programs?q=${'a'.repeat(10_000)}`,
    `/v1/programs?q=${'a'.repeat(201)}`,
    `/v1/schools/directory?q=${'a'.repeat(10_000)}`,
  ]) {
    const problem = expectProblem(
      t,
      await ctx.app.inject({ method: 'GET', url, headers: bearer(token) }),
      'validation_failed',
    );
    t.match(problem.errors, [{ path: 'querystring.q' }]);
  }
  const control = await ctx.app.inject({ method: 'GET', url: '/v1/programs?q=a%00b', headers: bearer(token) });
  t.match(expectProblem(t, control, 'validation_failed').errors, [{ path: 'querystring.q' }], 'a NUL byte');
  t.equal((await programDirectory(ctx, token, `q=${'a'.repeat(200)}`)).items.length, 0, '200 characters is allowed');

  for (const text of ["'; drop table programs; --", "' or '1'='1", '%', '_', '\\', "'", '":*|!']) {
    t.same(names(await programDirectory(ctx, token, `q=${encodeURIComponent(text)}`)), [], `${text} is text`);
  }
  t.same(
    names(await programDirectory(ctx, token, `q=${encodeURIComponent("Mary's 100%")}`)),
    ["St. Mary's 100% Hospital_Program"],
    'punctuation only separates the words looked for',
  );
  t.equal((await programDirectory(ctx, token, '')).items.length, 2, 'the programs are all still there');
});

t.test('the school directory lists active schools only, with no contact e-mail', async (t) => {
  const ctx = await buildTestApp(t);
  const lagos = await addSchool(ctx, 'University of Lagos College of Medicine', 'NG', 'active');
  const ibadan = await addSchool(ctx, 'College of Medicine, University of Ibadan', 'NG', 'active');
  const paulista = await addSchool(ctx, 'Escola Paulista de Medicina', 'BR', 'active');
  await addSchool(ctx, 'Pending College of Medicine', 'NG');
  await addSchool(ctx, 'Suspended College of Medicine', 'NG', 'suspended');
  const applicant = await registerApplicant(ctx);

  const all = await schoolDirectory(ctx, applicant.token, '');
  t.same(
    all.items,
    [lagos, ibadan, paulista].map(({ id, wdoms_id, name, country }) => ({ id, wdoms_id, name, country })),
  );
  t.same(names(await schoolDirectory(ctx, applicant.token, 'q=college')), [lagos.name, ibadan.name]);
  t.same(names(await schoolDirectory(ctx, applicant.token, 'q=PAULISTA')), [paulista.name]);
  t.same(names(await schoolDirectory(ctx, applicant.token, `q=${lagos.wdoms_id.toLowerCase()}`)), [lagos.name]);
  t.same(names(await schoolDirectory(ctx, applicant.token, 'country=br')), [paulista.name]);
  t.same(names(await schoolDirectory(ctx, applicant.token, 'q=medicine&country=NG')), [lagos.name, ibadan.name]);
  t.same(names(await schoolDirectory(ctx, applicant.token, 'q=pending')), [], 'a pending school is not listed');
  t.same(names(await schoolDirectory(ctx, applicant.token, 'q=suspended')), [], 'nor a suspended one');

  const paged = await schoolDirectory(ctx, applicant.token, 'limit=2');
  t.same(names(paged), [lagos.name, ibadan.name]);
  const rest = await schoolDirectory(
    ctx,
    applicant.token,
    `limit=2&cursor=${encodeURIComponent(paged.next_cursor ?? '')}`,
  );
  t.same(names(rest), [paulista.name]);
  t.equal(rest.next_cursor, null);
});

t.test('every signed-in caller may search both directories; no one else', async (t) => {
  const ctx = await buildTestApp(t);
  const school = await registerSchool(ctx);
  const applicant = await registerApplicant(ctx);
  const callers = {
    admin: await ctx.issuer.admin(),
    school: school.token,
    applicant: applicant.token,
    program: await ctx.issuer.program('00000000-0000-4000-8000-000000000009'),
  };
  for (const [role, token] of Object.entries(callers)) {
    t.same(names(await schoolDirectory(ctx, token, '')), [school.name], `${role} sees the active school`);
    t.equal((await programDirectory(ctx, token, '')).items.length, 0, `${role} may search programs`);
  }
  for (const url of ['/v1/programs', '/v1/schools/directory']) {
    expectProblem(t, await ctx.app.inject({ method: 'GET', url }), 'invalid_token');
  }
  const adminList = await ctx.app.inject({ method: 'GET', url: '/v1/schools', headers: bearer(callers.admin) });
  t.match(adminList.json(), { items: [{ contact_email: /@example\.edu$/ }] }, "the operator's own list is unchanged");
});
