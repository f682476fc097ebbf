// Loads data for a page and keeps loading/error state, ignoring answers that arrive after the page
// moved on (a slow response must not overwrite a newer one).
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { describeError } from "./errors";

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload: () => void;
}

export function useLoad<T>(load: () => Promise<T>, what: string, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);

  // The caller lists what `load` depends on, as with useCallback.
  const run = useCallback(load, deps);
  const reload = useCallback(() => {
    const mine = ++generation.current;
    setLoading(true);
    run().then(
      (value) => {
        if (mine !== generation.current) return;
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      (e: unknown) => {
        if (mine !== generation.current) return;
        setError(describeError(e, what));
        setLoading(false);
      },
    );
  }, [run, what]);

  useEffect(() => {
    reload();
    return () => {
      generation.current++;
    };
  }, [reload]);

  return { data, error, loading, reload };
}
