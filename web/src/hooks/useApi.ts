import { useCallback, useEffect, useRef, useState } from 'react';

import { api, errorMessage } from '../api/client';

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  // Loads again (after a change); keeps the previous data on screen meanwhile.
  reload: () => Promise<void>;
  // Replaces the data without a request (an answer that already holds the new state).
  setData: (data: T) => void;
}

// GETs `path` (null: nothing to load yet) and reloads whenever it changes. Answers that
// arrive after a newer request started are dropped.
export function useApi<T>(path: string | null): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [loading, setLoading] = useState<boolean>(path !== null);
  const generation = useRef(0);

  const load = useCallback(async () => {
    if (path === null) return;
    const mine = ++generation.current;
    setLoading(true);
    try {
      const answer = await api<T>(path);
      if (mine !== generation.current) return;
      setData(answer);
      setError(undefined);
    } catch (e) {
      if (mine !== generation.current) return;
      setError(errorMessage(e));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, [path]);

  useEffect(() => {
    void load();
  }, [load]);

  return { data, error, loading, reload: load, setData };
}
