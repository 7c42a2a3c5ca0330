import { Button } from '@mui/material';
import { AccessScreen } from '../access/access-screen.tsx';
import { AuditScreen } from '../audit/audit-screen.tsx';
import { BackendsScreen } from '../backends/backends-screen.tsx';
import { EmptyState, Page } from '../common/states.tsx';
import { ConnectionsScreen } from '../connections/connections-screen.tsx';
import { CredentialsScreen } from '../credentials/credentials-screen.tsx';
import { DirectoryScreen } from '../directory/directory-screen.tsx';
import { DraftsScreen } from '../drafts/drafts-screen.tsx';
import { HygieneScreen } from '../hygiene/hygiene-screen.tsx';
import { PoliciesScreen } from '../policies/policies-screen.tsx';
import { RolesScreen } from '../roles/roles-screen.tsx';
import { UsageScreen } from '../usage/usage-screen.tsx';
import { SCREENS, useNavigation, type ScreenId } from './navigation.ts';
import { hasData, useSession } from './session.ts';

/** The current screen; every screen but Connections needs a profile (online or cached). */
export function ScreenView({ screen }: { screen: ScreenId }) {
  const session = useSession();
  const { go } = useNavigation();
  if (screen !== 'connections' && !hasData(session)) {
    const label = SCREENS.find((s) => s.id === screen)!.label;
    return (
      <Page title={label}>
        <EmptyState
          title="Not connected"
          hint="Connect to a Keyward server (or start the local one) to see this page."
          action={
            <Button variant="contained" onClick={() => go('connections')}>
              Go to Connections
            </Button>
          }
        />
      </Page>
    );
  }
  switch (screen) {
    case 'connections':
      return <ConnectionsScreen />;
    case 'roles':
      return <RolesScreen />;
    case 'credentials':
      return <CredentialsScreen />;
    case 'drafts':
      return <DraftsScreen />;
    case 'directory':
      return <DirectoryScreen />;
    case 'backends':
      return <BackendsScreen />;
    case 'access':
      return <AccessScreen />;
    case 'hygiene':
      return <HygieneScreen />;
    case 'usage':
      return <UsageScreen />;
    case 'policies':
      return <PoliciesScreen />;
    case 'audit':
      return <AuditScreen />;
  }
}
