/**
 * RFC 9162 section 2.1.3.2, the inclusion proof check, over whatever SHA-256 the caller has: the
 * service hashes with node:crypto, the portal's /verify page in the browser. Pure: no Node, no I/O.
 */

/** The hash of an interior node, SHA-256(0x01 || left || right), as the caller computes it. */
export type NodeHasher = (left: Uint8Array, right: Uint8Array) => Uint8Array;

/** RFC 9162's proof walks step up the tree by these two (the consistency proof in proofs.ts too). */
export const odd = (n: number): boolean => n % 2 === 1;
export const half = (n: number): number => Math.floor(n / 2);

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((byte, i) => byte === b[i]);

/** Whether `proof` (from the leaf's sibling up) proves `leaf` is entry `index` of the tree of `size` with `root`. */
export function inclusionHolds(
  nodeHash: NodeHasher,
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!(Number.isSafeInteger(index) && index >= 0 && index < size)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && sameBytes(r, root);
}
