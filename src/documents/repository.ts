import type { Insertable, Transaction } from 'kysely';
import type { Executor } from '../db/database.js';
import type { DB } from '../db/types.js';
import { keysetPage, type Cursor } from '../db/pagination.js';
import type { SchoolStatus } from '../schools/tables.js';
import type { DocumentRow, DocumentsTable, DocumentStatus, DocumentType } from './tables.js';

/** Bytes per stored chunk: large enough for few rows, small enough never to hold a document whole. */
export const CHUNK_BYTES = 1024 * 1024;

/** The issuing school as a document shows it: its standing now, beside the document's own status. */
export interface SchoolSummary {
  id: string;
  wdoms_id: string;
  name: string;
  status: SchoolStatus;
  status_reason: string | null;
}

export type DocumentWithSchool = DocumentRow & { school: SchoolSummary };

/**
 * Every column of documents, named: a prepared statement (the insert) must not use *, and a program's
 * reads fetch the same columns from the program_document_rows view (released-repository.ts).
 */
export const documentColumnNames = [
  'id',
  'type',
  'status',
  'status_reason',
  'school_id',
  'applicant_id',
  'ecfmg_id',
  'given_name',
  'family_name',
  'date_of_birth',
  'sha256',
  'size',
  'media_type',
  'submission_id',
  'key_id',
  'signed_at',
  'manifest',
  'manifest_sha256',
  'letter_id',
  'supersedes',
  'superseded_by',
  'available_at',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof DocumentRow)[];

/** Fails to compile when documents gains a column the list above does not name. */
type EveryDocumentColumnNamed =
  Exclude<keyof DocumentRow, (typeof documentColumnNames)[number]> extends never ? true : never;
const _everyColumnNamed: EveryDocumentColumnNamed = true;

const documentColumns = documentColumnNames.map((column) => `documents.${column}` as const);

function withSchool(db: Executor) {
  return db
    .selectFrom('documents')
    .innerJoin('schools', 'schools.id', 'documents.school_id')
    .select(documentColumns)
    .select([
      'schools.wdoms_id as school_wdoms_id',
      'schools.name as school_name',
      'schools.status as school_status',
      'schools.status_reason as school_status_reason',
    ]);
}

/** A document row with its school's summary flattened beside it, as a join returns it. */
export type JoinedRow = DocumentRow & {
  school_wdoms_id: string;
  school_name: string;
  school_status: SchoolStatus;
  school_status_reason: string | null;
};

export function toDocument<Row extends JoinedRow>({
  school_wdoms_id,
  school_name,
  school_status,
  school_status_reason,
  ...row
}: Row): Omit<Row, 'school_wdoms_id' | 'school_name' | 'school_status' | 'school_status_reason'> & {
  school: SchoolSummary;
} {
  return {
    ...row,
    school: {
      id: row.school_id,
      wdoms_id: school_wdoms_id,
      name: school_name,
      status: school_status,
      status_reason: school_status_reason,
    },
  };
}

export async function findDocument(db: Executor, id: string): Promise<DocumentWithSchool | undefined> {
  const row = await withSchool(db).where('documents.id', '=', id).executeTakeFirst();
  return row && toDocument(row);
}

/** Locks the row: status changes read and write it in one transaction without racing. */
export async function lockDocument(trx: Transaction<DB>, id: string): Promise<DocumentWithSchool | undefined> {
  const row = await withSchool(trx).where('documents.id', '=', id).forUpdate('documents').executeTakeFirst();
  return row && toDocument(row);
}

export async function findBySubmission(
  db: Executor,
  schoolId: string,
  submissionId: string,
): Promise<DocumentWithSchool | undefined> {
  const row = await withSchool(db)
    .where('documents.school_id', '=', schoolId)
    .where('documents.submission_id', '=', submissionId)
    .executeTakeFirst();
  return row && toDocument(row);
}

/**
 * A new document and its bytes, chunk by chunk. The document row goes in the same statement as
 * the first chunk: most documents are one chunk, and each round trip costs both ends CPU.
 */
