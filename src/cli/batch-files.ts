import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { BatchFile, ParsedBatchCsv } from '../batch/index.js';

/** A PDF a batch row names, found on disk: read whole to be checked and hashed, streamed when sent. */
export interface DiskBatchFile extends BatchFile {
  path: string;
}

/**
 * The files the rows name, each looked up relative to the CSV's folder (so a batch folder can be
 * moved or run from anywhere). A name with no regular file behind it is left out: the check
 * reports it as missing, with the other problems.
 */
export async function filesNamedIn(parsed: ParsedBatchCsv, folder: string): Promise<Map<string, DiskBatchFile>> {
  const names = new Set(parsed.rows.map(({ values }) => values.file).filter((name) => name !== ''));
  const files = new Map<string, DiskBatchFile>();
  for (const name of names) {
    const path = resolve(folder, name);
    const facts = await stat(path).catch(() => undefined);
    if (facts?.isFile()) files.set(name, { name, path, size: facts.size, bytes: () => readFile(path) });
  }
  return files;
}
