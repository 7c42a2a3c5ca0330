import { Alert } from '@mui/material';
import type { ConnectionTest } from '../../shared/ipc/types.ts';

/** One sentence per outcome of profiles.test. */
export function TestResult({ test }: { test: ConnectionTest }) {
  if (test.error || !test.reachable) return <Alert severity="error">{test.error?.message ?? 'The server could not be reached.'}</Alert>;
  if (test.pin === 'mismatch')
    return (
      <Alert severity="error">
        The server's certificate is not the one pinned for this profile. Do not connect unless you know why it changed.
      </Alert>
    );
  const version = test.serverVersion ? ` (Keyward ${test.serverVersion})` : '';
  if (test.authenticated === false) return <Alert severity="error">Reached the server{version}, but it rejected the admin token.</Alert>;
  return (
    <Alert severity="success">
      Reached the server{version}
      {test.authenticated ? ' and the token works.' : '.'}
    </Alert>
  );
}
