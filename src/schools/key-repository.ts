import type { Insertable } from 'kysely';
import { keysetPage, type PageRequest } from '../db/pagination.js';
import type { Executor } from '../db/database.js';
import type { SchoolKeyRow, SchoolKeysTable, StoredJwk } from './tables.js';

/** The new key, or undefined when its kid or its thumbprint is taken (the transaction stays usable). */
export async function insertSchoolKey(
  db: Executor,
  values: Insertable<SchoolKeysTable>,
): Promise<SchoolKeyRow | undefined> {
  return db
    .insertInto('school_keys')
    .values(values)
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** Whatever already holds this kid or this key, to say precisely why a registration was refused. */
export async function findKeyClash(
  db: Executor,
  kid: string,
  thumbprint: string,
): Promise<Pick<SchoolKeyRow, 'kid' | 'thumbprint' | 'school_id' | 'status'> | undefined> {
  return db
    .selectFrom('school_keys')
    .select(['kid', 'thumbprint', 'school_id', 'status'])
    .where((eb) => eb.or([eb('thumbprint', '=', thumbprint), eb('kid', '=', kid)]))
    .orderBy('created_at')
    .executeTakeFirst();
}

export async function findSchoolKey(db: Executor, schoolId: string, kid: string): Promise<SchoolKeyRow | undefined> {
  return db
    .selectFrom('school_keys')
    .selectAll()
    .where('kid', '=', kid)
    .where('school_id', '=', schoolId)
    .executeTakeFirst();
}

export async function listSchoolKeys(db: Executor, schoolId: string, options: PageRequest): Promise<SchoolKeyRow[]> {
  const query = db.selectFrom('school_keys').selectAll().where('school_id', '=', schoolId);
  return keysetPage(query, { at: 'created_at', id: 'kid' }, options).execute();
}

/**
 * The keys a verifier should trust for this school now, or undefined when there is no such school:
 * one round trip for the public JWKS, however often it is fetched.
 */
export async function activeSchoolKeys(db: Executor, schoolId: string): Promise<StoredJwk[] | undefined> {
  const rows = await db
    .selectFrom('schools')
    .leftJoin('school_keys', (join) =>
      join.onRef('school_keys.school_id', '=', 'schools.id').on('school_keys.status', '=', 'active'),
    )
    .select('school_keys.jwk')
    .where('schools.id', '=', schoolId)
    .orderBy('school_keys.created_at')
    .orderBy('school_keys.kid')
    .execute();
  if (rows.length === 0) return undefined;
  return rows.flatMap((row) => (row.jwk === null ? [] : [row.jwk]));
}

export interface Revocation {
  revokedBy: string;
  reason: string;
  compromisedAt: Date | null;
}

/** Revokes the key if it is still active; undefined when it is not (absent, another school's, or revoked). */
export async function markKeyRevoked(
  db: Executor,
  schoolId: string,
  kid: string,
  revocation: Revocation,
): Promise<SchoolKeyRow | undefined> {
  return db
    .updateTable('school_keys')
    .set((eb) => ({
      status: 'revoked',
      revoked_at: eb.fn<Date>('now'),
      revoked_by: revocation.revokedBy,
      revoked_reason: revocation.reason,
      compromised_at: revocation.compromisedAt,
    }))
    .where('kid', '=', kid)
    .where('school_id', '=', schoolId)
    .where('status', '=', 'active')
    .returningAll()
    .executeTakeFirst();
}
