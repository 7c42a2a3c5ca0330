import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiClient } from '../../../shared/ipc/client.ts';
import type { KeywardApi } from '../../../shared/ipc/contract.ts';
import type { KeywardEventName } from '../../../shared/ipc/types.ts';
import { createApiImplementation, type ApiImplementation, type AppDeps } from '../../../electron/services/api-implementation.ts';
import { createMemoryClipboard } from '../../../electron/services/clipboard.ts';
import { createConfStore } from '../../../electron/services/conf-store.ts';
import { createKeytarStore } from '../../../electron/services/secret-store.ts';

// The main-process services wired as the app wires them (conf stores in a fresh user-data
// folder, the real keychain, an in-process clipboard), reached through `dispatch` — the same
// validating entry the IPC handlers and the browser host use.

export interface TestApp {
  api: KeywardApi;
  impl: ApiImplementation;
  dir: string;
  clipboard: ReturnType<typeof createMemoryClipboard>;
  events: { event: KeywardEventName; payload: unknown }[];
  logs: string[];
  /** Every file under the user-data folder, concatenated (to prove no secret is on disk). */
  diskText(): string;
  close(): Promise<void>;
}

export function startTestApp(overrides: Partial<AppDeps> = {}): TestApp {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-app-'));
  const clipboard = createMemoryClipboard();
  const events: TestApp['events'] = [];
  const logs: string[] = [];
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const line = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void logs.push(JSON.stringify({ level, message, ...fields }));
  const impl = createApiImplementation({
    userDataDir: dir,
    kv: createConfStore(dir, 'keyward'),
    cache: createConfStore(dir, 'cache'),
    secrets: createKeytarStore(),
    clipboard,
    emit: (event, payload) => {
      events.push({ event, payload });
      for (const l of listeners.get(event) ?? []) l(payload);
    },
    host: 'browser',
    version: '0.0.0-test',
    log: { info: line('info'), warn: line('warn') },
    startServer: undefined,
    ...overrides,
  });
  const api = createApiClient({
    call: (method, arg) => impl.dispatch(method, arg),
    subscribe: (event, deliver) => {
      const set = listeners.get(event) ?? new Set();
      set.add(deliver);
      listeners.set(event, set);
      return () => set.delete(deliver);
    },
  });
  return {
    api,
    impl,
    dir,
    clipboard,
    events,
    logs,
    diskText: () => readTree(dir),
    close: async () => {
      await impl.shutdown();
      for (const p of await impl.services.profiles.list()) await impl.services.profiles.remove(p.id).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function readTree(dir: string): string {
  let out = '';
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    out += statSync(path).isDirectory() ? readTree(path) : readFileSync(path).toString('latin1');
  }
  return out;
}

/** Awaits a rejected API call and returns its IpcError value. */
export async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string; details?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected the call to be rejected');
}
