import type { ComponentChildren } from 'preact';
import { Loading } from './components';
import type { Paged } from './lib/use-paged';

/**
 * A list read a page at a time (usePaged) shown as cards: "Loading…" or why it failed, the sentence for none yet, the
 * cards, why a "Show more" failed, and "Show more" while there is more.
 */
export function PagedCards<T>(props: {
  paged: Pick<Paged<T>, 'items' | 'error' | 'hasMore' | 'more'>;
  /** The list's accessible name. */
  label: string;
  /** What is loading, in "Loading …". */
  what: string;
  none: string;
  /** The sentence for none yet is a status, so it is read out as it takes the place of "Loading…". */
  announceNone?: boolean;
  more: string;
  keyOf: (item: T) => string;
  children: (item: T) => ComponentChildren;
}) {
  const { items, error, hasMore, more } = props.paged;
  return (
    <>
      {items === undefined ? (
        <Loading error={error} what={props.what} />
      ) : items.length === 0 ? (
        <p role={props.announceNone ? 'status' : undefined}>{props.none}</p>
      ) : (
        <ul class="cards" aria-label={props.label}>
          {items.map((item) => (
            <li class="card" key={props.keyOf(item)}>
              {props.children(item)}
            </li>
          ))}
        </ul>
      )}
      {items !== undefined && error && <p class="error">{error}</p>}
      {hasMore && (
        <button type="button" onClick={() => void more()}>
          {props.more}
        </button>
      )}
    </>
  );
}
