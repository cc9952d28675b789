import type { Insertable } from 'kysely';
import type { Executor } from '../db/database.js';
import type { ApplicantRow, ApplicantsTable } from './tables.js';

/** The new applicant, or undefined when the ECFMG ID is taken (the transaction stays usable). */
export async function insertApplicant(
  db: Executor,
  values: Insertable<ApplicantsTable>,
): Promise<ApplicantRow | undefined> {
  return db
    .insertInto('applicants')
    .values(values)
    .onConflict((oc) => oc.column('ecfmg_id').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findApplicant(db: Executor, id: string): Promise<ApplicantRow | undefined> {
  return db.selectFrom('applicants').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findApplicantByEcfmgId(db: Executor, ecfmgId: string): Promise<ApplicantRow | undefined> {
  return db.selectFrom('applicants').selectAll().where('ecfmg_id', '=', ecfmgId).executeTakeFirst();
}
