import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/** Read at a time: a 200 MiB file is never in memory at once, and progress moves in small steps. */
const sliceBytes = 4 * 1024 * 1024;

/**
 * The SHA-256 of a file, read slice by slice into an incremental hash (WebCrypto has no incremental
 * digest). `onProgress` gets the share read so far, from 0 to 1.
 */
export async function sha256OfFile(file: Blob, onProgress: (share: number) => void): Promise<string> {
  const hash = sha256.create();
  for (let at = 0; at < file.size; at += sliceBytes) {
    hash.update(new Uint8Array(await file.slice(at, at + sliceBytes).arrayBuffer()));
    onProgress(Math.min(1, (at + sliceBytes) / file.size));
  }
  onProgress(1);
  return bytesToHex(hash.digest());
}
