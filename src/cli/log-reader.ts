import { gunzipSync } from 'node:zlib';
import { decodeBundle } from '../log/bundles.js';
import { leafHash } from '../log/merkle.js';
import { openCheckpoint, type Checkpoint, type NoteVerifier } from '../log/note.js';
import { tileSubtreeReader, treeRoot, type SubtreeReader } from '../log/proofs.js';
import { extendTiles, type TileData } from '../log/tile-builder.js';
import { entryBundlePath, hashTilePath, tileWidth } from '../log/tiles.js';
import { fail } from './fail.js';
import { couldNotCheck, fetchLog } from './log-source.js';

export interface WholeLog {
  note: string;
  checkpoint: Checkpoint;
  entries: Buffer[];
  /** A reader over the tree as recomputed from the entries: roots of earlier sizes too. */
  read: SubtreeReader;
  /** Every problem found between the served bytes and the recomputed tree. */
  problems: string[];
}

const gunzipped = (bytes: Buffer): Buffer => (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes);

async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

/**
 * Fetches the checkpoint and every entry bundle and hash tile of its tree, recomputes the tree from
 * the entries alone, and lists every way the served bytes differ from it.
 */
export async function readWholeLog(
  prefix: string,
  verifier: NoteVerifier,
  progress: (done: number, total: number) => void = () => {},
): Promise<WholeLog> {
  const noteBytes = await fetchLog(`${prefix}/checkpoint`);
  if (noteBytes === undefined) fail(`${prefix}/checkpoint: the log has no checkpoint`, couldNotCheck);
  const note = noteBytes.toString('utf8');
  let checkpoint: Checkpoint;
  try {
    checkpoint = openCheckpoint(note, verifier);
  } catch (error) {
    fail(`the checkpoint does not verify: ${(error as Error).message}`);
  }
  const size = checkpoint.size;
  const problems: string[] = [];
  const bundleCount = Math.ceil(size / tileWidth);
  const bundles: Buffer[][] = new Array<Buffer[]>(bundleCount);
  let done = 0;
  const total = bundleCount * 2;
  await inParallel(
    Array.from({ length: bundleCount }, (_, n) => n),
    8,
    async (n) => {
      const width = Math.min(tileWidth, size - n * tileWidth);
      const path = entryBundlePath(n, width);
      const body = await fetchLog(`${prefix}/${path}`);
      let entries: Buffer[] = [];
      if (body === undefined) problems.push(`${path} is missing`);
      else {
        try {
          entries = decodeBundle(gunzipped(body));
        } catch (error) {
          problems.push(`${path}: ${(error as Error).message}`);
        }
        if (entries.length !== width) problems.push(`${path} holds ${entries.length} entries, not ${width}`);
      }
      bundles[n] = entries.slice(0, width);
      progress(++done, total);
    },
  );
  const entries = bundles.flat();
  const rebuilt = extendTiles(0, [], entries.map(leafHash));
  const tiles: TileData[] = [...rebuilt.full, ...rebuilt.partial];
  const read = tileSubtreeReader(
    async (level, n, minWidth) =>
      tiles.find((tile) => tile.level === level && tile.n === n && tile.width >= minWidth)?.hashes,
  );
  if (entries.length === size) {
    const root = await treeRoot(read, size);
    if (!root.equals(checkpoint.root)) {
      problems.push(`the entries served do not hash to the checkpoint's root: the log's entries were changed`);
    }
  }
  const wanted = tiles.length;
  await inParallel(tiles, 8, async (tile) => {
    const path = hashTilePath(tile);
    const served = await fetchLog(`${prefix}/${path}`);
    if (served === undefined) problems.push(`${path} is missing`);
    else if (!served.equals(tile.hashes)) problems.push(`${path} differs from the tile recomputed from the entries`);
    progress(++done, bundleCount + wanted);
  });
  return { note, checkpoint, entries, read, problems };
}
