import { Alert, Button, Card, CardActions, CardContent, Chip, Stack, Typography } from '@mui/material';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Profile } from '../../shared/ipc/types.ts';
import { useApi } from '../app/api.ts';
import { useNavigation } from '../app/navigation.ts';
import { qk } from '../app/query-keys.ts';
import { useSession } from '../app/session.ts';
import { EmptyState, ErrorState, LoadingRows, Page } from '../common/states.tsx';
import { useScreenAction } from '../common/use-screen-action.ts';
import { useDialogs } from '../dialogs/dialog-context.ts';
import { Fingerprint } from '../common/fingerprint.tsx';
import { CertificateChange } from './certificate-change.tsx';
import { SettingsCard } from './settings-card.tsx';
import { TestResult } from './test-result.tsx';
import type { ConnectionTest } from '../../shared/ipc/types.ts';

/** Server profiles: connect, test, edit, remove; or start the built-in local server. */
export function ConnectionsScreen() {
  const { openDialog } = useDialogs();
  const { profiles, tests, setTests, busy, error, connect, disconnect, test, startLocal, remove } = useProfileActions();
  // The demo data goes only into a new local database, so it is offered until there is one.
  const hasLocal = profiles.data?.some((p) => p.kind === 'local') ?? true;

  const addButton = (
    <Button variant="contained" onClick={() => openDialog({ type: 'profile', profileId: null })}>
      Add server
    </Button>
  );
  return (
    <Page
      title="Connections"
      intro="The Keyward servers you administer. Admin tokens live in the OS keychain."
      actions={
        <>
          <Button variant="outlined" onClick={() => void startLocal(false)} disabled={busy !== null}>
            Use a local server
          </Button>
          {!hasLocal && (
            <Button variant="outlined" onClick={() => void startLocal(true)} disabled={busy !== null}>
              Local server with demo data
            </Button>
          )}
          {addButton}
        </>
      }
    >
      {error && (
        <Alert severity="error" sx={{ mb: 2 }} data-testid="connections-error">
          {error}
        </Alert>
      )}
      {profiles.isPending ? (
        <LoadingRows rows={3} />
      ) : profiles.error ? (
        <ErrorState error={profiles.error} onRetry={() => void profiles.refetch()} />
      ) : profiles.data.length === 0 ? (
        <EmptyState
          title="No servers yet"
          hint="Add a server with its URL and an admin token, or start a local server on this computer to try Keyward at once, empty or with demo data."
          action={addButton}
        />
      ) : (
        <Stack spacing={2}>
          {profiles.data.map((p) => (
            <ProfileCard
              key={p.id}
              profile={p}
              test={tests[p.id]}
              onTrusted={() => setTests(({ [p.id]: _done, ...rest }) => rest)}
              busy={busy !== null}
              onConnect={() => void connect(p)}
              onDisconnect={() => void disconnect()}
              onTest={() => void test(p)}
              onEdit={() => openDialog({ type: 'profile', profileId: p.id })}
              onRemove={() => remove(p)}
            />
          ))}
        </Stack>
      )}
      <SettingsCard />
    </Page>
  );
}

/** The profile list and what the screen does with a profile; one action runs at a time. */
function useProfileActions() {
  const api = useApi();
  const client = useQueryClient();
  const { go } = useNavigation();
  const { openDialog } = useDialogs();
  const profiles = useQuery({ queryKey: qk.profiles, queryFn: () => api.profiles.list() });
  const [tests, setTests] = useState<Record<string, ConnectionTest>>({});
  const { busy, error, run } = useScreenAction();

  const connect = (p: Profile) =>
    run(p.id, async () => {
      const status = await api.session.connect({ profileId: p.id });
      client.setQueryData(qk.session, status);
      if (status.state === 'online') go('roles');
    });
  const disconnect = () => run('disconnect', async () => client.setQueryData(qk.session, await api.session.disconnect()));
  const test = (p: Profile) => run(`test-${p.id}`, async () => setTests({ ...tests, [p.id]: await api.profiles.test({ id: p.id }) }));
  const startLocal = (demo: boolean) =>
    run('local', async () => {
      await api.localServer.start({ demo });
      client.setQueryData(qk.session, await api.session.status());
      await client.invalidateQueries({ queryKey: qk.profiles });
      go('roles');
    });
  const remove = (p: Profile) =>
    openDialog({
      type: 'confirm',
      title: `Remove “${p.name}”?`,
      body: 'The profile and its admin token are removed from this computer (the keychain entry too). The server and its data are not touched. Drafts for this profile are lost.',
      confirmLabel: 'Remove',
      destructive: true,
      onConfirm: async () => {
        await api.profiles.remove({ id: p.id });
        await client.invalidateQueries({ queryKey: qk.profiles });
        client.setQueryData(qk.session, await api.session.status());
      },
    });
  return { profiles, tests, setTests, busy, error, connect, disconnect, test, startLocal, remove };
}

/** One server profile: its state, pinned certificate, last test, and what can be done with it. */
function ProfileCard(props: {
  profile: Profile;
  test: ConnectionTest | undefined;
  onTrusted: () => void;
  busy: boolean;
  onConnect: () => void;
  onDisconnect: () => void;
  onTest: () => void;
  onEdit: () => void;
  onRemove: () => void;
}) {
  const { profile: p, test, busy } = props;
  const session = useSession();
  const active = session.profileId === p.id;
  return (
    <Card variant="outlined" data-testid={`profile-${p.name}`} component="article" aria-label={p.name}>
      <CardContent>
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
          <Typography variant="h2" component="h2">
            {p.name}
          </Typography>
          {p.kind === 'local' && <Chip size="small" label="Local" />}
          {active && (
            <Chip
              size="small"
              color={session.state === 'online' ? 'success' : 'warning'}
              label={session.state === 'online' ? 'Connected' : session.state === 'offline' ? 'Offline' : 'Connecting…'}
            />
          )}
          {!p.hasToken && <Chip size="small" color="error" label="No token in keychain" />}
        </Stack>
        <Typography color="text.secondary">{p.url}</Typography>
        {p.fingerprint && (
          <Typography variant="body2" color="text.secondary" sx={{ wordBreak: 'break-all' }}>
            Pinned certificate <Fingerprint value={p.fingerprint} />
          </Typography>
        )}
        {test && (
          <div style={{ marginTop: 8 }}>
            <TestResult test={test} />
            {test.pin === 'mismatch' && test.certificate && (
              <CertificateChange profile={p} certificate={test.certificate} onTrusted={props.onTrusted} />
            )}
          </div>
        )}
      </CardContent>
      <CardActions>
        {active && session.state !== 'disconnected' ? (
          <Button onClick={props.onDisconnect} disabled={busy}>
            Disconnect
          </Button>
        ) : (
          <Button variant="contained" onClick={props.onConnect} disabled={busy}>
            Connect
          </Button>
        )}
        <Button onClick={props.onTest} disabled={busy}>
          Test
        </Button>
        <Button onClick={props.onEdit}>Edit</Button>
        <Button color="error" onClick={props.onRemove}>
          Remove
        </Button>
      </CardActions>
    </Card>
  );
}
