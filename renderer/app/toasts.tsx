import { Alert, Snackbar } from '@mui/material';
import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';
import { useSession } from './session.ts';

// One snackbar for the whole console: confirmations ("Role saved") and errors not tied to a
// dialog. Each toast belongs to the server profile it was about and names it; switching to another
// profile drops it, so an error from one server never shows while you work on another.

export interface Toast {
  message: string;
  severity?: 'success' | 'info' | 'warning' | 'error';
}

interface Shown extends Required<Toast> {
  key: number;
  profileId: string | null;
  profileName: string | null;
}

const ToastContext = createContext<((toast: Toast) => void) | null>(null);

export function ToastProvider({ children }: { children: ReactNode }) {
  const session = useSession();
  const [shown, setShown] = useState<Shown | null>(null);
  const show = useCallback(
    (toast: Toast) =>
      setShown({
        severity: 'success',
        ...toast,
        key: Date.now() + Math.random(),
        profileId: session.profileId,
        profileName: session.profileName,
      }),
    [session.profileId, session.profileName],
  );
  const visible = shown && shown.profileId === session.profileId ? shown : null;
  const close = () => setShown(null);
  return (
    <ToastContext.Provider value={show}>
      {children}
      <Snackbar
        key={visible?.key}
        open={visible !== null}
        // Errors stay until dismissed; confirmations go by themselves.
        autoHideDuration={visible?.severity === 'error' ? null : 5000}
        onClose={(_, reason) => reason !== 'clickaway' && close()}
        anchorOrigin={{ vertical: 'bottom', horizontal: 'center' }}
      >
        {visible ? (
          <Alert
            severity={visible.severity}
            variant="filled"
            onClose={close}
            data-testid="toast"
            data-profile={visible.profileId ?? ''}
            sx={{ maxWidth: 720 }}
          >
            {visible.profileName ? <strong>{visible.profileName}: </strong> : null}
            {visible.message}
          </Alert>
        ) : undefined}
      </Snackbar>
    </ToastContext.Provider>
  );
}

const nowhere = () => undefined;

/** Shows a toast about the current server profile (nowhere outside the console, e.g. the bench page). */
export function useToast(): (toast: Toast) => void {
  return useContext(ToastContext) ?? nowhere;
}
