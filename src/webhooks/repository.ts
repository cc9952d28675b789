import { sql, type ExpressionBuilder, type Transaction, type Updateable } from 'kysely';
import type { Executor } from '../db/database.js';
import type { DB } from '../db/types.js';
import { keysetPage, type Cursor } from '../db/pagination.js';
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

/** The owner's endpoints and no one else's: the one filter every read, change and delete of an endpoint applies. */
function ownedBy(owner: Owner) {
  return (eb: ExpressionBuilder<DB, 'webhook_endpoints'>) =>
    eb.and([
      eb('webhook_endpoints.owner_role', '=', owner.role),
      owner.id === null
        ? eb('webhook_endpoints.owner_id', 'is', null)
        : eb('webhook_endpoints.owner_id', '=', owner.id),
    ]);
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
  const { count } = await db
    .selectFrom('webhook_endpoints')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where(ownedBy(owner))
    .executeTakeFirstOrThrow();
  return Number(count);
}

export async function findEndpoint(
  db: Executor,
  owner: Owner,
  id: string,
  { lock = false } = {},
): Promise<WebhookEndpointRow | undefined> {
  const query = db.selectFrom('webhook_endpoints').selectAll().where(ownedBy(owner)).where('id', '=', id);
  return (lock ? query.forUpdate() : query).executeTakeFirst();
}

export async function listEndpoints(
  db: Executor,
  owner: Owner,
  limit: number,
  after: Cursor | undefined,
): Promise<WebhookEndpointRow[]> {
  const query = db.selectFrom('webhook_endpoints').selectAll().where(ownedBy(owner));
  return keysetPage(query, { at: 'created_at', id: 'id' }, { after, limit }).execute();
}

function ownedUpdate(db: Executor, owner: Owner, id: string) {
  return db.updateTable('webhook_endpoints').where(ownedBy(owner)).where('id', '=', id);
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
  const result = await db.deleteFrom('webhook_endpoints').where(ownedBy(owner)).where('id', '=', id).executeTakeFirst();
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
  const query = db
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
  return keysetPage(query, { at: 'd.created_at', id: 'd.id', newestFirst: true }, { after: before, limit }).execute();
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
