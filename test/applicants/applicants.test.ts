import { randomInt } from 'node:crypto';
import t from 'tap';
import { expectProblem } from '../support/expect-problem.js';
import { expectRefused } from '../support/refusal.js';
import { bearer, buildTestApp } from '../support/test-app.js';

const ecfmgId = () => String(randomInt(100_000_000)).padStart(8, '0');
const anApplicant = (overrides: Record<string, unknown> = {}) => ({
  ecfmg_id: ecfmgId(),
  given_name: 'Chiamaka',
  family_name: 'Okafor',
  date_of_birth: '1996-04-12',
  email: 'chiamaka.okafor@example.com',
  ...overrides,
});
const utcDay = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

t.test('an operator registers an applicant, who can then read their own record', async (t) => {
  const ctx = await buildTestApp(t);
  const admin = bearer(await ctx.issuer.admin());
  const body = anApplicant();
  const created = await ctx.app.inject({ method: 'POST', url: '/v1/applicants', headers: admin, payload: body });
  t.equal(created.statusCode, 201);
  const applicant = created.json();
  t.match(applicant, { ...body, id: /^[0-9a-f-]{36}$/, created_at: /Z$/, updated_at: /Z$/ });
  t.same(Object.keys(applicant).sort(), [
    'created_at',
    'date_of_birth',
    'ecfmg_id',
    'email',
    'family_name',
    'given_name',
    'id',
    'updated_at',
  ]);

  const own = await ctx.app.inject({
    method: 'GET',
    url: `/v1/applicants/${applicant.id}`,
    headers: bearer(await ctx.issuer.applicant(applicant.id)),
  });
  t.equal(own.statusCode, 200);
  t.same(own.json(), applicant);

  const someoneElse = bearer(await ctx.issuer.applicant('00000000-0000-4000-8000-000000000001'));
  expectProblem(
    t,
    await ctx.app.inject({ method: 'GET', url: `/v1/applicants/${applicant.id}`, headers: someoneElse }),
    'not_found',
  );
  expectProblem(
    t,
    await ctx.app.inject({ method: 'GET', url: '/v1/applicants/00000000-0000-4000-8000-000000000002', headers: admin }),
    'not_found',
  );
});

t.test('email is optional, and names in any script are kept as given in NFC', async (t) => {
  const ctx = await buildTestApp(t);
  const admin = bearer(await ctx.issuer.admin());
  const { email: _email, ...withoutEmail } = anApplicant({ given_name: 'Nguye\u0302\u0303n', family_name: '黄' });
  const created = await ctx.app.inject({
    method: 'POST',
    url: '/v1/applicants',
    headers: admin,
    payload: withoutEmail,
  });
  t.equal(created.statusCode, 201);
  t.match(created.json(), { email: null, given_name: 'Nguy\u1ec5n', family_name: '黄' });
  t.equal(created.json().given_name, 'Nguyễn'.normalize('NFC'));
  const born = await ctx.app.inject({
    method: 'POST',
    url: '/v1/applicants',
    headers: admin,
    payload: anApplicant({ date_of_birth: '2000-02-29' }),
  });
  t.equal(born.json().date_of_birth, '2000-02-29', 'a leap day that exists, returned as the same day');
});

t.test('an applicant that does not fit the rules is refused with nothing stored', async (t) => {
  const ctx = await buildTestApp(t);
  const headers = bearer(await ctx.issuer.admin());
  const cases: [string, Record<string, unknown>, string, string?][] = [
    ['ECFMG id of 7 digits', anApplicant({ ecfmg_id: '1234567' }), 'body.ecfmg_id'],
    ['ECFMG id of 9 digits', anApplicant({ ecfmg_id: '123456789' }), 'body.ecfmg_id'],
    ['ECFMG id with letters', anApplicant({ ecfmg_id: '1234567A' }), 'body.ecfmg_id'],
    ['ECFMG id as a JSON number, not a string', anApplicant({ ecfmg_id: 12345678 }), 'body.ecfmg_id'],
    ['a name as a JSON number', anApplicant({ given_name: 42 }), 'body.given_name'],
    ['a day that does not exist (2001-02-29)', anApplicant({ date_of_birth: '2001-02-29' }), 'body.date_of_birth'],
    ['month 13', anApplicant({ date_of_birth: '1996-13-01' }), 'body.date_of_birth'],
    ['a date in another format', anApplicant({ date_of_birth: '12/04/1996' }), 'body.date_of_birth'],
    ['a date and time', anApplicant({ date_of_birth: '1996-04-12T00:00:00Z' }), 'body.date_of_birth'],
    [
      'a date of birth tomorrow',
      anApplicant({ date_of_birth: utcDay(1) }),
      'body.date_of_birth',
      'must not be in the future',
    ],
    ['a date of birth before 1900', anApplicant({ date_of_birth: '1899-12-31' }), 'body.date_of_birth'],
    ['an email that is not one', anApplicant({ email: 'chiamaka at example.com' }), 'body.email'],
    ['an empty given name', anApplicant({ given_name: '' }), 'body.given_name'],
    ['a family name of 101 characters', anApplicant({ family_name: 'x'.repeat(101) }), 'body.family_name'],
    ['a name with trailing space', anApplicant({ family_name: 'Okafor ' }), 'body.family_name'],
    ['a name with a newline', anApplicant({ given_name: 'Chia\nmaka' }), 'body.given_name'],
    ['an unknown field', anApplicant({ middle_name: 'Ada' }), 'body.middle_name'],
    ['a missing date of birth', { ecfmg_id: ecfmgId(), given_name: 'A', family_name: 'B' }, 'body.date_of_birth'],
  ];
  for (const [name, payload, path, message] of cases) {
    await t.test(name, async (t) => {
      const problem = await expectRefused(
        t,
        ctx,
        { method: 'POST', url: '/v1/applicants', headers, payload },
        'validation_failed',
      );
      t.match(problem.errors, [{ path, ...(message ? { message } : {}) }]);
    });
  }
});

t.test(
  'today is a valid date of birth (UTC), and an ECFMG id already registered is 409 applicant_exists',
  async (t) => {
    const ctx = await buildTestApp(t);
    const headers = bearer(await ctx.issuer.admin());
    const first = anApplicant({ date_of_birth: utcDay(0) });
    t.equal((await ctx.app.inject({ method: 'POST', url: '/v1/applicants', headers, payload: first })).statusCode, 201);
    const problem = await expectRefused(
      t,
      ctx,
      {
        method: 'POST',
        url: '/v1/applicants',
        headers,
        payload: anApplicant({ ecfmg_id: first.ecfmg_id, given_name: 'Other' }),
      },
      'applicant_exists',
    );
    t.match(problem.detail, first.ecfmg_id);
  },
);
