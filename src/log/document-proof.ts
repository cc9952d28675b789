import type { Executor } from '../db/database.js';
import { formatLogProof } from './proof-text.js';
import { inclusionProof, tileSubtreeReader } from './proofs.js';
import { documentHasPending, latestCheckpoint, latestDocumentEntry, readTileAtLeast } from './repository.js';

export interface DocumentLogProof {
  origin: string;
  index: number;
  /** The c2sp.org/tlog-proof text. */
  proof: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The tlog-proof of a document's latest entry against the latest checkpoint. A change that is not
 * in a checkpoint yet is waited for, up to `waitMs`; undefined when it still is not (the caller
 * answers 503 log_pending).
 */
export async function documentLogProof(
  db: Executor,
  origin: string,
  documentId: string,
  waitMs = 3_000,
): Promise<DocumentLogProof | undefined> {
  const deadline = Date.now() + waitMs;
  for (let wait = 25; ; wait = Math.min(wait * 2, 200)) {
    if (!(await documentHasPending(db, documentId))) {
      const entry = await latestDocumentEntry(db, documentId);
      const checkpoint = await latestCheckpoint(db);
      // An entry is stored with the checkpoint that covers it, so both are there together.
      if (entry !== undefined && checkpoint !== undefined && checkpoint.tree_size > entry.idx) {
        const read = tileSubtreeReader((level, n, minWidth) => readTileAtLeast(db, level, n, minWidth));
        const path = await inclusionProof(read, entry.idx, checkpoint.tree_size);
        const proof = formatLogProof({
          entry: entry.entry,
          index: entry.idx,
          proof: path,
          checkpoint: checkpoint.note,
        });
        return { origin, index: entry.idx, proof };
      }
    }
    if (Date.now() + wait > deadline) return undefined;
    await sleep(wait);
  }
}
