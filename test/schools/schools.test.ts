import { randomInt } from 'node:crypto';
import t from 'tap';
import { expectProblem } from '../support/expect-problem.js';
import { expectRefused } from '../support/refusal.js';
import { bearer, buildTestApp, type TestApp } from '../support/test-app.js';

const wdomsId = () => `F${String(randomInt(10_000_000)).padStart(7, '0')}`;
const aSchool = (overrides: Record<string, unknown> = {}) => ({
  wdoms_id: wdomsId(),
  name: 'University of Ibadan College of Medicine',
  country: 'NG',
  contact_email: 'registrar@ui.edu.ng',
  ...overrides,
});

async function createSchool(ctx: TestApp, body: Record<string, unknown> = aSchool()) {
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/v1/schools',
    headers: bearer(await ctx.issuer.admin()),
    payload: body,
  });
  if (response.statusCode !== 201) throw new Error(`school not created: ${response.body}`);
  return response.json<{ id: string; wdoms_id: string; status: string; created_at: string; updated_at: string }>();
}

t.test('an operator registers a school: it starts pending, and its creation opens its history', async (t) => {
  const ctx = await buildTestApp(t);
  const admin = bearer(await ctx.issuer.admin());
  const body = aSchool();
  const created = await ctx.app.inject({ method: 'POST', url: '/v1/schools', headers: admin, payload: body });
  t.equal(created.statusCode, 201);
  const school = created.json();
  t.match(school, {
    ...body,
    id: /^[0-9a-f-]{36}$/,
    status: 'pending',
    status_reason: null,
    created_at: /Z$/,
    updated_at: /Z$/,
  });
  t.same(Object.keys(school).sort(), [
    'contact_email',
    'country',
    'created_at',
    'id',
    'name',
    'status',
    'status_reason',
    'updated_at',
    'wdoms_id',
  ]);

  const read = await ctx.app.inject({ method: 'GET', url: `/v1/schools/${school.id}`, headers: admin });
  t.same(read.json(), school, 'reading it back gives the same school');

  const events = await ctx.app.inject({ method: 'GET', url: `/v1/schools/${school.id}/events`, headers: admin });
  t.match(events.json(), {
    items: [
      { from_status: null, to_status: 'pending', reason: null, actor: 'operator-1', created_at: school.created_at },
    ],
    next_cursor: null,
  });
});

t.test('names are kept as given, in any script, composed to Unicode NFC', async (t) => {
  const ctx = await buildTestApp(t);
  const decomposed = 'Universite\u0301 de Lome\u0301';
  const school = await createSchool(ctx, aSchool({ name: decomposed, country: 'TG' }));
  t.equal((school as unknown as { name: string }).name, 'Universit\u00e9 de Lom\u00e9');
  const arabic = await createSchool(ctx, aSchool({ name: 'كلية الطب جامعة القاهرة', country: 'EG' }));
  t.equal((arabic as unknown as { name: string }).name, 'كلية الطب جامعة القاهرة');
  const kosovo = await createSchool(ctx, aSchool({ name: 'Universiteti i Prishtinës', country: 'XK' }));
  t.equal(
    (kosovo as unknown as { country: string }).country,
    'XK',
    'XK (Kosovo) is accepted, as the World Directory uses it',
  );
});

t.test('a school that does not fit the rules is refused with validation_failed and nothing stored', async (t) => {
  const ctx = await buildTestApp(t);
  const headers = bearer(await ctx.issuer.admin());
  const cases: [string, Record<string, unknown>, string][] = [
    ['wdoms_id too short', aSchool({ wdoms_id: 'F123' }), 'body.wdoms_id'],
    ['wdoms_id lower-case f', aSchool({ wdoms_id: 'f0001234' }), 'body.wdoms_id'],
    ['wdoms_id eight digits', aSchool({ wdoms_id: 'F00012345' }), 'body.wdoms_id'],
    ['wdoms_id another letter', aSchool({ wdoms_id: 'X0001234' }), 'body.wdoms_id'],
    ['country that is two letters but not a country (XX)', aSchool({ country: 'XX' }), 'body.country'],
    ['country UK (reserved, the code is GB)', aSchool({ country: 'UK' }), 'body.country'],
    ['country in lower case', aSchool({ country: 'fr' }), 'body.country'],
    ['country alpha-3', aSchool({ country: 'FRA' }), 'body.country'],
    ['contact_email not an address', aSchool({ contact_email: 'registrar at ui.edu.ng' }), 'body.contact_email'],
    ['name empty', aSchool({ name: '' }), 'body.name'],
    ['name of 201 characters', aSchool({ name: 'a'.repeat(201) }), 'body.name'],
    ['name with leading space', aSchool({ name: ' University' }), 'body.name'],
    ['name with a control character', aSchool({ name: 'Univer\u0007sity' }), 'body.name'],
    ['an unknown field', aSchool({ status: 'active' }), 'body.status'],
    ['wdoms_id missing', { name: 'U', country: 'NG', contact_email: 'a@b.ng' }, 'body.wdoms_id'],
  ];
  for (const [name, payload, path] of cases) {
    await t.test(name, async (t) => {
      const problem = await expectRefused(
        t,
        ctx,
        { method: 'POST', url: '/v1/schools', headers, payload },
        'validation_failed',
      );
      t.match(problem.errors, [{ path }]);
    });
  }
});

