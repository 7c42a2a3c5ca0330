import { Alert, Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle } from '@mui/material';
import { useId, useState } from 'react';
import { errorMessage } from '../app/errors.ts';
import { Fingerprint } from './fingerprint.tsx';

interface Props {
  title: string;
  body: string;
  confirmLabel: string;
  destructive?: boolean;
  /** A certificate fingerprint shown under the body, wrapping only between byte pairs. */
  fingerprint?: string;
  /** Wider than 'xs' when the content needs it (a fingerprint fits in two lines at 'sm'). */
  maxWidth?: 'xs' | 'sm' | 'md';
  onConfirm: () => Promise<unknown> | void;
  onClose: () => void;
}

/** A yes/no question that says what will happen; shows the server's reason if the action fails. */
export function ConfirmDialog({ title, body, confirmLabel, destructive, fingerprint, maxWidth = 'xs', onConfirm, onClose }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const titleId = useId();
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };
  return (
    <Dialog open onClose={busy ? undefined : onClose} aria-labelledby={titleId} maxWidth={maxWidth} fullWidth>
      <DialogTitle id={titleId}>{title}</DialogTitle>
      <DialogContent>
        <DialogContentText sx={{ whiteSpace: 'pre-line', overflowWrap: 'anywhere' }}>{body}</DialogContentText>
        {fingerprint && (
          <DialogContentText component="div" sx={{ mt: 1.5 }}>
            <Fingerprint value={fingerprint} testId="confirm-fingerprint" />
          </DialogContentText>
        )}
        {error && (
          <Alert severity="error" sx={{ mt: 2 }}>
            {error}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button variant="contained" color={destructive ? 'error' : 'primary'} onClick={() => void run()} disabled={busy} autoFocus>
          {confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
