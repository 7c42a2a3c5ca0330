import { Button } from '@mui/material';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from './api.ts';
import { qk } from './query-keys.ts';
import { useSession } from './session.ts';

/** Refetches the server state into the offline cache; a failure here is how the app learns it is offline. */
export function SyncButton() {
  const api = useApi();
  const client = useQueryClient();
  const session = useSession();
  const [busy, setBusy] = useState(false);
  if (!session.profileId) return null;
  const sync = async () => {
    setBusy(true);
    try {
      client.setQueryData(qk.session, await api.session.sync());
    } catch {
      client.setQueryData(qk.session, await api.session.status());
    }
    await client.invalidateQueries({ queryKey: [session.profileId] });
    setBusy(false);
  };
  return (
    <Button size="small" variant="outlined" onClick={() => void sync()} disabled={busy}>
      {busy ? 'Syncing…' : 'Sync'}
    </Button>
  );
}
