import type { Static } from '@sinclair/typebox';
import type { School, SchoolDirectoryEntry, SchoolKey, SchoolStatusEvent } from './schemas.js';
import type { SchoolKeyRow, SchoolPublicFacts, SchoolRow, SchoolStatusEventRow } from './tables.js';

/** Rows as clients see them: snake_case, times as RFC 3339 UTC. */
export const schoolView = (row: SchoolRow): Static<typeof School> => ({
  id: row.id,
  wdoms_id: row.wdoms_id,
  name: row.name,
  country: row.country,
  contact_email: row.contact_email,
  status: row.status,
  status_reason: row.status_reason,
  created_at: row.created_at.toISOString(),
  updated_at: row.updated_at.toISOString(),
});

/**
 * The directory's public facts: no contact e-mail, no status (every listed school is active). A letter
 * request names its school the same way.
 */
export const schoolDirectoryView = (row: SchoolPublicFacts): Static<typeof SchoolDirectoryEntry> => ({
  id: row.id,
  wdoms_id: row.wdoms_id,
  name: row.name,
  country: row.country,
});

export const schoolEventView = (row: SchoolStatusEventRow): Static<typeof SchoolStatusEvent> => ({
  id: row.id,
  from_status: row.from_status,
  to_status: row.to_status,
  reason: row.reason,
  actor: row.actor,
  created_at: row.created_at.toISOString(),
});

export const schoolKeyView = (row: SchoolKeyRow): Static<typeof SchoolKey> => ({
  kid: row.kid,
  alg: row.alg,
  status: row.status,
  jwk: row.jwk,
  created_at: row.created_at.toISOString(),
  revoked_at: row.revoked_at?.toISOString() ?? null,
  revoked_reason: row.revoked_reason,
  compromised_at: row.compromised_at?.toISOString() ?? null,
});
