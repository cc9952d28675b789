import { hashSize, rootOf } from './merkle.js';
import { fullTileCount, levelCount, partialTileWidth, tileWidth, type Tile } from './tiles.js';

export interface TileData extends Tile {
  /** width hashes of 32 bytes, concatenated. */
  hashes: Buffer;
}

export interface Extension {
  size: number;
  /** Tiles that became full, lowest level first. */
  full: TileData[];
  /** The partial tiles of the new size: what its checkpoint must publish. */
  partial: TileData[];
}

function split(data: Buffer): Buffer[] {
  const hashes: Buffer[] = [];
  for (let at = 0; at < data.length; at += hashSize) hashes.push(data.subarray(at, at + hashSize));
  return hashes;
}

/**
 * Grows a tree by some leaf hashes, tile by tile: a tile that fills up at one level gives its root
 * to the level above. `edge` holds the tree's partial tiles as they stand (those of `size`; a tile
 * missing from it is taken as empty, which is only right for a level with no partial tile).
 */
export function extendTiles(size: number, edge: readonly TileData[], leaves: readonly Buffer[]): Extension {
  const levels: Buffer[][] = [];
  for (let level = 0; level < levelCount(size); level++) {
    const width = partialTileWidth(size, level);
    const tile = edge.find((t) => t.level === level);
    if (width === 0) {
      levels.push([]);
      continue;
    }
    if (
      !tile ||
      tile.width !== width ||
      tile.n !== fullTileCount(size, level) ||
      tile.hashes.length !== width * hashSize
    ) {
      throw new Error(`the partial tile of level ${level} for size ${size} is missing or wrong`);
    }
    levels.push(split(tile.hashes));
  }
  const full: TileData[] = [];
  const newSize = size + leaves.length;
  const push = (level: number, hash: Buffer): void => {
    const hashes = (levels[level] ??= []);
    hashes.push(hash);
    if (hashes.length < tileWidth) return;
    // The level's full tiles so far, before this one: counted from the new size would run ahead.
    const n = full.filter((t) => t.level === level).length + fullTileCount(size, level);
    full.push({ level, n, width: tileWidth, hashes: Buffer.concat(hashes) });
    levels[level] = [];
    push(level + 1, rootOf(hashes));
  };
  for (const leaf of leaves) push(0, leaf);
  const partial: TileData[] = [];
  for (const [level, hashes] of levels.entries()) {
    if (hashes.length === 0) continue;
    if (hashes.length !== partialTileWidth(newSize, level)) throw new Error('tile arithmetic went wrong');
    partial.push({ level, n: fullTileCount(newSize, level), width: hashes.length, hashes: Buffer.concat(hashes) });
  }
  return { size: newSize, full, partial };
}
