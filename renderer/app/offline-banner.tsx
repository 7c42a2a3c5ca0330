import { Alert, Button } from '@mui/material';
import { useState } from 'react';
import { useApi } from './api.ts';
import { errorMessage } from './errors.ts';
import { useSession } from './session.ts';

/** Says plainly when the app works from its cache and that role edits become drafts. */
export function OfflineBanner() {
  const api = useApi();
  const session = useSession();
  const [problem, setProblem] = useState<string | null>(null);
  if (session.state !== 'offline') return null;
  const since = session.syncedAt ? ` (cached ${new Date(session.syncedAt).toLocaleString()})` : '';
  const reconnect = async () => {
    setProblem(null);
    try {
      if (session.workingOffline) await api.session.workOffline({ offline: false });
      else await api.session.connect({ profileId: session.profileId! });
    } catch (e) {
      setProblem(errorMessage(e));
    }
  };
  return (
    <Alert
      severity="warning"
      square
      role="status"
      data-testid="offline-banner"
      action={
        <Button color="inherit" size="small" onClick={() => void reconnect()} sx={{ whiteSpace: 'nowrap' }}>
          {session.workingOffline ? 'Go online' : 'Reconnect'}
        </Button>
      }
    >
      {session.workingOffline ? 'Working offline by choice' : 'Offline'} — showing {session.profileName}'s cached data{since}. Role changes
      are saved as drafts to review when you reconnect.
      {session.error && ` ${session.error.message}`}
      {problem && ` ${problem}`}
    </Alert>
  );
}
