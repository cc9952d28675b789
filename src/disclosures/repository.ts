import type { Principal } from '../auth/principal.js';
import type { Executor } from '../db/database.js';
import type { DocumentWithSchool } from '../documents/repository.js';
import type { Cursor } from '../http/cursor.js';
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
  let query = db
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
  if (after !== undefined) {
    query = query.where((eb) =>
      eb(eb.refTuple('disclosures.created_at', 'disclosures.id'), '>', eb.tuple(after.at, after.id)),
    );
  }
  return query
    .orderBy('disclosures.created_at')
    .orderBy('disclosures.id')
    .limit(limit + 1)
    .execute();
}

export type DisclosureListRow = Awaited<ReturnType<typeof listDisclosures>>[number];
