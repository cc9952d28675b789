import type { Executor } from '../db/database.js';

/** Enough for any real case (the same PDF sent by a school, then replaced); bounds the answer for hostile ones. */
const maxMatches = 20;

/** Documents with exactly these bytes, by the documents_by_sha256 index; only non-personal columns are read. */
export async function findBySha256(db: Executor, sha256: string) {
  return (
    db
      .selectFrom('documents')
      .innerJoin('schools', 'schools.id', 'documents.school_id')
      .select([
        'documents.type',
        'documents.status',
        'documents.signed_at',
        'documents.created_at',
        'schools.wdoms_id',
        'schools.name',
        'schools.status as school_status',
        'schools.status_reason as school_status_reason',
      ])
      .where('documents.sha256', '=', sha256)
      // In the order we received them: signed_at is the signer's word and can be backdated.
      .orderBy('documents.created_at')
      .orderBy('documents.id')
      .limit(maxMatches)
      .execute()
  );
}
