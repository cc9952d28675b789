import type { Kysely, Transaction } from 'kysely';
import { acceptPublicJwk, JwkRefusal } from '../crypto/public-jwk.js';
import type { DB } from '../db/types.js';
import { notFound, problem } from '../http/problem.js';
import { logKeyStatus } from '../log/recorder.js';
import { normalizedText } from '../registry/fields.js';
import { findKeyClash, findSchoolKey, insertSchoolKey, markKeyRevoked } from './key-repository.js';
import { reasonMax } from './schemas.js';
import type { SchoolKeyRow } from './tables.js';

/**
 * Registers a public signing key for a school. A key belongs to one school for ever: its thumbprint
 * is unique across the registry and rows are never deleted, so neither another school nor the same
 * one after revocation can register it again, whatever kid it comes under.
 */
export async function registerSchoolKey(
  db: Kysely<DB>,
  schoolId: string,
  jwkInput: unknown,
  actor: string,
): Promise<SchoolKeyRow> {
  let accepted;
  try {
    accepted = await acceptPublicJwk(jwkInput);
  } catch (error) {
    if (error instanceof JwkRefusal) throw problem('key_invalid', `The key was refused: ${error.message}.`);
    throw error;
  }
  const row = await db.transaction().execute(async (trx) => {
    const inserted = await insertSchoolKey(trx, {
      kid: accepted.kid,
      thumbprint: accepted.thumbprint,
      school_id: schoolId,
      alg: accepted.alg,
      jwk: JSON.stringify(accepted.jwk),
      created_by: actor,
    });
    if (inserted) await logKeyStatus(trx, inserted.kid);
    return inserted;
  });
  if (row) return row;
  const clash = await findKeyClash(db, accepted.kid, accepted.thumbprint);
  if (clash?.thumbprint === accepted.thumbprint) {
    const where = clash.school_id === schoolId ? 'for this school' : 'for another school';
    const revoked = clash.status === 'revoked' ? ' and revoked; a revoked key is never accepted again' : '';
    throw problem(
      'key_exists',
      `This key is already registered ${where} (kid ${clash.kid})${revoked}. Make a new key pair.`,
    );
  }
  throw problem(
    'key_exists',
    `The kid "${accepted.kid}" is already in use; send the key with another kid, or without one to use its thumbprint.`,
  );
}

export interface KeyRevocationRequest {
  reason: string;
  compromisedAt: Date | null;
}

/**
 * Revokes an active key of the school: from now on nothing signed with it is accepted. Takes the
 * caller's transaction, so whatever else a revocation implies (documents signed after
 * `compromisedAt`) commits or fails with it. A key that is already revoked stays as it was revoked
 * (409 key_already_revoked), so the recorded reason and compromise time are never rewritten.
 */
export async function revokeSchoolKey(
  trx: Transaction<DB>,
  schoolId: string,
  kid: string,
  request: KeyRevocationRequest,
  actor: string,
): Promise<SchoolKeyRow> {
  const reason = normalizedText(request.reason, 'reason', reasonMax);
  const revoked = await markKeyRevoked(trx, schoolId, kid, {
    revokedBy: actor,
    reason,
    compromisedAt: request.compromisedAt,
  });
  if (revoked) {
    await logKeyStatus(trx, revoked.kid);
    return revoked;
  }
  const existing = await findSchoolKey(trx, schoolId, kid);
  if (!existing) throw notFound('key');
  const since = existing.revoked_at ? ` (since ${existing.revoked_at.toISOString()})` : '';
  throw problem('key_already_revoked', `Key ${kid} is already revoked${since}; nothing was changed.`);
}