t.test('a wdoms_id already registered is 409 school_exists and stores nothing', async (t) => {
  const ctx = await buildTestApp(t);
  const first = await createSchool(ctx);
  const headers = bearer(await ctx.issuer.admin());
  const problem = await expectRefused(
    t,
    ctx,
    { method: 'POST', url: '/v1/schools', headers, payload: aSchool({ wdoms_id: first.wdoms_id, name: 'Another' }) },
    'school_exists',
  );
  t.match(problem.detail, first.wdoms_id);
});

t.test(
  'an operator moves a school between pending, active and suspended; every change is kept with who, when and why',
  async (t) => {
    const ctx = await buildTestApp(t);
    const school = await createSchool(ctx);
    const headers = bearer(await ctx.issuer.admin());
    const patch = (payload: Record<string, unknown>) =>
      ctx.app.inject({ method: 'PATCH', url: `/v1/schools/${school.id}`, headers, payload });

    const activated = await patch({ status: 'active', reason: 'vetted against the World Directory' });
    t.equal(activated.statusCode, 200);
    t.match(activated.json(), { id: school.id, status: 'active', status_reason: 'vetted against the World Directory' });
    t.ok(activated.json().updated_at >= school.updated_at, 'updated_at moves on');

    await t.test('suspending needs a reason', async (t) => {
      const problem = await expectRefused(
        t,
        ctx,
        { method: 'PATCH', url: `/v1/schools/${school.id}`, headers, payload: { status: 'suspended' } },
        'validation_failed',
      );
      t.match(problem.errors, [{ path: 'body.reason' }]);
    });
    const suspended = await patch({ status: 'suspended', reason: 'registrar reported a lost laptop' });
    t.match(suspended.json(), { status: 'suspended', status_reason: 'registrar reported a lost laptop' });

    await t.test('asking for the status it already has changes nothing: 409 school_status_unchanged', async (t) => {
      await expectRefused(
        t,
        ctx,
        {
          method: 'PATCH',
          url: `/v1/schools/${school.id}`,
          headers,
          payload: { status: 'suspended', reason: 'again' },
        },
        'school_status_unchanged',
      );
    });
    await t.test('an unknown status or field is refused', async (t) => {
      await expectRefused(
        t,
        ctx,
        { method: 'PATCH', url: `/v1/schools/${school.id}`, headers, payload: { status: 'retired' } },
        'validation_failed',
      );
      await expectRefused(
        t,
        ctx,
        { method: 'PATCH', url: `/v1/schools/${school.id}`, headers, payload: { status: 'active', name: 'x' } },
        'validation_failed',
      );
    });
    await t.test('a school that does not exist is 404', async (t) => {
      await expectRefused(
        t,
        ctx,
        {
          method: 'PATCH',
          url: '/v1/schools/00000000-0000-4000-8000-000000000000',
          headers,
          payload: { status: 'active' },
        },
        'not_found',
      );
    });

    const pending = await patch({ status: 'pending' });
    t.match(pending.json(), { status: 'pending', status_reason: null }, 'back to pending, without a reason');

    const events = await ctx.app.inject({
      method: 'GET',
      url: `/v1/schools/${school.id}/events`,
      headers: bearer(await ctx.issuer.school(school.id)),
    });
    t.equal(events.statusCode, 200, 'the school sees its own history');
    t.match(
      events.json().items.map((e: Record<string, unknown>) => [e.from_status, e.to_status, e.reason, e.actor]),
      [
        [null, 'pending', null, 'operator-1'],
        ['pending', 'active', 'vetted against the World Directory', 'operator-1'],
        ['active', 'suspended', 'registrar reported a lost laptop', 'operator-1'],
        ['suspended', 'pending', null, 'operator-1'],
      ],
    );
  },
);

