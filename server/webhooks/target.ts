import ipaddr from 'ipaddr.js';
import { ApiError } from '../../shared/api/errors.ts';

// Where webhooks may point (DESIGN §3.15): https:// outside private address ranges (unless the
// server runs with --webhook-allow-private), or plain http:// to a loopback address for local
// receivers and tests. Hostnames are checked again at delivery, on every address they resolve
// to, so a name that later resolves to 10.0.0.1 (DNS rebinding) is refused then.

const PUBLIC_RANGES = new Set(['unicast']);

/** Whether an address (v4 or v6, mapped v4 as v4) is loopback. */
export function isLoopback(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  return parsed.range() === 'loopback';
}

// ipaddr.js calls ::/96 "unicast", but those are IPv4-compatible addresses ([::127.0.0.1]),
// deprecated (RFC 4291 §2.5.5.1) and on some stacks routed to the IPv4 address they hold.
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

/** Whether an address is a public unicast one (not private, loopback, link-local, multicast, …). */
export function isPublic(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv6' && parsed.match(IPV4_COMPATIBLE)) return false;
  return PUBLIC_RANGES.has(parsed.range());
}

function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/** The target's URL, or 400 invalid_url saying why it may not be used. */
export function checkWebhookUrl(text: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ApiError('invalid_url', `"${text.slice(0, 200)}" is not a URL.`, { field: 'url' });
  }
  if (url.username || url.password)
    throw new ApiError('invalid_url', 'A webhook URL may not hold a user name or password.', { field: 'url' });
  const host = hostOf(url);
  const literal = ipaddr.isValid(host);
  if (url.protocol === 'http:') {
    if (host === 'localhost' || (literal && isLoopback(host))) return url;
    throw new ApiError(
      'invalid_url',
      'Webhooks use https://; plain http:// is allowed only to a loopback address (127.0.0.1, [::1], localhost).',
      {
        field: 'url',
      },
    );
  }
  if (url.protocol !== 'https:')
    throw new ApiError('invalid_url', 'A webhook URL starts with https:// (or http:// to a loopback address).', { field: 'url' });
  if (literal && !allowPrivate && !isPublic(host)) {
    throw new ApiError(
      'invalid_url',
      `${host} is a private or reserved address; start the server with --webhook-allow-private to allow it.`,
      {
        field: 'url',
      },
    );
  }
  return url;
}

/** At delivery: whether a resolved address may be contacted for this URL. */
export function addressAllowed(url: URL, address: string, allowPrivate: boolean): boolean {
  if (url.protocol === 'http:') return isLoopback(address);
  return allowPrivate || isPublic(address);
}
