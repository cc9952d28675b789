import type { ColumnType, Generated, Selectable } from 'kysely';
import type { CreatedAt, UpdatedAt } from '../db/columns.js';

/** Every event a webhook endpoint can subscribe to (docs/api.md, "Webhooks"). */
export const webhookEventTypes = [
  'document.verified',
  'document.unmatched',
  'document.needs_review',
  'document.rejected',
  'document.superseded',
  'document.revoked',
  'release.created',
  'release.withdrawn',
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

export const endpointOwnerRoles = ['admin', 'school', 'program'] as const;
export type EndpointOwnerRole = (typeof endpointOwnerRoles)[number];

export const endpointStatuses = ['enabled', 'disabled'] as const;
export type EndpointStatus = (typeof endpointStatuses)[number];

/** owner: its owner turned it off; gone: the receiver answered 410; failing: 5 days without a success. */
export const disabledReasons = ['owner', 'gone', 'failing'] as const;
export type DisabledReason = (typeof disabledReasons)[number];

export const deliveryStatuses = ['pending', 'succeeded', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** One attempt as kept in webhook_deliveries.attempts. */
export interface AttemptRecord {
  attempt: number;
  /** RFC 3339 time the attempt started. */
  at: string;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
}

export interface WebhookEndpointsTable {
  id: Generated<string>;
  owner_role: EndpointOwnerRole;
  owner_id: string | null;
  url: string;
  events: WebhookEventType[];
  description: string | null;
  status: ColumnType<EndpointStatus, EndpointStatus | undefined, EndpointStatus>;
  disabled_reason: DisabledReason | null;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  failing_since: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface WebhookEventsTable {
  id: Generated<string>;
  type: WebhookEventType;
  /** Written as JSON text, read back as the object. */
  data: ColumnType<Record<string, unknown>, string, never>;
  audience_school_id: string | null;
  audience_program_ids: ColumnType<string[], string[] | undefined, never>;
  created_at: CreatedAt;
}

export interface WebhookDeliveriesTable {
  id: Generated<string>;
  endpoint_id: string;
  event_id: string;
  status: ColumnType<DeliveryStatus, DeliveryStatus | undefined, DeliveryStatus>;
  attempt_count: ColumnType<number, number | undefined, number>;
  next_attempt_at: Date | null;
  last_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  last_duration_ms: number | null;
  attempts: ColumnType<AttemptRecord[], string | undefined, string>;
  replay: ColumnType<boolean, boolean | undefined, never>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface WebhookTables {
  webhook_endpoints: WebhookEndpointsTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
}

export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
