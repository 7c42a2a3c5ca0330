import { Alert, Button, Chip, IconButton, Stack, Switch, TableCell, TableRow, Tooltip } from '@mui/material';
import DeleteIcon from '@mui/icons-material/DeleteOutlined';
import EditIcon from '@mui/icons-material/EditOutlined';
import HistoryIcon from '@mui/icons-material/History';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Webhook } from '../../shared/domain/lifecycle.ts';
import { useApi } from '../app/api.ts';
import { errorMessage } from '../app/errors.ts';
import { qk } from '../app/query-keys.ts';
import { useSession } from '../app/session.ts';
import { TableCard } from '../common/table-card.tsx';
import { useDialogs } from '../dialogs/dialog-context.ts';

/** Registered webhooks: events, on/off, delivery log, edit and delete (DESIGN §5 Policies). */
export function WebhooksCard({ webhooks }: { webhooks: Webhook[] }) {
  const api = useApi();
  const client = useQueryClient();
  const session = useSession();
  const { openDialog } = useDialogs();
  const [error, setError] = useState<string | null>(null);
  const refresh = () => client.invalidateQueries({ queryKey: qk.webhooks(session.profileId) });

  const toggle = async (hook: Webhook) => {
    setError(null);
    try {
      await api.webhooks.update({ id: hook.id, expectedVersion: hook.version, set: { enabled: !hook.enabled } });
      await refresh();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const remove = (hook: Webhook) =>
    openDialog({
      type: 'confirm',
      title: `Delete webhook “${hook.name}”?`,
      body: 'Its receiver gets no more events, and messages still waiting to be delivered are dropped with it.',
      confirmLabel: 'Delete webhook',
      destructive: true,
      onConfirm: async () => {
        await api.webhooks.delete({ id: hook.id, expectedVersion: hook.version });
        await refresh();
      },
    });

  return (
    <TableCard
      title="Webhooks"
      testId="webhooks-card"
      intro="Signed notifications (Standard Webhooks) when credentials expire, are revoked or reported leaked, and when roles or policies change."
      action={
        <Button variant="contained" onClick={() => openDialog({ type: 'webhook-editor', webhookId: null })} sx={{ flexShrink: 0 }}>
          New webhook
        </Button>
      }
      notice={
        error && (
          <Alert severity="error" sx={{ my: 1 }}>
            {error}
          </Alert>
        )
      }
      empty={
        webhooks.length === 0
          ? 'No webhooks yet. Add one to tell your chat, ticketing or SIEM when a key is about to expire or was leaked.'
          : null
      }
      emptyTestId="webhooks-empty"
      head={
        <>
          <TableCell>Name</TableCell>
          <TableCell>Receiver</TableCell>
          <TableCell>Events</TableCell>
          <TableCell>Enabled</TableCell>
          <TableCell align="right">Actions</TableCell>
        </>
      }
    >
      {webhooks.map((hook) => (
        <WebhookRow key={hook.id} hook={hook} onToggle={() => void toggle(hook)} onRemove={() => remove(hook)} />
      ))}
    </TableCard>
  );
}

/** One webhook: name, receiver, events, the on/off switch, and its delivery log, edit and delete buttons. */
function WebhookRow({ hook, onToggle, onRemove }: { hook: Webhook; onToggle: () => void; onRemove: () => void }) {
  const { openDialog } = useDialogs();
  return (
    <TableRow data-testid="webhook-row">
      <TableCell>{hook.name}</TableCell>
      <TableCell sx={{ maxWidth: 280, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }} title={hook.url}>
        {hook.url}
      </TableCell>
      <TableCell>
        <Stack direction="row" useFlexGap spacing={0.5} sx={{ flexWrap: 'wrap' }}>
          {hook.events.map((e) => (
            <Chip key={e} size="small" label={e} variant="outlined" />
          ))}
        </Stack>
      </TableCell>
      <TableCell>
        <Switch checked={hook.enabled} onChange={onToggle} slotProps={{ input: { 'aria-label': `${hook.name} enabled` } }} />
      </TableCell>
      <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
        <Tooltip title="Delivery log">
          <IconButton
            aria-label={`Delivery log of ${hook.name}`}
            onClick={() => openDialog({ type: 'webhook-deliveries', webhookId: hook.id, webhookName: hook.name })}
          >
            <HistoryIcon />
          </IconButton>
        </Tooltip>
        <Tooltip title="Edit">
          <IconButton aria-label={`Edit ${hook.name}`} onClick={() => openDialog({ type: 'webhook-editor', webhookId: hook.id })}>
            <EditIcon />
          </IconButton>
        </Tooltip>
        <Tooltip title="Delete">
          <IconButton aria-label={`Delete ${hook.name}`} onClick={onRemove}>
            <DeleteIcon />
          </IconButton>
        </Tooltip>
      </TableCell>
    </TableRow>
  );
}
