import type { IncomingHttpHeaders } from 'node:http';
import { ipInRanges, parseIp, type ParsedCidr } from '../../shared/domain/cidr.ts';

// What the HTTP layer reads of a caller's request, whichever door it came in by (the fastify
// hook, forward-auth, the raw hot path): the token it presents and the address it comes from.
// A leaf: it imports nothing of server/, so authenticate.ts and forward-auth.ts both build on it.

/** What is read of a request: fastify's request and node's IncomingMessage both fit. */
export interface RawRequest {
  headers: IncomingHttpHeaders;
  url: string;
  method: string;
  remoteAddress: string;
}

/** A header's value; of a repeated header, the first. */
export function header(request: RawRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The caller's token from `Authorization: Bearer …` or `X-Api-Key`. */
export function presentedToken(headers: IncomingHttpHeaders): string | null {
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (match) return match[1]!;
  }
  const key = headers['x-api-key'];
  if (typeof key === 'string' && key.trim()) return key.trim();
  return null;
}

/** The client's address: forwarded headers count only when the peer is a trusted proxy. */
export function clientAddress(request: RawRequest, trusted: readonly ParsedCidr[]): string {
  const peer = request.remoteAddress;
  if (trusted.length === 0 || !ipInRanges(peer, trusted)) return peer;
  const forwarded = header(request, 'x-forwarded-for');
  if (forwarded) {
    // Walk from the right: the first address that is not itself a trusted proxy is the client.
    const hops = forwarded
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean);
    for (let i = hops.length - 1; i >= 0; i -= 1) {
      const hop = hops[i]!;
      if (parseIp(hop) === null) break;
      if (!ipInRanges(hop, trusted) || i === 0) return hop;
    }
  }
  const real = header(request, 'x-real-ip')?.trim();
  if (real && parseIp(real)) return real;
  return peer;
}
