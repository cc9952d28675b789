import { useState } from 'preact/hooks';
import type { Page } from './api';
import { useLoad } from './use-load';

/**
 * A cursor-paged list read one page at a time, turned with "Previous page" and "Next page" (usePaged instead adds each
 * page below the last). It keeps the cursors of the pages seen so far, so "Previous page" can go back.
 */
export function usePageByPage<T>(read: (cursor: string | null) => Promise<Page<T>>, deps: unknown[]) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors.at(-1) ?? null;
  const { data, error } = useLoad(() => read(cursor), [...deps, cursor]);
  const following = data?.next_cursor;
  return {
    data,
    error,
    hasPrevious: cursors.length > 1,
    hasNext: Boolean(following),
    previous: () => setCursors(cursors.slice(0, -1)),
    next: () => following && setCursors([...cursors, following]),
    /** Back to the first page: the filters changed, so the cursors seen so far point into another list. */
    restart: () => setCursors([null]),
  };
}

export type PageByPage<T> = ReturnType<typeof usePageByPage<T>>;
