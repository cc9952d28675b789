import { sql, type SelectQueryBuilder, type StringReference } from 'kysely';

/**
 * A position in a list ordered by (timestamp, id): the last row of the page the client has. The id
 * is the row's key: a UUID for most lists, a kid for a school's keys.
 */
export interface Cursor {
  at: Date;
  id: string;
}

/** Which page: the rows after `after` (from the start without one), at most `limit` of them. */
export interface PageRequest {
  after?: Cursor | undefined;
  limit: number;
}

/** The columns a list is ordered by: a time, then the row's key to break ties; oldest first unless `newestFirst`. */
export interface PageKeys<DB, TB extends keyof DB> {
  at: StringReference<DB, TB>;
  id: StringReference<DB, TB>;
  newestFirst?: boolean;
}

/**
 * Keyset paging, the one way every list query pages: ordered by (at, id), starting right after
 * the cursor, `limit + 1` rows so the caller knows whether another page follows (see pageFrom).
 * The position is a row comparison, so Postgres starts the index scan at the cursor instead of
 * reading the rows before it and filtering them out.
 */
export function keysetPage<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  { at, id, newestFirst = false }: PageKeys<DB, TB>,
  { after, limit }: PageRequest,
): SelectQueryBuilder<DB, TB, O> {
  const direction = newestFirst ? 'desc' : 'asc';
  const beyond = newestFirst ? sql.raw('<') : sql.raw('>');
  const positioned =
    after === undefined
      ? query
      : query.where(sql<boolean>`(${sql.ref(at)}, ${sql.ref(id)}) ${beyond} (${after.at}, ${after.id})`);
  return positioned
    .orderBy(at, direction)
    .orderBy(id, direction)
    .limit(limit + 1);
}
