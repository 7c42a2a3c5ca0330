import { CssBaseline, GlobalStyles, ThemeProvider } from '@mui/material';
import { QueryClient, QueryClientProvider, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { KeywardApi } from '../../shared/ipc/contract.ts';
import type { AppInfo, ThemeSetting } from '../../shared/ipc/types.ts';
import { DialogProvider } from '../dialogs/dialog-provider.tsx';
import { ApiContext, useApi } from './api.ts';
import { qk } from './query-keys.ts';
import { Shell } from './shell.tsx';
import { ToastProvider } from './toasts.tsx';
import { useAppTheme } from './theme.ts';

function makeClient() {
  return new QueryClient({
    defaultOptions: {
      // Errors carry the server's message and are shown in place; retrying a 4xx helps nobody.
      queries: { retry: false, refetchOnWindowFocus: false, staleTime: 5_000 },
    },
  });
}

/** The whole console: API, query cache, theme, dialogs, shell. */
export function App({ api }: { api: KeywardApi }) {
  const [client] = useState(makeClient);
  return (
    <ApiContext.Provider value={api}>
      <QueryClientProvider client={client}>
        <Themed />
      </QueryClientProvider>
    </ApiContext.Provider>
  );
}

function Themed() {
  const api = useApi();
  const client = useQueryClient();
  const info = useQuery({ queryKey: qk.appInfo, queryFn: () => api.app.info(), staleTime: Infinity });
  useEffect(
    () =>
      api.on('app.settingsChanged', (settings) =>
        client.setQueryData(qk.appInfo, (old: AppInfo | undefined) => (old ? { ...old, settings } : old)),
      ),
    [api, client],
  );
  const setting: ThemeSetting = info.data?.settings.theme ?? 'system';
  const theme = useAppTheme(setting);
  // Exposed for tests and screenshots: which palette is in effect.
  useEffect(() => {
    document.documentElement.dataset.theme = theme.palette.mode;
  }, [theme]);
  return (
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <GlobalStyles
        styles={{
          '.visually-hidden': {
            position: 'absolute',
            width: 1,
            height: 1,
            overflow: 'hidden',
            clip: 'rect(0 0 0 0)',
            whiteSpace: 'nowrap',
          },
        }}
      />
      <ToastProvider>
        <DialogProvider>
          <Shell themeSetting={setting} />
        </DialogProvider>
      </ToastProvider>
    </ThemeProvider>
  );
}
