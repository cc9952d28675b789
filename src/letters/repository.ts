import type { Transaction } from 'kysely';
import type { DB } from '../db/types.js';
import { keysetPage, type Cursor } from '../db/pagination.js';
import type { Executor } from '../db/database.js';
import type { SchoolPublicFacts } from '../schools/tables.js';
import type { LetterRequestRow } from './tables.js';

/** A request with the public facts of the school asked (null for a request made before requests named one). */
export type LetterRequestWithSchool = LetterRequestRow & { school: SchoolPublicFacts | null };

export interface NewLetterRequest {
  applicant_id: string;
  school_id: string;
  author_name: string;
  author_email: string | null;
  waive_right_to_view: boolean;
}

export async function insertLetterRequest(db: Executor, values: NewLetterRequest): Promise<LetterRequestRow> {
  return db.insertInto('letter_requests').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function lockLetterRequest(trx: Transaction<DB>, id: string): Promise<LetterRequestRow | undefined> {
  return trx.selectFrom('letter_requests').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function markReceived(trx: Executor, id: string, documentId: string): Promise<void> {
  await trx
    .updateTable('letter_requests')
    .set({ status: 'received', document_id: documentId })
    .where('id', '=', id)
    .execute();
}

/** The request answered by a document that turned out not to be this applicant's is open again. */
export async function reopenLetterRequest(trx: Executor, id: string, documentId: string): Promise<void> {
  await trx
    .updateTable('letter_requests')
    .set({ status: 'requested', document_id: null })
    .where('id', '=', id)
    .where('document_id', '=', documentId)
    .execute();
}

export async function letterWaived(db: Executor, letterId: string | null): Promise<boolean> {
  if (letterId === null) return false;
  const row = await db
    .selectFrom('letter_requests')
    .select('waive_right_to_view')
    .where('id', '=', letterId)
    .executeTakeFirst();
  // A letter whose request cannot be found is treated as waived: withholding is the safe mistake.
  return row?.waive_right_to_view ?? true;
}

/** An applicant's requests, each with its school read in the same query (by primary key), oldest first. */
export async function listLetterRequests(
  db: Executor,
  applicantId: string,
  limit: number,
  after?: Cursor,
): Promise<LetterRequestWithSchool[]> {
  const query = db
    .selectFrom('letter_requests')
    .leftJoin('schools', 'schools.id', 'letter_requests.school_id')
    .selectAll('letter_requests')
    .select(['schools.wdoms_id as school_wdoms_id', 'schools.name as school_name', 'schools.country as school_country'])
    .where('letter_requests.applicant_id', '=', applicantId);
  const rows = await keysetPage(
    query,
    { at: 'letter_requests.created_at', id: 'letter_requests.id' },
    { after, limit },
  ).execute();
  return rows.map(({ school_wdoms_id, school_name, school_country, ...row }) => ({
    ...row,
    school:
      row.school_id === null || school_wdoms_id === null || school_name === null || school_country === null
        ? null
        : { id: row.school_id, wdoms_id: school_wdoms_id, name: school_name, country: school_country },
  }));
}
