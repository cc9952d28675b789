import { createHash } from 'node:crypto';

/** SHA-256 hashes, 32 bytes, as RFC 6962 / RFC 9162 use them. */
export const hashSize = 32;

const leafPrefix = Buffer.from([0x00]);
const nodePrefix = Buffer.from([0x01]);

/** The hash of a log entry: SHA-256(0x00 || entry). */
export function leafHash(entry: Uint8Array): Buffer {
  return createHash('sha256').update(leafPrefix).update(entry).digest();
}

/** The hash of an interior node: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(nodePrefix).update(left).update(right).digest();
}

/** The root of the empty tree: SHA-256 of nothing. */
export const emptyRoot: Buffer = createHash('sha256').digest();

/** The largest power of two smaller than n (n > 1), RFC 6962's split point. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * MTH over hashes already computed (leaf hashes, or the hashes of equal complete subtrees), by
 * RFC 6962's recursion: used for whole tiles and for small trees in tests.
 */
export function rootOf(hashes: readonly Buffer[]): Buffer {
  if (hashes.length === 0) return emptyRoot;
  if (hashes.length === 1) return hashes[0] as Buffer;
  const k = splitPoint(hashes.length);
  return nodeHash(rootOf(hashes.slice(0, k)), rootOf(hashes.slice(k)));
}
