import { createApiClient, type Outcome } from '../../shared/ipc/client.ts';
import type { KeywardApi } from '../../shared/ipc/contract.ts';
import type { KeywardEventName } from '../../shared/ipc/types.ts';

// The IPC contract over the loopback browser host (electron/browser-host): POST /rpc/<method>
// for calls, one streamed POST /events for events from main. The per-launch secret arrives in
// the URL fragment (never sent to a server, never in a Referer); we move it to sessionStorage
// and strip it from the address bar at once.

const SECRET_KEY = 'keyward.hostSecret';
const SECRET_HEADER = 'x-keyward-secret';

function hostSecret(): string {
  const match = /(?:^#|&)k=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  if (match) {
    sessionStorage.setItem(SECRET_KEY, match[1]!);
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return sessionStorage.getItem(SECRET_KEY) ?? '';
}

const hostError = (message: string): Outcome => ({ ok: false, error: { code: 'offline', message } });

export function createBrowserBridge(): KeywardApi {
  const secret = hostSecret();
  const listeners = new Map<KeywardEventName, Set<(payload: unknown) => void>>();
  let streaming = false;

  const call = async (method: string, arg: unknown): Promise<Outcome> => {
    let res: Response;
    try {
      res = await fetch(`/rpc/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SECRET_HEADER]: secret },
        body: JSON.stringify(arg === undefined ? null : arg),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch {
      return hostError('The Keyward browser host is not running any more. Start it again with npm run start:browser.');
    }
    if (res.status === 403) {
      return {
        ok: false,
        error: {
          code: 'forbidden_sender',
          message: 'The browser host refused this page. Open the exact URL it printed at start (it holds a per-launch secret).',
        },
      };
    }
    try {
      return (await res.json()) as Outcome;
    } catch {
      return { ok: false, error: { code: 'bad_response', message: `The browser host answered HTTP ${res.status} without a result.` } };
    }
  };

  const stream = async (): Promise<void> => {
    for (let delay = 500; ; delay = Math.min(delay * 2, 10_000)) {
      try {
        const res = await fetch('/events', {
          method: 'POST',
          headers: { [SECRET_HEADER]: secret },
          credentials: 'omit',
          cache: 'no-store',
        });
        if (res.status === 403 || !res.body) return;
        delay = 500;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let cut: number;
          while ((cut = buffer.indexOf('\n\n')) !== -1) {
            deliver(buffer.slice(0, cut));
            buffer = buffer.slice(cut + 2);
          }
        }
      } catch {
        // The host restarted or the network blipped; reconnect below.
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  };

  const deliver = (frame: string) => {
    let event = '';
    let data = '';
    for (const line of frame.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data += line.slice(6);
    }
    const set = listeners.get(event as KeywardEventName);
    if (!set || !data) return;
    const payload: unknown = JSON.parse(data);
    for (const listener of set) listener(payload);
  };

  return createApiClient({
    call,
    subscribe: (event, listener) => {
      if (!streaming) {
        streaming = true;
        void stream();
      }
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
  });
}
