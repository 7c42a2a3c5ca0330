import {
  Alert,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  MenuItem,
  TextField,
  Typography,
} from '@mui/material';
import { useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useApi } from '../app/api.ts';
import { errorMessage } from '../app/errors.ts';
import { useSession } from '../app/session.ts';
import { useDialogs } from '../dialogs/dialog-context.ts';
import type { CredentialAction } from '../dialogs/dialog-types.ts';

const TEXT: Record<CredentialAction, { title: string; body: string; confirm: string; destructive: boolean }> = {
  disable: {
    title: 'Disable',
    body: 'Every request with this token is denied (reason “disabled”) until you enable it again. Nothing else changes.',
    confirm: 'Disable',
    destructive: true,
  },
  enable: { title: 'Enable', body: 'The token works again with the roles it holds now.', confirm: 'Enable', destructive: false },
  roll: {
    title: 'Roll the secret of',
    body: 'A new secret is issued and shown once. The current secret stops working at once, or after the grace period you choose so services can switch over.',
    confirm: 'Roll secret',
    destructive: true,
  },
  revoke: {
    title: 'Revoke',
    body: 'The token stops working for good. This cannot be undone: a revoked credential cannot be enabled again.',
    confirm: 'Revoke',
    destructive: true,
  },
};

const GRACE = [
  { seconds: 0, label: 'No grace: the old secret stops now', span: '' },
  { seconds: 300, label: '5 minutes', span: '5 minutes' },
  { seconds: 3600, label: '1 hour', span: '1 hour' },
  { seconds: 86400, label: '24 hours (the maximum)', span: '24 hours' },
];

/** Confirmation for disable, enable, roll and revoke that says exactly what happens. */
export function CredentialActionDialog({
  action,
  credentialId,
  credentialName,
  onClose,
}: {
  action: CredentialAction;
  credentialId: string;
  credentialName: string;
  onClose: () => void;
}) {
  const api = useApi();
  const client = useQueryClient();
  const session = useSession();
  const { openDialog } = useDialogs();
  const [grace, setGrace] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const titleId = useId();
  const text = TEXT[action];

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      if (action === 'roll') {
        // The server says until when the old secret works; should it not, counting from just
        // before the call errs on the early side, never promising too much.
        const sentAt = Date.now();
        const issued = await api.credentials.roll({ id: credentialId, ...(grace ? { graceSeconds: grace } : {}) });
        const serverUntil = issued.credential.previousSecretValidUntil ? Date.parse(issued.credential.previousSecretValidUntil) : null;
        onClose();
        openDialog({
          type: 'one-time-token',
          credentialName,
          handle: issued.secretHandle,
          rolled: true,
          ...(grace ? { graceUntil: serverUntil ?? sentAt + grace * 1000 } : {}),
        });
      } else {
        await api.credentials[action]({ id: credentialId });
        onClose();
      }
      await client.invalidateQueries({ queryKey: [session.profileId] });
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };

  return (
    <Dialog open onClose={busy ? undefined : onClose} aria-labelledby={titleId} maxWidth="sm" fullWidth>
      <DialogTitle id={titleId}>
        {text.title} “{credentialName}”?
      </DialogTitle>
      <DialogContent>
        <DialogContentText>{text.body}</DialogContentText>
        {action === 'roll' && (
          <TextField
            select
            label="Grace period for the old secret"
            value={grace}
            onChange={(e) => setGrace(Number(e.target.value))}
            fullWidth
            sx={{ mt: 2 }}
          >
            {GRACE.map((g) => (
              <MenuItem key={g.seconds} value={g.seconds}>
                {g.label}
              </MenuItem>
            ))}
          </TextField>
        )}
        {action === 'roll' && (
          <Typography variant="body2" sx={{ mt: 1.5 }} data-testid="roll-grace-summary">
            {grace
              ? `Both secrets work for ${GRACE.find((g) => g.seconds === grace)!.span} after you roll; then only the new one does. The next dialog says until when.`
              : 'Services still using the current secret are denied as soon as you roll.'}
          </Typography>
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
        <Button variant="contained" color={text.destructive ? 'error' : 'primary'} onClick={() => void run()} disabled={busy}>
          {text.confirm}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
