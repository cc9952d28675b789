import type { JWK } from 'jose';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { RegisteredManifestKey } from './manifest.js';
import type { StatedIdentity } from './matching.js';
import type { Executor } from '../db/database.js';

export interface SubmittingSchool {
  id: string;
  wdoms_id: string;
  name: string;
  status: 'pending' | 'active' | 'suspended';
  /** Every key registered for this school: a manifest can never name another school's key. */
  keys: (RegisteredManifestKey & { kid: string })[];
}

/** The calling school with its keys, in one round trip: a school has a handful of keys at most. */
export async function findSubmittingSchool(db: Executor, id: string): Promise<SubmittingSchool | undefined> {
  const row = await db
    .selectFrom('schools')
    .select(['schools.id', 'schools.wdoms_id', 'schools.name', 'schools.status'])
    .select((eb) =>
      jsonArrayFrom(eb.selectFrom('school_keys').select(['school_keys.kid', 'school_keys.jwk', 'school_keys.alg', 'school_keys.status']).whereRef('school_keys.school_id', '=', 'schools.id')).as('keys'),
    )
    .where('schools.id', '=', id)
    .executeTakeFirst();
  return row && { ...row, keys: row.keys.map((key) => ({ kid: key.kid, jwk: key.jwk as JWK, alg: key.alg, status: key.status })) };
}

export async function findApplicantByEcfmgId(db: Executor, ecfmgId: string): Promise<(StatedIdentity & { id: string }) | undefined> {
  return db.selectFrom('applicants').select(['id', 'given_name', 'family_name', 'date_of_birth']).where('ecfmg_id', '=', ecfmgId).executeTakeFirst();
}
