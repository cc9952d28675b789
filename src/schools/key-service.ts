import type { Kysely, Transaction } from 'kysely';
import { acceptPublicJwk, JwkRefusal } from '../crypto/public-jwk.js';
import type { Executor } from '../db/database.js';
import type { PageRequest } from '../db/pagination.js';
import type { DB } from '../db/types.js';
import { checkPastTime, normalizedText } from '../http/input-checks.js';
import { notFound, problem } from '../http/problem.js';
import { logKeyStatus } from '../log/recorder.js';
import {
  activeSchoolKeys,
  findKeyClash,
  findSchoolKey,
  insertSchoolKey,
  listSchoolKeys,
  markKeyRevoked,
} from './key-repository.js';
import { reasonMax } from './schemas.js';
import { schoolVisibleTo, type SchoolReader } from './service.js';
import type { SchoolKeyRow, StoredJwk } from './tables.js';

/**
 * Registers a public signing key for a school. A key belongs to one school for ever: its thumbprint
 * is unique across the registry and rows are never deleted, so neither another school nor the same
 * one after revocation can register it again, whatever kid it comes under.
 */
export async function registerSchoolKey(
  db: Kysely<DB>,
  caller: SchoolReader,
  schoolId: string,
  jwkInput: unknown,
): Promise<SchoolKeyRow> {
  await schoolVisibleTo(db, caller, schoolId);
  let accepted;
  try {
    accepted = await acceptPublicJwk(jwkInput);
  } catch (error) {
    if (error instanceof JwkRefusal) throw problem('key_invalid', `The key was refused: ${error.message}.`);
    throw error;
  }
  // The key and its transparency log entry commit together.
  const row = await db.transaction().execute(async (trx) => {
    const inserted = await insertSchoolKey(trx, {
      kid: accepted.kid,
      thumbprint: accepted.thumbprint,
      school_id: schoolId,
      alg: accepted.alg,
      jwk: JSON.stringify(accepted.jwk),
      created_by: caller.sub,
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

/** A school's keys, active and revoked, oldest first, for an operator or the school itself. */
export async function listKeysOf(
  db: Executor,
  caller: SchoolReader,
  schoolId: string,
  page: PageRequest,
): Promise<SchoolKeyRow[]> {
  const school = await schoolVisibleTo(db, caller, schoolId);
  return listSchoolKeys(db, school.id, page);
}

export interface KeyRevocationRequest {
  reason: string;
  /** RFC 3339; when given, not in the future. */
  compromised_at?: string | undefined;
}

/**
 * What a key reported compromised sets off outside the registry (documents it signed since then
 * are revoked), run in the revocation's transaction. app.ts wires it, so the registry never
 * imports documents.
 */
export type KeyCompromisedHook = (
  trx: Transaction<DB>,
  key: SchoolKeyRow & { compromised_at: Date },
  caller: SchoolReader,
) => Promise<unknown>;

/**
 * Revokes an active key of the school: from now on nothing signed with it is accepted. With a
 * compromise time the hook runs in the same transaction, so what else the revocation implies
 * commits or fails with it. A key that is already revoked stays as it was revoked (409
 * key_already_revoked), so the recorded reason and compromise time are never rewritten.
 */
export async function revokeSchoolKey(
  db: Kysely<DB>,
  caller: SchoolReader,
  schoolId: string,
  kid: string,
  request: KeyRevocationRequest,
  onCompromised: KeyCompromisedHook,
): Promise<SchoolKeyRow> {
  const school = await schoolVisibleTo(db, caller, schoolId);
  const compromisedAt =
    request.compromised_at === undefined ? null : checkPastTime(request.compromised_at, 'compromised_at');
  const reason = normalizedText(request.reason, 'reason', reasonMax);
  return db.transaction().execute(async (trx) => {
    const revoked = await markKeyRevoked(trx, school.id, kid, { revokedBy: caller.sub, reason, compromisedAt });
    if (!revoked) {
      const existing = await findSchoolKey(trx, school.id, kid);
      if (!existing) throw notFound('key');
      const since = existing.revoked_at ? ` (since ${existing.revoked_at.toISOString()})` : '';
      throw problem('key_already_revoked', `Key ${kid} is already revoked${since}; nothing was changed.`);
    }
    await logKeyStatus(trx, revoked.kid);
    if (revoked.compromised_at !== null)
      await onCompromised(trx, { ...revoked, compromised_at: revoked.compromised_at }, caller);
    return revoked;
  });
}

/** The keys a verifier should trust for this school now (public: anyone may fetch a school's JWKS). */
export async function publishedKeysOf(db: Executor, schoolId: string): Promise<StoredJwk[]> {
  const keys = await activeSchoolKeys(db, schoolId);
  if (!keys) throw notFound('school');
  return keys;
}
