import canonicalize from 'canonicalize';
import { maxEntryBytes } from './bundles.js';
import type { LogEntryKind } from './tables.js';

/**
 * The log's entries (signing.md): one JSON object per event, RFC 8785 canonical. They name no
 * person and carry no free text: the members are fixed here, and a document's reason is one of the
 * service's own codes, never a note or a reason someone typed.
 */

export const documentReasonCodes = [
  'identity_mismatch',
  'key_compromised',
  'replaced_by_school',
  'revoked_by_school',
  'rejected_in_review',
] as const;
export type DocumentReasonCode = (typeof documentReasonCodes)[number];

const knownCode = (text: string | null): text is DocumentReasonCode =>
  (documentReasonCodes as readonly (string | null)[]).includes(text);

/**
 * The reason code of a document status. A document's `status_reason` is one of the codes when the
 * service set it, and otherwise someone's words (a school's revocation reason, a reviewer's note),
 * which stay out of the log: the status then says which code applies.
 */
export function documentReasonCode(status: string, statusReason: string | null): DocumentReasonCode | null {
  if (knownCode(statusReason)) return statusReason;
  switch (status) {
    case 'revoked':
      return 'revoked_by_school';
    case 'rejected':
      return 'rejected_in_review';
    case 'needs_review':
      return 'identity_mismatch';
    case 'superseded':
      return 'replaced_by_school';
    default:
      return null;
  }
}

export interface DocumentEntry {
  document_id: string;
  seq: number;
  type: string;
  status: string;
  reason: DocumentReasonCode | null;
  sha256: string;
  size: number;
  school: string;
  key_id: string;
  manifest_sha256: string;
  signed_at: string;
  supersedes: string | null;
}

export interface KeyEntry {
  school: string;
  kid: string;
  thumbprint: string;
  alg: string;
  jwk: object;
  status: 'active' | 'revoked';
  compromised_at: string | null;
}

export interface SchoolEntry {
  school: string;
  name: string;
  country: string;
  status: string;
}

/** The members each kind has besides v, kind and at; an auditor checks entries against this too. */
export const entryMembers: Record<LogEntryKind, readonly string[]> = {
  document: [
    'document_id',
    'seq',
    'type',
    'status',
    'reason',
    'sha256',
    'size',
    'school',
    'key_id',
    'manifest_sha256',
    'signed_at',
    'supersedes',
  ],
  key: ['school', 'kid', 'thumbprint', 'alg', 'jwk', 'status', 'compromised_at'],
  school: ['school', 'name', 'country', 'status'],
};

type Members<K extends LogEntryKind> = K extends 'document' ? DocumentEntry : K extends 'key' ? KeyEntry : SchoolEntry;

/**
 * The entry bytes. Only the members of its kind are copied, so a caller handing over a wider row
 * cannot leak anything into the log.
 */
export function logEntry<K extends LogEntryKind>(kind: K, at: Date, members: Members<K>): Buffer {
  const picked: Record<string, unknown> = { v: 1, kind, at: at.toISOString() };
  for (const name of entryMembers[kind]) {
    const value = (members as unknown as Record<string, unknown>)[name];
    if (value === undefined) throw new TypeError(`a ${kind} log entry needs ${name}`);
    picked[name] = value;
  }
  if (kind === 'document' && !knownCode(picked.reason as string | null) && picked.reason !== null) {
    throw new TypeError('a document log entry carries a reason code, not free text');
  }
  const text = canonicalize(picked);
  if (text === undefined) throw new TypeError('a log entry must be JSON');
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > maxEntryBytes) throw new RangeError(`a log entry is at most ${maxEntryBytes} bytes`);
  return bytes;
}

export const isoOrNull = (date: Date | null): string | null => (date === null ? null : date.toISOString());
