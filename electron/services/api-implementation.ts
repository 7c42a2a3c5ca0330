import { join } from 'node:path';
import type { Backend, Catalog, Credential, Group, IssuancePolicy, Role, User } from '../../shared/domain/types.ts';
import type { Outcome } from '../../shared/ipc/client.ts';
import { methodSpec, type ArgOf, type KeywardApi } from '../../shared/ipc/contract.ts';
import type { AppSettings, ConnectionTest, IssuedCredential, Profile } from '../../shared/ipc/types.ts';
import { checkIpcArgument } from '../../shared/ipc/validate.ts';
import { checkAccess, hygieneReport } from './access-checker.ts';
import { assertTransportAllowed, BackendClient, fetchCertificate, networkError } from './backend-client.ts';
import { Drafts } from './drafts/drafts.ts';
import { KeywardError, toIpcError } from './errors.ts';
import { lifecycleApi } from './lifecycle-api.ts';
import { securePrivateTree } from './file-modes.ts';
import { LocalServer } from './local-server.ts';
import { OneTimeSecrets } from './one-time-secrets.ts';
import {
  systemClock,
  silentLogger,
  type ClipboardPort,
  type Clock,
  type EmitEvent,
  type KeyValueStore,
  type Logger,
  type SecretStore,
} from './ports.ts';
import { ProfileStore } from './profile-store.ts';
import { parseProfileUrl, sameOrigin } from './profile-url.ts';
import { Session } from './session.ts';

// KeywardApi implemented from the services. Both hosts (Electron IPC, browser host) call
// `dispatch`, which validates the argument against the contract before anything runs and turns
// every failure into an IpcError value. Logs carry method names and error codes, never arguments.

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
const STATE_FRESH_MS = 30_000;

