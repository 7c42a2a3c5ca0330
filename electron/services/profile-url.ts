import { KeywardError } from './errors.ts';

// A profile's URL is parsed once into an origin (scheme, host, port) and a base path. Requests
// are built from that origin only and checked to stay on it: `new URL('//other/x', base)` reads
// the path as another host, which once sent the admin token wherever the path pointed.

export interface ProfileUrl {
  /** `https://host:port` — the only place requests go. */
  origin: string;
  protocol: 'http:' | 'https:';
  /** Host name without brackets (for DNS, TLS and the loopback rule). */
  hostname: string;
  /** `host:port` as sent in the Host header. */
  host: string;
  port: number;
  /** '' or `/seg/seg` (no trailing slash, no empty or dot segments). */
  basePath: string;
  /** origin + basePath: the normalised form that is stored. */
  href: string;
}

const refuse = (message: string, details?: Record<string, unknown>) => new KeywardError('insecure_url', message, details);

/** Parses and normalises a profile URL, refusing anything that could reach another host. */
export function parseProfileUrl(input: string): ProfileUrl {
  const raw = input.trim();
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('The server URL is not a valid URL. Write it as https://host[:port][/path].');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw refuse(`Keyward talks to servers over https:// only (got ${url.protocol}).`);
  // The WHATWG parser turns "\" into "/" and silently drops "user:pw@"; look at the text as typed.
  if (!/^https?:\/\/[^/\\?#]+(\/[^\\]*)?$/i.test(raw) || raw.includes('\\'))
    throw refuse('The server URL must be https://host[:port] followed by an optional /path (no backslashes).');
  if (url.username || url.password || /^https?:\/\/[^/]*@/i.test(raw))
    throw refuse('The server URL must not hold a user name or password: put the admin token in the token field.');
  if (url.search || url.hash || raw.includes('?') || raw.includes('#'))
    throw refuse('The server URL must not have a query (?…) or fragment (#…).');
  const typedPath = raw.replace(/^https?:\/\/[^/]+/i, '');
  const segments = typedPath.replace(/\/$/, '').split('/').slice(1);
  if (segments.some((s) => s === ''))
    throw refuse(
      `The server URL's path has an empty segment ("//"), which a client could read as another host. Write it as ${url.protocol}//${url.host}/${segments.filter((s) => s !== '').join('/')}.`,
    );
  if (segments.some((s) => s === '.' || s === '..' || /^%2e/i.test(s) || /%2f|%5c/i.test(s)))
    throw refuse('The server URL\'s path must not contain "." or ".." segments or encoded slashes.');
  const basePath = url.pathname.replace(/\/$/, '');
  const protocol = url.protocol as ProfileUrl['protocol'];
  const port = Number(url.port || (protocol === 'https:' ? 443 : 80));
  return {
    origin: url.origin,
    protocol,
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    host: url.host,
    port,
    basePath,
    href: url.origin + basePath,
  };
}

/** The URL of one API call on the profile's origin; throws if it would leave it. */
export function requestUrl(base: ProfileUrl, path: string): URL {
  if (!path.startsWith('/') || path.startsWith('//') || path.includes('\\'))
    throw new KeywardError('insecure_url', 'Refused a request path that could leave the server of this profile.');
  const url = new URL(base.origin + base.basePath + path);
  if (url.origin !== base.origin) throw new KeywardError('insecure_url', 'Refused a request that would leave the server of this profile.');
  return url;
}

/** Whether two profile URLs name the same server (scheme, host and port). */
export function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
