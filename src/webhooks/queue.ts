import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/types.js';
import type { AttemptRecord, WebhookEventType } from './tables.js';

/** A delivery a dispatcher now holds, with what it needs to send it. */
export interface ClaimedDelivery {
  id: string;
  endpoint_id: string;
  /** Whose endpoint it is: `school:<id>`, `program:<id>` or `admin:`. */
  owner: string;
  event_id: string;
  /** The number of this attempt (1 for the first). */
  attempt_count: number;
  url: string;
  secret: string;
  /** The rotated-out secret while it still signs. */
  previous_secret: string | null;
  type: WebhookEventType;
  data: Record<string, unknown>;
  event_created_at: Date;
}

export interface ClaimOptions {
  limit: number;
  leaseMs: number;
  /** Attempts this dispatcher has in flight, by endpoint. */
  inFlight: ReadonlyMap<string, number>;
  /** At most this many attempts in flight to one endpoint, so one slow endpoint cannot take every slot. */
  perEndpoint: number;
  /** Attempts this dispatcher has in flight, by owner (see ClaimedDelivery.owner). */
  ownersInFlight: ReadonlyMap<string, number>;
  /** At most this many attempts in flight to one owner's endpoints, so one owner cannot take every slot. */
  perOwner: number;
  /** Endpoints not to claim for now (their breaker is open). */
  paused: readonly string[];
}

/** The owner key of an endpoint row, as ClaimedDelivery.owner holds it. */
const ownerOf = (alias: string) => sql.raw(`(${alias}.owner_role || ':' || coalesce(${alias}.owner_id::text, ''))`);

/**
 * Claims due deliveries: locks them with FOR UPDATE SKIP LOCKED (other dispatchers skip them),
 * and moves next_attempt_at to the end of a lease, so they are not due again unless this
 * dispatcher dies before recording the result. Deliveries of disabled endpoints are closed as
 * failed instead of sent. One statement, so the locks last only as long as it does.
 */
export async function claimDue(
  db: Kysely<DB>,
  { limit, leaseMs, inFlight, perEndpoint, ownersInFlight, perOwner, paused }: ClaimOptions,
): Promise<ClaimedDelivery[]> {
  const busy = [...inFlight].filter(([, count]) => count > 0);
  const full = [...busy.filter(([, count]) => count >= perEndpoint).map(([id]) => id), ...paused];
  const busyOwners = [...ownersInFlight].filter(([, count]) => count > 0);
  const fullOwners = busyOwners.filter(([, count]) => count >= perOwner).map(([owner]) => owner);
  const result = await sql<ClaimedDelivery>`
    with busy as (
      select * from unnest(${busy.map(([id]) => id)}::uuid[], ${busy.map(([, count]) => count)}::int[]) as b(endpoint_id, in_flight)
    ), busy_owners as (
      select * from unnest(${busyOwners.map(([owner]) => owner)}::text[], ${busyOwners.map(([, count]) => count)}::int[]) as o(owner, in_flight)
    ), locked as (
      -- Walks the due index in order and stops at the limit; joining anything here would make
      -- the planner read every due row first. The endpoints of owners with every slot they may
      -- have are looked up once, before the walk.
      select d.id, d.endpoint_id, d.next_attempt_at
      from webhook_deliveries d
      where d.status = 'pending' and d.next_attempt_at <= now()
        and d.endpoint_id <> all (${full}::uuid[])
        and d.endpoint_id <> all (array(
          select e.id from webhook_endpoints e where ${ownerOf('e')} = any (${fullOwners}::text[])
        ))
      order by d.next_attempt_at
      limit ${limit}
      for update skip locked
    ), judged as (
      select locked.*, endpoint.status = 'enabled' as enabled, ${ownerOf('endpoint')} as owner
      from locked join webhook_endpoints endpoint on endpoint.id = locked.endpoint_id
    ), abandoned as (
      update webhook_deliveries d
      set status = 'failed', next_attempt_at = null, last_error = 'not sent: the endpoint is disabled'
      from judged where d.id = judged.id and not judged.enabled
    ), picked as (
      select id from (
        select judged.id, judged.next_attempt_at, coalesce(busy.in_flight, 0) as in_flight,
          coalesce(busy_owners.in_flight, 0) as owner_in_flight,
          row_number() over (partition by judged.endpoint_id order by judged.next_attempt_at) as rank,
          row_number() over (partition by judged.owner order by judged.next_attempt_at) as owner_rank
        from judged
        left join busy on busy.endpoint_id = judged.endpoint_id
        left join busy_owners on busy_owners.owner = judged.owner
        where judged.enabled
      ) ranked
      where rank + in_flight <= ${perEndpoint} and owner_rank + owner_in_flight <= ${perOwner}
      order by next_attempt_at
      limit ${limit}
    ), claimed as (
      update webhook_deliveries d
      set next_attempt_at = now() + ${leaseMs} * interval '1 millisecond', attempt_count = d.attempt_count + 1
      from picked where d.id = picked.id
      returning d.id, d.endpoint_id, d.event_id, d.attempt_count
    )
    select claimed.id, claimed.endpoint_id, ${ownerOf('endpoint')} as owner, claimed.event_id, claimed.attempt_count,
      endpoint.url, endpoint.secret,
      case when endpoint.previous_secret_expires_at > now() then endpoint.previous_secret end as previous_secret,
      event.type, event.data, event.created_at as event_created_at
    from claimed
    join webhook_endpoints endpoint on endpoint.id = claimed.endpoint_id
    join webhook_events event on event.id = claimed.event_id
  `.execute(db);
  return result.rows;
}

