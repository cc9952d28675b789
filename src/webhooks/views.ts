import type { DeliveryListRow } from './repository.js';
import type { WebhookEndpointRow } from './tables.js';

export const iso = (date: Date | null) => (date === null ? null : date.toISOString());

export const endpointView = (row: WebhookEndpointRow) => ({
  id: row.id,
  url: row.url,
  events: row.events,
  description: row.description,
  status: row.status,
  disabled_reason: row.disabled_reason,
  owner: { role: row.owner_role, id: row.owner_id },
  previous_secret_expires_at:
    row.previous_secret_expires_at && row.previous_secret_expires_at > new Date()
      ? row.previous_secret_expires_at.toISOString()
      : null,
  created_at: row.created_at.toISOString(),
  updated_at: row.updated_at.toISOString(),
});

export const deliveryView = (row: DeliveryListRow) => ({
  ...row,
  next_attempt_at: iso(row.next_attempt_at),
  last_attempt_at: iso(row.last_attempt_at),
  created_at: row.created_at.toISOString(),
  updated_at: row.updated_at.toISOString(),
});
