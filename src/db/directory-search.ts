import { sql, type RawBuilder } from 'kysely';

/**
 * What a directory search looks for: an exact id when the text is one, otherwise the words typed,
 * each the start of a word of the name (in any order); no words at all (only punctuation) finds nothing.
 */
export type DirectorySearch = { exactId: string } | { words: string[] } | undefined;

/**
 * The search a directory's `q` asks for: nothing when it is blank, the exact id when the whole text
 * is one (`idPattern`, compared in upper case: ids are digits and capital letters), else its words.
 * Words are runs of letters, combining marks and digits, as the text search parser splits names;
 * anything else (quotes, %, SQL) only separates them.
 */
export function directorySearch(q: string | undefined, idPattern: RegExp): DirectorySearch {
  const text = q?.trim() ?? '';
  if (text === '') return undefined;
  const upper = text.toUpperCase();
  if (idPattern.test(upper)) return { exactId: upper };
  return { words: text.split(/[^\p{L}\p{M}\p{N}]+/u).filter((word) => word !== '') };
}

/**
 * `words` (an expression that is exactly a directory index's `to_tsvector('simple',
 * directory_fold(...))`, see migration 0009) has a word starting with each word typed, folded the
 * same way. The query is built from letters and digits only, then passed as a bound parameter.
 */
export function hasWordsStartingWith(words: RawBuilder<unknown>, typed: string[]): RawBuilder<boolean> {
  if (typed.length === 0) return sql<boolean>`false`;
  const query = typed.map((word) => `'${word}':*`).join(' & ');
  return sql<boolean>`${words} @@ to_tsquery('simple', directory_fold(${query}))`;
}
