import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import type { StoredJwk } from '../schools/tables.js';
import { hashSize } from './merkle.js';
import type { TileData } from './tile-builder.js';
import { partialTiles, type Tile } from './tiles.js';

/** Sequencers LISTEN here; a notification only says "there are pending entries". */
export const pendingChannel = 'emswp_log_pending';

export interface PendingEntry {
  entry: Buffer;
  documentId: string | null;
}

/**
 * Queues entries for the sequencer in the caller's transaction, so they exist exactly when the
 * change does; the NOTIFY goes out on commit.
 */
export async function insertPending(db: Executor, entries: readonly PendingEntry[]): Promise<void> {
  await sql`
    with queued as (
      insert into log_pending (entry, document_id)
      select * from unnest(${entries.map((e) => e.entry)}::bytea[], ${entries.map((e) => e.documentId)}::uuid[])
      returning 1
    )
    select pg_notify(${pendingChannel}, '') from (select 1 from queued limit 1) any_queued
  `.execute(db);
}

export interface DocumentFacts {
  id: string;
  type: string;
  status: string;
  status_reason: string | null;
  sha256: string;
  size: number;
  wdoms_id: string;
  key_id: string;
  manifest_sha256: string;
  signed_at: Date;
  supersedes: string | null;
  /** How many statuses the document has had, this one included. */
  seq: number;
  now: Date;
}

export async function documentFacts(db: Executor, id: string): Promise<DocumentFacts | undefined> {
  const result = await sql<DocumentFacts>`
    select d.id, d.type, d.status, d.status_reason, d.sha256, d.size, s.wdoms_id, d.key_id, d.manifest_sha256,
      d.signed_at, d.supersedes, (select count(*)::int from document_events e where e.document_id = d.id) as seq,
      now() as now
    from documents d join schools s on s.id = d.school_id
    where d.id = ${id}
  `.execute(db);
  return result.rows[0];
}

export interface KeyFacts {
  kid: string;
  thumbprint: string;
  alg: string;
  jwk: StoredJwk;
  status: 'active' | 'revoked';
  compromised_at: Date | null;
  wdoms_id: string;
  created_at: Date;
  revoked_at: Date | null;
  now: Date;
}

export async function keyFacts(db: Executor, kid: string): Promise<KeyFacts | undefined> {
  const result = await sql<KeyFacts>`
    select k.kid, k.thumbprint, k.alg, k.jwk, k.status, k.compromised_at, s.wdoms_id, k.created_at, k.revoked_at,
      now() as now
    from school_keys k join schools s on s.id = k.school_id
    where k.kid = ${kid}
  `.execute(db);
  return result.rows[0];
}

export interface SchoolFacts {
  wdoms_id: string;
  name: string;
  country: string;
  status: string;
  now: Date;
}

export async function schoolFacts(db: Executor, id: string): Promise<SchoolFacts | undefined> {
  const result = await sql<SchoolFacts>`
    select wdoms_id, name, country, status, now() as now from schools where id = ${id}
  `.execute(db);
  return result.rows[0];
}

/** One number for the log's advisory lock: "emswp log" in ASCII. */
const sequencerLock = 0x656d737770206c;

