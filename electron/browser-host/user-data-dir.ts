import { homedir } from 'node:os';
import { join } from 'node:path';

/** The app's one name: window, menus, data folder and keychain service (package.json productName). */
export const PRODUCT_NAME = 'Keyward';
/** Before package.json had a productName, Electron named the data folder after the package: "keyward". */
export const LEGACY_FOLDER_NAME = 'keyward';

/** Electron's app.getPath('appData') for this platform. */
export function appDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support');
  if (platform === 'win32') return env['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming');
  return env['XDG_CONFIG_HOME'] ?? join(homedir(), '.config');
}

/** The folder Electron's app.getPath('userData') uses for "Keyward", so both hosts share profiles. */
export function defaultUserDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  return join(appDataDir(env, platform), PRODUCT_NAME);
}

/** Where the desktop app kept its data before it was called "Keyward" everywhere. */
export function legacyUserDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  return join(appDataDir(env, platform), LEGACY_FOLDER_NAME);
}
