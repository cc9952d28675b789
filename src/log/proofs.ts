import { emptyRoot, hashSize, nodeHash, rootOf, splitPoint } from './merkle.js';
import { half, inclusionHolds, odd } from './inclusion-path.js';
import { tileHeight, tileWidth } from './tiles.js';

/**
 * The hash of the complete subtree of 2^level entries that starts at entry n * 2^level. Every hash
 * RFC 6962 needs (roots, inclusion and consistency proofs) is built from these.
 */
export type SubtreeReader = (level: number, n: number) => Promise<Buffer>;

function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

const log2 = (n: number): number => Math.round(Math.log2(n));

/** MTH(D[lo:hi]) for the ranges RFC 6962's recursion visits: lo is a multiple of the largest power of two below hi - lo. */
async function rangeHash(read: SubtreeReader, lo: number, hi: number): Promise<Buffer> {
  const size = hi - lo;
  if (isPowerOfTwo(size) && lo % size === 0) return read(log2(size), lo / size);
  const k = splitPoint(size);
  return nodeHash(await rangeHash(read, lo, lo + k), await rangeHash(read, lo + k, hi));
}

/** The root hash of the tree of this size. */
export async function treeRoot(read: SubtreeReader, size: number): Promise<Buffer> {
  return size === 0 ? emptyRoot : rangeHash(read, 0, size);
}

/** RFC 6962 PATH(index, D[0:size]): from the leaf's sibling up to the root's child. */
export async function inclusionProof(read: SubtreeReader, index: number, size: number): Promise<Buffer[]> {
  if (!(index >= 0 && index < size)) throw new RangeError(`index ${index} is not in a tree of size ${size}`);
  const path = async (lo: number, hi: number): Promise<Buffer[]> => {
    if (hi - lo === 1) return [];
    const k = splitPoint(hi - lo);
    if (index < lo + k) return [...(await path(lo, lo + k)), await rangeHash(read, lo + k, hi)];
    return [...(await path(lo + k, hi)), await rangeHash(read, lo, lo + k)];
  };
  return path(0, size);
}

/** RFC 6962 PROOF(first, D[0:second]): that the tree of size `first` is a prefix of the one of size `second`. */
export async function consistencyProof(read: SubtreeReader, first: number, second: number): Promise<Buffer[]> {
  if (!(first >= 0 && first <= second)) throw new RangeError(`no consistency proof from ${first} to ${second}`);
  if (first === 0 || first === second) return [];
  const subproof = async (m: number, lo: number, hi: number, whole: boolean): Promise<Buffer[]> => {
    if (m === hi - lo) return whole ? [] : [await rangeHash(read, lo, hi)];
    const k = splitPoint(hi - lo);
    if (m <= k) return [...(await subproof(m, lo, lo + k, whole)), await rangeHash(read, lo + k, hi)];
    return [...(await subproof(m - k, lo + k, hi, false)), await rangeHash(read, lo, lo + k)];
  };
  return subproof(first, 0, second, true);
}

/** RFC 9162 section 2.1.3.2, with the service's SHA-256 (the check itself is shared with the browser). */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Buffer,
  proof: readonly Buffer[],
  root: Buffer,
): boolean {
  return inclusionHolds(nodeHash, index, size, leaf, proof, root);
}

/** RFC 9162 section 2.1.4.2. */
export function verifyConsistency(
  first: number,
  second: number,
  proof: readonly Buffer[],
  firstRoot: Buffer,
  secondRoot: Buffer,
): boolean {
  if (!(first >= 0 && first <= second)) return false;
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  if (first === 0) return proof.length === 0;
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  if (path.length === 0) return false;
  let fn = first - 1;
  let sn = second - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0] as Buffer;
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && fr.equals(firstRoot) && sr.equals(secondRoot);
}

/**
 * Reads one hash tile: at least `minWidth` hashes of tile (level, n), or undefined when there is no
 * such tile. Any wider version of a tile holds the same hashes first, so any will do.
 */
export type TileFetcher = (level: number, n: number, minWidth: number) => Promise<Buffer | undefined>;

/**
 * A SubtreeReader over hash tiles: a subtree of 2^level entries is one hash of a tile at level
 * floor(level / 8) when level is a multiple of 8, and otherwise the root of 2^(level mod 8)
 * consecutive hashes of that tile. Tiles are fetched once per reader.
 */
export function tileSubtreeReader(fetch: TileFetcher): SubtreeReader {
  const tiles = new Map<string, Buffer>();
  return async (level, n) => {
    const tileLevel = Math.floor(level / tileHeight);
    const span = 2 ** (level - tileLevel * tileHeight);
    const first = n * span;
    const tileN = Math.floor(first / tileWidth);
    const start = first - tileN * tileWidth;
    const key = `${tileLevel}/${tileN}`;
    let tile = tiles.get(key);
    if (tile === undefined || tile.length < (start + span) * hashSize) {
      tile = await fetch(tileLevel, tileN, start + span);
      if (tile === undefined || tile.length < (start + span) * hashSize) {
        throw new Error(`the log has no tile ${tileLevel}/${tileN} of width ${start + span} or more`);
      }
      tiles.set(key, tile);
    }
    const hashes: Buffer[] = [];
    for (let i = start; i < start + span; i++) hashes.push(tile.subarray(i * hashSize, (i + 1) * hashSize));
    return rootOf(hashes);
  };
}
