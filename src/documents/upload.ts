import { createReadStream } from 'node:fs';
import { lstat, mkdtemp, open, readdir, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { DigestAccumulator, type ContentDigest } from '../crypto/digest.js';

/**
 * A received file part, hashed as it arrived. It is held in memory only while it fits one stored
 * chunk; a larger file is spooled to a private temporary file, so its bytes never sit whole in
 * memory and no database connection is held while a slow client uploads.
 */
export interface ReceivedFile extends ContentDigest {
  /** The bytes again, in pieces of at most the chunk size they were received for. */
  chunks(): AsyncIterable<Buffer>;
  discard(): Promise<void>;
}

/** A temporary file the pieces of a large upload go to once they outgrow memory. */
interface Spool {
  path: string;
  handle: FileHandle;
  discard(): Promise<void>;
}

/**
 * Spool directories carry the pid of the server that made them: a crash leaves them behind, and the
 * next start removes those whose server is gone (other servers may share the temporary directory).
 */
const spoolPrefix = 'emswp-upload-';
const spoolName = /^emswp-upload-(\d+)-[^-]+$/;
/** Spools named before the pid was part of the name: abandoned once nothing has touched them for this long. */
const unnamedSpoolAgeMs = 60 * 60 * 1000;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the spool directories in `directory` whose server has exited (a crash, a kill); returns their paths. */
export async function sweepAbandonedSpools(directory = tmpdir()): Promise<string[]> {
  const removed: string[] = [];
  const names = await readdir(directory).catch(() => [] as string[]);
  for (const name of names.filter((entry) => entry.startsWith(spoolPrefix))) {
    const path = join(directory, name);
    const stats = await lstat(path).catch(() => undefined);
    if (stats === undefined || !stats.isDirectory() || stats.uid !== process.getuid?.()) continue;
    const pid = spoolName.exec(name)?.[1];
    const abandoned =
      pid === undefined
        ? Date.now() - stats.mtimeMs > unnamedSpoolAgeMs
        : Number(pid) !== process.pid && !isRunning(Number(pid));
    if (!abandoned) continue;
    await rm(path, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
}

async function openSpool(): Promise<Spool> {
  const directory = await mkdtemp(join(tmpdir(), `${spoolPrefix}${process.pid}-`));
  const discard = () => rm(directory, { recursive: true, force: true });
  try {
    const path = join(directory, 'file');
    return { path, handle: await open(path, 'wx', 0o600), discard };
  } catch (error) {
    await discard();
    throw error;
  }
}

/**
 * Reads a file part to its end. A file of up to `chunkBytes` never touches the disk: most
 * documents are a few hundred KiB, and a temporary file costs ten file system calls each.
 */
export async function receiveFile(stream: Readable, chunkBytes: number): Promise<ReceivedFile> {
  const digest = new DigestAccumulator();
  let pieces: Buffer[] = [];
  let held = 0;
  let spool: Spool | undefined;
  try {
    for await (const piece of stream as AsyncIterable<Buffer>) {
      digest.update(piece);
      if (spool === undefined && held + piece.length <= chunkBytes) {
        pieces.push(piece);
        held += piece.length;
        continue;
      }
      spool ??= await openSpool();
      // The first write also carries what was held in memory. libuv repeats a partial write until all is written or it fails.
      await spool.handle.writev([...pieces, piece]);
      pieces = [];
      held = 0;
    }
    await spool?.handle.close();
  } catch (error) {
    await spool?.handle.close().catch(() => {});
    await spool?.discard();
    throw error;
  }

  const received = digest.finish();
  if (spool !== undefined) {
    const { path, discard } = spool;
    return {
      ...received,
      chunks: () => createReadStream(path, { highWaterMark: chunkBytes }),
      discard,
    };
  }
  return {
    ...received,
    async *chunks() {
      // One copy into the stored chunk; the received pieces are released with the request.
      if (held > 0) yield Buffer.concat(pieces, held);
    },
    discard: async () => {
      pieces = [];
    },
  };
}
