import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { NO_SESSION, type SessionStatus } from '../../shared/ipc/types.ts';
import { useApi } from './api.ts';
import { qk } from './query-keys.ts';

/** The connection state, kept current by main's connectivity events. */
export function useSession(): SessionStatus {
  const api = useApi();
  const client = useQueryClient();
  const query = useQuery({ queryKey: qk.session, queryFn: () => api.session.status(), staleTime: Infinity });
  useEffect(
    () =>
      api.on('session.connectivityChanged', (status) => {
        const before = client.getQueryData<SessionStatus>(qk.session);
        client.setQueryData(qk.session, status);
        // Coming back online: everything cached for this profile may be stale.
        if (before?.state !== 'online' && status.state === 'online' && status.profileId) {
          void client.invalidateQueries({ queryKey: [status.profileId] });
        }
      }),
    [api, client],
  );
  return query.data ?? NO_SESSION;
}

/** Whether server data can be read (live or from the offline cache). */
export function hasData(session: SessionStatus): boolean {
  return session.profileId !== null && session.state !== 'disconnected';
}
