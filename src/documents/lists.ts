import type { Static } from '@sinclair/typebox';
import { applicantVisibleTo } from '../applicants/service.js';
import type { PrincipalOf } from '../auth/principal.js';
import type { Executor } from '../db/database.js';
import type { Cursor } from '../db/pagination.js';
import { assertProgramVisible } from '../programs/service.js';
import { visibleDocument } from './access.js';
import { listProgramDocuments, type ReleasedDocument } from './released-repository.js';
import { listDocuments, listEvents, type DocumentFilters, type DocumentWithSchool } from './repository.js';
import type { DocumentListQuery } from './schemas.js';

/** A list request as validated: its filters and page size (the cursor is decoded by the route). */
export type DocumentListRequest = Omit<Static<typeof DocumentListQuery>, 'cursor'>;

function filtersOf({ limit: _limit, updated_since, ...filters }: Partial<DocumentListRequest>): DocumentFilters {
  return { ...filters, updated_since: updated_since === undefined ? undefined : new Date(updated_since) };
}

/** GET /documents: an operator lists every document, a school only those it sent. */
export async function listDocumentsFor(
  db: Executor,
  caller: PrincipalOf<'admin' | 'school'>,
  request: DocumentListRequest,
  after: Cursor | undefined,
): Promise<DocumentWithSchool[]> {
  const scope = filtersOf(request);
  if (caller.role === 'school') scope.school_id = caller.school_id;
  return listDocuments(db, scope, request.limit, after);
}

/** Every document about an applicant, for an operator or that applicant. */
export async function listApplicantDocuments(
  db: Executor,
  caller: PrincipalOf<'admin' | 'applicant'>,
  applicantId: string,
  request: Omit<DocumentListRequest, 'applicant_id' | 'ecfmg_id'>,
  after: Cursor | undefined,
): Promise<DocumentWithSchool[]> {
  const applicant = await applicantVisibleTo(db, caller, applicantId);
  return listDocuments(db, { ...filtersOf(request), applicant_id: applicant.id }, request.limit, after);
}

/** The documents released to a program now, for that program or an operator. */
export async function listProgramDocumentsFor(
  db: Executor,
  caller: PrincipalOf<'admin' | 'program'>,
  programId: string,
  request: DocumentListRequest,
  after: Cursor | undefined,
): Promise<ReleasedDocument[]> {
  await assertProgramVisible(db, caller, programId);
  return listProgramDocuments(db, programId, filtersOf(request), request.limit, after);
}

/** A document's status history, for whoever may see the document. */
export async function documentHistory(db: Executor, caller: Parameters<typeof visibleDocument>[1], id: string) {
  const doc = await visibleDocument(db, caller, id);
  return listEvents(db, doc.id);
}
