import { Button } from '@mui/material';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from './api.ts';
import { errorMessage } from './errors.ts';
import { qk } from './query-keys.ts';
import { useSession } from './session.ts';
import { useToast } from './toasts.tsx';

/**
 * Refetches the server state into the offline cache; a failure here is how the app learns it is
 * offline. A network failure or a refusal (a changed certificate, a revoked admin token) puts the
 * session offline with the reason, which the banner shows; any other failure is shown here.
 */
export function SyncButton() {
  const api = useApi();
  const client = useQueryClient();
  const session = useSession();
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  if (!session.profileId) return null;
  const sync = async () => {
    setBusy(true);
    try {
      client.setQueryData(qk.session, await api.session.sync());
    } catch (e) {
      const status = await api.session.status();
      client.setQueryData(qk.session, status);
      // Offline is already explained by the banner; anything else is said here.
      if (status.state !== 'offline') toast({ message: `Sync failed: ${errorMessage(e)}`, severity: 'error' });
    }
    await client.invalidateQueries({ queryKey: [session.profileId] });
    setBusy(false);
  };
  return (
    <Button size="small" variant="outlined" onClick={() => void sync()} disabled={busy} data-shortcut="sync" title="Sync (s)">
      {busy ? 'Syncing…' : 'Sync'}
    </Button>
  );
}
