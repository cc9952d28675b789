import type { Principal } from '../auth/principal.js';
import type { Executor } from '../db/database.js';
import type { DocumentWithSchool } from '../documents/repository.js';
import { keysetPage, type Cursor } from '../db/pagination.js';
import type { DisclosureKind } from './tables.js';

/**
 * Records that a program received a document's content or receipt. Only programs are recorded:
 * the disclosure list tells an applicant which programs saw what. Written before the answer is
 * sent, so a download that fails halfway is still on record: telling the applicant too much is the
 * safe mistake.
 */
export async function recordDisclosure(
  db: Executor,
  caller: Principal,
  doc: Pick<DocumentWithSchool, 'id' | 'applicant_id'>,
  kind: DisclosureKind,
): Promise<void> {
  if (caller.role !== 'program') return;
  // A program only ever reaches a released, hence matched, document.
  if (doc.applicant_id === null)
    throw new Error(`document ${doc.id} reached program ${caller.program_id} without an applicant`);
  await db
    .insertInto('disclosures')
    .values({
      applicant_id: doc.applicant_id,
      document_id: doc.id,
      program_id: caller.program_id,
      kind,
      actor: caller.sub,
    })
    .execute();
}

export async function listDisclosures(db: Executor, applicantId: string, limit: number, after?: Cursor) {
  const query = db
    .selectFrom('disclosures')
    .innerJoin('documents', 'documents.id', 'disclosures.document_id')
    .innerJoin('programs', 'programs.id', 'disclosures.program_id')
    .select([
      'disclosures.id',
      'disclosures.document_id',
      'documents.type as document_type',
      'disclosures.program_id',
      'programs.acgme_id as program_acgme_id',
      'programs.name as program_name',
      'disclosures.kind',
      'disclosures.created_at',
    ])
    .where('disclosures.applicant_id', '=', applicantId);
  return keysetPage(query, { at: 'disclosures.created_at', id: 'disclosures.id' }, { after, limit }).execute();
}

export type DisclosureListRow = Awaited<ReturnType<typeof listDisclosures>>[number];
