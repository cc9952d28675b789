import type { PrincipalOf } from '../auth/principal.js';
import { notFound, problem } from '../http/problem.js';
import { checkPastDate, normalizedText } from '../registry/fields.js';
import type { Executor } from '../db/database.js';
import { findApplicant, insertApplicant } from './repository.js';
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
 * Registers an applicant. Takes the caller's executor (a transaction in the route), so what
 * registering an applicant sets off elsewhere commits together with it.
 */
export async function registerApplicant(db: Executor, input: NewApplicant): Promise<ApplicantRow> {
  const values = {
    ecfmg_id: input.ecfmg_id,
    given_name: normalizedText(input.given_name, 'given_name', nameMax),
    family_name: normalizedText(input.family_name, 'family_name', nameMax),
    date_of_birth: checkPastDate(input.date_of_birth, 'date_of_birth'),
    email: input.email ?? null,
  };
  const applicant = await insertApplicant(db, values);
  if (!applicant)
    throw problem('applicant_exists', `An applicant with ECFMG ID ${input.ecfmg_id} is already registered.`);
  return applicant;
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
