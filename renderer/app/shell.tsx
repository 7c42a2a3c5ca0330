import {
  AppBar,
  Box,
  Chip,
  Drawer,
  FormControlLabel,
  List,
  ListItemButton,
  ListItemText,
  Switch,
  Toolbar,
  Typography,
} from '@mui/material';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useApi } from './api.ts';
import { useDrafts } from './data.ts';
import { NavigationContext, SCREENS, type GoOptions, type ScreenId } from './navigation.ts';
import { OfflineBanner } from './offline-banner.tsx';
import { ScreenView } from './screen-view.tsx';
import { useSession } from './session.ts';
import { useShortcuts } from './shortcuts.tsx';
import { SyncButton } from './sync-button.tsx';
import { ThemeMenu } from './theme-menu.tsx';
import type { ThemeSetting } from '../../shared/ipc/types.ts';

const NAV_WIDTH = 210;

const STATE_LABEL = { online: 'Online', offline: 'Offline', connecting: 'Connecting…', disconnected: 'Not connected' } as const;
const STATE_COLOR = { online: 'success', offline: 'warning', connecting: 'default', disconnected: 'default' } as const;

/** Top bar (active profile, connection, theme), navigation and the current screen. */
export function Shell({ themeSetting }: { themeSetting: ThemeSetting }) {
  const session = useSession();
  const [screen, setScreen] = useState<ScreenId>('connections');
  const drafts = useDrafts();
  const draftCount = drafts.data?.roles.length ?? 0;
  const [search, setSearch] = useState('');
  const go = useCallback((next: ScreenId, options?: GoOptions) => {
    setSearch(options?.search ?? '');
    setScreen(next);
  }, []);
  const nav = useMemo(() => ({ screen, search, go }), [screen, search, go]);
  useShortcuts({ go, online: session.state === 'online' });

  // Opened with a session already online (npm run demo connects before the window opens): start
  // on Roles rather than Connections. Asked once, when the shell mounts.
  const api = useApi();
  useEffect(() => {
    let mounted = true;
    void api.session.status().then((status) => {
      if (mounted && status.state === 'online') setScreen((current) => (current === 'connections' ? 'roles' : current));
    });
    return () => {
      mounted = false;
    };
  }, [api]);

  // The host's network events: main checks the server at once rather than at its next poll.
  useEffect(() => {
    const check = () => void api.session.sync().catch(() => undefined);
    window.addEventListener('online', check);
    window.addEventListener('offline', check);
    return () => {
      window.removeEventListener('online', check);
      window.removeEventListener('offline', check);
    };
  }, [api]);

  useEffect(() => {
    document.title = session.profileName ? `${session.profileName} — Keyward` : 'Keyward';
  }, [session.profileName]);

  return (
    <NavigationContext.Provider value={nav}>
      <Box sx={{ display: 'flex', minHeight: '100vh' }}>
        <AppBar
          position="fixed"
          color="default"
          elevation={0}
          sx={{ zIndex: (t) => t.zIndex.drawer + 1, borderBottom: 1, borderColor: 'divider' }}
        >
          <Toolbar variant="dense" sx={{ gap: 2 }}>
            <Typography component="p" variant="h6" sx={{ fontWeight: 700 }}>
              Keyward
            </Typography>
            <Typography component="p" color="text.secondary" data-testid="active-profile">
              {session.profileName ?? 'No server'}
            </Typography>
            <Chip
              size="small"
              label={STATE_LABEL[session.state]}
              color={STATE_COLOR[session.state]}
              variant="outlined"
              data-testid="connection-state"
            />
            <Box sx={{ flex: 1 }} />
            {session.profileId && (
              <FormControlLabel
                control={
                  <Switch
                    size="small"
                    checked={session.workingOffline}
                    onChange={(e) => void api.session.workOffline({ offline: e.target.checked }).catch(() => undefined)}
                  />
                }
                label="Work offline"
                title="Draft role changes without reaching the server; review and apply them when you go online."
              />
            )}
            <SyncButton />
            <ThemeMenu setting={themeSetting} />
          </Toolbar>
        </AppBar>
        <Drawer
          variant="permanent"
          sx={{ width: NAV_WIDTH, flexShrink: 0, '& .MuiDrawer-paper': { width: NAV_WIDTH, boxSizing: 'border-box' } }}
        >
          <Toolbar variant="dense" />
          <Box component="nav" aria-label="Main">
            <List dense component="div">
              {SCREENS.map((s) => (
                <ListItemButton
                  key={s.id}
                  selected={s.id === screen}
                  onClick={() => go(s.id)}
                  aria-current={s.id === screen ? 'page' : undefined}
                >
                  <ListItemText primary={s.label} />
                  {s.id === 'drafts' && draftCount > 0 && (
                    <Chip size="small" color="warning" label={draftCount} aria-label={`${draftCount} drafts`} />
                  )}
                </ListItemButton>
              ))}
            </List>
          </Box>
        </Drawer>
        <Box component="main" sx={{ flex: 1, minWidth: 0 }}>
          <Toolbar variant="dense" />
          <OfflineBanner />
          <ScreenView screen={screen} />
        </Box>
      </Box>
    </NavigationContext.Provider>
  );
}
