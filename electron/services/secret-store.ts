import { createRequire } from 'node:module';
import { KeywardError } from './errors.ts';
import type { SecretStore } from './ports.ts';

// Admin tokens live in the OS keychain (macOS Keychain, Windows Credential Manager, Secret
// Service on Linux) under service "Keyward", account = profile id. When the keychain cannot be
// reached we fail with keychain_unavailable; there is deliberately no plaintext fallback.

export const KEYCHAIN_SERVICE = 'Keyward';

interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

const unavailable = (cause: unknown) =>
  new KeywardError(
    'keychain_unavailable',
    'The system keychain is not available, so Keyward cannot store or read admin tokens. Unlock or install a keychain (on Linux: a Secret Service such as GNOME Keyring or KWallet) and try again; nothing was saved in plain text.',
    { reason: cause instanceof Error ? cause.message.slice(0, 200) : 'unknown' },
  );

export function createKeytarStore(service = KEYCHAIN_SERVICE, load: () => Keytar = loadKeytar): SecretStore {
  let keytar: Keytar | null = null;
  const lib = () => {
    if (!keytar) {
      try {
        keytar = load();
      } catch (error) {
        throw unavailable(error);
      }
    }
    return keytar;
  };
  const guard = async <T>(fn: (k: Keytar) => Promise<T>): Promise<T> => {
    const k = lib();
    try {
      return await fn(k);
    } catch (error) {
      throw unavailable(error);
    }
  };
  return {
    get: (account) => guard((k) => k.getPassword(service, account)),
    set: (account, secret) => guard((k) => k.setPassword(service, account, secret)),
    delete: (account) => guard(async (k) => void (await k.deletePassword(service, account))),
  };
}

function loadKeytar(): Keytar {
  // keytar is a CommonJS native addon; asarUnpack keeps it loadable in the packaged app.
  return createRequire(import.meta.url)('keytar') as Keytar;
}

/** In-memory twin for fast unit tests only. */
export function createMemorySecretStore(): SecretStore & { entries(): Map<string, string> } {
  const map = new Map<string, string>();
  return {
    get: async (account) => map.get(account) ?? null,
    set: async (account, secret) => void map.set(account, secret),
    delete: async (account) => void map.delete(account),
    entries: () => map,
  };
}
