import { createApiClient, type Outcome } from '../../shared/ipc/client.ts';
import type { KeywardApi } from '../../shared/ipc/contract.ts';
import type { KeywardEventName } from '../../shared/ipc/types.ts';

// The IPC contract over the loopback browser host (electron/browser-host): POST /rpc/<method>
// for calls, one streamed POST /events for events from main. The page arrives with a one-time
// code in the URL fragment (never sent to a server, never in a Referer); we strip it from the
// address bar at once and exchange it (POST /session) for an HttpOnly, SameSite=Strict cookie
// and a request token kept in sessionStorage. The code is dead after that, so the copy in the
// browser's history or on a command line opens nothing. A reload keeps the session.

const TOKEN_KEY = 'keyward.hostSession';
const SESSION_HEADER = 'x-keyward-session';

/** Takes the one-time code out of the address bar (synchronously, before anything else runs). */
function takeCode(): string | null {
  const match = /(?:^#|&)c=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  if (!match) return null;
  history.replaceState(null, '', window.location.pathname + window.location.search);
  return match[1]!;
}

type SessionAnswer = { token: string } | { refused: string };

async function exchange(code: string | null): Promise<SessionAnswer> {
  if (code === null) {
    const kept = sessionStorage.getItem(TOKEN_KEY);
    return kept
      ? { token: kept }
      : { refused: 'This page has no session. Open a link the browser host printed (press Enter in its terminal for a new one).' };
  }
  try {
    const res = await fetch('/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
      credentials: 'same-origin',
      cache: 'no-store',
    });
    const body = (await res.json()) as { token?: string; error?: { message?: string } };
    if (!res.ok || !body.token) return { refused: body.error?.message ?? 'The browser host refused this link.' };
    sessionStorage.setItem(TOKEN_KEY, body.token);
    return { token: body.token };
  } catch {
    return { refused: 'The Keyward browser host is not running any more. Start it again with npm run start:browser.' };
  }
}

const hostError = (message: string): Outcome => ({ ok: false, error: { code: 'offline', message } });

type Listeners = Map<KeywardEventName, Set<(payload: unknown) => void>>;

export function createBrowserBridge(): KeywardApi {
  const session = exchange(takeCode());
  const headers = async (): Promise<Record<string, string> | string> => {
    const answer = await session;
    return 'token' in answer ? { [SESSION_HEADER]: answer.token } : answer.refused;
  };
  const listeners: Listeners = new Map();
  let streaming = false;

  return createApiClient({
    call: async (method, arg) => {
      const auth = await headers();
      if (typeof auth === 'string') return { ok: false, error: { code: 'forbidden_sender', message: auth } };
      return callHost(auth, method, arg);
    },
    subscribe: (event, listener) => {
      if (!streaming) {
        streaming = true;
        void (async () => {
          const auth = await headers();
          if (typeof auth !== 'string') await streamEvents(auth, (frame) => deliver(listeners, frame));
        })();
      }
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
  });
}

/** POST /rpc/<method> with the session's headers: the method's outcome, or why there is none. */
async function callHost(auth: Record<string, string>, method: string, arg: unknown): Promise<Outcome> {
  let res: Response;
  try {
    res = await fetch(`/rpc/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify(arg === undefined ? null : arg),
      credentials: 'same-origin',
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
        message: 'The browser host refused this page. Open a new link from its terminal (press Enter there for one).',
      },
    };
  }
  try {
    return (await res.json()) as Outcome;
  } catch {
    return { ok: false, error: { code: 'bad_response', message: `The browser host answered HTTP ${res.status} without a result.` } };
  }
}

/** Reads POST /events frame by frame, reconnecting with backoff until the host refuses the session. */
async function streamEvents(auth: Record<string, string>, onFrame: (frame: string) => void): Promise<void> {
  for (let delay = 500; ; delay = Math.min(delay * 2, 10_000)) {
    try {
      const res = await fetch('/events', {
        method: 'POST',
        headers: auth,
        credentials: 'same-origin',
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
          onFrame(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
        }
      }
    } catch {
      // The host restarted or the network blipped; reconnect below.
    }
    await new Promise((r) => setTimeout(r, delay));
  }
}

/** One server-sent event frame to the listeners of its event. */
function deliver(listeners: Listeners, frame: string): void {
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
}
