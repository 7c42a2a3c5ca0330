import { Alert, Stack } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../app/api.ts';
import { useGroups, usePolicy } from '../app/data.ts';
import { qk } from '../app/query-keys.ts';
import { useSession } from '../app/session.ts';
import { ErrorState, LoadingRows, Page } from '../common/states.tsx';
import { PolicyCard } from '../directory/policy-card.tsx';
import { LifetimeCard } from './lifetime-card.tsx';
import { WebhooksCard } from './webhooks-card.tsx';

/** Who may obtain keys, how long keys live, and who is told when something happens. */
export function PoliciesScreen() {
  const api = useApi();
  const session = useSession();
  const online = session.state === 'online';
  const lifetime = useQuery({ queryKey: qk.lifetime(session.profileId), queryFn: () => api.policy.getLifetime(), enabled: online });
  const webhooks = useQuery({ queryKey: qk.webhooks(session.profileId), queryFn: () => api.webhooks.list(), enabled: online });
  const issuance = usePolicy();
  const groups = useGroups();
  if (!online) {
    return (
      <Page title="Policies">
        <Alert severity="info">Policies live on the server; connect to see and change them.</Alert>
      </Page>
    );
  }
  const failed = [lifetime, webhooks, issuance, groups].find((q) => q.isError);
  return (
    <Page title="Policies" intro="Who may obtain keys, how long keys may live, and which systems hear about changes.">
      {failed ? (
        <ErrorState error={failed.error} onRetry={() => void failed.refetch()} />
      ) : !lifetime.data || !webhooks.data || !issuance.data || !groups.data ? (
        <LoadingRows label="Loading policies" />
      ) : (
        <Stack spacing={2}>
          <PolicyCard policy={issuance.data} groups={groups.data} />
          <LifetimeCard policy={lifetime.data} />
          <WebhooksCard webhooks={webhooks.data} />
        </Stack>
      )}
    </Page>
  );
}
