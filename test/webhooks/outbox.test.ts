import { randomUUID } from 'node:crypto';
import pg from 'pg';
import t from 'tap';
import { deliveryChannel, enqueueEvent, webhookEventTypes } from '../../src/webhooks/outbox.js';
import { bearer, buildTestApp } from '../support/test-app.js';
import { allEvents, emit, registerEndpoint } from './support.js';

t.test('every event type of api.md is known, and nothing else', async (t) => {
  t.same([...webhookEventTypes], allEvents);
});

t.test('each endpoint hears only what its owner may: its school, its releases, or everything for admins', async (t) => {
  const { app, issuer, db } = await buildTestApp(t);
  const schoolA = randomUUID();
  const schoolB = randomUUID();
  const programX = randomUUID();
  const programY = randomUUID();
  const endpoints = {
    schoolA: await registerEndpoint(app, await issuer.school(schoolA), {
      url: 'https://a.example.edu/h',
      events: allEvents,
    }),
    schoolB: await registerEndpoint(app, await issuer.school(schoolB), {
      url: 'https://b.example.edu/h',
      events: allEvents,
    }),
    programX: await registerEndpoint(app, await issuer.program(programX), {
      url: 'https://x.example.org/h',
      events: allEvents,
    }),
    programY: await registerEndpoint(app, await issuer.program(programY), {
      url: 'https://y.example.org/h',
      events: allEvents,
    }),
    admin: await registerEndpoint(app, await issuer.admin(), { url: 'https://ops.example.org/h', events: allEvents }),
    adminRevocationsOnly: await registerEndpoint(app, await issuer.admin(), {
      url: 'https://ops.example.org/r',
      events: ['document.revoked'],
    }),
  };
  const documentId = randomUUID();

  // Verified before any release: the school and the admins hear it, no program does.
  const verified = await emit(db, {
    type: 'document.verified',
    data: { document_id: documentId, status: 'verified' },
    audience: { school_id: schoolA },
  });
  // Released to X: X hears it from now on.
  const released = await emit(db, {
    type: 'release.created',
    data: { release_id: randomUUID(), document_id: documentId, program_id: programX },
    audience: { school_id: schoolA, program_ids: [programX] },
  });
  const revoked = await emit(db, {
    type: 'document.revoked',
    data: { document_id: documentId, status: 'revoked' },
    audience: { school_id: schoolA, program_ids: [programX] },
  });

  const heard = async (endpointId: string) =>
    (
      await db
        .selectFrom('webhook_deliveries')
        .select('event_id')
        .where('endpoint_id', '=', endpointId)
        .orderBy('created_at')
        .orderBy('event_id')
        .execute()
    ).map((r) => r.event_id);
  t.same(new Set(await heard(endpoints.schoolA.id)), new Set([verified, released, revoked]));
  t.same(await heard(endpoints.schoolB.id), [], 'another school hears nothing');
  t.same(
    new Set(await heard(endpoints.programX.id)),
    new Set([released, revoked]),
    'the program hears from its release on',
  );
  t.same(await heard(endpoints.programY.id), [], 'a program it was not released to hears nothing');
  t.same(new Set(await heard(endpoints.admin.id)), new Set([verified, released, revoked]));
  t.same(
    await heard(endpoints.adminRevocationsOnly.id),
    [revoked],
    'an endpoint hears only the types it subscribed to',
  );

  const event = await db.selectFrom('webhook_events').selectAll().where('id', '=', revoked).executeTakeFirstOrThrow();
  t.match(event, {
    type: 'document.revoked',
    data: { document_id: documentId, status: 'revoked' },
    audience_school_id: schoolA,
    audience_program_ids: [programX],
  });

  // A disabled endpoint gets nothing new.
  await app.inject({
    method: 'PATCH',
    url: `/v1/webhooks/${endpoints.schoolB.id}`,
    headers: bearer(await issuer.school(schoolB)),
    payload: { status: 'disabled' },
  });
  await emit(db, {
    type: 'document.verified',
    data: { document_id: randomUUID(), status: 'verified' },
    audience: { school_id: schoolB },
  });
  t.same(await heard(endpoints.schoolB.id), []);
});

t.test(
  'an event and its deliveries exist only if the transaction that wrote them commits; NOTIFY comes on commit',
  async (t) => {
    const { app, issuer, db, database } = await buildTestApp(t);
    const school = randomUUID();
    await registerEndpoint(app, await issuer.school(school), { url: 'https://a.example.edu/h', events: allEvents });

    const listener = new pg.Client({ connectionString: database.url });
    await listener.connect();
    t.teardown(() => listener.end());
    const notifications: number[] = [];
    listener.on('notification', (message) => {
      if (message.channel === deliveryChannel) notifications.push(Date.now());
    });
    await listener.query(`listen ${deliveryChannel}`);

    await t.rejects(
      db.transaction().execute(async (trx) => {
        await enqueueEvent(trx, {
          type: 'document.verified',
          data: { document_id: randomUUID(), status: 'verified' },
          audience: { school_id: school },
        });
        throw new Error('the document could not be stored after all');
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    t.equal(notifications.length, 0, 'no notification for a rolled-back event');
    t.equal((await db.selectFrom('webhook_events').select('id').execute()).length, 0);
    t.equal((await db.selectFrom('webhook_deliveries').select('id').execute()).length, 0);

    let committedAt = 0;
    await db.transaction().execute(async (trx) => {
      const { deliveries } = await enqueueEvent(trx, {
        type: 'document.verified',
        data: { document_id: randomUUID(), status: 'verified' },
        audience: { school_id: school },
      });
      t.equal(deliveries, 1);
      await new Promise((resolve) => setTimeout(resolve, 150));
      t.equal(notifications.length, 0, 'nothing is announced before commit');
      committedAt = Date.now();
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    t.equal(notifications.length, 1, 'announced once committed');
    t.ok((notifications[0] ?? 0) >= committedAt);
  },
);

t.test('enqueueEvent refuses what is not an event', async (t) => {
  const { db } = await buildTestApp(t);
  await t.rejects(
    emit(db, { type: 'document.deleted' as never, data: {}, audience: {} }),
    /unknown webhook event type/,
  );
  await t.rejects(emit(db, { type: 'document.verified', data: {}, audience: { school_id: 'school-7' } }), /not a UUID/);
  await t.rejects(
    emit(db, { type: 'release.created', data: {}, audience: { program_ids: ["x'); drop table webhook_events; --"] } }),
    /not a UUID/,
  );
  t.equal((await db.selectFrom('webhook_events').select('id').execute()).length, 0);
});