export function createApiImplementation(deps: AppDeps): ApiImplementation {
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

  const call = <T>(method: string, path: string, options?: Parameters<Session['call']>[2]) => session.call<T>(method, path, options);
  const enc = encodeURIComponent;

  /** Issue a one-time secret: the secret goes into the vault, the renderer gets the handle. */
  const issue = (answer: { credential: Credential; secret: string }): IssuedCredential => {
    const secretHandle = vault.hold(answer.secret);
    session.remember('credentials', answer.credential);
    return { credential: answer.credential, secretHandle };
  };

  const lifecycle = lifecycleApi({ call, hold: (secret) => vault.hold(secret) });

  const crud = <T extends { id: string }, C, P>(path: string, cached?: 'roles' | 'credentials' | 'backends') => {
    const keep = (item: T, deleted = false) => {
      if (cached) session.remember(cached, item, deleted);
      return item;
    };
    return {
      list: async () => (await call<{ items: T[] }>('GET', path)).items,
      get: async ({ id }: { id: string }) => keep(await call<T>('GET', `${path}/${enc(id)}`)),
      create: async (body: C) => keep(await call<T>('POST', path, { body })),
      update: async ({ id, expectedVersion, set }: { id: string; expectedVersion?: number; set: P }) =>
        keep(await call<T>('PATCH', `${path}/${enc(id)}`, { body: set, ifMatch: expectedVersion })),
      delete: async ({ id, expectedVersion }: { id: string; expectedVersion?: number }) => {
        await call('DELETE', `${path}/${enc(id)}`, { ifMatch: expectedVersion });
        keep({ id } as T, true);
      },
      /** A POST action on one object answering the object (revoke, disable, ...). */
      act: async (id: string, action: string) => keep(await call<T>('POST', `${path}/${enc(id)}/${action}`)),
    };
  };

  /** Fresh state for the access checker and hygiene: refetched when online and stale, else the cache. */
  const state = async (): Promise<{ basis: 'server' | 'cache' }> => {
    const cached = session.cached();
    const fresh = cached.syncedAt !== null && clock.now() - Date.parse(cached.syncedAt) < STATE_FRESH_MS;
    if (session.status().state === 'online' && fresh) return { basis: 'server' };
    try {
      await session.sync();
      return { basis: 'server' };
    } catch (error) {
      if (
        error instanceof KeywardError &&
        ['offline', 'timeout', 'tls_error', 'unavailable', 'not_connected'].includes(error.code) &&
        session.status().profileId
      ) {
        return { basis: 'cache' };
      }
      throw error;
    }
  };

  const testConnection = async (arg: ArgOf<'profiles', 'test'>): Promise<ConnectionTest> => {
    const result: ConnectionTest = {
      reachable: false,
      serverVersion: null,
      certificate: null,
      pin: 'none',
      authenticated: null,
      error: null,
    };
    try {
      const stored = 'id' in arg ? profiles.stored(arg.id) : null;
      const target = 'id' in arg ? stored! : { url: arg.url, allowInsecureHttp: arg.allowInsecureHttp ?? false, fingerprint: null };
      const url = assertTransportAllowed(target);
      let fingerprint: string | null = null;
      if (url.protocol === 'https:') {
        try {
          result.certificate = await fetchCertificate(url.href);
        } catch (error) {
          throw networkError(error, url);
        }
        result.reachable = true;
        fingerprint = result.certificate.fingerprint;
        result.pin = !target.fingerprint ? 'unpinned' : target.fingerprint === fingerprint ? 'match' : 'mismatch';
        if (result.pin === 'mismatch') {
          throw new KeywardError(
            'certificate_changed',
            `The server presents a different certificate than the one pinned for this profile. Keyward sent nothing. Confirm the new fingerprint only if its operator renewed it.`,
            { expected: target.fingerprint, actual: fingerprint },
          );
        }
      }
      const health = await new BackendClient({ ...target, fingerprint }, null, { timeoutMs: 10_000 }).request<{ version: string }>(
        'GET',
        '/v1/health',
      );
      result.reachable = true;
      result.serverVersion = health.version;
      // The token goes only to a server whose certificate is pinned (or to loopback/opted-in http).
      const token = stored ? await profiles.token(stored.id) : 'token' in arg ? (arg.token ?? null) : null;
      if (token && result.pin !== 'unpinned') {
        try {
          await new BackendClient({ ...target, fingerprint }, token, { timeoutMs: 10_000 }).request('GET', '/v1/catalog');
          result.authenticated = true;
        } catch (error) {
          if (!(error instanceof KeywardError)) throw error;
          if (error.code === 'forbidden') result.authenticated = true;
          else if (error.code === 'unauthorized') {
            result.authenticated = false;
            result.error = error.toIpcError();
          } else throw error;
        }
      }
    } catch (error) {
      result.error = toIpcError(error);
    }
    return result;
  };

  const updateSettings = (patch: Partial<AppSettings>): AppSettings => {
    const next = { ...settings(), ...patch };
    deps.kv.set('settings', next);
    deps.emit('app.settingsChanged', next);
    deps.onSettingsChanged?.(next);
    return next;
  };

  const users = crud<User, ArgOf<'users', 'create'>, ArgOf<'users', 'update'>['set']>('/v1/users');
  const groups = crud<Group, ArgOf<'groups', 'create'>, ArgOf<'groups', 'update'>['set']>('/v1/groups');
  const backends = crud<Backend, ArgOf<'backends', 'create'>, ArgOf<'backends', 'update'>['set']>('/v1/backends', 'backends');
  const roles = crud<Role, ArgOf<'roles', 'create'>, ArgOf<'roles', 'update'>['set']>('/v1/roles', 'roles');
  const credentialCrud = crud<Credential, ArgOf<'credentials', 'create'>, ArgOf<'credentials', 'update'>['set']>(
    '/v1/credentials',
    'credentials',
  );

  const api: KeywardApi = {
    profiles: {
      list: () => profiles.list(),
      add: async (arg) => {
        const url = assertTransportAllowed({ url: arg.url, allowInsecureHttp: arg.allowInsecureHttp ?? false });
        if (url.protocol === 'https:' && !arg.fingerprint) {
          throw new KeywardError(
            'certificate_unconfirmed',
            "Test the connection and confirm the server's certificate fingerprint before saving the profile.",
          );
        }
        return profiles.add({
          name: arg.name,
          url: arg.url,
          token: arg.token,
          allowInsecureHttp: arg.allowInsecureHttp,
          fingerprint: url.protocol === 'https:' ? arg.fingerprint : null,
        });
      },
      update: async ({ id, ...patch }) => {
        if (patch.url !== undefined)
          assertTransportAllowed({ url: patch.url, allowInsecureHttp: patch.allowInsecureHttp ?? profiles.stored(id).allowInsecureHttp });
        const before = profiles.stored(id).url;
        const updated = await profiles.update(id, patch);
        if (!sameOrigin(before, updated.url)) log.info('profile moved to another server', { id, tokenKept: updated.hasToken });
        if (session.status().profileId === id) session.disconnect();
        return updated;
      },
      remove: async ({ id }) => {
        await profiles.remove(id);
        session.forget(id);
        deps.cache.delete(`drafts:${id}`);
      },
      test: testConnection,
      confirmCertificate: async ({ id, fingerprint }): Promise<Profile> => {
        const stored = profiles.stored(id);
        const live = await fetchCertificate(stored.url).catch((error: unknown) => {
          throw networkError(error, parseProfileUrl(stored.url));
        });
        if (live.fingerprint !== fingerprint) {
          throw new KeywardError(
            'certificate_changed',
            'The server now presents a different certificate than the one you confirmed. Test the connection again and compare the fingerprint.',
            { confirmed: fingerprint, actual: live.fingerprint },
          );
        }
        const updated = await profiles.update(id, { fingerprint });
        if (session.status().profileId === id) session.disconnect();
        return updated;
      },
    },
    session: {
      connect: ({ profileId }) => session.connect(profileId),
      disconnect: async () => session.disconnect(),
      status: async () => session.status(),
      sync: () => session.sync(),
      workOffline: ({ offline }) => session.workOffline(offline),
    },
    localServer: {
      start: async ({ demo }) => {
        const status = await localServer.start({ demo });
        await session.connect(status.profileId!);
        return status;
      },
      stop: async () => {
        const { profileId } = localServer.status();
        if (profileId && session.status().profileId === profileId) session.disconnect();
        return localServer.stop();
      },
      status: async () => localServer.status(),
    },
    catalog: {
      get: () =>
        session.readThrough(
          async () => {
            const catalog = await call<Catalog>('GET', '/v1/catalog');
            session.saveCache({ catalog });
            return catalog;
          },
          (c) => c.catalog,
        ),
      replace: ({ groups: g, prune }) => call<Catalog>('PUT', '/v1/catalog', { body: { groups: g }, query: { prune } }),
      importOpenApi: ({ document }) => call<Catalog>('POST', '/v1/catalog/openapi', { body: document }),
    },
    roles: {
      get: roles.get,
      create: roles.create,
      update: roles.update,
      delete: roles.delete,
      deleteMany: async ({ items }) => {
        await call('POST', '/v1/roles/changes', { body: { changes: items.map((r) => ({ op: 'delete', ...r })) } });
      },
      list: () =>
        session.readThrough(
          async () => {
            const items = await roles.list();
            session.saveCache({ roles: items });
            return items;
          },
          (c) => (c.syncedAt ? c.roles : null),
        ),
      duplicate: async ({ id, name }) => {
        const role = await roles.get({ id });
        return roles.create({ name: name ?? `${role.name.slice(0, 93)} (copy)`, description: role.description, actions: role.actions });
      },
      usage: async () => {
        const credentials = await session.readThrough(
          () => session.allCredentials(),
          (c) => (c.syncedAt ? c.credentials : null),
        );
        const counts: Record<string, number> = {};
        for (const c of credentials) if (c.status !== 'revoked') for (const r of c.roles) counts[r] = (counts[r] ?? 0) + 1;
        return counts;
      },
    },
    credentials: {
      list: (query) => call('GET', '/v1/credentials', { query }),
      get: credentialCrud.get,
      create: async (body) => issue(await call<{ credential: Credential; secret: string }>('POST', '/v1/credentials', { body })),
      update: credentialCrud.update,
      revoke: ({ id }) => credentialCrud.act(id, 'revoke'),
      disable: ({ id }) => credentialCrud.act(id, 'disable'),
      enable: ({ id }) => credentialCrud.act(id, 'enable'),
      roll: async ({ id, graceSeconds }) =>
        issue(
          await call<{ credential: Credential; secret: string }>('POST', `/v1/credentials/${enc(id)}/roll`, {
            body: graceSeconds === undefined ? {} : { graceSeconds },
          }),
        ),
      delete: credentialCrud.delete,
    },
    secrets: {
      preview: async ({ handle }) => vault.preview(handle),
      reveal: async ({ handle }) => vault.reveal(handle),
      copy: ({ handle, format }) => vault.copy(handle, format),
      discard: async ({ handle }) => vault.discard(handle),
    },
    users: {
      list: users.list,
      get: users.get,
      create: users.create,
      update: users.update,
      delete: users.delete,
      invalidateTokens: ({ id }) => call<{ revoked: number }>('POST', `/v1/users/${enc(id)}/invalidate-tokens`),
    },
    groups: { list: groups.list, get: groups.get, create: groups.create, update: groups.update, delete: groups.delete },
    policy: {
      get: () => call<IssuancePolicy>('GET', '/v1/policy/issuance'),
      set: (body) => call<IssuancePolicy>('PUT', '/v1/policy/issuance', { body }),
      ...lifecycle.lifetime,
    },
    usage: lifecycle.usage,
    webhooks: lifecycle.webhooks,
    backends: { list: backends.list, get: backends.get, create: backends.create, update: backends.update, delete: backends.delete },
    audit: { list: (query) => call('GET', '/v1/audit', { query }) },
    drafts: {
      list: async () => drafts.list(),
      saveRole: async (arg) => drafts.saveRole(arg),
      deleteRole: async ({ roleId }) => drafts.deleteRole(roleId),
      discard: async ({ draftId }) => drafts.discard(draftId),
      plan: () => drafts.plan(),
      resolveConflict: async (arg) => drafts.resolveConflict(arg),
      apply: ({ planId }) => drafts.apply(planId),
      export: async ({ format }) => {
        const p = profiles.stored(session.profileId);
        return drafts.export(format, { name: p.name, url: p.url });
      },
      import: async ({ content }) => drafts.import(content),
    },
    access: {
      check: async (arg) => {
        const { basis } = await state();
        return checkAccess(session.cached(), arg, basis, clock.now());
      },
    },
    hygiene: {
      report: async () => {
        const { basis } = await state();
        const now = clock.now();
        if (basis !== 'server') return hygieneReport(session.cached(), basis, now);
        // The lifetime policy and 90 days of request counts, where the server has them (an older
        // server, or one the token may not read them from, leaves the cached-state flags).
        const [lifetime, usage] = await Promise.all([
          lifecycle.lifetime.getLifetime().catch(() => null),
          lifecycle.usage
            .overview({ from: new Date(now - 90 * 86_400_000).toISOString(), to: new Date(now).toISOString(), bucket: 'day', limit: 100 })
            .catch(() => null),
        ]);
        const usedIn90Days = usage
          ? new Set(
              [...usage.top, ...usage.mostDenied]
                .filter((t) => t.credentialId !== null && t.allowed + t.denied > 0)
                .map((t) => t.credentialId!),
            )
          : null;
        return hygieneReport(session.cached(), basis, now, { lifetime, usedIn90Days });
      },
    },
    app: {
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
    },
    on: () => () => {},
  };

  const dispatch = async (method: string, arg: unknown): Promise<Outcome> => {
    const problem = checkIpcArgument(method, arg);
    if (problem) {
      log.warn('ipc argument rejected', { method: method.slice(0, 100), code: problem.code });
      return { ok: false, error: problem };
    }
    const [domain, name] = method.split('.') as [keyof KeywardApi, string];
    const fn = (api[domain] as unknown as Record<string, (a?: unknown) => Promise<unknown>>)[name]!;
    try {
      // A left-out argument object was validated as {} (every field optional); pass it as such.
      const value = await fn(arg ?? (methodSpec(method)!.args ? {} : undefined));
      return { ok: true, value: value === undefined ? null : value };
    } catch (error) {
      const ipcError = toIpcError(error);
      log[ipcError.code === 'internal' ? 'warn' : 'info']('ipc call failed', {
        method,
        code: ipcError.code,
        ...(ipcError.code === 'internal' ? { error: stackOnly(error) } : {}),
      });
      return { ok: false, error: ipcError };
    }
  };

  return {
    api,
    dispatch,
    start: async () => {
      if (await vault.clearLeftover()) log.info('cleared a secret an earlier run left on the clipboard');
    },
    shutdownSync: () => vault.shutdownSync(),
    shutdown: async () => {
      await vault.shutdown();
      await localServer.stop().catch(() => undefined);
    },
    services: { profiles, session, drafts, secrets: vault, localServer },
  };
}

/** An unexpected error's type and stack frames without its message (a message might quote data). */
function stackOnly(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .slice(0, 8);
  return [error.name, ...frames].join('\n');
}
