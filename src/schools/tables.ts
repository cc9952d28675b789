import type { ColumnType, Generated, Selectable } from 'kysely';
import type { CreatedAt, UpdatedAt } from '../db/columns.js';
import type { SignatureAlgorithm as KeyAlgorithm } from '../crypto/jwk.js';
import type { PublicSigningJwk } from '../crypto/public-jwk.js';

export const schoolStatuses = ['pending', 'active', 'suspended'] as const;
export type SchoolStatus = (typeof schoolStatuses)[number];

export { signatureAlgorithms as keyAlgorithms, type SignatureAlgorithm as KeyAlgorithm } from '../crypto/jwk.js';

export const keyStatuses = ['active', 'revoked'] as const;
export type KeyStatus = (typeof keyStatuses)[number];

/** A public JWK as stored and published: key members plus kid, alg and use. */
export type StoredJwk = PublicSigningJwk;

export interface SchoolsTable {
  id: Generated<string>;
  wdoms_id: string;
  name: string;
  country: string;
  contact_email: string;
  status: ColumnType<SchoolStatus, SchoolStatus | undefined, SchoolStatus>;
  status_reason: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface SchoolStatusEventsTable {
  id: Generated<string>;
  school_id: string;
  /** null for the school's creation. */
  from_status: SchoolStatus | null;
  to_status: SchoolStatus;
  reason: string | null;
  /** The caller's token sub. */
  actor: string;
  created_at: CreatedAt;
}

export interface SchoolKeysTable {
  kid: string;
  /** RFC 7638 SHA-256 thumbprint, unique: the same key under another kid is still the same key. */
  thumbprint: string;
  school_id: string;
  alg: KeyAlgorithm;
  /** Written as JSON text, read back as the object. */
  jwk: ColumnType<StoredJwk, string, never>;
  status: ColumnType<KeyStatus, KeyStatus | undefined, KeyStatus>;
  created_by: string;
  created_at: CreatedAt;
  revoked_at: Date | null;
  revoked_by: string | null;
  revoked_reason: string | null;
  compromised_at: Date | null;
}

export interface SchoolTables {
  schools: SchoolsTable;
  school_status_events: SchoolStatusEventsTable;
  school_keys: SchoolKeysTable;
}

export type SchoolRow = Selectable<SchoolsTable>;
/** What anyone signed in may know of a school (the directory's entry): enough to name it, nothing to contact it by. */
export type SchoolPublicFacts = Pick<SchoolRow, 'id' | 'wdoms_id' | 'name' | 'country'>;
export type SchoolStatusEventRow = Selectable<SchoolStatusEventsTable>;
export type SchoolKeyRow = Selectable<SchoolKeysTable>;
