import { useState } from 'preact/hooks';
import { describedBy } from './components';
import { messageOf } from './lib/use-load';

export interface Choice {
  id: string;
  label: string;
}

/**
 * Find something in one of the service's directories (programs, schools) by typing part of its name
 * or id, then choose one of the answers. Enter in the box searches; it never submits the form
 * around it, so a half-typed name is never sent as a choice.
 */
export function DirectorySearch(props: {
  id: string;
  label: string;
  hint: string;
  legend: string;
  noneFound: string;
  find: (query: string) => Promise<Choice[]>;
  chosen: string | undefined;
  onChoose: (choice: Choice | undefined) => void;
  error: string | undefined;
}) {
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<Choice[]>();
  const [searching, setSearching] = useState(false);
  const [failure, setFailure] = useState<string>();
  const search = async () => {
    if (query.trim() === '') return setFailure('Type part of a name or an id first.');
    setSearching(true);
    setFailure(undefined);
    props.onChoose(undefined);
    try {
      setFound(await props.find(query.trim()));
    } catch (problem) {
      setFailure(messageOf(problem));
    } finally {
      setSearching(false);
    }
  };
  const error = failure ?? props.error;
  return (
    <div class={`field directory-search${error ? ' has-error' : ''}`}>
      <label for={props.id}>{props.label}</label>
      <p class="hint" id={`${props.id}-hint`}>
        {props.hint}
      </p>
      <div class="search-row">
        <input
          type="search"
          value={query}
          onInput={(e) => setQuery(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              void search();
            }
          }}
          {...describedBy(props.id, error, true)}
        />
        <button type="button" onClick={() => void search()} disabled={searching}>
          Search
        </button>
      </div>
      {error && (
        <p class="error" id={`${props.id}-error`} role="alert">
          {error}
        </p>
      )}
      {found !== undefined &&
        (found.length === 0 ? (
          <p role="status">{props.noneFound}</p>
        ) : (
          <fieldset class="choices">
            <legend>{props.legend}</legend>
            {found.map((choice) => (
              <label key={choice.id} class="choice">
                <input
                  type="radio"
                  name={`${props.id}-choice`}
                  value={choice.id}
                  checked={props.chosen === choice.id}
                  onChange={() => props.onChoose(choice)}
                />{' '}
                {choice.label}
              </label>
            ))}
          </fieldset>
        ))}
    </div>
  );
}
