import type { PrincipalOf } from '../auth/principal.js';
import { notFound, problem } from '../http/problem.js';
import { normalizedText } from '../http/input-checks.js';
import type { Executor } from '../db/database.js';
import { directorySearch } from '../db/directory-search.js';
import type { PageRequest } from '../db/pagination.js';
import { acgmeIdPattern } from '../facts/identifiers.js';
import { findProgram, insertProgram, searchPrograms } from './repository.js';
import { programNameMax, specialtyMax } from './schemas.js';
import type { ProgramDirectoryRow, ProgramRow } from './tables.js';

export interface NewProgram {
  acgme_id: string;
  name: string;
  specialty: string;
}

export async function registerProgram(db: Executor, input: NewProgram): Promise<ProgramRow> {
  const program = await insertProgram(db, {
    acgme_id: input.acgme_id,
    name: normalizedText(input.name, 'name', programNameMax),
    specialty: normalizedText(input.specialty, 'specialty', specialtyMax),
  });
  if (!program) throw problem('program_exists', `A program with ACGME ID ${input.acgme_id} is already registered.`);
  return program;
}

/**
 * Throws 404 unless this caller may see the program. A program's own token names a registered
 * program, so only an operator's request costs a lookup (a program's reads stay one query).
 */
export async function assertProgramVisible(
  db: Executor,
  caller: PrincipalOf<'admin' | 'program'>,
  id: string,
): Promise<void> {
  if (caller.role === 'program') {
    if (caller.program_id !== id) throw notFound('program');
    return;
  }
  if (!(await findProgram(db, id))) throw notFound('program');
}

/** A program this caller may see (an operator, or the program); any other answers as if absent. */
export async function programVisibleTo(
  db: Executor,
  caller: PrincipalOf<'admin' | 'program'>,
  id: string,
): Promise<ProgramRow> {
  if (caller.role === 'program' && caller.program_id !== id) throw notFound('program');
  const program = await findProgram(db, id);
  if (!program) throw notFound('program');
  return program;
}

const acgmeId = new RegExp(acgmeIdPattern);

/**
 * GET /programs: the program directory, for any signed-in caller (an applicant names the program a
 * document is released to). A program's facts are public; it holds no contact data.
 */
export async function programDirectory(
  db: Executor,
  q: string | undefined,
  page: PageRequest,
): Promise<ProgramDirectoryRow[]> {
  return searchPrograms(db, directorySearch(q, acgmeId), page);
}
