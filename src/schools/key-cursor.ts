import { kidPattern } from '../crypto/public-jwk.js';
import { problem } from '../http/problem.js';

/**
 * A position in a school's key list, ordered by (created_at, kid). Keys are named by kid, not by a
 * UUID, so they cannot use the shared (timestamp, uuid) cursor; the encoding is the same kind of
 * opaque base64url JSON.
 */
export interface KeyCursor {
  at: Date;
  kid: string;
}

const kid = new RegExp(kidPattern);

export function encodeKeyCursor(cursor: KeyCursor): string {
  return Buffer.from(JSON.stringify({ at: cursor.at.toISOString(), kid: cursor.kid })).toString('base64url');
}

export function decodeKeyCursor(value: string): KeyCursor {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as { at?: unknown; kid?: unknown };
    const at = typeof parsed.at === 'string' ? new Date(parsed.at) : undefined;
    if (at && !Number.isNaN(at.getTime()) && typeof parsed.kid === 'string' && kid.test(parsed.kid)) return { at, kid: parsed.kid };
  } catch {
    // fall through to the refusal below
  }
  throw problem('invalid_cursor', 'The cursor is not one this service issued; start again without it.');
}
