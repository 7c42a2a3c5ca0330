import type { KeywardApi } from '../../../shared/ipc/contract.ts';
import type { AppSettings } from '../../../shared/ipc/types.ts';
import type { ApiContext } from './context.ts';

// app.*: what the app runs on and its settings (theme, clipboard clearing).

export function appApi({ deps, settings }: ApiContext): KeywardApi['app'] {
  const updateSettings = (patch: Partial<AppSettings>): AppSettings => {
    const next = { ...settings(), ...patch };
    deps.kv.set('settings', next);
    deps.emit('app.settingsChanged', next);
    deps.onSettingsChanged?.(next);
    return next;
  };
  return {
    info: async () => {
      let keychainAvailable = true;
      try {
        await deps.secrets.get('keyward-keychain-probe');
      } catch {
        keychainAvailable = false;
      }
      return {
        name: 'Keyward',
        version: deps.version,
        host: deps.host,
        platform: process.platform,
        keychainAvailable,
        clipboardConcealment: deps.clipboard.concealment,
        settings: settings(),
      };
    },
    setTheme: async ({ theme }) => updateSettings({ theme }),
    updateSettings: async (patch) => updateSettings(patch),
  };
}
