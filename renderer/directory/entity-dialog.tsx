import { Alert, Button, Dialog, DialogActions, DialogContent, DialogTitle, Stack } from '@mui/material';
import { useId, useState, type ReactNode } from 'react';
import { errorMessage } from '../app/errors.ts';

/** Shared frame of the small create/edit dialogs: title, fields, server error, Cancel/Save. */
export function EntityDialog({
  title,
  children,
  canSave,
  onSave,
  onClose,
}: {
  title: string;
  children: ReactNode;
  canSave: boolean;
  onSave: () => Promise<void>;
  onClose: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const titleId = useId();
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await onSave();
      onClose();
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };
  return (
    <Dialog open onClose={busy ? undefined : onClose} aria-labelledby={titleId} maxWidth="sm" fullWidth>
      <DialogTitle id={titleId}>{title}</DialogTitle>
      <DialogContent dividers>
        <Stack spacing={2}>
          {children}
          {error && <Alert severity="error">{error}</Alert>}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button variant="contained" onClick={() => void save()} disabled={busy || !canSave}>
          Save
        </Button>
      </DialogActions>
    </Dialog>
  );
}
