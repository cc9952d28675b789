import type { Kysely } from 'kysely';
import type { DB } from '../db/types.js';
import { runBackfill } from './backfill.js';
import { leafHash } from './merkle.js';
import { checkpointBody, NoteError, openCheckpoint, parseVerifierKey, signNote } from './note.js';
import { consistencyProof, tileSubtreeReader, treeRoot, verifyConsistency } from './proofs.js';
import {
  edgeTiles,
  insertCheckpoint,
  latestCheckpoint,
  readTileAtLeast,
  storeIntegration,
  takePending,
  trySequencerLock,
} from './repository.js';
import type { LogKey } from './signing-key.js';
import { extendTiles } from './tile-builder.js';

/** The log refused to sign: the tree it would sign does not extend its last checkpoint. */
export class InconsistentLogError extends Error {
  constructor(
    readonly from: number,
    readonly to: number,
  ) {
    super(
      `refusing to sign: the tree of size ${to} is not consistent with the last checkpoint (size ${from}); the stored tiles or checkpoint were changed`,
    );
    this.name = 'InconsistentLogError';
  }
}

/** The last checkpoint is not one this key signed: another key, or a checkpoint changed in the database. */
export class ForeignCheckpointError extends Error {
  constructor(reason: string) {
    super(
      `refusing to sign: the last checkpoint does not verify with this log's key (${reason}); is LOG_SIGNING_KEY_FILE or DATA_DIR the one the log was started with?`,
    );
    this.name = 'ForeignCheckpointError';
  }
}

function signedBy(note: string, key: LogKey) {
  try {
    return openCheckpoint(note, parseVerifierKey(key.vkey));
  } catch (error) {
    if (error instanceof NoteError) throw new ForeignCheckpointError(error.message);
    throw error;
  }
}

export type IntegrationResult =
  | { outcome: 'busy' }
  | { outcome: 'idle'; size: number }
  | { outcome: 'signed'; from: number; size: number; entries: number; commitTimes: Date[] };

/**
 * One step of the sequencer, in one transaction under the log's advisory lock: the oldest pending
 * entries get the next indexes, the tiles grow, and a checkpoint for the new size is signed, but
 * only after the new tree is shown to extend the last checkpoint. Anything wrong rolls it all back.
 */
export async function integrateBatch(db: Kysely<DB>, key: LogKey, batchSize: number): Promise<IntegrationResult> {
  return db.transaction().execute(async (trx) => {
    if (!(await trySequencerLock(trx))) return { outcome: 'busy' } as const;
    await runBackfill(trx);
    const latest = await latestCheckpoint(trx);
    const pending = await takePending(trx, batchSize);
    if (latest !== undefined && pending.length === 0) return { outcome: 'idle', size: latest.tree_size } as const;

    // What was signed, read from the signed note itself, after checking the signature: a changed
    // root_hash column, or a note signed by another key, cannot mislead us.
    const previous = latest === undefined ? undefined : signedBy(latest.note, key);
    const size = previous?.size ?? 0;
    const extension = extendTiles(
      size,
      await edgeTiles(trx, size),
      pending.map((p) => leafHash(p.entry)),
    );
    await storeIntegration(trx, size, pending, [...extension.full, ...extension.partial]);

    const read = tileSubtreeReader((level, n, minWidth) => readTileAtLeast(trx, level, n, minWidth));
    const root = await treeRoot(read, extension.size);
    if (previous !== undefined && previous.size > 0) {
      const proof = await consistencyProof(read, previous.size, extension.size);
      if (!verifyConsistency(previous.size, extension.size, proof, previous.root, root)) {
        throw new InconsistentLogError(previous.size, extension.size);
      }
    }
    const note = signNote(
      checkpointBody({ origin: key.origin, size: extension.size, root }),
      key.origin,
      key.privateKey,
    );
    await insertCheckpoint(trx, extension.size, root, note);
    return {
      outcome: 'signed',
      from: size,
      size: extension.size,
      entries: pending.length,
      commitTimes: pending.map((p) => p.created_at),
    } as const;
  });
}
