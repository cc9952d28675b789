import { sql } from 'kysely';
import type { Principal } from '../auth/principal.js';
import type { Executor } from '../db/database.js';
import type { DocumentWithSchool } from '../documents/repository.js';
import { keysetPage, type Cursor } from '../db/pagination.js';
import type { DisclosureKind } from './tables.js';

/**
 * Downloads of one document by one program within this time of the first are one disclosure with
 * a count: the applicant learns that and when the program saw it, not how busy its client was.
 */
export const disclosureWindowMs = 10 * 60_000;

/**
 * Records that a program received a document's content or receipt. Only programs are recorded:
 * the disclosure list tells an applicant which programs saw what. Written before the answer is
 * sent, so a download that fails halfway is still on record: telling the applicant too much is the
 * safe mistake. A download within the window of the last disclosure of the same kind adds to its
 * count instead of adding a row (two first downloads at the same instant may still make two rows).
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
  await sql`
    with counted as (
      update disclosures set count = count + 1, last_disclosed_at = clock_timestamp()
      where id = (
        select id from disclosures
        where document_id = ${doc.id} and program_id = ${caller.program_id} and kind = ${kind}
          and created_at > clock_timestamp() - ${disclosureWindowMs} * interval '1 millisecond'
        order by created_at desc
        limit 1
      )
      returning id
    )
    insert into disclosures (applicant_id, document_id, program_id, kind, actor)
    select ${doc.applicant_id}, ${doc.id}, ${caller.program_id}, ${kind}, ${caller.sub}
    where not exists (select 1 from counted)
  `.execute(db);
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
      'disclosures.count',
      'disclosures.created_at',
      'disclosures.last_disclosed_at',
    ])
    .where('disclosures.applicant_id', '=', applicantId);
  return keysetPage(query, { at: 'disclosures.created_at', id: 'disclosures.id' }, { after, limit }).execute();
}

export type DisclosureListRow = Awaited<ReturnType<typeof listDisclosures>>[number];
