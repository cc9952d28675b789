import type { JWK } from 'jose';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
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
      jsonArrayFrom(
        eb
          .selectFrom('school_keys')
          .select(['school_keys.kid', 'school_keys.jwk', 'school_keys.alg', 'school_keys.status'])
          .whereRef('school_keys.school_id', '=', 'schools.id'),
      ).as('keys'),
    )
    .where('schools.id', '=', id)
    .executeTakeFirst();
  return (
    row && {
      ...row,
      keys: row.keys.map((key) => ({ kid: key.kid, jwk: key.jwk as JWK, alg: key.alg, status: key.status })),
    }
  );
}

export interface BeforeStoring {
  /** The registered applicant with the manifest's ECFMG ID, if any. */
  applicant: (StatedIdentity & { id: string }) | undefined;
  /** The document this school already stored under the manifest's jti, if any. */
  earlierSubmissionId: string | undefined;
}

/** What storing a submission must know first, in one round trip: who it is about, and whether it is new. */
export async function lookUpBeforeStoring(
  db: Executor,
  schoolId: string,
  submissionId: string,
  ecfmgId: string,
): Promise<BeforeStoring> {
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .selectFrom('documents')
        .select('documents.id')
        .where('documents.school_id', '=', schoolId)
        .where('documents.submission_id', '=', submissionId)
        .as('earlier_submission_id'),
      jsonObjectFrom(
        eb
          .selectFrom('applicants')
          .select(['applicants.id', 'applicants.given_name', 'applicants.family_name', 'applicants.date_of_birth'])
          .where('applicants.ecfmg_id', '=', ecfmgId),
      ).as('applicant'),
    ])
    .executeTakeFirstOrThrow();
  return { applicant: row.applicant ?? undefined, earlierSubmissionId: row.earlier_submission_id ?? undefined };
}
