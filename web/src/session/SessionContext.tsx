import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';

import { api, ApiError, onUnauthenticated } from '../api/client';
import type { Me } from '../api/types';

type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous' }
  | { status: 'signed-in'; me: Me }
  | { status: 'error'; message: string };

interface SessionValue {
  state: SessionState;
  // Reads /api/v1/me again (after sign-in, a role change, accepting an invitation).
  reload: () => Promise<void>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const reload = useCallback(async () => {
    try {
      const me = await api<Me>('/api/v1/me', { quietUnauthenticated: true });
      setState({ status: 'signed-in', me });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        setState({ status: 'anonymous' });
      } else {
        setState({
          status: 'error',
          message: error instanceof Error ? error.message : 'The server could not be reached.',
        });
      }
    }
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api('/api/v1/auth/sign-out', { method: 'POST', quietUnauthenticated: true });
    } finally {
      setState({ status: 'anonymous' });
    }
  }, []);

  useEffect(() => {
    void reload();
    return onUnauthenticated(() => setState({ status: 'anonymous' }));
  }, [reload]);

  const value = useMemo(() => ({ state, reload, signOut }), [state, reload, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession needs a SessionProvider');
  return value;
}

// The signed-in person; only for pages under the signed-in layout.
export function useMe(): Me {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useMe outside a signed-in page');
  return state.me;
}
