import { applicantVisibleTo } from '../applicants/service.js';
import type { PrincipalOf } from '../auth/principal.js';
import type { Executor } from '../db/database.js';
import type { PageRequest } from '../db/pagination.js';
import { listDisclosures, type DisclosureListRow } from './repository.js';

/** Which program saw which of an applicant's documents, for an operator or that applicant. */
export async function disclosuresOf(
  db: Executor,
  caller: PrincipalOf<'admin' | 'applicant'>,
  applicantId: string,
  { after, limit }: PageRequest,
): Promise<DisclosureListRow[]> {
  const applicant = await applicantVisibleTo(db, caller, applicantId);
  return listDisclosures(db, applicant.id, limit, after);
}
