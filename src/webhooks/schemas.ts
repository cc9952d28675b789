import { Type } from '@sinclair/typebox';
import { Nullable, StringEnum, Timestamp, Uuid } from '../http/schemas.js';
import { maxUrlLength } from './endpoint-url.js';
import {
  deliveryStatuses,
  disabledReasons,
  endpointOwnerRoles,
  endpointStatuses,
  webhookEventTypes,
} from './tables.js';

const EventTypes = Type.Array(StringEnum(webhookEventTypes), {
  minItems: 1,
  maxItems: webhookEventTypes.length,
  uniqueItems: true,
  description: 'The event types this endpoint receives.',
});
const Url = Type.String({
  minLength: 1,
  maxLength: maxUrlLength,
  description: 'http or https; no user name or password in it.',
});
const Description = Type.String({ maxLength: 500 });

export const CreateWebhookBody = Type.Object(
  { url: Url, events: EventTypes, description: Type.Optional(Description) },
  { additionalProperties: false },
);

export const UpdateWebhookBody = Type.Object(
  {
    url: Type.Optional(Url),
    events: Type.Optional(EventTypes),
    // null first: with type coercion on, a string-first union would turn null into "".
    description: Type.Optional(Type.Union([Type.Null(), Description])),
    status: Type.Optional(
      StringEnum(endpointStatuses, { description: 'Enabling a disabled endpoint restarts its 5-day failure clock.' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ReplayBody = Type.Object(
  {
    since: Type.String({ format: 'date-time', description: 'RFC 3339: events at or after this time are sent again.' }),
  },
  { additionalProperties: false },
);

export const WebhookEndpointSchema = Type.Object(
  {
    id: Uuid,
    url: Type.String(),
    events: Type.Array(StringEnum(webhookEventTypes)),
    description: Nullable(Type.String()),
    status: StringEnum(endpointStatuses),
    disabled_reason: Nullable(
      StringEnum(disabledReasons, {
        description:
          'owner: turned off by its owner; gone: the receiver answered 410; failing: 5 days without a successful delivery',
      }),
    ),
    owner: Type.Object({ role: StringEnum(endpointOwnerRoles), id: Nullable(Uuid) }),
    previous_secret_expires_at: Nullable(Timestamp),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'WebhookEndpoint', title: 'WebhookEndpoint' },
);

export const WebhookEndpointWithSecretSchema = Type.Object(
  {
    ...WebhookEndpointSchema.properties,
    secret: Type.String({
      description:
        '`whsec_` + base64 of 32 random bytes; shown only in this answer. Verify deliveries with a Standard Webhooks library.',
    }),
  },
  { $id: 'WebhookEndpointWithSecret', title: 'WebhookEndpointWithSecret' },
);

const Attempt = Type.Object({
  attempt: Type.Integer({ minimum: 1 }),
  at: Timestamp,
  status_code: Nullable(Type.Integer({ description: 'null when no answer came' })),
  duration_ms: Type.Integer(),
  error: Nullable(Type.String()),
});

export const WebhookDeliverySchema = Type.Object(
  {
    id: Uuid,
    event_id: Type.String({
      format: 'uuid',
      description: 'The webhook-id header: the same on every retry and replay of the event',
    }),
    event_type: StringEnum(webhookEventTypes),
    status: StringEnum(deliveryStatuses),
    attempt_count: Type.Integer(),
    next_attempt_at: Nullable(Timestamp),
    last_attempt_at: Nullable(Timestamp),
    last_status_code: Nullable(Type.Integer()),
    last_error: Nullable(Type.String()),
    last_duration_ms: Nullable(Type.Integer()),
    attempts: Type.Array(Attempt),
    replay: Type.Boolean({ description: 'Made by POST /v1/webhooks/{id}/replay' }),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'WebhookDelivery', title: 'WebhookDelivery' },
);

export const ReplayResult = Type.Object({
  replayed: Type.Integer({ description: 'Events queued again for this endpoint' }),
  next_since: Nullable(Timestamp),
});
