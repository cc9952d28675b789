import { leafHash } from './merkle.js';
import { openCheckpoint, type NoteVerifier } from './note.js';
import { parseLogProof } from './proof-text.js';
import { verifyInclusion } from './proofs.js';

export interface CheckedInclusion {
  origin: string;
  index: number;
  /** The size of the checkpoint the entry is proven in. */
  size: number;
  entry: Record<string, unknown>;
}

/**
 * Checks a c2sp.org/tlog-proof offline: the checkpoint is signed by the log's key, and the entry
 * carried in it is at `index` of that checkpoint's tree. Throws with a plain reason otherwise.
 */
export function checkInclusion(proofText: string, verifier: NoteVerifier): CheckedInclusion {
  const proof = parseLogProof(proofText);
  const checkpoint = openCheckpoint(proof.checkpoint, verifier);
  if (proof.entry === undefined) throw new Error('the log proof does not carry its entry');
  if (!verifyInclusion(proof.index, checkpoint.size, leafHash(proof.entry), proof.proof, checkpoint.root)) {
    throw new Error(
      `entry ${proof.index} is not in the log's checkpoint of size ${checkpoint.size}: the inclusion proof fails`,
    );
  }
  let entry: unknown;
  try {
    entry = JSON.parse(proof.entry.toString('utf8'));
  } catch {
    throw new Error('the logged entry is not JSON');
  }
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    throw new Error('the logged entry is not an object');
  return {
    origin: checkpoint.origin,
    index: proof.index,
    size: checkpoint.size,
    entry: entry as Record<string, unknown>,
  };
}
