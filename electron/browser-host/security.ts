import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

// The browser host's gatekeeping. It listens on 127.0.0.1 only, and on top of that:
// - Host must name the loopback address and our port (defeats DNS rebinding);
// - API requests must come from our own Origin (defeats other sites' pages in the same browser);
// - API requests must carry the per-launch secret (callers inside this process, tests) or a page
//   session got for a one-time code (page-session.ts) (defeats other local users and processes).

export const SECRET_HEADER = 'x-keyward-secret';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  // MUI (emotion) injects <style> elements at run time.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), clipboard-read=(), usb=(), serial=(), hid=()',
};

export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export type Refusal = 'wrong_host' | 'foreign_origin' | 'wrong_secret' | 'code_spent' | null;

export function hostProblem(req: IncomingMessage, port: number): Refusal {
  return allowedHosts(port).has(req.headers.host ?? '') ? null : 'wrong_host';
}

/** For /session, /rpc and /events: the Host is ours and the request comes from a page of our own origin. */
export function originProblem(req: IncomingMessage, port: number): Refusal {
  const host = hostProblem(req, port);
  if (host) return host;
  const origin = req.headers.origin;
  if (origin !== `http://${req.headers.host}`) return 'foreign_origin';
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return 'foreign_origin';
  return null;
}

/** For /rpc and /events: our origin, and the launch secret or a valid page session. */
export function apiProblem(req: IncomingMessage, port: number, secret: string, pageSessionValid: boolean): Refusal {
  const origin = originProblem(req, port);
  if (origin) return origin;
  if (pageSessionValid) return null;
  const given = Buffer.from(String(req.headers[SECRET_HEADER] ?? ''));
  const expected = Buffer.from(secret);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'wrong_secret';
  return null;
}

export const REFUSAL_MESSAGES: Record<Exclude<Refusal, null>, string> = {
  wrong_host: 'This Keyward host answers only to 127.0.0.1 and localhost on its own port.',
  foreign_origin: 'Requests from other web pages are refused.',
  wrong_secret: 'Open a link the browser host printed (press Enter in its terminal for a new one): this page has no session.',
  code_spent:
    'This link was already used or has expired: each link from the browser host opens one tab once. Press Enter in its terminal for a new one.',
};
