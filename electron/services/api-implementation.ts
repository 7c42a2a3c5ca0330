import { join } from 'node:path';
import type { Outcome } from '../../shared/ipc/client.ts';
import type { KeywardApi } from '../../shared/ipc/contract.ts';
import type { AppSettings } from '../../shared/ipc/types.ts';
import { appApi } from './api/app-info.ts';
import { auditApi } from './api/audit.ts';
import { backendsApi } from './api/backends.ts';
import { catalogApi } from './api/catalog.ts';
import { checksApi } from './api/checks.ts';
import { localServerApi, profilesApi, sessionApi } from './api/connections.ts';
import type { ApiContext, AppDeps } from './api/context.ts';
import { credentialsApi } from './api/credentials.ts';
import { groupsApi, policyApi, usersApi } from './api/directory.ts';
import { makeDispatch } from './api/dispatch.ts';
import { draftsApi } from './api/drafts.ts';
import { usageApi, webhooksApi } from './api/lifecycle.ts';
import { rolesApi } from './api/roles.ts';
import { secretsApi } from './api/secrets.ts';
import { Drafts } from './drafts/drafts.ts';
import { securePrivateTree } from './file-modes.ts';
import { LocalServer } from './local-server.ts';
import { OneTimeSecrets } from './one-time-secrets.ts';
import { silentLogger, systemClock } from './ports.ts';
import { ProfileStore } from './profile-store.ts';
import { Session } from './session.ts';

// KeywardApi implemented from the services: this file wires the services once and assembles
// the API from one module per domain under ./api/ (each over the session's typed REST client,
// rest-client.ts). Both hosts call `dispatch` (api/dispatch.ts).

export type { AppDeps } from './api/context.ts';

export interface ApiImplementation {
  api: KeywardApi;
  dispatch(method: string, arg: unknown): Promise<Outcome>;
  /** At start: clears a secret a killed earlier run left on the clipboard (matched by salted hash). */
  start(): Promise<void>;
  /** At quit: clears a copied secret still on the clipboard, stops the local server. */
  shutdown(): Promise<void>;
  /** From a process 'exit' handler: the clipboard part of shutdown, synchronously. */
  shutdownSync(): void;
  services: { profiles: ProfileStore; session: Session; drafts: Drafts; secrets: OneTimeSecrets; localServer: LocalServer };
}

const DEFAULT_SETTINGS: AppSettings = { theme: 'system', clipboardClearSeconds: 30 };

export function createApiImplementation(deps: AppDeps): ApiImplementation {
  const ctx = createContext(deps);
  const { log, vault, localServer } = ctx;
  const api: KeywardApi = {
    profiles: profilesApi(ctx),
    session: sessionApi(ctx),
    localServer: localServerApi(ctx),
    catalog: catalogApi(ctx),
    roles: rolesApi(ctx),
    credentials: credentialsApi(ctx),
    secrets: secretsApi(ctx),
    users: usersApi(ctx),
    groups: groupsApi(ctx),
    policy: policyApi(ctx),
    usage: usageApi(ctx),
    webhooks: webhooksApi(ctx),
    backends: backendsApi(ctx),
    audit: auditApi(ctx),
    drafts: draftsApi(ctx),
    ...checksApi(ctx),
    app: appApi(ctx),
    on: () => () => {},
  };

  return {
    api,
    dispatch: makeDispatch(api, log),
    start: async () => {
      if (await vault.clearLeftover()) log.info('cleared a secret an earlier run left on the clipboard');
    },
    shutdownSync: () => vault.shutdownSync(),
    shutdown: async () => {
      await vault.shutdown();
      await localServer.stop().catch(() => undefined);
    },
    services: { profiles: ctx.profiles, session: ctx.session, drafts: ctx.drafts, secrets: vault, localServer },
  };
}

/** The services every domain module shares, created once per app. */
function createContext(deps: AppDeps): ApiContext {
  const clock = deps.clock ?? systemClock;
  const log = deps.log ?? silentLogger;
  const repaired = securePrivateTree(deps.userDataDir);
  if (repaired.length) log.warn('user data was readable by others; permissions repaired', { paths: repaired.length });
  const settings = (): AppSettings => ({ ...DEFAULT_SETTINGS, ...(deps.kv.get<Partial<AppSettings>>('settings') ?? {}) });
  const profiles = new ProfileStore(deps.kv, deps.secrets);
  const session = new Session({ profiles, cache: deps.cache, emit: deps.emit, log });
  const drafts = new Drafts({ kv: deps.cache, session, emit: deps.emit });
  const vault = new OneTimeSecrets({
    clipboard: deps.clipboard,
    clock,
    emit: deps.emit,
    ttlMs: deps.secretTtlMs,
    clearDelaySeconds: () => settings().clipboardClearSeconds,
    remember: deps.kv,
  });
  const localServer = new LocalServer({
    dataDir: join(deps.userDataDir, 'local-server'),
    profiles,
    secrets: deps.secrets,
    emit: deps.emit,
    startServer: deps.startServer,
  });
  return { deps, clock, log, profiles, session, drafts, vault, localServer, settings };
}
