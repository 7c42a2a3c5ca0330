import type { Backend, Catalog, Credential, Role } from '../../shared/domain/types.ts';
import { displayPrefix } from '../../shared/domain/token.ts';
import { NO_SESSION, type SessionStatus } from '../../shared/ipc/types.ts';
import type { OperationId, ResponseOf } from '../../shared/api/endpoints.ts';
import { BackendClient } from './backend-client.ts';
import { KeywardError } from './errors.ts';
import type { EmitEvent, KeyValueStore, Logger } from './ports.ts';
import type { ProfileStore } from './profile-store.ts';
import type { CallArgs, RestCaller } from './rest-client.ts';

// The connection to one backend at a time, and the per-profile cache of its state (catalog,
// roles, credentials' metadata, backends) that offline drafting and the access checker use.
// A network failure flips the session to "offline" (reads fall back to the cache); the next
// successful call flips it back.

export interface CachedState {
  syncedAt: string | null;
  catalog: Catalog | null;
  roles: Role[];
  credentials: Credential[];
  backends: Backend[];
}

/** Health polling: how often while online, and the backoff while offline (first, then doubling, capped). */
export const HEALTH_ONLINE_MS = 3000;
export const HEALTH_OFFLINE_FIRST_MS = 1000;
export const HEALTH_OFFLINE_MAX_MS = 5000;

const EMPTY: CachedState = { syncedAt: null, catalog: null, roles: [], credentials: [], backends: [] };
const NETWORK_CODES = new Set(['offline', 'timeout', 'tls_error', 'unavailable']);
/** Refusals that no retry fixes: the admin must look (re-trust the certificate, replace the token). */
const REFUSAL_CODES = new Set(['certificate_changed', 'unauthorized', 'certificate_unconfirmed']);

export class Session implements RestCaller {
  readonly #profiles: ProfileStore;
  readonly #cache: KeyValueStore;
  readonly #emit: EmitEvent;
  readonly #log: Logger;
  #status: SessionStatus = { ...NO_SESSION };
  #client: BackendClient | null = null;
  /** The connected token's display prefix (not a secret: lists show it), to find its credential. */
  #tokenPrefix: string | null = null;
  #watch: ReturnType<typeof setTimeout> | null = null;
  #failures = 0;

  constructor(deps: { profiles: ProfileStore; cache: KeyValueStore; emit: EmitEvent; log: Logger }) {
    this.#profiles = deps.profiles;
    this.#cache = deps.cache;
    this.#emit = deps.emit;
    this.#log = deps.log;
  }

