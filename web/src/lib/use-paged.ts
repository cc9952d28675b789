import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, type Page } from './api';
import { messageOf } from './use-load';

/**
 * A cursor-paged list read a page at a time, each page added below the last ("Show more"), so a
 * long list never loads at once and nothing already read moves.
 */
export function usePaged<T>(path: string, pageSize = 50) {
  const [items, setItems] = useState<T[] | undefined>(undefined);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  const [version, setVersion] = useState(0);
  const url = (cursor: string | null) => {
    const query = new URLSearchParams({ limit: String(pageSize) });
    if (cursor) query.set('cursor', cursor);
    return `${path}${path.includes('?') ? '&' : '?'}${query.toString()}`;
  };
  useEffect(() => {
    let live = true;
    setError(undefined);
    api<Page<T>>('GET', url(null)).then(
      (page) => {
        if (!live) return;
        setItems(page.items);
        setNext(page.next_cursor);
      },
      (failure: unknown) => live && setError(messageOf(failure)),
    );
    return () => {
      live = false;
    };
  }, [path, version]);
  const more = async () => {
    if (next === null) return;
    try {
      const page = await api<Page<T>>('GET', url(next));
      setItems((shown) => [...(shown ?? []), ...page.items]);
      setNext(page.next_cursor);
    } catch (failure) {
      setError(messageOf(failure));
    }
  };
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  /** Puts the API's newer answer about one item in its place, without reading the list again. */
  const replace = (changed: (item: T) => T) => setItems((shown) => shown?.map(changed));
  /**
   * Takes an item that left the list (an operator decided it) out of the items shown, without reading
   * the list again: the cursor marks a position, not a count, so the next page is still the right one.
   */
  const drop = (gone: (item: T) => boolean) => setItems((shown) => shown?.filter((item) => !gone(item)));
  return { items, error, hasMore: next !== null, more, reload, replace, drop };
}

export type Paged<T> = ReturnType<typeof usePaged<T>>;
