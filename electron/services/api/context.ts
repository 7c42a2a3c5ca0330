import type { AppSettings } from '../../../shared/ipc/types.ts';
import type { Drafts } from '../drafts/drafts.ts';
import type { LocalServer } from '../local-server.ts';
import type { OneTimeSecrets } from '../one-time-secrets.ts';
import type { ClipboardPort, Clock, EmitEvent, KeyValueStore, Logger, SecretStore } from '../ports.ts';
import type { ProfileStore } from '../profile-store.ts';
import type { Session } from '../session.ts';

// What every domain module of the KeywardApi implementation (this folder) is built from: the
// host's dependencies and the main-process services createApiImplementation wires once. Server
// calls go through `session.call` (the typed REST client of rest-client.ts, with online/offline
// tracking).

export interface AppDeps {
  userDataDir: string;
  /** Profiles and settings (electron-store in the app, conf under Node). */
  kv: KeyValueStore;
  /** Offline cache and drafts. */
  cache: KeyValueStore;
  secrets: SecretStore;
  clipboard: ClipboardPort;
  emit: EmitEvent;
  host: 'electron' | 'browser';
  version: string;
  clock?: Clock;
  log?: Logger;
  secretTtlMs?: number;
  startServer?: ConstructorParameters<typeof LocalServer>[0]['startServer'];
  /** Lets the Electron glue follow the theme setting (nativeTheme.themeSource). */
  onSettingsChanged?: (settings: AppSettings) => void;
}

export interface ApiContext {
  deps: AppDeps;
  clock: Clock;
  log: Logger;
  profiles: ProfileStore;
  session: Session;
  drafts: Drafts;
  vault: OneTimeSecrets;
  localServer: LocalServer;
  /** The stored settings over the defaults. */
  settings(): AppSettings;
}