t.test('an operator lists every school page by page; a school lists only itself', async (t) => {
  const ctx = await buildTestApp(t);
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await createSchool(ctx)).id);
  const admin = bearer(await ctx.issuer.admin());

  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const url: string = `/v1/schools?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
    const page = await ctx.app.inject({ method: 'GET', url, headers: admin });
    t.equal(page.statusCode, 200);
    const body = page.json<{ items: { id: string }[]; next_cursor: string | null }>();
    t.ok(body.items.length <= 2);
    seen.push(...body.items.map((s) => s.id));
    cursor = body.next_cursor;
    pages++;
  } while (cursor !== null && pages < 10);
  t.equal(pages, 3, 'five schools in pages of two');
  t.same(seen, ids, 'every school once, oldest first');

  const own = await ctx.app.inject({
    method: 'GET',
    url: '/v1/schools',
    headers: bearer(await ctx.issuer.school(ids[2] as string)),
  });
  t.same(
    own.json<{ items: { id: string }[] }>().items.map((s) => s.id),
    [ids[2]],
  );

  expectProblem(
    t,
    await ctx.app.inject({ method: 'GET', url: '/v1/schools?cursor=not-ours', headers: admin }),
    'invalid_cursor',
  );
  expectProblem(
    t,
    await ctx.app.inject({ method: 'GET', url: '/v1/schools?limit=201', headers: admin }),
    'validation_failed',
  );
});

t.test(
  'an operator lists only the schools of one status: those waiting for vetting, active or suspended',
  async (t) => {
    const ctx = await buildTestApp(t);
    const admin = bearer(await ctx.issuer.admin());
    const setStatus = (id: string, status: string, reason?: string) =>
      ctx.app.inject({ method: 'PATCH', url: `/v1/schools/${id}`, headers: admin, payload: { status, reason } });
    const waiting = [(await createSchool(ctx)).id, (await createSchool(ctx)).id];
    const active = [(await createSchool(ctx)).id, (await createSchool(ctx)).id, (await createSchool(ctx)).id];
    for (const id of active) await setStatus(id, 'active');
    const suspended = (await createSchool(ctx)).id;
    await setStatus(suspended, 'active');
    await setStatus(suspended, 'suspended', 'accreditation under review');
    waiting.push((await createSchool(ctx)).id);

    /** Every id the filtered list holds, read page by page. */
    const listed = async (query: string, headers = admin) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/v1/schools?${query}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page = await ctx.app.inject({ method: 'GET', url, headers });
        t.equal(page.statusCode, 200);
        const body = page.json<{ items: { id: string; status: string }[]; next_cursor: string | null }>();
        ids.push(...body.items.map((s) => s.id));
        cursor = body.next_cursor;
      } while (cursor !== null && ids.length < 20);
      return ids;
    };
    t.same(await listed('status=pending'), waiting, 'the schools waiting for vetting, oldest first, over two pages');
    t.same(await listed('status=active'), active, 'the active ones, over two pages');
    t.same(await listed('status=suspended'), [suspended], 'the suspended one');

    const own = bearer(await ctx.issuer.school(suspended));
    t.same(await listed('status=suspended', own), [suspended], 'a school filtering its own list finds itself');
    t.same(await listed('status=active', own), [], 'or nothing, and never another school');

    for (const bad of ['retired', 'PENDING', '', 'pending&status=active']) {
      await t.test(`status=${bad} is refused`, async (t) => {
        const problem = await expectRefused(
          t,
          ctx,
          { method: 'GET', url: `/v1/schools?status=${bad}`, headers: admin },
          'validation_failed',
        );
        t.match(problem.errors, [{ path: 'querystring.status' }]);
      });
    }
  },
);

t.test("a school sees itself but another school's record answers as if it did not exist", async (t) => {
  const ctx = await buildTestApp(t);
  const mine = await createSchool(ctx);
  const theirs = await createSchool(ctx);
  const headers = bearer(await ctx.issuer.school(mine.id));
  t.equal((await ctx.app.inject({ method: 'GET', url: `/v1/schools/${mine.id}`, headers })).statusCode, 200);
  expectProblem(t, await ctx.app.inject({ method: 'GET', url: `/v1/schools/${theirs.id}`, headers }), 'not_found');
  expectProblem(
    t,
    await ctx.app.inject({ method: 'GET', url: `/v1/schools/${theirs.id}/events`, headers }),
    'not_found',
  );
  expectProblem(
    t,
    await ctx.app.inject({ method: 'GET', url: '/v1/schools/not-a-uuid', headers }),
    'validation_failed',
  );
});
