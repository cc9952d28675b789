import type { Cursor } from '../db/pagination.js';
import { uuidPattern } from '../facts/uuid.js';
import { problem } from './problem.js';

/** Opaque to clients: base64url of a small JSON object. */
export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify({ at: cursor.at.toISOString(), id: cursor.id })).toString('base64url');
}

/**
 * The position a client's `?cursor=` names, or undefined when it sent none; anything this service
 * did not issue is refused. `id` is the pattern the list's keys follow.
 */
export function decodeCursor(value: string, id?: RegExp): Cursor;
export function decodeCursor(value: string | undefined, id?: RegExp): Cursor | undefined;
export function decodeCursor(value: string | undefined, id: RegExp = uuidPattern): Cursor | undefined {
  if (value === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as { at?: unknown; id?: unknown };
    const at = typeof parsed.at === 'string' ? new Date(parsed.at) : undefined;
    if (at && !Number.isNaN(at.getTime()) && typeof parsed.id === 'string' && id.test(parsed.id))
      return { at, id: parsed.id };
  } catch {
    // fall through to the refusal below
  }
  throw problem('invalid_cursor', 'The cursor is not one this service issued; start again without it.');
}

/**
 * Builds a page from rows fetched with `limit + 1`: the extra row only says whether another page
 * exists, and the cursor points at the last row returned.
 */
export function pageFrom<Row, Item>(
  rows: Row[],
  limit: number,
  position: (row: Row) => Cursor,
  toItem: (row: Row) => Item,
): { items: Item[]; next_cursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toItem),
    next_cursor: rows.length > limit && last !== undefined ? encodeCursor(position(last)) : null,
  };
}
