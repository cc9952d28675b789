import { applicantVisibleTo } from '../applicants/service.js';
import type { PrincipalOf } from '../auth/principal.js';
import type { Executor } from '../db/database.js';
import type { PageRequest } from '../db/pagination.js';
import { normalizedText } from '../http/input-checks.js';
import { notFound, problem } from '../http/problem.js';
import { findSchool } from '../schools/repository.js';
import { insertLetterRequest, listLetterRequests, type LetterRequestWithSchool } from './repository.js';
import { authorNameMax } from './schemas.js';

export interface NewLetterRequestInput {
  school_id: string;
  author_name: string;
  author_email?: string | undefined;
  waive_right_to_view: boolean;
}

/**
 * An applicant asks a school for a letter. The request names the school, so only that school can
 * answer it: a letter_id that leaks is of no use to any other. Only an active school can be asked,
 * as only an active school can submit. The waiver choice made here is the one that counts.
 */
export async function requestLetter(
  db: Executor,
  caller: PrincipalOf<'applicant'>,
  applicantId: string,
  input: NewLetterRequestInput,
): Promise<LetterRequestWithSchool> {
  if (caller.applicant_id !== applicantId) throw notFound('applicant');
  const school = await findSchool(db, input.school_id);
  if (school?.status !== 'active')
    throw problem(
      'school_unknown',
      `No active school has the id ${input.school_id}; find schools in GET /v1/schools/directory.`,
    );
  const request = await insertLetterRequest(db, {
    applicant_id: applicantId,
    school_id: school.id,
    author_name: normalizedText(input.author_name, 'author_name', authorNameMax).trim(),
    author_email: input.author_email ?? null,
    waive_right_to_view: input.waive_right_to_view,
  });
  return { ...request, school };
}

/** An applicant's letter requests, each naming its school, for an operator or that applicant. */
export async function lettersOf(
  db: Executor,
  caller: PrincipalOf<'admin' | 'applicant'>,
  applicantId: string,
  { after, limit }: PageRequest,
): Promise<LetterRequestWithSchool[]> {
  const applicant = await applicantVisibleTo(db, caller, applicantId);
  return listLetterRequests(db, applicant.id, limit, after);
}
