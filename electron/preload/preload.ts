import { contextBridge, ipcRenderer } from 'electron';
import { createApiClient } from '../../shared/ipc/client.ts';
import { EVENT_NAMES, IPC_EVENT_CHANNEL, ipcChannel } from '../../shared/ipc/contract.ts';
import type { Outcome } from '../../shared/ipc/client.ts';
import type { KeywardEventName } from '../../shared/ipc/types.ts';

// The one bridge the renderer sees: `window.keyward`, the contract's domain methods
// (`keyward.roles.list()`), each on its own channel. No generic invoke, no ipcRenderer, no Node
// reaches the page. Bundled to dist/electron/preload.cjs (sandboxed preloads are CommonJS).

const listeners = new Map<KeywardEventName, Set<(payload: unknown) => void>>();
const known = new Set<string>(EVENT_NAMES);

ipcRenderer.on(IPC_EVENT_CHANNEL, (_event, name: string, payload: unknown) => {
  if (!known.has(name)) return;
  for (const listener of listeners.get(name as KeywardEventName) ?? []) listener(payload);
});

const api = createApiClient({
  call: (method, arg) => ipcRenderer.invoke(ipcChannel(method), arg) as Promise<Outcome>,
  subscribe: (event, deliver) => {
    const set = listeners.get(event) ?? new Set();
    set.add(deliver);
    listeners.set(event, set);
    return () => set.delete(deliver);
  },
});

contextBridge.exposeInMainWorld('keyward', api);
