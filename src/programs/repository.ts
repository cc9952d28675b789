import { sql, type Insertable } from 'kysely';
import type { Executor } from '../db/database.js';
import { hasWordsStartingWith, type DirectorySearch } from '../db/directory-search.js';
import { keysetPage, type PageRequest } from '../db/pagination.js';
import type { ProgramDirectoryRow, ProgramRow, ProgramsTable } from './tables.js';

/** The program's columns, named: not the search's own `directory_words` (migration 0009), which no reader needs. */
const programColumns = ['id', 'acgme_id', 'name', 'specialty', 'created_at', 'updated_at'] as const;

/** What the directory answers, and the time its pages are ordered by: nothing else is read per row. */
const directoryColumns = ['id', 'acgme_id', 'name', 'specialty', 'created_at'] as const;

const searchWords = sql<unknown>`directory_words`;

/** The new program, or undefined when the ACGME ID is taken. */
export async function insertProgram(db: Executor, values: Insertable<ProgramsTable>): Promise<ProgramRow | undefined> {
  return db
    .insertInto('programs')
    .values(values)
    .onConflict((oc) => oc.column('acgme_id').doNothing())
    .returning(programColumns)
    .executeTakeFirst();
}

export async function findProgram(db: Executor, id: string): Promise<ProgramRow | undefined> {
  return db.selectFrom('programs').select(programColumns).where('id', '=', id).executeTakeFirst();
}

/**
 * Programs by (created_at, id): all of them, the one with this ACGME ID, or those with a word of the
 * name or specialty starting with each word typed.
 */
export async function searchPrograms(
  db: Executor,
  search: DirectorySearch,
  page: PageRequest,
): Promise<ProgramDirectoryRow[]> {
  let query = db.selectFrom('programs').select(directoryColumns);
  if (search && 'exactId' in search) query = query.where('acgme_id', '=', search.exactId);
  else if (search) query = query.where(hasWordsStartingWith(searchWords, search.words));
  return keysetPage(query, { at: 'created_at', id: 'id' }, page).execute();
}
