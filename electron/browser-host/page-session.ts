import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

// How a browser tab gets into the browser host without the launch secret ever leaving the
// process: the host opens or prints a URL with a one-time code in the fragment; the page
// exchanges it once (POST /session) for an HttpOnly, SameSite=Strict cookie plus a request token
// the page keeps in sessionStorage. The code is dead after that first use, so the copy that a
// command line (/proc/*/cmdline) or the browser's history keeps opens nothing.
//
// Both halves are needed on every call. Cookies are scoped to the host name, not the port: the
// browser would also send ours to another server on 127.0.0.1 that the user happens to visit,
// so the cookie alone must not be enough; the token alone (sessionStorage can reach the disk with
// session restore) is not enough either.

export const SESSION_HEADER = 'x-keyward-session';

const random = () => randomBytes(32).toString('base64url');

export interface PageSession {
  id: string;
  token: string;
}

export class PageSessions {
  readonly #codes = new Map<string, number>();
  readonly #sessions = new Map<string, string>();
  readonly #port: () => number;
  readonly #now: () => number;

  /** `port` is read when needed: the host knows it only once it listens. */
  constructor(port: () => number, now: () => number = Date.now) {
    this.#port = port;
    this.#now = now;
  }

  // One cookie per port, so two hosts on one machine do not overwrite each other's.
  get #cookieName(): string {
    return `keyward-session-${this.#port()}`;
  }

  /** A fresh one-time code; `ttlMs` bounds how long an unused code stays valid (default: until used). */
  issueCode(ttlMs = Number.POSITIVE_INFINITY): string {
    const code = random();
    this.#codes.set(code, this.#now() + ttlMs);
    return code;
  }

  /** Spends a code: true once, for a known unexpired code; it is forgotten either way. */
  spend(code: unknown): boolean {
    if (typeof code !== 'string') return false;
    const expiresAt = this.#codes.get(code);
    if (expiresAt === undefined) return false;
    this.#codes.delete(code);
    return expiresAt > this.#now();
  }

  create(): PageSession {
    const session = { id: random(), token: random() };
    this.#sessions.set(session.id, session.token);
    return session;
  }

  /** The Set-Cookie value: host-only (no Domain), whole site, gone when the browser closes. */
  cookie(session: PageSession): string {
    return `${this.#cookieName}=${session.id}; HttpOnly; SameSite=Strict; Path=/`;
  }

  /** Whether the request carries a session cookie of ours and that session's token. */
  valid(req: IncomingMessage): boolean {
    const id = cookieValue(req.headers.cookie, this.#cookieName);
    const expected = id === null ? undefined : this.#sessions.get(id);
    if (expected === undefined) return false;
    const given = Buffer.from(String(req.headers[SESSION_HEADER] ?? ''));
    const want = Buffer.from(expected);
    return given.length === want.length && timingSafeEqual(given, want);
  }
}

function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
