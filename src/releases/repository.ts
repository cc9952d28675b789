import { sql, type Transaction } from 'kysely';
import type { DB } from '../db/types.js';
import type { Executor } from '../db/database.js';
import type { DocumentWithSchool } from '../documents/repository.js';
import type { DocumentRow, DocumentStatus, DocumentType } from '../documents/tables.js';
import type { Cursor } from '../http/cursor.js';
import type { SchoolStatus } from '../schools/tables.js';
import type { ReleaseRow } from './tables.js';

const releaseColumns = [
  'releases.id',
  'releases.applicant_id',
  'releases.document_id',
  'releases.program_id',
  'releases.created_at',
  'releases.created_by',
  'releases.withdrawn_at',
  'releases.withdrawn_by',
  'releases.document_updated_at',
] as const;

/** The document facts a release decision needs, read under a share lock (see lockReleasable). */
export interface ReleasableDocument {
  id: string;
  applicant_id: string | null;
  school_id: string;
  status: DocumentStatus;
}

/**
 * The document, locked against a concurrent supersede or revoke until the release commits: a
 * replacement that moves releases waits for this one, or this one sees the document superseded.
 */
export async function lockReleasable(
  trx: Transaction<DB>,
  documentId: string,
): Promise<ReleasableDocument | undefined> {
  return trx
    .selectFrom('documents')
    .select(['id', 'applicant_id', 'school_id', 'status'])
    .where('id', '=', documentId)
    .forShare()
    .executeTakeFirst();
}

/** The new release, or undefined when the document is already actively released to that program. */
export async function insertRelease(
  trx: Executor,
  values: { applicant_id: string; document_id: string; program_id: string; created_by: string },
): Promise<ReleaseRow | undefined> {
  return trx
    .insertInto('releases')
    .values(values)
    .onConflict((oc) => oc.columns(['document_id', 'program_id']).where('withdrawn_at', 'is', null).doNothing())
    .returning(releaseColumns)
    .executeTakeFirst();
}

/** A release with its document's school (a webhook's audience), locked for withdrawal. */
export async function lockRelease(
  trx: Transaction<DB>,
  id: string,
): Promise<(ReleaseRow & { school_id: string }) | undefined> {
  return trx
    .selectFrom('releases')
    .innerJoin('documents', 'documents.id', 'releases.document_id')
    .select(releaseColumns)
    .select('documents.school_id')
    .where('releases.id', '=', id)
    .forUpdate('releases')
    .executeTakeFirst();
}

export async function markWithdrawn(trx: Executor, id: string, by: string): Promise<ReleaseRow> {
  return trx
    .updateTable('releases')
    .set({ withdrawn_at: new Date(), withdrawn_by: by })
    .where('id', '=', id)
    .returning(releaseColumns)
    .executeTakeFirstOrThrow();
}

/**
 * A replacement that has just become verified takes over the active releases of the documents it
 * replaces, in that change's transaction: every program that held one of them now sees the new one
 * (and no longer the old). The whole chain of `supersedes` is followed, because a replacement that
 * was rejected may itself have been replaced, and the releases stayed where they were meanwhile.
 * Returns the programs whose release moved.
 */
export async function moveReleasesToReplacement(trx: Executor, replacementId: string): Promise<string[]> {
  const { rows } = await sql<{ program_id: string }>`
    with recursive replaced (id) as (
      select supersedes from documents where id = ${replacementId}::uuid and supersedes is not null
      union all
      select d.supersedes from documents d join replaced on d.id = replaced.id where d.supersedes is not null
    )
    update releases set document_id = ${replacementId}::uuid
    where document_id in (select id from replaced) and withdrawn_at is null
    returning program_id`.execute(trx);
  return rows.map((row) => row.program_id);
}

/** The programs a document is released to now: the audience of its webhook events. */
export async function programsReleasedTo(db: Executor, documentId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('releases')
    .select('program_id')
    .where('document_id', '=', documentId)
    .where('withdrawn_at', 'is', null)
    .execute();
  return rows.map((row) => row.program_id);
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

export async function listApplicantReleases(
  db: Executor,
  applicantId: string,
  filters: { active?: boolean },
  limit: number,
  after?: Cursor,
): Promise<ReleaseRow[]> {
  let query = db.selectFrom('releases').select(releaseColumns).where('releases.applicant_id', '=', applicantId);
  if (filters.active === true) query = query.where('releases.withdrawn_at', 'is', null);
  if (filters.active === false) query = query.where('releases.withdrawn_at', 'is not', null);
  if (after !== undefined) {
    query = query.where((eb) =>
      eb(eb.refTuple('releases.created_at', 'releases.id'), '>', eb.tuple(after.at, after.id)),
    );
  }
  return query
    .orderBy('releases.created_at')
    .orderBy('releases.id')
    .limit(limit + 1)
    .execute();
}

// Documents as a program sees them: only through an active release of its own. Both reads call
// the PL/pgSQL functions of migration 0005, which keep their plans per connection (see there).

/**
 * What a program read fetches from the program_document_rows view: every column of documents, the
 * school's summary and the release's copy of updated_at (the list position). The release's other
 * columns only serve the functions' filters and are not sent.
 */
const documentColumns = [
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

/** Fails to compile when documents gains a column this list does not fetch. */
type EveryDocumentColumnFetched =
  Exclude<keyof DocumentRow, (typeof documentColumns)[number]> extends never ? true : never;
const _everyColumnFetched: EveryDocumentColumnFetched = true;

const fetched = sql.join(
  [...documentColumns, 'school_wdoms_id', 'school_name', 'school_status', 'school_status_reason', 'listed_at'].map(
    (column) => sql.ref(column),
  ),
);

type ReleasedRow = DocumentRow & {
  school_wdoms_id: string;
  school_name: string;
  school_status: SchoolStatus;
  school_status_reason: string | null;
  listed_at: Date;
};

export type ReleasedDocument = DocumentWithSchool & { listed_at: Date };

function toDocument({
  school_wdoms_id,
  school_name,
  school_status,
  school_status_reason,
  ...document
}: ReleasedRow): ReleasedDocument {
  return {
    ...document,
    school: {
      id: document.school_id,
      wdoms_id: school_wdoms_id,
      name: school_name,
      status: school_status,
      status_reason: school_status_reason,
    },
  };
}

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
