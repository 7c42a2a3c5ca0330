import { Alert, Stack, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../app/api.ts';
import { qk } from '../app/query-keys.ts';
import { useSession } from '../app/session.ts';
import { CloseFooter, DialogFrame } from '../common/dialog-parts.tsx';
import { ErrorState, LoadingRows } from '../common/states.tsx';
import { formatDateTime } from '../credentials/format.ts';
import { RangePicker, rangeQuery, UsageChart, type RangeId } from './usage-chart.tsx';

/** One credential's requests over 24 h / 7 d / 30 d (DESIGN §5 Usage, in the credential's details). */
export function CredentialUsageDialog({
  credentialId,
  credentialName,
  onClose,
}: {
  credentialId: string;
  credentialName: string;
  onClose: () => void;
}) {
  const api = useApi();
  const session = useSession();
  const [range, setRange] = useState<RangeId>('24h');
  // The same query as the credential editor's, so a credential already loaded is not fetched twice.
  const credential = useQuery({
    queryKey: [session.profileId, 'credential', credentialId],
    queryFn: () => api.credentials.get({ id: credentialId }),
    enabled: session.state === 'online',
  });
  const leakedAt = credential.data?.leakedAt ?? null;
  const usage = useQuery({
    queryKey: qk.usage(session.profileId, { credentialId, range }),
    queryFn: () => api.usage.credential({ id: credentialId, ...rangeQuery(range) }),
    enabled: session.state === 'online',
  });
  return (
    <DialogFrame
      title={<>Usage of “{credentialName}”</>}
      onClose={onClose}
      maxWidth="md"
      dividers={false}
      testId="credential-usage-dialog"
      footer={<CloseFooter onClose={onClose} />}
    >
      {leakedAt && (
        <Alert severity="error" sx={{ mb: 2 }} data-testid="leaked-alert">
          Reported as leaked on {formatDateTime(Date.parse(leakedAt))} and revoked at once: every request since is denied as revoked. Issue
          a replacement; the audit log holds where the token was found.
        </Alert>
      )}
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center', mb: 2 }}>
        <RangePicker value={range} onChange={setRange} />
        {usage.data && (
          <Typography color="text.secondary" data-testid="usage-totals">
            {usage.data.totals.allowed.toLocaleString()} allowed · {usage.data.totals.denied.toLocaleString()} denied
          </Typography>
        )}
      </Stack>
      {session.state !== 'online' ? (
        <Alert severity="info">Usage is counted on the server; connect to see it.</Alert>
      ) : usage.isPending ? (
        <LoadingRows rows={4} label="Loading usage" />
      ) : usage.isError ? (
        <ErrorState error={usage.error} onRetry={() => void usage.refetch()} />
      ) : (
        <UsageChart series={usage.data.series} bucket={usage.data.bucket} title="Requests" />
      )}
    </DialogFrame>
  );
}
