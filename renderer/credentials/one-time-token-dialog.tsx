import { Alert, Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, Stack, Typography } from '@mui/material';
import VisibilityIcon from '@mui/icons-material/VisibilityOutlined';
import VisibilityOffIcon from '@mui/icons-material/VisibilityOffOutlined';
import { useId, useState } from 'react';
import type { CopyFormat, SecretHandle } from '../../shared/ipc/types.ts';
import { ConfirmDialog } from '../common/confirm-dialog.tsx';
import { formatDateTime } from './format.ts';
import { useOneTimeSecret } from './use-one-time-secret.ts';

const FORMATS: { format: CopyFormat; label: string }[] = [
  { format: 'token', label: 'Copy token' },
  { format: 'header', label: 'Copy Authorization header' },
  { format: 'curl', label: 'Copy curl example' },
  { format: 'env', label: 'Copy .env line' },
];

interface Props {
  credentialName: string;
  handle: SecretHandle;
  rolled: boolean;
  /** After a roll with grace: when the previous secret stops working (ms since epoch). */
  graceUntil: number | null;
  /** A webhook's signing secret instead of a credential's token: raw copy only, other words. */
  webhook?: boolean;
  onClose: () => void;
}

/** The token, masked until "Reveal"; only a revealed one can be selected. */
function TokenValue({ revealed, masked, onToggle }: { revealed: string | null; masked: string; onToggle: () => void }) {
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
      <Box
        component="code"
        aria-label={revealed ? 'Token' : 'Token, masked'}
        data-testid="token-value"
        sx={{
          flex: 1,
          p: 1.5,
          borderRadius: 1,
          bgcolor: 'action.hover',
          fontSize: 14,
          wordBreak: 'break-all',
          userSelect: revealed ? 'all' : 'none',
        }}
      >
        {revealed ?? masked}
      </Box>
      <Button onClick={onToggle} startIcon={revealed ? <VisibilityOffIcon /> : <VisibilityIcon />}>
        {revealed ? 'Hide' : 'Reveal'}
      </Button>
    </Stack>
  );
}

/**
 * Shows a new token once. The secret stays in main behind `handle`: the page gets a masked preview,
 * copies go through main (which clears the clipboard later), and the plain text exists in React
 * state only while the user has pressed "Reveal".
 */
export function OneTimeTokenDialog({ credentialName, handle, rolled, graceUntil, webhook = false, onClose }: Props) {
  const formats = webhook ? [{ format: 'token' as const, label: 'Copy secret' }] : FORMATS;
  const what = webhook ? 'signing secret' : 'token';
  const { revealed, copy, cleared, error, secondsLeft, doCopy, toggleReveal, close } = useOneTimeSecret(handle, onClose);
  const [confirmClose, setConfirmClose] = useState(false);
  const titleId = useId();

  const label = formats.find((f) => f.format === copy?.format)?.label.replace('Copy ', '') ?? '';

  return (
    <Dialog
      open
      onClose={() => setConfirmClose(true)}
      aria-labelledby={titleId}
      maxWidth="sm"
      fullWidth
      slotProps={{ paper: { 'data-testid': 'token-dialog' } as object }}
    >
      <DialogTitle id={titleId}>
        {webhook ? `Signing secret of webhook “${credentialName}”` : `${rolled ? 'New secret' : 'Token created'} for “${credentialName}”`}
      </DialogTitle>
      <DialogContent>
        <Alert severity="warning" sx={{ mb: 2 }}>
          {webhook
            ? 'Copy this signing secret now and give it to the receiver, which verifies every delivery with it. It will not be shown again.'
            : 'Copy this token now. It will not be shown again: Keyward keeps only a hash of it.'}
        </Alert>
        {rolled && (
          <Alert severity="info" sx={{ mb: 2 }} data-testid="grace-notice">
            {graceUntil
              ? `The previous secret keeps working until ${formatDateTime(graceUntil)}, so services can switch over. After that only this one works.`
              : 'The previous secret no longer works.'}
          </Alert>
        )}
        <TokenValue revealed={revealed} masked={handle.masked} onToggle={() => void toggleReveal()} />
        <Stack direction="row" spacing={1} useFlexGap sx={{ mt: 2, flexWrap: 'wrap' }}>
          {formats.map((f) => (
            <Button
              key={f.format}
              variant={copy?.format === f.format ? 'contained' : 'outlined'}
              size="small"
              onClick={() => void doCopy(f.format)}
            >
              {f.label}
            </Button>
          ))}
        </Stack>
        <Typography role="status" aria-live="polite" sx={{ mt: 2, minHeight: 24 }} data-testid="copy-status">
          {copy &&
            (secondsLeft !== null ? `Copied ${label} — clears in ${secondsLeft} s` : `Copied ${label}. Clipboard clearing is turned off.`)}
          {cleared && 'Clipboard cleared.'}
        </Typography>
        {error && <Alert severity="error">{error}</Alert>}
      </DialogContent>
      <DialogActions>
        <Button variant="contained" onClick={() => setConfirmClose(true)}>
          Done
        </Button>
      </DialogActions>
      {confirmClose && (
        <ConfirmDialog
          title={`Close without the ${what}?`}
          body={`You will not be able to see this ${what} again. ${webhook ? 'If you have not stored it, delete the webhook and create it again.' : 'If you have not stored it, roll the credential later to get a new one.'}${copy && secondsLeft !== null ? ` The copy on the clipboard is still cleared in ${secondsLeft} s.` : ''}`}
          confirmLabel="Close"
          onConfirm={close}
          onClose={() => setConfirmClose(false)}
        />
      )}
    </Dialog>
  );
}
