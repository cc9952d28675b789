import type { Executor } from '../db/database.js';
import { findBySha256 } from './repository.js';

/** Whether these bytes are a document a registered school submitted; the answer names no one. */
export async function verifyDigest(db: Executor, sha256: string) {
  const rows = await findBySha256(db, sha256);
  return {
    match: rows.length > 0,
    documents: rows.map((row) => ({
      type: row.type,
      status: row.status,
      school: {
        wdoms_id: row.wdoms_id,
        name: row.name,
        status: row.school_status,
        status_reason: row.school_status_reason,
      },
      signed_at: row.signed_at.toISOString(),
      received_at: row.created_at.toISOString(),
    })),
  };
}
