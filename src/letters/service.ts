import { applicantVisibleTo } from '../applicants/service.js';
import type { PrincipalOf } from '../auth/principal.js';
import type { Executor } from '../db/database.js';
import type { PageRequest } from '../db/pagination.js';
import { normalizedText } from '../http/input-checks.js';
import { notFound } from '../http/problem.js';
import { insertLetterRequest, listLetterRequests } from './repository.js';
import { authorNameMax } from './schemas.js';
import type { LetterRequestRow } from './tables.js';

export interface LetterRequest {
  author_name: string;
  author_email?: string | undefined;
  waive_right_to_view: boolean;
}

/** An applicant asks for a letter; the waiver choice made here is the one that counts. */
export async function requestLetter(
  db: Executor,
  caller: PrincipalOf<'applicant'>,
  applicantId: string,
  request: LetterRequest,
): Promise<LetterRequestRow> {
  if (caller.applicant_id !== applicantId) throw notFound('applicant');
  return insertLetterRequest(db, {
    applicant_id: caller.applicant_id,
    author_name: normalizedText(request.author_name, 'author_name', authorNameMax).trim(),
    author_email: request.author_email ?? null,
    waive_right_to_view: request.waive_right_to_view,
  });
}

/** An applicant's letter requests, for an operator or that applicant. */
export async function lettersOf(
  db: Executor,
  caller: PrincipalOf<'admin' | 'applicant'>,
  applicantId: string,
  { after, limit }: PageRequest,
): Promise<LetterRequestRow[]> {
  const applicant = await applicantVisibleTo(db, caller, applicantId);
  return listLetterRequests(db, applicant.id, limit, after);
}
