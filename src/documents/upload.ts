import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DigestAccumulator, type ContentDigest } from '../crypto/digest.js';

/**
 * A file part spooled to a private temporary file while it is hashed: its bytes never sit whole in
 * memory, and no database connection is held while a slow client uploads.
 */
export interface ReceivedFile extends ContentDigest {
  path: string;
  discard(): Promise<void>;
}

export async function receiveFile(stream: Readable): Promise<ReceivedFile> {
  const directory = await mkdtemp(join(tmpdir(), 'emswp-upload-'));
  const path = join(directory, 'file');
  const digest = new DigestAccumulator();
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      digest.update(chunk);
      callback(null, chunk);
    },
  });
  const discard = () => rm(directory, { recursive: true, force: true });
  try {
    await pipeline(stream, measure, createWriteStream(path, { mode: 0o600 }));
  } catch (error) {
    await discard();
    throw error;
  }
  return { ...digest.finish(), path, discard };
}
