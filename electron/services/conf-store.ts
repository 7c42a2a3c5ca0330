import Conf from 'conf';
import type { KeyValueStore } from './ports.ts';

// The KeyValueStore under plain Node: `conf` is the library electron-store is built on (same
// JSON file format), so the browser host and the tests read and write what the app would.

export function createConfStore(cwd: string, configName = 'keyward'): KeyValueStore {
  const conf = new Conf<Record<string, unknown>>({ cwd, configName, projectName: 'keyward', accessPropertiesByDotNotation: false });
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
