import type { Kysely, Transaction } from 'kysely';
import type { PrincipalOf } from '../auth/principal.js';
import type { DB } from '../db/types.js';
import { notFound, problem } from '../http/problem.js';
import { checkPastDate, normalizedText } from '../http/input-checks.js';
import type { Executor } from '../db/database.js';
import { findApplicant, findApplicantByEcfmgId, insertApplicant } from './repository.js';
import { nameMax } from './schemas.js';
import type { ApplicantRow } from './tables.js';

export interface NewApplicant {
  ecfmg_id: string;
  given_name: string;
  family_name: string;
  date_of_birth: string;
  email?: string | undefined;
}

/**
 * What registering an applicant sets off outside the registry (documents waiting for this ECFMG ID
 * are matched), run in the registration's transaction. app.ts wires it, so the registry never
 * imports documents.
 */
export type ApplicantRegisteredHook = (
  trx: Transaction<DB>,
  applicant: ApplicantRow,
  caller: PrincipalOf<'admin'>,
) => Promise<unknown>;

/** Registers an applicant and runs the hook in the same transaction: both commit, or neither does. */
export async function registerApplicant(
  db: Kysely<DB>,
  caller: PrincipalOf<'admin'>,
  input: NewApplicant,
  onRegistered: ApplicantRegisteredHook,
): Promise<ApplicantRow> {
  const values = {
    ecfmg_id: input.ecfmg_id,
    given_name: normalizedText(input.given_name, 'given_name', nameMax),
    family_name: normalizedText(input.family_name, 'family_name', nameMax),
    date_of_birth: checkPastDate(input.date_of_birth, 'date_of_birth'),
    email: input.email ?? null,
  };
  return db.transaction().execute(async (trx) => {
    const applicant = await insertApplicant(trx, values);
    if (!applicant)
      throw problem('applicant_exists', `An applicant with ECFMG ID ${input.ecfmg_id} is already registered.`);
    await onRegistered(trx, applicant, caller);
    return applicant;
  });
}

/** An applicant this caller may see (an operator, or the applicant); any other answers as if absent. */
export async function applicantVisibleTo(
  db: Executor,
  caller: PrincipalOf<'admin' | 'applicant'>,
  id: string,
): Promise<ApplicantRow> {
  if (caller.role === 'applicant' && caller.applicant_id !== id) throw notFound('applicant');
  const applicant = await findApplicant(db, id);
  if (!applicant) throw notFound('applicant');
  return applicant;
}

/** The registered applicant with this ECFMG ID, if any (for an operator comparing a document's identity). */
export async function registeredApplicant(db: Executor, ecfmgId: string): Promise<ApplicantRow | undefined> {
  return findApplicantByEcfmgId(db, ecfmgId);
}
