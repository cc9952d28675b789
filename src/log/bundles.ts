/** Entry bundles (c2sp.org/tlog-tiles): each entry as a big-endian uint16 length, then its bytes. */

/** An entry must fit its uint16 length; the log's own rule (signing.md) is stricter, 8 KiB. */
export const maxEntryBytes = 8 * 1024;

export function encodeBundle(entries: readonly Uint8Array[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    if (entry.length > 0xffff) throw new RangeError('an entry longer than 65535 bytes cannot be bundled');
    const length = Buffer.alloc(2);
    length.writeUInt16BE(entry.length);
    parts.push(length, Buffer.from(entry.buffer, entry.byteOffset, entry.length));
  }
  return Buffer.concat(parts);
}

/** The entries of a bundle; throws when the bytes are not exactly a sequence of them. */
export function decodeBundle(bundle: Buffer): Buffer[] {
  const entries: Buffer[] = [];
  let at = 0;
  while (at < bundle.length) {
    if (at + 2 > bundle.length) throw new Error('an entry bundle ends inside a length');
    const length = bundle.readUInt16BE(at);
    if (at + 2 + length > bundle.length) throw new Error('an entry bundle ends inside an entry');
    entries.push(bundle.subarray(at + 2, at + 2 + length));
    at += 2 + length;
  }
  return entries;
}
