import { sql } from 'kysely';
import type { Cursor } from '../db/pagination.js';
import type { Executor } from '../db/database.js';
import { documentColumnNames, toDocument, type DocumentWithSchool, type JoinedRow } from './repository.js';
import type { DocumentStatus, DocumentType } from './tables.js';

// Documents as a program sees them: only through an active release of its own. The two reads call
// the PL/pgSQL functions of migration 0005, which keep their plans per connection (see there).

/**
 * What a program read fetches from the program_document_rows view: every column of documents, the
 * school's summary and the release's copy of updated_at (the list position). The release's other
 * columns only serve the functions' filters and are not sent.
 */
const fetched = sql.join(
  [...documentColumnNames, 'school_wdoms_id', 'school_name', 'school_status', 'school_status_reason', 'listed_at'].map(
    (column) => sql.ref(column),
  ),
);

type ReleasedRow = JoinedRow & { listed_at: Date };

export type ReleasedDocument = DocumentWithSchool & { listed_at: Date };

/**
 * The document if it is released to the program now, else undefined: one query whether the id is
 * unknown, another program's, or withdrawn, so neither the answer nor its timing tells them apart.
 */
export async function findReleasedDocument(
  db: Executor,
  documentId: string,
  programId: string,
): Promise<ReleasedDocument | undefined> {
  const { rows } =
    await sql<ReleasedRow>`select ${fetched} from program_released_document(${programId}::uuid, ${documentId}::uuid)`.execute(
      db,
    );
  const row = rows[0];
  return row && toDocument(row);
}

export interface ProgramDocumentFilters {
  applicant_id?: string;
  ecfmg_id?: string;
  type?: DocumentType;
  status?: DocumentStatus;
  updated_since?: Date;
}

/**
 * One page of the documents released to a program, ordered by the documents' (updated_at, id) as
 * copied into releases, fetching `limit + 1` rows to know whether more follow. Each page is one
 * range of releases_program_list, or of releases_program_applicant when narrowed to one applicant
 * (an ECFMG ID is turned into its applicant by the unique index). `updated_since` also matches
 * documents released since then, so a program syncing by time sees a newly released document even
 * when the document itself is older.
 */
export async function listProgramDocuments(
  db: Executor,
  programId: string,
  filters: ProgramDocumentFilters,
  limit: number,
  after?: Cursor,
): Promise<ReleasedDocument[]> {
  const { rows } = await sql<ReleasedRow>`
    select ${fetched} from program_documents(
      ${programId}::uuid, ${filters.applicant_id ?? null}::uuid, ${filters.ecfmg_id ?? null}::text,
      ${filters.type ?? null}::text, ${filters.status ?? null}::text, ${filters.updated_since ?? null}::timestamptz,
      ${after?.at ?? null}::timestamptz, ${after?.id ?? null}::uuid, ${limit + 1}::integer
    )`.execute(db);
  return rows.map(toDocument);
}

/** One indexed lookup (releases_active_once): is this document released to this program right now? */
export async function isActivelyReleased(db: Executor, documentId: string, programId: string): Promise<boolean> {
  const row = await db
    .selectFrom('releases')
    .select('id')
    .where('document_id', '=', documentId)
    .where('program_id', '=', programId)
    .where('withdrawn_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}
