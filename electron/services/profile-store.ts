import { randomUUID } from 'node:crypto';
import type { Profile } from '../../shared/ipc/types.ts';
import { KeywardError } from './errors.ts';
import type { KeyValueStore, SecretStore } from './ports.ts';
import { parseProfileUrl } from './profile-url.ts';

// Server profiles: name, URL and pinned certificate in the key-value store, the admin token in
// the keychain. The token is written to the keychain first, so a keychain failure leaves no
// half-made profile behind. A profile pointed at another origin (scheme, host or port) loses its
// token and its pin: the token was given for one server and must not follow the profile to
// whatever listener the new URL names.

type StoredProfile = Omit<Profile, 'hasToken'>;
const KEY = 'profiles';

export interface NewProfile {
  name: string;
  url: string;
  token: string;
  kind?: Profile['kind'];
  allowInsecureHttp?: boolean;
  fingerprint?: string | null;
}

export class ProfileStore {
  readonly #kv: KeyValueStore;
  readonly #secrets: SecretStore;

  constructor(kv: KeyValueStore, secrets: SecretStore) {
    this.#kv = kv;
    this.#secrets = secrets;
  }

  #all(): StoredProfile[] {
    return this.#kv.get<StoredProfile[]>(KEY) ?? [];
  }

  #save(list: StoredProfile[]): void {
    this.#kv.set(KEY, list);
  }

  async list(): Promise<Profile[]> {
    const out: Profile[] = [];
    for (const p of this.#all()) out.push({ ...p, hasToken: (await this.#secrets.get(p.id)) !== null });
    return out;
  }

  stored(id: string): StoredProfile {
    const found = this.#all().find((p) => p.id === id);
    if (!found)
      throw new KeywardError('profile_not_found', 'That server profile no longer exists. Pick another one or add it again.', { id });
    return found;
  }

  async get(id: string): Promise<Profile> {
    const p = this.stored(id);
    return { ...p, hasToken: (await this.#secrets.get(id)) !== null };
  }

  async add(input: NewProfile): Promise<Profile> {
    const id = randomUUID();
    await this.#secrets.set(id, input.token);
    const profile: StoredProfile = {
      id,
      name: input.name,
      url: normalizeUrl(input.url),
      kind: input.kind ?? 'remote',
      fingerprint: input.fingerprint ?? null,
      allowInsecureHttp: input.allowInsecureHttp ?? false,
      createdAt: new Date().toISOString(),
    };
    this.#save([...this.#all(), profile]);
    return { ...profile, hasToken: true };
  }

  /**
   * Changes a profile. A new origin drops the stored token (unless this patch brings one) and the
   * pin; `keepTokenOnMove` is for the embedded local server only, which restarts on a new
   * loopback port with the same database and so the same valid token.
   */
  async update(
    id: string,
    patch: { name?: string; url?: string; token?: string; allowInsecureHttp?: boolean; fingerprint?: string | null },
    options: { keepTokenOnMove?: boolean } = {},
  ): Promise<Profile> {
    const current = this.stored(id);
    const url = patch.url === undefined ? current.url : normalizeUrl(patch.url);
    const moved = parseProfileUrl(url).origin !== originOf(current.url);
    if (patch.token !== undefined) await this.#secrets.set(id, patch.token);
    else if (moved && !options.keepTokenOnMove) await this.#secrets.delete(id);
    const next: StoredProfile = { ...current };
    if (patch.name !== undefined) next.name = patch.name;
    if (patch.allowInsecureHttp !== undefined) next.allowInsecureHttp = patch.allowInsecureHttp;
    if (url !== current.url) {
      next.url = url;
      // A new address is a new server: its certificate must be confirmed again.
      next.fingerprint = null;
    }
    if (patch.fingerprint !== undefined) next.fingerprint = patch.fingerprint;
    this.#save(this.#all().map((p) => (p.id === id ? next : p)));
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    this.stored(id);
    await this.#secrets.delete(id);
    this.#save(this.#all().filter((p) => p.id !== id));
  }

  /** The profile's admin token from the keychain; only the backend client uses it. */
  async token(id: string): Promise<string> {
    const token = await this.#secrets.get(id);
    if (token === null)
      throw new KeywardError(
        'unauthorized',
        'This profile has no admin token in the keychain. Edit the profile and enter its token again.',
        { id },
      );
    return token;
  }
}

/** The stored form of a profile URL: origin + base path (refuses what parseProfileUrl refuses). */
export function normalizeUrl(url: string): string {
  return parseProfileUrl(url).href;
}

/** A stored URL's origin; a URL stored before the stricter parsing still has one. */
function originOf(stored: string): string {
  try {
    return new URL(stored).origin;
  } catch {
    return '';
  }
}
