import type { Transaction } from 'kysely';
import type { DB } from '../db/types.js';
import { keysetPage, type Cursor } from '../db/pagination.js';
import type { Executor } from '../db/database.js';
import type { LetterRequestRow } from './tables.js';

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

export async function listLetterRequests(
  db: Executor,
  applicantId: string,
  limit: number,
  after?: Cursor,
): Promise<LetterRequestRow[]> {
  const query = db.selectFrom('letter_requests').selectAll().where('applicant_id', '=', applicantId);
  return keysetPage(query, { at: 'created_at', id: 'id' }, { after, limit }).execute();
}