  status(): SessionStatus {
    return { ...this.#status };
  }

  get profileId(): string {
    if (!this.#status.profileId) throw new KeywardError('not_connected', 'Choose a server profile (or start the local server) first.');
    return this.#status.profileId;
  }

  #set(next: Partial<SessionStatus>): void {
    const before = JSON.stringify(this.#status);
    this.#status = { ...this.#status, ...next };
    if (JSON.stringify(this.#status) !== before) this.#emit('session.connectivityChanged', this.status());
  }

  async connect(profileId: string): Promise<SessionStatus> {
    const profile = this.#profiles.stored(profileId);
    const token = await this.#profiles.token(profileId);
    this.#client = new BackendClient(
      { url: profile.url, allowInsecureHttp: profile.allowInsecureHttp, fingerprint: profile.fingerprint },
      token,
    );
    this.#tokenPrefix = displayPrefix(token);
    this.#set({
      profileId,
      profileName: profile.name,
      state: 'connecting',
      serverVersion: null,
      error: null,
      workingOffline: false,
      syncedAt: this.cached(profileId).syncedAt,
      credentialId: this.#ownCredential(this.cached(profileId).credentials),
    });
    this.#log.info('connecting', { profileId });
    this.#failures = 0;
    this.#scheduleWatch();
    try {
      await this.sync();
    } catch (error) {
      // call() has already put the session offline with the reason.
      if (error instanceof KeywardError && REFUSAL_CODES.has(error.code)) throw error;
      if (!(error instanceof KeywardError && NETWORK_CODES.has(error.code))) throw error;
    }
    return this.status();
  }

  disconnect(): SessionStatus {
    this.#client = null;
    this.#tokenPrefix = null;
    this.stopWatch();
    this.#set(NO_SESSION);
    return this.status();
  }

  /**
   * Polls GET /v1/health so a server that went away (or came back) is noticed within seconds,
   * not at the next click: every HEALTH_ONLINE_MS while online; while offline with backoff,
   * and a server answering again is synced and the session goes back online by itself. A
   * refusal (changed certificate, rejected token) is not retried: the admin must look.
   */
  #scheduleWatch(): void {
    this.stopWatch();
    if (!this.#client) return;
    const delay =
      this.#status.state === 'offline'
        ? Math.min(HEALTH_OFFLINE_MAX_MS, HEALTH_OFFLINE_FIRST_MS * 2 ** Math.min(this.#failures, 8))
        : HEALTH_ONLINE_MS;
    this.#watch = setTimeout(() => void this.#checkHealth(), delay);
    this.#watch.unref?.();
  }

  async #checkHealth(): Promise<void> {
    const client = this.#client;
    if (!client || this.#status.workingOffline) return;
    const refused = this.#status.error !== null && REFUSAL_CODES.has(this.#status.error.code);
    try {
      if (this.#status.state === 'offline' && !refused) {
        await this.sync();
        this.#failures = 0;
      } else if (this.#status.state === 'online') {
        await this.call('health');
        this.#failures = 0;
      }
    } catch {
      this.#failures += 1;
    }
    if (client === this.#client && !this.#status.workingOffline) this.#scheduleWatch();
  }

  /**
   * "Work offline" by choice: every call is answered from the cache (reads) or refused as offline
   * (writes; role edits become drafts), and health polling does not bring the session back.
   * Switching it off reconnects.
   */
  async workOffline(offline: boolean): Promise<SessionStatus> {
    const profileId = this.profileId;
    if (offline) {
      this.stopWatch();
      this.#set({ state: 'offline', error: null, workingOffline: true });
      return this.status();
    }
    this.#set({ workingOffline: false });
    return this.connect(profileId);
  }

  /** Stops health polling (disconnect, shutdown). */
  stopWatch(): void {
    if (this.#watch) clearTimeout(this.#watch);
    this.#watch = null;
  }

  /** Refetches everything the offline features need into the cache. */
  async sync(): Promise<SessionStatus> {
    const profileId = this.profileId;
    const health = await this.call('health');
    const [catalog, roles, backends] = await Promise.all([this.call('getCatalog'), this.call('listRoles'), this.call('listBackends')]);
    const credentials = await this.allCredentials();
    const syncedAt = new Date().toISOString();
    // The answers belong to the profile the sync started on, even if another was connected since.
    this.saveCache({ syncedAt, catalog, roles: roles.items, backends: backends.items, credentials }, profileId);
    if (this.profileId === profileId)
      this.#set({ serverVersion: health.version, syncedAt, credentialId: this.#ownCredential(credentials) });
    return this.status();
  }

  /** The one live credential with the connected token's prefix; null when none or ambiguous. */
  #ownCredential(credentials: Credential[]): string | null {
    if (!this.#tokenPrefix) return null;
    const matches = credentials.filter((c) => c.prefix === this.#tokenPrefix && c.status !== 'revoked');
    return matches.length === 1 ? matches[0]!.id : null;
  }

  async allCredentials(): Promise<Credential[]> {
    const out: Credential[] = [];
    let cursor: string | null = null;
    do {
      const page: ResponseOf<'listCredentials'> = await this.call('listCredentials', {
        query: { limit: 1000, cursor: cursor ?? undefined },
      });
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }

  /**
   * One authenticated call of the endpoint table (rest-client.ts) on the current profile; tracks
   * online/offline. A network failure and a refusal (changed certificate, rejected admin token)
   * both leave the session offline with the reason, as connect() would, so the banner says why
   * every call fails.
   */
  async call<Op extends OperationId>(operationId: Op, ...args: CallArgs<Op>): Promise<ResponseOf<Op>> {
    if (!this.#client) throw new KeywardError('not_connected', 'Choose a server profile (or start the local server) first.');
    if (this.#status.workingOffline) {
      throw new KeywardError('offline', 'You chose to work offline: switch "Work offline" off to reach the server.');
    }
    const client = this.#client;
    try {
      const result = await client.call(operationId, ...args);
      // An answer to a call sent before "Work offline" was chosen, or before another profile was
      // connected, says nothing about the session as it is now.
      if (this.#current(client) && this.#status.state !== 'online') this.#set({ state: 'online', error: null });
      return result;
    } catch (error) {
      if (this.#current(client) && error instanceof KeywardError && (NETWORK_CODES.has(error.code) || REFUSAL_CODES.has(error.code))) {
        this.#set({ state: 'offline', error: error.toIpcError() });
      }
      throw error;
    }
  }

  /** Whether `client` is still the session's and the admin has not chosen to work offline. */
  #current(client: BackendClient): boolean {
    return client === this.#client && !this.#status.workingOffline;
  }

  get online(): boolean {
    return this.#status.state === 'online' || this.#status.state === 'connecting';
  }

  cached(profileId = this.profileId): CachedState {
    return this.#cache.get<CachedState>(`cache:${profileId}`) ?? structuredClone(EMPTY);
  }

  saveCache(patch: Partial<CachedState>, profileId = this.profileId): void {
    this.#cache.set(`cache:${profileId}`, { ...this.cached(profileId), ...patch });
  }

  /** Keeps the cache in step with a write the app just made (so drafts and checks see it offline). */
  remember(kind: 'roles' | 'credentials' | 'backends', item: { id: string }, deleted = false): void {
    if (!this.#status.profileId) return;
    const list = this.cached()[kind] as { id: string }[];
    const next = list.filter((x) => x.id !== item.id);
    if (!deleted) next.push(item);
    this.saveCache({ [kind]: next });
  }

  forget(profileId: string): void {
    this.#cache.delete(`cache:${profileId}`);
    if (this.#status.profileId === profileId) this.disconnect();
  }

  /** Reads: the server's answer when reachable, else the cache (the status says offline). */
  async readThrough<T>(fetch: () => Promise<T>, fromCache: (c: CachedState) => T | null): Promise<T> {
    try {
      return await fetch();
    } catch (error) {
      if (error instanceof KeywardError && NETWORK_CODES.has(error.code)) {
        const cached = fromCache(this.cached());
        if (cached !== null) return cached;
      }
      throw error;
    }
  }
}
