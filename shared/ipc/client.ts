import { IPC_CONTRACT, type EventListener, type KeywardApi } from './contract.ts';
import type { IpcError, KeywardEventName } from './types.ts';

// Builds a KeywardApi from a transport: the Electron preload (ipcRenderer.invoke per method
// channel), the browser bridge (POST /rpc/<method>) and tests all share it, so every host
// exposes the same domain methods and rejects with the same IpcError values.

export type Outcome = { ok: true; value: unknown } | { ok: false; error: IpcError };

export interface Transport {
  call(method: string, arg: unknown): Promise<Outcome>;
  /** Starts delivering one event name to `deliver`; returns a function that stops it. */
  subscribe(event: KeywardEventName, deliver: (payload: unknown) => void): () => void;
}

export function createApiClient(transport: Transport): KeywardApi {
  const api: Record<string, unknown> = {};
  for (const [domain, methods] of Object.entries(IPC_CONTRACT)) {
    const group: Record<string, (arg?: unknown) => Promise<unknown>> = {};
    for (const method of Object.keys(methods)) {
      const name = `${domain}.${method}`;
      group[method] = async (arg?: unknown) => {
        const outcome = await transport.call(name, arg);
        if (!outcome.ok) throw outcome.error;
        return outcome.value === null ? undefined : outcome.value;
      };
    }
    api[domain] = Object.freeze(group);
  }
  api['on'] = <E extends KeywardEventName>(event: E, listener: EventListener<E>) =>
    transport.subscribe(event, (payload) => listener(payload as never));
  return Object.freeze(api) as KeywardApi;
}
