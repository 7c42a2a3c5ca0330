import Conf from 'conf';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from './file-modes.ts';
import type { KeyValueStore } from './ports.ts';

// The KeyValueStore under plain Node: `conf` is the library electron-store is built on (same
// JSON file format), so the browser host and the tests read and write what the app would.
// The folder is 0700 and each file 0600 (conf chmods on every write), so another user of the
// machine reads neither.

export function createConfStore(cwd: string, configName = 'keyward'): KeyValueStore {
  ensurePrivateDir(cwd);
  const conf = new Conf<Record<string, unknown>>({
    cwd,
    configName,
    projectName: 'keyward',
    accessPropertiesByDotNotation: false,
    configFileMode: PRIVATE_FILE_MODE,
  });
  return {
    get: <T>(key: string) => conf.get(key) as T | undefined,
    set: (key, value) => conf.set(key, value),
    delete: (key) => conf.delete(key),
  };
}

/** An in-memory twin for fast unit tests. */
export function createMemoryStore(): KeyValueStore & { dump(): Record<string, unknown> } {
  const map = new Map<string, unknown>();
  return {
    get: <T>(key: string) => structuredClone(map.get(key)) as T | undefined,
    set: (key, value) => void map.set(key, structuredClone(value)),
    delete: (key) => void map.delete(key),
    dump: () => Object.fromEntries(map),
  };
}
