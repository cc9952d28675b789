import { sql, type Kysely, type OperationNodeSource, type Transaction } from 'kysely';
import type { DB } from '../db/types.js';
import { webhookEventTypes, type WebhookEventType } from './tables.js';
import { isUuid } from '../facts/uuid.js';

export { webhookEventTypes, type WebhookEventType };

/** The channel dispatchers LISTEN on; a notification only says "there is something to send". */
export const deliveryChannel = 'emswp_webhook_deliveries';

export interface WebhookEvent {
  type: WebhookEventType;
  /** Thin: ids and statuses (document_id, status, release_id, program_id ...); receivers fetch the rest. */
  data: Record<string, unknown>;
  /**
   * Who may hear it besides admins: the document's school, and the programs the document is
   * released to at this moment (the caller works that out inside the same transaction).
   */
  audience: { school_id?: string; program_ids?: string[] };
}

export interface EnqueuedEvent {
  id: string;
  /** How many endpoints will receive it. */
  deliveries: number;
}

function checked(event: WebhookEvent): { schoolId: string | null; programIds: string[] } {
  if (!(webhookEventTypes as readonly string[]).includes(event.type))
    throw new TypeError(`unknown webhook event type ${String(event.type)}`);
  const schoolId = event.audience.school_id ?? null;
  const programIds = [...new Set(event.audience.program_ids ?? [])];
  for (const id of [...(schoolId === null ? [] : [schoolId]), ...programIds]) {
    if (!isUuid(id)) throw new TypeError(`webhook audience id ${id} is not a UUID`);
  }
  return { schoolId, programIds };
}

/**
 * Writes an event to the outbox and one pending delivery per enabled endpoint that subscribed to
 * its type and may hear it: every admin endpoint, the audience school's endpoints, the audience
 * programs' endpoints. Call it inside the transaction that makes the change, so the event exists
 * exactly when the change does. The NOTIFY that wakes the dispatchers is queued in the same
 * transaction and so is sent only on commit. One round trip, which can also carry the change's own
 * record (`alongside`: an INSERT or UPDATE query) so that a status change costs no extra trip.
 */
export async function enqueueEvent(
  trx: Kysely<DB> | Transaction<DB>,
  event: WebhookEvent,
  alongside?: OperationNodeSource,
): Promise<EnqueuedEvent> {
  const { schoolId, programIds } = checked(event);
  const result = await sql<{ id: string; deliveries: number }>`
    with ${alongside === undefined ? sql`` : sql`alongside as (${alongside}),`} event as (
      insert into webhook_events (type, data, audience_school_id, audience_program_ids)
      values (${event.type}, ${JSON.stringify(event.data)}::jsonb, ${schoolId}::uuid, ${programIds}::uuid[])
      returning id, created_at
    ), fanout as (
      insert into webhook_deliveries (endpoint_id, event_id, next_attempt_at, created_at)
      select endpoint.id, event.id, event.created_at, event.created_at
      from webhook_endpoints endpoint, event
      where endpoint.status = 'enabled'
        and ${event.type} = any (endpoint.events)
        and (endpoint.owner_role = 'admin'
          or (endpoint.owner_role = 'school' and endpoint.owner_id = ${schoolId}::uuid)
          or (endpoint.owner_role = 'program' and endpoint.owner_id = any (${programIds}::uuid[])))
      returning 1
    ), counted as (
      select count(*)::int as deliveries from fanout
    )
    select event.id, counted.deliveries,
      case when counted.deliveries > 0 then pg_notify(${deliveryChannel}, '') end as notified
    from event, counted
  `.execute(trx);
  const row = result.rows[0];
  if (!row) throw new Error('the webhook event was not written');
  return { id: row.id, deliveries: row.deliveries };
}