/** Takes the sequencer's lock for this transaction, or says another sequencer holds it. */
export async function trySequencerLock(db: Executor): Promise<boolean> {
  const result = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${sequencerLock}) as locked`.execute(
    db,
  );
  return result.rows[0]?.locked === true;
}

export async function latestCheckpoint(
  db: Executor,
): Promise<{ tree_size: number; root_hash: Buffer; note: string } | undefined> {
  return db
    .selectFrom('log_checkpoints')
    .select(['tree_size', 'root_hash', 'note'])
    .orderBy('tree_size', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The partial tiles the tree of this size published: where the next batch grows from. */
export async function edgeTiles(db: Executor, size: number): Promise<TileData[]> {
  const wanted = partialTiles(size);
  if (wanted.length === 0) return [];
  const rows = await db
    .selectFrom('log_tiles')
    .select(['level', 'n', 'width', 'hashes'])
    .where((eb) => eb.or(wanted.map((t) => eb.and({ level: t.level, n: t.n, width: t.width }))))
    .execute();
  return rows;
}

/** The widest stored version of a tile holding at least minWidth hashes. */
export async function readTileAtLeast(
  db: Executor,
  level: number,
  n: number,
  minWidth: number,
): Promise<Buffer | undefined> {
  const row = await db
    .selectFrom('log_tiles')
    .select('hashes')
    .where('level', '=', level)
    .where('n', '=', n)
    .where('width', '>=', minWidth)
    .orderBy('width', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.hashes;
}

export async function readTile(db: Executor, tile: Tile): Promise<Buffer | undefined> {
  const row = await db
    .selectFrom('log_tiles')
    .select('hashes')
    .where('level', '=', tile.level)
    .where('n', '=', tile.n)
    .where('width', '=', tile.width)
    .executeTakeFirst();
  return row?.hashes;
}

export async function readEntries(db: Executor, from: number, count: number): Promise<Buffer[]> {
  const rows = await db
    .selectFrom('log_entries')
    .select('entry')
    .where('idx', '>=', from)
    .where('idx', '<', from + count)
    .orderBy('idx')
    .execute();
  return rows.map((row) => row.entry);
}

export interface ClaimedPending {
  id: number;
  entry: Buffer;
  document_id: string | null;
  created_at: Date;
}

/**
 * Takes the oldest pending entries, in the order their changes were queued (ids grow with each
 * insert), out of the queue: deleted here, they come back if the caller's transaction rolls back.
 */
export async function takePending(db: Executor, limit: number): Promise<ClaimedPending[]> {
  const result = await sql<ClaimedPending>`
    delete from log_pending
    where id in (select id from log_pending order by id limit ${limit})
    returning id, entry, document_id, created_at
  `.execute(db);
  return result.rows.sort((a, b) => a.id - b.id);
}

export async function storeIntegration(
  db: Executor,
  firstIndex: number,
  integrated: readonly ClaimedPending[],
  tiles: readonly TileData[],
): Promise<void> {
  if (integrated.length > 0) {
    await sql`
      insert into log_entries (idx, entry, document_id, committed_at)
      select * from unnest(
        ${integrated.map((_, i) => firstIndex + i)}::bigint[], ${integrated.map((p) => p.entry)}::bytea[],
        ${integrated.map((p) => p.document_id)}::uuid[], ${integrated.map((p) => p.created_at)}::timestamptz[])
    `.execute(db);
    await db
      .deleteFrom('log_pending')
      .where('id', '=', sql<number>`any(${integrated.map((p) => p.id)}::bigint[])`)
      .execute();
  }
  if (tiles.length > 0) {
    // A partial tile the last checkpoint already published (a level that did not grow) is there
    // already, with the same bytes; a full tile is always new.
    await sql`
      insert into log_tiles (level, n, width, hashes)
      select * from unnest(${tiles.map((t) => t.level)}::smallint[], ${tiles.map((t) => t.n)}::bigint[],
        ${tiles.map((t) => t.width)}::smallint[], ${tiles.map((t) => t.hashes)}::bytea[]) as tile(level, n, width, hashes)
      on conflict (level, n, width) do nothing
    `.execute(db);
  }
}

export async function insertCheckpoint(db: Executor, size: number, root: Buffer, note: string): Promise<void> {
  if (root.length !== hashSize) throw new RangeError('a root hash is 32 bytes');
  await db.insertInto('log_checkpoints').values({ tree_size: size, root_hash: root, note }).execute();
}

export async function documentHasPending(db: Executor, documentId: string): Promise<boolean> {
  const row = await db
    .selectFrom('log_pending')
    .select('id')
    .where('document_id', '=', documentId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function latestDocumentEntry(
  db: Executor,
  documentId: string,
): Promise<{ idx: number; entry: Buffer } | undefined> {
  return db
    .selectFrom('log_entries')
    .select(['idx', 'entry'])
    .where('document_id', '=', documentId)
    .orderBy('idx', 'desc')
    .limit(1)
    .executeTakeFirst();
}
