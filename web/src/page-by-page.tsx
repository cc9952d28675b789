import type { ComponentChildren } from 'preact';
import { Loading } from './components';
import type { PageByPage as Pages } from './lib/use-page-by-page';

/**
 * A list read one page at a time (usePageByPage): "Loading…" or why it failed, the sentence for none, the page's items
 * as the caller shows them (a table), and the "Previous page" and "Next page" buttons.
 */
export function PageByPage<T>(props: {
  pages: Pages<T>;
  /** What is loading, in "Loading …". */
  what: string;
  none: string;
  children: (items: T[]) => ComponentChildren;
}) {
  const { data, error, hasPrevious, hasNext, previous, next } = props.pages;
  return (
    <>
      {data === undefined ? (
        <Loading error={error} what={props.what} />
      ) : data.items.length === 0 ? (
        <p role="status">{props.none}</p>
      ) : (
        props.children(data.items)
      )}
      <nav aria-label="Pages" class="pager">
        <button type="button" disabled={!hasPrevious} onClick={previous}>
          Previous page
        </button>
        <button type="button" disabled={!hasNext} onClick={next}>
          Next page
        </button>
      </nav>
    </>
  );
}
