import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiProblem } from './api';

/** Loads something for a page and keeps the error, if any, to show in its place. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    setError(undefined);
    load().then(
      (value) => live && setData(value),
      (failure: unknown) => live && setError(failure instanceof Error ? failure.message : String(failure)),
    );
    return () => {
      live = false;
    };
  }, [...deps, version]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { data, error, reload };
}

export const messageOf = (failure: unknown): string =>
  failure instanceof ApiProblem || failure instanceof Error ? failure.message : String(failure);
