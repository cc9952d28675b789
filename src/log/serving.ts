import { gzipSync } from 'node:zlib';
import { LRUCache } from 'lru-cache';
import type { Executor } from '../db/database.js';
import { encodeBundle } from './bundles.js';
import { latestCheckpoint, readEntries, readTile } from './repository.js';
import { parseHashTilePath, parseTileNumber, tileWidth } from './tiles.js';

export interface TileBody {
  bytes: Buffer;
  /** The bytes gzip-compressed, for entry bundles. */
  gzipped?: Buffer;
}

/**
 * What /log serves. Every tile and bundle path names bytes that never change once they exist
 * (a partial tile has its width in its path), so they are kept in memory after the first read;
 * only what does not exist yet is asked for again.
 */
export class LogReader {
  private readonly cache = new LRUCache<string, TileBody>({ maxSize: 64 * 1024 * 1024, sizeCalculation: sizeOf });

  constructor(private readonly db: Executor) {}

  async checkpoint(): Promise<string | undefined> {
    return (await latestCheckpoint(this.db))?.note;
  }

  /** The bytes at `tile/<path>`, or undefined for a path that is not a tile's or a tile not (yet) in the log. */
  async tile(path: string): Promise<TileBody | undefined> {
    const cached = this.cache.get(path);
    if (cached) return cached;
    const body = path.startsWith('entries/')
      ? await this.bundle(path.slice('entries/'.length))
      : await this.hashes(path);
    if (body) this.cache.set(path, body);
    return body;
  }

  private async hashes(path: string): Promise<TileBody | undefined> {
    const tile = parseHashTilePath(path);
    if (!tile) return undefined;
    const bytes = await readTile(this.db, tile);
    return bytes === undefined ? undefined : { bytes };
  }

  /** A bundle exists exactly when its level 0 tile does: both are written with the checkpoint that needs them. */
  private async bundle(path: string): Promise<TileBody | undefined> {
    const coordinates = parseTileNumber(path);
    if (!coordinates) return undefined;
    const { n, width } = coordinates;
    if ((await readTile(this.db, { level: 0, n, width })) === undefined) return undefined;
    const entries = await readEntries(this.db, n * tileWidth, width);
    if (entries.length !== width) return undefined;
    const bytes = encodeBundle(entries);
    return { bytes, gzipped: gzipSync(bytes) };
  }
}

function sizeOf(body: TileBody): number {
  return body.bytes.length + (body.gzipped?.length ?? 0) + 100;
}
