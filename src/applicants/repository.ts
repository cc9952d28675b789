import type { Insertable, Kysely, Transaction } from 'kysely';
import type { DB } from '../db/types.js';
import type { ApplicantRow, ApplicantsTable } from './tables.js';

export type Executor = Kysely<DB> | Transaction<DB>;

/** The new applicant, or undefined when the ECFMG ID is taken (the transaction stays usable). */
export async function insertApplicant(db: Executor, values: Insertable<ApplicantsTable>): Promise<ApplicantRow | undefined> {
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
