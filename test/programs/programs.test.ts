import { randomInt } from 'node:crypto';
import t from 'tap';
import { expectProblem } from '../support/expect-problem.js';
import { expectRefused } from '../support/refusal.js';
import { bearer, buildTestApp } from '../support/test-app.js';

const acgmeId = () => String(randomInt(10_000_000_000)).padStart(10, '0');
const aProgram = (overrides: Record<string, unknown> = {}) => ({
  acgme_id: acgmeId(),
  name: 'Johns Hopkins Hospital Program',
  specialty: 'Internal Medicine',
  ...overrides,
});

t.test('an operator registers a program, which can then read its own record', async (t) => {
  const ctx = await buildTestApp(t);
  const admin = bearer(await ctx.issuer.admin());
  const body = aProgram({ name: 'Programa de Residencia Me\u0301dica' });
  const created = await ctx.app.inject({ method: 'POST', url: '/v1/programs', headers: admin, payload: body });
  t.equal(created.statusCode, 201);
  const program = created.json();
  t.match(program, {
    ...body,
    name: 'Programa de Residencia M\u00e9dica',
    id: /^[0-9a-f-]{36}$/,
    created_at: /Z$/,
    updated_at: /Z$/,
  });
  t.same(Object.keys(program).sort(), ['acgme_id', 'created_at', 'id', 'name', 'specialty', 'updated_at']);

  const own = await ctx.app.inject({
    method: 'GET',
    url: `/v1/programs/${program.id}`,
    headers: bearer(await ctx.issuer.program(program.id)),
  });
  t.same(own.json(), program);
  const another = bearer(await ctx.issuer.program('00000000-0000-4000-8000-000000000003'));
  expectProblem(
    t,
    await ctx.app.inject({ method: 'GET', url: `/v1/programs/${program.id}`, headers: another }),
    'not_found',
  );
});

t.test('a program that does not fit the rules is refused with nothing stored', async (t) => {
  const ctx = await buildTestApp(t);
  const headers = bearer(await ctx.issuer.admin());
  const cases: [string, Record<string, unknown>, string][] = [
    ['ACGME id of 9 digits', aProgram({ acgme_id: '123456789' }), 'body.acgme_id'],
    ['ACGME id of 11 digits', aProgram({ acgme_id: '12345678901' }), 'body.acgme_id'],
    ['ACGME id with a letter', aProgram({ acgme_id: '12345678X0' }), 'body.acgme_id'],
    ['a name of 201 characters', aProgram({ name: 'n'.repeat(201) }), 'body.name'],
    ['an empty specialty', aProgram({ specialty: '' }), 'body.specialty'],
    ['an unknown field', aProgram({ director: 'Dr. House' }), 'body.director'],
  ];
  for (const [name, payload, path] of cases) {
    await t.test(name, async (t) => {
      const problem = await expectRefused(
        t,
        ctx,
        { method: 'POST', url: '/v1/programs', headers, payload },
        'validation_failed',
      );
      t.match(problem.errors, [{ path }]);
    });
  }
  await t.test('an ACGME id already registered is 409 program_exists', async (t) => {
    const first = aProgram();
    t.equal((await ctx.app.inject({ method: 'POST', url: '/v1/programs', headers, payload: first })).statusCode, 201);
    await expectRefused(
      t,
      ctx,
      { method: 'POST', url: '/v1/programs', headers, payload: aProgram({ acgme_id: first.acgme_id }) },
      'program_exists',
    );
  });
});
