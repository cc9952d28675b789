/**
 * c2sp.org/tlog-tiles coordinates: tiles of height 8 (256 hashes), their paths, and which tiles a
 * tree of a given size has. Sizes and indexes are plain numbers: a log of 2^53 entries is far away.
 */

export const tileHeight = 8;
export const tileWidth = 256;

export interface Tile {
  /** 0..63 for hash tiles; entry bundles share level 0's numbering. */
  level: number;
  n: number;
  /** 1..256; 256 is a full tile. */
  width: number;
}

/** The tile path as the spec writes it: `<L>/<N>[.p/<W>]`, N in 3-digit groups, all but the last with an x. */
export function tileNumberPath(n: number): string {
  let rest = Math.floor(n / 1000);
  let path = String(n % 1000).padStart(3, '0');
  while (rest > 0) {
    path = `x${String(rest % 1000).padStart(3, '0')}/${path}`;
    rest = Math.floor(rest / 1000);
  }
  return path;
}

const widthSuffix = (width: number): string => (width === tileWidth ? '' : `.p/${width}`);

export const hashTilePath = (tile: Tile): string =>
  `tile/${tile.level}/${tileNumberPath(tile.n)}${widthSuffix(tile.width)}`;

export const entryBundlePath = (n: number, width: number): string =>
  `tile/entries/${tileNumberPath(n)}${widthSuffix(width)}`;

/** Five groups reach 10^15, below 2^53; no log here comes near. */
const maxGroups = 5;
const decimal = /^(0|[1-9]\d*)$/;

/**
 * Parses the part of a tile path after `tile/<L>/` or `tile/entries/`: N's groups and the optional
 * `.p/<W>`. Strict, like Go's tlog.ParseTilePath: the path must be exactly the one the tile would
 * be written as (no x000 prefix, no leading zeros in W, no width 256 written as partial).
 */
export function parseTileNumber(path: string): { n: number; width: number } | undefined {
  const groups = path.split('/');
  let width = tileWidth;
  const last = groups.length >= 2 ? groups[groups.length - 2] : undefined;
  if (last !== undefined && last.endsWith('.p')) {
    const w = groups[groups.length - 1] as string;
    if (!decimal.test(w)) return undefined;
    width = Number(w);
    if (width < 1 || width >= tileWidth) return undefined;
    groups.splice(groups.length - 2, 2, last.slice(0, -2));
  }
  if (groups.length === 0 || groups.length > maxGroups) return undefined;
  let n = 0;
  for (const [i, group] of groups.entries()) {
    const digits = i < groups.length - 1 ? (group.startsWith('x') ? group.slice(1) : undefined) : group;
    if (digits === undefined || !/^\d{3}$/.test(digits)) return undefined;
    n = n * 1000 + Number(digits);
  }
  if (tileNumberPath(n) + widthSuffix(width) !== path) return undefined;
  return { n, width };
}

/** Parses `<L>/<N>[.p/<W>]`; undefined for anything that is not exactly a tile's path. */
export function parseHashTilePath(path: string): Tile | undefined {
  const slash = path.indexOf('/');
  if (slash < 0) return undefined;
  const levelText = path.slice(0, slash);
  if (!decimal.test(levelText)) return undefined;
  const level = Number(levelText);
  if (level > 63) return undefined;
  const rest = parseTileNumber(path.slice(slash + 1));
  return rest === undefined ? undefined : { level, ...rest };
}

/** 256^level, the number of entries under one hash of a level's tiles. */
export const entriesPerHash = (level: number): number => tileWidth ** level;

/** Full tiles at a level in a tree of this size. */
export const fullTileCount = (size: number, level: number): number => Math.floor(size / entriesPerHash(level + 1));

/** The width of the partial tile at a level, 0 when there is none: floor(s / 256^l) mod 256. */
export const partialTileWidth = (size: number, level: number): number =>
  Math.floor(size / entriesPerHash(level)) % tileWidth;

/** Levels that have any tile at all in a tree of this size. */
export function levelCount(size: number): number {
  let levels = 0;
  while (Math.floor(size / entriesPerHash(levels)) > 0) levels += 1;
  return levels;
}

/** The partial tiles a tree of this size has, lowest level first; these are what a checkpoint adds. */
export function partialTiles(size: number): Tile[] {
  const tiles: Tile[] = [];
  for (let level = 0; level < levelCount(size); level++) {
    const width = partialTileWidth(size, level);
    if (width > 0) tiles.push({ level, n: fullTileCount(size, level), width });
  }
  return tiles;
}

/** Whether a tree of this size has this tile (full, or partial of exactly this width). */
export function treeHasTile(size: number, tile: Tile): boolean {
  if (tile.width === tileWidth) return tile.n < fullTileCount(size, tile.level);
  return tile.n === fullTileCount(size, tile.level) && tile.width === partialTileWidth(size, tile.level);
}
