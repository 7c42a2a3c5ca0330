import { Card, CardContent, MenuItem, TextField, Typography } from '@mui/material';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { AppInfo } from '../../shared/ipc/types.ts';
import { useApi } from '../app/api.ts';
import { qk } from '../app/query-keys.ts';

const DELAYS = [5, 10, 30, 60, 120, 0];

/** App settings that matter for safety: how long a copied token stays on the clipboard. */
export function SettingsCard() {
  const api = useApi();
  const client = useQueryClient();
  const info = useQuery({ queryKey: qk.appInfo, queryFn: () => api.app.info(), staleTime: Infinity });
  if (!info.data) return null;
  const seconds = info.data.settings.clipboardClearSeconds;
  const change = async (value: number) => {
    const settings = await api.app.updateSettings({ clipboardClearSeconds: value });
    client.setQueryData<AppInfo>(qk.appInfo, (old) => (old ? { ...old, settings } : old));
  };
  return (
    <Card variant="outlined" sx={{ mt: 3 }}>
      <CardContent>
        <Typography variant="h2" component="h2" gutterBottom>
          Settings
        </Typography>
        <TextField
          select
          label="Clear copied tokens after"
          value={DELAYS.includes(seconds) ? seconds : seconds}
          onChange={(e) => void change(Number(e.target.value))}
          sx={{ width: 260 }}
        >
          {[...new Set([...DELAYS, seconds])].map((s) => (
            <MenuItem key={s} value={s}>
              {s === 0 ? 'Never (not recommended)' : `${s} seconds`}
            </MenuItem>
          ))}
        </TextField>
        <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
          Running in {info.data.host === 'electron' ? 'the desktop app' : 'the browser host'} · Keyward {info.data.version} · keychain{' '}
          {info.data.keychainAvailable ? 'available' : 'unavailable'}
        </Typography>
      </CardContent>
    </Card>
  );
}
