import { Alert, Button, Chip, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { WebhookDelivery } from '../../shared/domain/lifecycle.ts';
import { useApi } from '../app/api.ts';
import { errorMessage } from '../app/errors.ts';
import { qk } from '../app/query-keys.ts';
import { useSession } from '../app/session.ts';
import { CloseFooter, DialogFrame } from '../common/dialog-parts.tsx';
import { ErrorState, LoadingRows } from '../common/states.tsx';

const STATUS_COLOR = { delivered: 'success', pending: 'warning', failed: 'error' } as const;

function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', second: '2-digit' });
}

/** Each message of a webhook: event, status, attempts, the receiver's last answer; resend. */
export function WebhookDeliveriesDialog({
  webhookId,
  webhookName,
  onClose,
}: {
  webhookId: string;
  webhookName: string;
  onClose: () => void;
}) {
  const api = useApi();
  const client = useQueryClient();
  const session = useSession();
  const [error, setError] = useState<string | null>(null);
  const key = qk.deliveries(session.profileId, webhookId);
  const deliveries = useQuery({ queryKey: key, queryFn: () => api.webhooks.deliveries({ id: webhookId }), refetchInterval: 5000 });
  const resend = async (d: WebhookDelivery) => {
    setError(null);
    try {
      await api.webhooks.resend({ id: webhookId, deliveryId: d.id });
      await client.invalidateQueries({ queryKey: key });
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <DialogFrame
      title={<>Deliveries of “{webhookName}”</>}
      onClose={onClose}
      maxWidth="md"
      dividers={false}
      testId="webhook-deliveries"
      footer={<CloseFooter onClose={onClose} />}
    >
      {error && (
        <Alert severity="error" sx={{ mb: 1 }}>
          {error}
        </Alert>
      )}
      {deliveries.isPending ? (
        <LoadingRows rows={3} label="Loading deliveries" />
      ) : deliveries.isError ? (
        <ErrorState error={deliveries.error} onRetry={() => void deliveries.refetch()} />
      ) : deliveries.data.length === 0 ? (
        <Typography color="text.secondary">Nothing was sent yet: messages appear here when one of the webhook’s events happens.</Typography>
      ) : (
        <Table size="small" aria-label="Deliveries">
          <TableHead>
            <TableRow>
              <TableCell>Event</TableCell>
              <TableCell>Queued</TableCell>
              <TableCell>Status</TableCell>
              <TableCell align="right">Attempts</TableCell>
              <TableCell>Receiver’s answer</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {deliveries.data.map((d) => (
              <DeliveryRow key={d.id} delivery={d} onResend={() => void resend(d)} />
            ))}
          </TableBody>
        </Table>
      )}
    </DialogFrame>
  );
}

/** One message: its event, when it was queued, its status, attempts, the receiver's last answer, and resend. */
function DeliveryRow({ delivery: d, onResend }: { delivery: WebhookDelivery; onResend: () => void }) {
  return (
    <TableRow data-testid="delivery-row">
      <TableCell>{d.eventType}</TableCell>
      <TableCell>{when(d.createdAt)}</TableCell>
      <TableCell>
        <Chip
          size="small"
          label={d.status === 'pending' && d.nextAttemptAt ? `retrying ${when(d.nextAttemptAt)}` : d.status}
          color={STATUS_COLOR[d.status]}
          variant="outlined"
        />
      </TableCell>
      <TableCell align="right">{d.attempts}</TableCell>
      <TableCell sx={{ maxWidth: 240 }}>
        {d.lastStatus !== null ? `HTTP ${d.lastStatus}` : ''}
        {d.lastError ? `${d.lastStatus !== null ? ' — ' : ''}${d.lastError}` : ''}
      </TableCell>
      <TableCell align="right">
        <Button size="small" onClick={onResend}>
          {d.status === 'pending' ? 'Retry now' : 'Resend'}
        </Button>
      </TableCell>
    </TableRow>
  );
}
