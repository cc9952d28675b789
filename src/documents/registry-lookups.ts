import type { JWK } from 'jose';
import type { Executor } from './repository.js';
import type { StatedIdentity } from './matching.js';

export interface SubmittingSchool {
  id: string;
  wdoms_id: string;
  name: string;
  status: 'pending' | 'active' | 'suspended';
}

export async function findSubmittingSchool(db: Executor, id: string): Promise<SubmittingSchool | undefined> {
  return db.selectFrom('schools').select(['id', 'wdoms_id', 'name', 'status']).where('id', '=', id).executeTakeFirst();
}

/** Only keys registered for the calling school: a manifest can never name another school's key. */
export async function findSchoolKey(db: Executor, schoolId: string, kid: string): Promise<{ jwk: JWK; alg: string; status: 'active' | 'revoked' } | undefined> {
  const row = await db.selectFrom('school_keys').select(['jwk', 'alg', 'status']).where('school_id', '=', schoolId).where('kid', '=', kid).executeTakeFirst();
  return row && { jwk: row.jwk as JWK, alg: row.alg, status: row.status };
}

export async function findApplicantByEcfmgId(db: Executor, ecfmgId: string): Promise<(StatedIdentity & { id: string }) | undefined> {
  return db.selectFrom('applicants').select(['id', 'given_name', 'family_name', 'date_of_birth']).where('ecfmg_id', '=', ecfmgId).executeTakeFirst();
}
