import { DialogContentText, MenuItem, TextField, Typography, Alert } from '@mui/material';
import { useState } from 'react';
import { useApi } from '../app/api.ts';
import { lossSentence, ownLoss, useOwnCredential } from '../app/own-access.ts';
import { useWrite } from '../app/use-write.ts';
import { DialogFooter, DialogFrame } from '../common/dialog-parts.tsx';
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

/** Writes the action; a roll then opens the one-time dialog with the new secret. */
function useCredentialAction(action: CredentialAction, credentialId: string, credentialName: string, grace: number, onClose: () => void) {
  const api = useApi();
  const { openDialog } = useDialogs();
  const write = useWrite(
    async () => {
      if (action !== 'roll') return { rolled: null, done: await api.credentials[action]({ id: credentialId }) };
      // The server says until when the old secret works; should it not, counting from just
      // before the call errs on the early side, never promising too much.
      const sentAt = Date.now();
      const issued = await api.credentials.roll({ id: credentialId, ...(grace ? { graceSeconds: grace } : {}) });
      return { rolled: { issued, sentAt }, done: issued.credential };
    },
    {
      success:
        action === 'roll'
          ? undefined
          : () => `“${credentialName}” ${action === 'disable' ? 'disabled' : action === 'enable' ? 'enabled' : 'revoked'}.`,
    },
  );
  const run = async () => {
    const { rolled } = await write.mutateAsync(undefined).catch(() => ({ rolled: undefined }));
    if (rolled === undefined) return;
    onClose();
    if (rolled) {
      const serverUntil = rolled.issued.credential.previousSecretValidUntil
        ? Date.parse(rolled.issued.credential.previousSecretValidUntil)
        : null;
      openDialog({
        type: 'one-time-token',
        credentialName,
        handle: rolled.issued.secretHandle,
        rolled: true,
        ...(grace ? { graceUntil: serverUntil ?? rolled.sentAt + grace * 1000 } : {}),
      });
    }
  };
  return { write, run };
}

/** The roll's grace period, and a sentence saying what it means for services on the old secret. */
function GraceFields({ grace, onGrace }: { grace: number; onGrace: (seconds: number) => void }) {
  return (
    <>
      <TextField
        select
        label="Grace period for the old secret"
        value={grace}
        onChange={(e) => onGrace(Number(e.target.value))}
        fullWidth
        sx={{ mt: 2 }}
      >
        {GRACE.map((g) => (
          <MenuItem key={g.seconds} value={g.seconds}>
            {g.label}
          </MenuItem>
        ))}
      </TextField>
      <Typography variant="body2" sx={{ mt: 1.5 }} data-testid="roll-grace-summary">
        {grace
          ? `Both secrets work for ${GRACE.find((g) => g.seconds === grace)!.span} after you roll; then only the new one does. The next dialog says until when.`
          : 'Services still using the current secret are denied as soon as you roll.'}
      </Typography>
    </>
  );
}

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
  const own = useOwnCredential();
  const [grace, setGrace] = useState(0);
  const [typed, setTyped] = useState('');
  const text = TEXT[action];
  // Revoking, disabling or rolling (without grace) the console's own token stops it working.
  const stops = action === 'revoke' || action === 'disable' || (action === 'roll' && grace === 0);
  const loss = stops ? ownLoss(own.own, own.roles, { kind: 'stop', credentialId }) : null;
  const confirmed = loss === null || typed === credentialName;
  const { write, run } = useCredentialAction(action, credentialId, credentialName, grace, onClose);

  return (
    <DialogFrame
      title={`${text.title} “${credentialName}”?`}
      onClose={onClose}
      busy={write.isPending}
      dividers={false}
      error={write.error}
      footer={
        <DialogFooter
          okLabel={text.confirm}
          onOk={() => {
            if (confirmed) void run();
          }}
          onCancel={onClose}
          busy={write.isPending}
          okDisabled={!confirmed}
          destructive={text.destructive}
          {...(text.destructive && !loss ? { focus: 'cancel' as const } : {})}
        />
      }
    >
      <DialogContentText>{text.body}</DialogContentText>
      {action === 'roll' && <GraceFields grace={grace} onGrace={setGrace} />}
      {loss && (
        <>
          <Alert severity="warning" sx={{ mt: 2 }} data-testid="lockout-warning">
            Your own access: {lossSentence(loss)}
          </Alert>
          <TextField
            label={`Type “${credentialName}” to confirm`}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            autoFocus
            fullWidth
            autoComplete="off"
            sx={{ mt: 2 }}
            slotProps={{ htmlInput: { 'data-testid': 'type-to-confirm', spellCheck: false } }}
          />
        </>
      )}
    </DialogFrame>
  );
}
