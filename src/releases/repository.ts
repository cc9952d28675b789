import { sql, type Transaction } from 'kysely';
import type { DB } from '../db/types.js';
import type { Executor } from '../db/database.js';
import type { DocumentStatus } from '../documents/tables.js';
import { keysetPage, type Cursor } from '../db/pagination.js';
import type { ReleaseRow, ReleaseWithProgram } from './tables.js';

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

const programColumns = ['programs.acgme_id as program_acgme_id', 'programs.name as program_name'] as const;

/** A release with its document's school (a webhook's audience) and its program, locked for withdrawal. */
export async function lockRelease(
  trx: Transaction<DB>,
  id: string,
): Promise<(ReleaseWithProgram & { school_id: string }) | undefined> {
  return trx
    .selectFrom('releases')
    .innerJoin('documents', 'documents.id', 'releases.document_id')
    .innerJoin('programs', 'programs.id', 'releases.program_id')
    .select(releaseColumns)
    .select(programColumns)
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

export async function listApplicantReleases(
  db: Executor,
  applicantId: string,
  filters: { active?: boolean },
  limit: number,
  after?: Cursor,
): Promise<ReleaseWithProgram[]> {
  let query = db
    .selectFrom('releases')
    .innerJoin('programs', 'programs.id', 'releases.program_id')
    .select(releaseColumns)
    .select(programColumns)
    .where('releases.applicant_id', '=', applicantId);
  if (filters.active === true) query = query.where('releases.withdrawn_at', 'is', null);
  if (filters.active === false) query = query.where('releases.withdrawn_at', 'is not', null);
  return keysetPage(query, { at: 'releases.created_at', id: 'releases.id' }, { after, limit }).execute();
}
