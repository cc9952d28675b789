import { sql, type Insertable } from 'kysely';
import type { Executor } from '../db/database.js';
import { foldedContains, type DirectorySearch } from '../db/directory-search.js';
import { keysetPage, type PageRequest } from '../db/pagination.js';
import type { ProgramRow, ProgramsTable } from './tables.js';

/** The new program, or undefined when the ACGME ID is taken. */
export async function insertProgram(db: Executor, values: Insertable<ProgramsTable>): Promise<ProgramRow | undefined> {
  return db
    .insertInto('programs')
    .values(values)
    .onConflict((oc) => oc.column('acgme_id').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findProgram(db: Executor, id: string): Promise<ProgramRow | undefined> {
  return db.selectFrom('programs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The expression of the programs_directory_search index (migration 0009), written the same way so it is used. */
const searchText = sql<string>`directory_fold(name || ' ' || specialty)`;

/** Programs by (created_at, id): all of them, the one with this ACGME ID, or those whose name or specialty hold a fragment. */
export async function searchPrograms(db: Executor, search: DirectorySearch, page: PageRequest): Promise<ProgramRow[]> {
  let query = db.selectFrom('programs').selectAll();
  if (search && 'exactId' in search) query = query.where('acgme_id', '=', search.exactId);
  else if (search) query = query.where(foldedContains(searchText, search.fragment));
  return keysetPage(query, { at: 'created_at', id: 'id' }, page).execute();
}
