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
  status_reason: string | null;
  /** Every key registered for this school: a manifest can never name another school's key. */
  keys: (RegisteredManifestKey & { kid: string })[];
}

/** The calling school with its keys, in one round trip: a school has a handful of keys at most. */
export async function findSubmittingSchool(db: Executor, id: string): Promise<SubmittingSchool | undefined> {
  const row = await db
    .selectFrom('schools')
    .select(['schools.id', 'schools.wdoms_id', 'schools.name', 'schools.status', 'schools.status_reason'])
    .select((eb) =>
      jsonArrayFrom(
        eb
          .selectFrom('school_keys')
          .select([
            'school_keys.kid',
            'school_keys.jwk',
            'school_keys.alg',
            'school_keys.status',
            'school_keys.created_at',
          ])
          .whereRef('school_keys.school_id', '=', 'schools.id'),
      ).as('keys'),
    )
    .where('schools.id', '=', id)
    .executeTakeFirst();
  return (
    row && {
      ...row,
      keys: row.keys.map((key) => ({
        kid: key.kid,
        jwk: key.jwk as JWK,
        alg: key.alg,
        status: key.status,
        // Read through JSON, so the time arrives as its text.
        created_at: new Date(key.created_at),
      })),
    }
  );
}

export interface BeforeStoring {
  /** The registered applicant with the manifest's ECFMG ID, if any. */
  applicant: (StatedIdentity & { id: string }) | undefined;
  /** The document this school already stored under the manifest's jti, if any. */
  earlierSubmissionId: string | undefined;
  /** The signing key's status now, read under a share lock held until the submission commits. */
  keyStatus: 'active' | 'revoked' | undefined;
}

/**
 * What storing a submission must know first, in one round trip: who it is about, whether it is new,
 * and whether its key is still active. The key row is share-locked: a revocation (and its compromise
 * cascade) waits for this submission to commit and then sees it, or this submission waits for the
 * revocation and then sees the key revoked. Either way no document signed with a compromised key
 * slips in between the revocation and its cascade.
 */
export async function lookUpBeforeStoring(
  db: Executor,
  schoolId: string,
  submissionId: string,
  ecfmgId: string,
  kid: string,
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
      eb
        .selectFrom('school_keys')
        .select('school_keys.status')
        .where('school_keys.kid', '=', kid)
        .where('school_keys.school_id', '=', schoolId)
        .forShare()
        .as('key_status'),
    ])
    .executeTakeFirstOrThrow();
  return {
    applicant: row.applicant ?? undefined,
    earlierSubmissionId: row.earlier_submission_id ?? undefined,
    keyStatus: row.key_status ?? undefined,
  };
}
