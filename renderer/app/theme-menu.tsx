import { ToggleButton, ToggleButtonGroup } from '@mui/material';
import { useQueryClient } from '@tanstack/react-query';
import type { AppInfo, ThemeSetting } from '../../shared/ipc/types.ts';
import { useApi } from './api.ts';
import { qk } from './query-keys.ts';

/** Theme override: follow the OS, or force light or dark. Stored by main in the app settings. */
export function ThemeMenu({ setting }: { setting: ThemeSetting }) {
  const api = useApi();
  const client = useQueryClient();
  const change = async (theme: ThemeSetting) => {
    const settings = await api.app.setTheme({ theme });
    client.setQueryData<AppInfo>(qk.appInfo, (old) => (old ? { ...old, settings } : old));
  };
  return (
    <ToggleButtonGroup
      size="small"
      exclusive
      value={setting}
      onChange={(_, v: ThemeSetting | null) => v && void change(v)}
      aria-label="Theme"
    >
      <ToggleButton value="system" aria-label="Theme: follow the system">
        System
      </ToggleButton>
      <ToggleButton value="light" aria-label="Theme: light">
        Light
      </ToggleButton>
      <ToggleButton value="dark" aria-label="Theme: dark">
        Dark
      </ToggleButton>
    </ToggleButtonGroup>
  );
}
