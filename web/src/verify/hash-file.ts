import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/** Read at a time, so progress moves in small steps. */
const sliceBytes = 4 * 1024 * 1024;

/**
 * Up to this size the file is gathered into one buffer and hashed by WebCrypto, natively: several
 * times faster than SHA-256 in JavaScript, and every document the service accepts (MAX_DOCUMENT_BYTES,
 * 20 MiB by default) fits. Larger files go through an incremental hash instead, since WebCrypto has
 * none: a 200 MiB file is never in memory at once.
 */
const oneBufferBytes = 32 * 1024 * 1024;

/** Reads the file slice by slice, handing each to `take`; `onProgress` gets the share read so far. */
async function readSlices(
  file: Blob,
  take: (slice: Uint8Array, at: number) => void,
  onProgress: (share: number) => void,
) {
  for (let at = 0; at < file.size; at += sliceBytes) {
    take(new Uint8Array(await file.slice(at, at + sliceBytes).arrayBuffer()), at);
    onProgress(Math.min(1, (at + sliceBytes) / file.size));
  }
}

/** The SHA-256 of a file as 64 hex digits; `onProgress` gets the share read so far, from 0 to 1. */
export async function sha256OfFile(file: Blob, onProgress: (share: number) => void): Promise<string> {
  let digest: Uint8Array;
  if (file.size <= oneBufferBytes) {
    const whole = new Uint8Array(file.size);
    await readSlices(file, (slice, at) => whole.set(slice, at), onProgress);
    digest = new Uint8Array(await crypto.subtle.digest('SHA-256', whole));
  } else {
    const hash = sha256.create();
    await readSlices(file, (slice) => hash.update(slice), onProgress);
    digest = hash.digest();
  }
  onProgress(1);
  return bytesToHex(digest);
}
