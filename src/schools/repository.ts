import { sql, type Insertable, type Transaction } from 'kysely';
import type { Executor } from '../db/database.js';
import type { DB } from '../db/types.js';
import { hasWordsStartingWith, type DirectorySearch } from '../db/directory-search.js';
import { keysetPage, type PageRequest } from '../db/pagination.js';
import type { SchoolRow, SchoolsTable, SchoolStatus, SchoolStatusEventRow, SchoolStatusEventsTable } from './tables.js';

/** The new school, or undefined when its wdoms_id is taken (no error, so the transaction stays usable). */
export async function insertSchool(db: Executor, values: Insertable<SchoolsTable>): Promise<SchoolRow | undefined> {
  return db
    .insertInto('schools')
    .values(values)
    .onConflict((oc) => oc.column('wdoms_id').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findSchool(db: Executor, id: string): Promise<SchoolRow | undefined> {
  return db.selectFrom('schools').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Locks the row so two status changes of one school are applied one after the other. */
export async function findSchoolForUpdate(db: Transaction<DB>, id: string): Promise<SchoolRow | undefined> {
  return db.selectFrom('schools').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function setSchoolStatus(
  db: Executor,
  id: string,
  status: SchoolStatus,
  reason: string | null,
): Promise<SchoolRow> {
  return db
    .updateTable('schools')
    .set({ status, status_reason: reason })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertSchoolStatusEvent(
  db: Executor,
  values: Insertable<SchoolStatusEventsTable>,
): Promise<void> {
  await db.insertInto('school_status_events').values(values).execute();
}

/**
 * Schools by (created_at, id), optionally only one (what a school's own token may list) or only those
 * of one status (index `schools_status_created_at_id`, migration 0010).
 */
export async function listSchools(
  db: Executor,
  options: PageRequest & { onlyId?: string | undefined; status?: SchoolStatus | undefined },
): Promise<SchoolRow[]> {
  let query = db.selectFrom('schools').selectAll();
  if (options.onlyId !== undefined) query = query.where('id', '=', options.onlyId);
  if (options.status !== undefined) query = query.where('status', '=', options.status);
  return keysetPage(query, { at: 'created_at', id: 'id' }, options).execute();
}

/** The expression of the schools_directory_search index (migration 0009), written the same way so it is used. */
const searchWords = sql<unknown>`to_tsvector('simple', directory_fold(name))`;

/** Active schools by (created_at, id): all, the one with this WDOMS id, or those whose name has words starting with the words typed. */
export async function searchActiveSchools(
  db: Executor,
  search: DirectorySearch,
  options: PageRequest & { country?: string | undefined },
): Promise<SchoolRow[]> {
  let query = db.selectFrom('schools').selectAll().where('status', '=', 'active');
  if (options.country !== undefined) query = query.where('country', '=', options.country);
  if (search && 'exactId' in search) query = query.where('wdoms_id', '=', search.exactId);
  else if (search) query = query.where(hasWordsStartingWith(searchWords, search.words));
  return keysetPage(query, { at: 'created_at', id: 'id' }, options).execute();
}

export async function listSchoolStatusEvents(
  db: Executor,
  schoolId: string,
  options: PageRequest,
): Promise<SchoolStatusEventRow[]> {
  const query = db.selectFrom('school_status_events').selectAll().where('school_id', '=', schoolId);
  return keysetPage(query, { at: 'created_at', id: 'id' }, options).execute();
}
