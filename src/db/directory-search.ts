import { sql, type RawBuilder } from 'kysely';

/** What a directory search looks for: an exact id when the text is one, otherwise a fragment of the name. */
export type DirectorySearch = { exactId: string } | { fragment: string } | undefined;

// A typed % or _ is a character to find, not a LIKE wildcard.
const likeLiteral = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * `folded` (an expression that is exactly a `directory_fold(...)` index's, see migration 0009)
 * contains the fragment, compared with case and accents folded on both sides. The pg_trgm GIN
 * index answers it; the fragment is a bound parameter, so SQL-looking text is only text.
 */
export function foldedContains(folded: RawBuilder<string>, fragment: string): RawBuilder<boolean> {
  return sql<boolean>`${folded} like '%' || directory_fold(${likeLiteral(fragment)}) || '%'`;
}

/**
 * The search a directory's `q` asks for: nothing when it is blank, the exact id when the whole text
 * is one (`idPattern`, compared in upper case: ids are digits and capital letters), else a fragment.
 */
export function directorySearch(q: string | undefined, idPattern: RegExp): DirectorySearch {
  const text = q?.trim() ?? '';
  if (text === '') return undefined;
  const upper = text.toUpperCase();
  return idPattern.test(upper) ? { exactId: upper } : { fragment: text };
}