/**
 * Moves an endpoint's due and soon-due deliveries to the end of its pause (its breaker opened),
 * without using up an attempt: they wait instead of each tying up a slot for a timeout.
 */
export async function postponeEndpoint(db: Kysely<DB>, endpointId: string, until: Date): Promise<void> {
  await sql`
    update webhook_deliveries set next_attempt_at = ${until.toISOString()}::timestamptz
    where endpoint_id = ${endpointId} and status = 'pending' and next_attempt_at < ${until.toISOString()}::timestamptz
  `.execute(db);
}

/** The outcome of one attempt, ready to store. */
export interface AttemptOutcome {
  delivery_id: string;
  endpoint_id: string;
  /** The attempt number the claim gave; a result for an older claim is ignored. */
  attempt: number;
  status: 'succeeded' | 'pending' | 'failed';
  next_attempt_at: Date | null;
  record: AttemptRecord;
  /** The receiver answered 410: the endpoint is disabled. */
  gone: boolean;
}

/**
 * Stores a batch of attempt results in one statement: each delivery's new state and its attempt
 * record, and what the results say about their endpoints (a success clears the failure clock; a
 * failure starts it; 5 days of only failures, or a 410, disables the endpoint). One statement
 * rather than a transaction of several: a connection held between statements when the database
 * goes away would raise an error no query is waiting for.
 */
export async function recordOutcomes(
  db: Kysely<DB>,
  outcomes: AttemptOutcome[],
  disableAfterMs: number,
): Promise<void> {
  if (outcomes.length === 0) return;
  const succeeded = [...new Set(outcomes.filter((o) => o.status === 'succeeded').map((o) => o.endpoint_id))];
  const failed = [
    ...new Set(
      outcomes.filter((o) => o.status !== 'succeeded' && !succeeded.includes(o.endpoint_id)).map((o) => o.endpoint_id),
    ),
  ];
  const gone = [...new Set(outcomes.filter((o) => o.gone).map((o) => o.endpoint_id))];
  const disableAfter = sql`${disableAfterMs} * interval '1 millisecond'`;
  await sql`
    with result as (
      select * from unnest(
        ${outcomes.map((o) => o.delivery_id)}::uuid[],
        ${outcomes.map((o) => o.attempt)}::int[],
        ${outcomes.map((o) => o.status)}::text[],
        ${outcomes.map((o) => o.next_attempt_at?.toISOString() ?? null)}::timestamptz[],
        ${outcomes.map((o) => o.record.at)}::timestamptz[],
        ${outcomes.map((o) => o.record.status_code)}::int[],
        ${outcomes.map((o) => o.record.error)}::text[],
        ${outcomes.map((o) => o.record.duration_ms)}::int[],
        ${outcomes.map((o) => JSON.stringify(o.record))}::text[]
      ) as r(id, attempt, status, next_attempt_at, attempted_at, status_code, error, duration_ms, record)
    ), endpoints as (
      -- The right-hand sides see each endpoint as it was: disabled for failing when it had already
      -- been failing for disableAfter before this batch.
      update webhook_endpoints e
      set failing_since = case when e.id = any (${succeeded}::uuid[]) then null else coalesce(e.failing_since, now()) end,
        status = case
          when e.status = 'enabled' and (e.id = any (${gone}::uuid[]) or (e.id = any (${failed}::uuid[]) and e.failing_since <= now() - ${disableAfter}))
          then 'disabled' else e.status end,
        disabled_reason = case
          when e.status <> 'enabled' then e.disabled_reason
          when e.id = any (${gone}::uuid[]) then 'gone'
          when e.id = any (${failed}::uuid[]) and e.failing_since <= now() - ${disableAfter} then 'failing'
          else e.disabled_reason end
      where (e.id = any (${succeeded}::uuid[]) and e.failing_since is not null)
        or (e.id = any (${failed}::uuid[]) and (e.failing_since is null or (e.status = 'enabled' and e.failing_since <= now() - ${disableAfter})))
        or (e.id = any (${gone}::uuid[]) and e.status = 'enabled')
    )
    update webhook_deliveries d
    set status = r.status, next_attempt_at = r.next_attempt_at, last_attempt_at = r.attempted_at,
      last_status_code = r.status_code, last_error = r.error, last_duration_ms = r.duration_ms,
      attempts = d.attempts || jsonb_build_array(r.record::jsonb)
    from result r
    where d.id = r.id and d.status = 'pending' and d.attempt_count = r.attempt
  `.execute(db);
}
