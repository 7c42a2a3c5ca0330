import ipaddr from 'ipaddr.js';

// CIDR allowlists (DESIGN §3.3). ipaddr.js is pure JavaScript, so shared/ stays free of Node.

export type ParsedCidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Parses "10.0.0.0/8", "2001:db8::/32" or a bare address (a /32 or /128); null when invalid. */
export function parseCidr(text: string): ParsedCidr | null {
  const value = text.trim();
  try {
    if (value.includes('/')) {
      const [addr, bits] = ipaddr.parseCIDR(value);
      return [normalize(addr), addr.kind() === 'ipv6' && normalize(addr).kind() === 'ipv4' ? bits - 96 : bits];
    }
    if (!ipaddr.isValid(value)) return null;
    const addr = normalize(ipaddr.parse(value));
    return [addr, addr.kind() === 'ipv4' ? 32 : 128];
  } catch {
    return null;
  }
}

export function isValidCidr(text: string): boolean {
  return parseCidr(text) !== null;
}

/** Why a CIDR is invalid, as a sentence for the user; null when it is valid. */
export function cidrProblem(text: string): string | null {
  if (text.trim() === '') return 'Enter an address or a range such as 203.0.113.0/24.';
  return parseCidr(text) ? null : `"${text}" is not an IP address or CIDR range (such as 203.0.113.0/24 or 2001:db8::/32).`;
}

function normalize(addr: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  // IPv4-mapped IPv6 (::ffff:1.2.3.4), as Node reports IPv4 peers on dual-stack sockets.
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (addr as ipaddr.IPv6).toIPv4Address();
  }
  return addr;
}

export function parseIp(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  try {
    return ipaddr.isValid(text) ? normalize(ipaddr.parse(text)) : null;
  } catch {
    return null;
  }
}

/** True when the address lies inside any of the ranges. Invalid input never matches. */
export function ipInRanges(ip: string, ranges: readonly ParsedCidr[]): boolean {
  const addr = parseIp(ip);
  if (!addr) return false;
  for (const [net, bits] of ranges) {
    if (net.kind() === addr.kind() && addr.match(net as never, bits)) return true;
  }
  return false;
}

export function ipInCidrs(ip: string, cidrs: readonly string[]): boolean {
  return ipInRanges(ip, cidrs.map(parseCidr).filter((c): c is ParsedCidr => c !== null));
}