export async function insertDocument(
  trx: Executor,
  values: Insertable<DocumentsTable>,
  chunks: AsyncIterable<Buffer>,
): Promise<DocumentRow> {
  const pieces = chunks[Symbol.asyncIterator]();
  const first = await pieces.next();
  if (first.done === true) throw new RangeError('a document has at least one byte');
  const firstChunk = first.value;
  const row = await trx
    // Named columns, not *: this statement is prepared (it carries bytes), and a prepared statement
    // whose result gained a column would fail until its connection closed.
    .with('document', (db) => db.insertInto('documents').values(values).returning(documentColumns))
    .with('first_chunk', (db) =>
      db
        .insertInto('document_chunks')
        .values((eb) => ({ document_id: eb.selectFrom('document').select('document.id'), seq: 0, bytes: firstChunk })),
    )
    .selectFrom('document')
    .selectAll()
    .executeTakeFirstOrThrow();
  for (let seq = 1, next = await pieces.next(); next.done !== true; seq++, next = await pieces.next()) {
    await trx.insertInto('document_chunks').values({ document_id: row.id, seq, bytes: next.value }).execute();
  }
  return row;
}

/** The stored bytes, one chunk per query, so a download holds one chunk at a time. */
export async function* readChunks(db: Executor, documentId: string): AsyncGenerator<Buffer> {
  for (let seq = 0; ; seq++) {
    const row = await db
      .selectFrom('document_chunks')
      .select('bytes')
      .where('document_id', '=', documentId)
      .where('seq', '=', seq)
      .executeTakeFirst();
    if (!row) return;
    yield row.bytes;
  }
}

export interface StatusChange {
  documentId: string;
  from: DocumentStatus | null;
  to: DocumentStatus;
  reason: string | null;
  actor: string;
  actorRole: string;
}

/** The history row of a status change, as a query for the caller to run (or to send with another). */
export function eventInsert(trx: Executor, change: StatusChange) {
  return trx.insertInto('document_events').values({
    document_id: change.documentId,
    from_status: change.from,
    to_status: change.to,
    reason: change.reason,
    actor: change.actor,
    actor_role: change.actorRole,
  });
}

export async function updateDocument(
  trx: Executor,
  id: string,
  values: Partial<Pick<DocumentsTable, 'status' | 'status_reason' | 'applicant_id' | 'superseded_by'>>,
): Promise<void> {
  await trx.updateTable('documents').set(values).where('id', '=', id).execute();
}

export type DocumentEventRow = Awaited<ReturnType<typeof listEvents>>[number];

export async function listEvents(db: Executor, documentId: string) {
  return db
    .selectFrom('document_events')
    .select(['id', 'from_status', 'to_status', 'reason', 'actor', 'actor_role', 'created_at'])
    .where('document_id', '=', documentId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export interface DocumentFilters {
  school_id?: string;
  applicant_id?: string;
  ecfmg_id?: string;
  type?: DocumentType;
  status?: DocumentStatus;
  updated_since?: Date;
}

/**
 * One page ordered by (updated_at, id), fetching `limit + 1` rows to know whether more follow.
 * The scope filters (school, applicant) lead their own (scope, updated_at, id) index.
 */
export async function listDocuments(
  db: Executor,
  filters: DocumentFilters,
  limit: number,
  after?: Cursor,
): Promise<DocumentWithSchool[]> {
  let query = withSchool(db);
  if (filters.school_id !== undefined) query = query.where('documents.school_id', '=', filters.school_id);
  if (filters.applicant_id !== undefined) query = query.where('documents.applicant_id', '=', filters.applicant_id);
  if (filters.ecfmg_id !== undefined) query = query.where('documents.ecfmg_id', '=', filters.ecfmg_id);
  if (filters.type !== undefined) query = query.where('documents.type', '=', filters.type);
  if (filters.status !== undefined) query = query.where('documents.status', '=', filters.status);
  if (filters.updated_since !== undefined) query = query.where('documents.updated_at', '>=', filters.updated_since);
  const rows = await keysetPage(query, { at: 'documents.updated_at', id: 'documents.id' }, { after, limit }).execute();
  return rows.map(toDocument);
}

/** Whether the document was ever verified: matched to its applicant, or accepted after review. */
export async function wasEverVerified(db: Executor, documentId: string): Promise<boolean> {
  const row = await db
    .selectFrom('document_events')
    .select('id')
    .where('document_id', '=', documentId)
    .where('to_status', '=', 'verified')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Documents that were waiting for this ECFMG ID to be registered. */
export async function lockUnmatchedFor(trx: Transaction<DB>, ecfmgId: string): Promise<DocumentRow[]> {
  return trx
    .selectFrom('documents')
    .selectAll()
    .where('ecfmg_id', '=', ecfmgId)
    .where('status', '=', 'unmatched')
    .forUpdate()
    .execute();
}
