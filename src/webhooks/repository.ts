import { sql, type SelectQueryBuilder, type Transaction, type Updateable } from 'kysely';
import type { Executor } from '../db/database.js';
import type { DB } from '../db/types.js';
import type { Cursor } from '../http/cursor.js';
import { deliveryChannel } from './outbox.js';
import type {
  AttemptRecord,
  DeliveryStatus,
  EndpointOwnerRole,
  WebhookEndpointRow,
  WebhookEndpointsTable,
  WebhookEventType,
} from './tables.js';

/** Who an endpoint belongs to: a school, a program, or the admins together (id null). */
export interface Owner {
  role: EndpointOwnerRole;
  id: string | null;
}

/** After a rotation the previous secret keeps signing this long. */
export const rotationOverlapMs = 24 * 3_600_000;

function owned<O>(query: SelectQueryBuilder<DB, 'webhook_endpoints', O>, owner: Owner) {
  const byRole = query.where('webhook_endpoints.owner_role', '=', owner.role);
  return owner.id === null
    ? byRole.where('webhook_endpoints.owner_id', 'is', null)
    : byRole.where('webhook_endpoints.owner_id', '=', owner.id);
}

export async function insertEndpoint(
  db: Executor,
  owner: Owner,
  values: { url: string; events: WebhookEventType[]; description: string | null; secret: string },
): Promise<WebhookEndpointRow> {
  return db
    .insertInto('webhook_endpoints')
    .values({ owner_role: owner.role, owner_id: owner.id, ...values })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Serialises endpoint creation per owner for the rest of the transaction, so two concurrent
 * requests cannot both slip under the per-owner limit.
 */
export async function lockOwner(trx: Transaction<DB>, owner: Owner): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`webhook-owner:${owner.role}:${owner.id ?? ''}`}, 0))`.execute(
    trx,
  );
}

export async function countEndpoints(db: Executor, owner: Owner): Promise<number> {
  const { count } = await owned(
    db.selectFrom('webhook_endpoints').select((eb) => eb.fn.countAll<number>().as('count')),
    owner,
  ).executeTakeFirstOrThrow();
  return Number(count);
}

export async function findEndpoint(
  db: Executor,
  owner: Owner,
  id: string,
  { lock = false } = {},
): Promise<WebhookEndpointRow | undefined> {
  const query = owned(db.selectFrom('webhook_endpoints').selectAll(), owner).where('id', '=', id);
  return (lock ? query.forUpdate() : query).executeTakeFirst();
}

export async function listEndpoints(
  db: Executor,
  owner: Owner,
  limit: number,
  after: Cursor | undefined,
): Promise<WebhookEndpointRow[]> {
  let query = owned(db.selectFrom('webhook_endpoints').selectAll(), owner);
  if (after) query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(after.at, after.id)));
  return query
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit + 1)
    .execute();
}

function ownedUpdate(db: Executor, owner: Owner, id: string) {
  const query = db.updateTable('webhook_endpoints').where('id', '=', id).where('owner_role', '=', owner.role);
  return owner.id === null ? query.where('owner_id', 'is', null) : query.where('owner_id', '=', owner.id);
}

export async function updateEndpoint(
  db: Executor,
  owner: Owner,
  id: string,
  changes: Updateable<WebhookEndpointsTable>,
): Promise<WebhookEndpointRow | undefined> {
  return ownedUpdate(db, owner, id).set(changes).returningAll().executeTakeFirst();
}

/** The new secret signs from now on; the current one keeps signing for rotationOverlapMs. */
export async function rotateSecret(
  db: Executor,
  owner: Owner,
  id: string,
  secret: string,
): Promise<WebhookEndpointRow | undefined> {
  return ownedUpdate(db, owner, id)
    .set((eb) => ({
      secret,
      previous_secret: eb.ref('secret'),
      previous_secret_expires_at: sql<Date>`now() + ${rotationOverlapMs} * interval '1 millisecond'`,
    }))
    .returningAll()
    .executeTakeFirst();
}

export async function deleteEndpoint(db: Executor, owner: Owner, id: string): Promise<boolean> {
  let query = db.deleteFrom('webhook_endpoints').where('id', '=', id).where('owner_role', '=', owner.role);
  query = owner.id === null ? query.where('owner_id', 'is', null) : query.where('owner_id', '=', owner.id);
  const result = await query.executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export interface DeliveryListRow {
  id: string;
  event_id: string;
  event_type: WebhookEventType;
  status: DeliveryStatus;
  attempt_count: number;
  next_attempt_at: Date | null;
  last_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  last_duration_ms: number | null;
  attempts: AttemptRecord[];
  replay: boolean;
  created_at: Date;
  updated_at: Date;
}

/** One endpoint's deliveries, newest first; `before` is the last row of the previous page. */
export async function listDeliveries(
  db: Executor,
  endpointId: string,
  limit: number,
  before: Cursor | undefined,
): Promise<DeliveryListRow[]> {
  let query = db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
    .select([
      'd.id',
      'd.event_id',
      'e.type as event_type',
      'd.status',
      'd.attempt_count',
      'd.next_attempt_at',
      'd.last_attempt_at',
      'd.last_status_code',
      'd.last_error',
      'd.last_duration_ms',
      'd.attempts',
      'd.replay',
      'd.created_at',
      'd.updated_at',
    ])
    .where('d.endpoint_id', '=', endpointId);
  if (before) query = query.where((eb) => eb(eb.refTuple('d.created_at', 'd.id'), '<', eb.tuple(before.at, before.id)));
  return query
    .orderBy('d.created_at', 'desc')
    .orderBy('d.id', 'desc')
    .limit(limit + 1)
    .execute();
}

/**
 * New pending deliveries to this endpoint of the events since `since` that it may hear (its
 * owner is in the event's audience, or it is an admin endpoint) and that it subscribes to now,
 * oldest first, at most `max`. `next_since` is the time of the first event left out, if any.
 */
export async function replayEvents(
  db: Executor,
  endpoint: WebhookEndpointRow,
  since: Date,
  max: number,
): Promise<{ replayed: number; next_since: Date | null }> {
  const audience =
    endpoint.owner_role === 'admin'
      ? sql`true`
      : endpoint.owner_role === 'school'
        ? sql`e.audience_school_id = ${endpoint.owner_id}::uuid`
        : sql`e.audience_program_ids @> array[${endpoint.owner_id}::uuid]`;
  const result = await sql<{ replayed: number; next_since: Date | null }>`
    with picked as (
      select e.id, e.created_at, row_number() over (order by e.created_at, e.id) as position
      from webhook_events e
      where e.created_at >= ${since} and e.type = any (${endpoint.events}::text[]) and ${audience}
      order by e.created_at, e.id
      limit ${max + 1}
    ), inserted as (
      insert into webhook_deliveries (endpoint_id, event_id, next_attempt_at, replay)
      select ${endpoint.id}::uuid, picked.id, now(), true from picked where picked.position <= ${max}
      returning 1
    )
    select (select count(*)::int from inserted) as replayed,
      (select created_at from picked where position > ${max}) as next_since,
      pg_notify(${deliveryChannel}, '') as notified
  `.execute(db);
  const row = result.rows[0];
  return { replayed: row?.replayed ?? 0, next_since: row?.next_since ?? null };
}
