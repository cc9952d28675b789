import { createHmac, hkdfSync, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
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
  throw invalidCursor();
}

const invalidCursor = () =>
  problem('invalid_cursor', 'The cursor is not one this service issued; start again without it.');

/** The key cursors are authenticated with, derived from the service's signing key, which every instance shares. */
export function cursorKey(serviceKey: KeyObject): Buffer {
  const secret = serviceKey.export({ format: 'der', type: 'pkcs8' });
  return Buffer.from(hkdfSync('sha256', secret, 'emswp', 'emswp list cursor authentication', 32));
}

const tag = (key: Buffer, position: string): string =>
  createHmac('sha256', key).update(position).digest().subarray(0, 16).toString('base64url');

/**
 * Cursors are authenticated at the HTTP edge, for every list at once: each `next_cursor` a list
 * answers is sealed with an HMAC (`<position>.<tag>`), and a `?cursor=` is let through to the route
 * only when its tag is ours. Whatever a client builds itself, a year -200000 included, is refused
 * as `invalid_cursor` before it reaches a query.
 */
export function authenticateCursors(app: FastifyInstance, key: Buffer): void {
  app.addHook('preValidation', async (request) => {
    const query = request.query as Record<string, unknown> | undefined;
    if (typeof query?.cursor !== 'string') return;
    const given = query.cursor;
    const [position, mac, extra] = given.split('.');
    if (position === undefined || mac === undefined || extra !== undefined) throw invalidCursor();
    const expected = Buffer.from(tag(key, position));
    const actual = Buffer.from(mac);
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw invalidCursor();
    query.cursor = position;
  });
  app.addHook('preSerialization', async (_request, _reply, payload: unknown) => {
    if (typeof payload !== 'object' || payload === null || !('next_cursor' in payload)) return payload;
    const next = (payload as { next_cursor: unknown }).next_cursor;
    if (typeof next !== 'string') return payload;
    return { ...payload, next_cursor: `${next}.${tag(key, next)}` };
  });
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
