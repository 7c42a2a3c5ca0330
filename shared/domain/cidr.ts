import ipaddr from 'ipaddr.js';

// CIDR allowlists (DESIGN §3.3). ipaddr.js is pure JavaScript, so shared/ stays free of Node.
//
// Only spellings every parser reads the same way are accepted: IPv4 is four decimal parts
// without leading zeros. inet_aton, ipaddr.js and many proxies read "010.0.0.1" as 8.0.0.1,
// "0x7f.1" and "127.1" as 127.0.0.1, while others refuse them or read them as decimal — an
// allowlist entry or a forwarded address must not mean one thing to Keyward and another to the
// system beside it. An IPv4-mapped IPv6 range (::ffff:10.0.0.0/104) is the IPv4 range it maps
// (10.0.0.0/8); a mapped prefix shorter than /96 would reach beyond IPv4 and is refused.

export type ParsedCidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

const OCTET = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const PREFIX = /^(?:0|[1-9]\d{0,2})$/;
const EXAMPLE = '(such as 203.0.113.0/24 or 2001:db8::/32)';

/** A parse result; `reason` (may be empty) says why an address was refused. */
type Parsed = { addr: ipaddr.IPv4 | ipaddr.IPv6; reason: null } | { addr: null; reason: string };

/** Why an IPv4 spelling is ambiguous or invalid ('' when there is nothing more to say), or null for four plain decimal parts. */
function ipv4Reason(text: string): string | null {
  const parts = text.split('.');
  if (parts.length === 4 && parts.every((part) => OCTET.test(part))) return null;
  if (!parts.every((part) => /^(?:0x[0-9a-f]*|\d+)$/i.test(part))) return '';
  if (parts.some((part) => /^0x/i.test(part)))
    return 'it has a hexadecimal part, which systems read differently; write each part in decimal';
  const zero = parts.find((part) => /^0\d+$/.test(part));
  if (zero) return `a part has a leading zero, which some systems read as octal; write ${Number(zero)} instead of ${zero}`;
  if (parts.length < 4) return 'it has fewer than four parts, a short form (like 127.1) that systems read differently; write all four';
  return 'an IPv4 address has four parts, each a number from 0 to 255';
}

function parseAddress(text: string): Parsed {
  if (text.includes(':')) {
    if (text.includes('%')) return { addr: null, reason: 'an allowlist cannot use a zone index (%…)' };
    // A dotted IPv4 tail (::ffff:10.0.0.1) follows the IPv4 rules.
    const tail = text.slice(text.lastIndexOf(':') + 1);
    if (tail.includes('.')) {
      const reason = ipv4Reason(tail);
      if (reason !== null) return { addr: null, reason };
    }
    if (!ipaddr.IPv6.isValid(text)) return { addr: null, reason: '' };
    return { addr: ipaddr.IPv6.parse(text), reason: null };
  }
  const reason = ipv4Reason(text);
  return reason === null ? { addr: new ipaddr.IPv4(text.split('.').map(Number)), reason: null } : { addr: null, reason };
}

/** The network address: host bits cleared, so one range has one spelling. */
function network(addr: ipaddr.IPv4 | ipaddr.IPv6, bits: number): ipaddr.IPv4 | ipaddr.IPv6 {
  const bytes = addr.toByteArray();
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    bytes[i] = bytes[i]! & ((0xff << (8 - keep)) & 0xff);
  }
  return ipaddr.fromByteArray(bytes);
}

type CidrResult = { range: ParsedCidr; canonical: string; problem: null } | { range: null; canonical: null; problem: string };

function analyse(input: string): CidrResult {
  const text = input.trim();
  const fail = (problem: string): CidrResult => ({ range: null, canonical: null, problem });
  if (text === '') return fail('Enter an address or a range such as 203.0.113.0/24.');
  const slash = text.indexOf('/');
  const addrText = slash === -1 ? text : text.slice(0, slash);
  const bitsText = slash === -1 ? null : text.slice(slash + 1);
  const invalid = (reason: string): CidrResult =>
    fail(`"${text}" is not an IP address or CIDR range ${EXAMPLE}${reason ? `: ${reason}` : ''}.`);
  const parsed = parseAddress(addrText);
  if (!parsed.addr) return invalid(parsed.reason);
  let addr = parsed.addr;
  const max = addr.kind() === 'ipv4' ? 32 : 128;
  let bits = max;
  if (bitsText !== null) {
    if (!PREFIX.test(bitsText) || Number(bitsText) > max) return invalid(`the prefix length after "/" must be a number from 0 to ${max}`);
    bits = Number(bitsText);
  }
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    if (bits < 96)
      return fail(
        `"${text}" is an IPv4-mapped range with a prefix shorter than /96, which would reach beyond IPv4; write the IPv4 range itself (such as 10.0.0.0/8).`,
      );
    addr = (addr as ipaddr.IPv6).toIPv4Address();
    bits -= 96;
  }
  const net = network(addr, bits);
  const full = bits === (net.kind() === 'ipv4' ? 32 : 128);
  return { range: [net, bits], canonical: full ? net.toString() : `${net.toString()}/${bits}`, problem: null };
}

/** Parses "10.0.0.0/8", "2001:db8::/32" or a bare address (a /32 or /128); null when invalid or ambiguous. */
export function parseCidr(text: string): ParsedCidr | null {
  return analyse(text).range;
}

/** The one spelling of a range: network address, lower-case compressed IPv6, mapped IPv6 as IPv4, no /32 or /128. */
export function canonicalCidr(text: string): string | null {
  return analyse(text).canonical;
}

export function isValidCidr(text: string): boolean {
  return parseCidr(text) !== null;
}

/** Why a CIDR is invalid, as a sentence for the user; null when it is valid. */
export function cidrProblem(text: string): string | null {
  return analyse(text).problem;
}

/** A client address (IPv4-mapped IPv6 as IPv4); null when invalid or spelled ambiguously. */
export function parseIp(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const { addr } = parseAddress(text);
  if (addr && addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) return (addr as ipaddr.IPv6).toIPv4Address();
  return addr;
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
  return ipInRanges(
    ip,
    cidrs.map(parseCidr).filter((c): c is ParsedCidr => c !== null),
  );
}

/**
 * A rate limiter's key for a client address: canonical IPv4 (IPv4-mapped IPv6 as IPv4), or the
 * IPv6 /64 it lies in, since one host usually holds a whole /64 (so one attacker cannot get 2^64
 * buckets). Used by the failed-authentication and the leak-report limiters.
 */
export function clientKey(ip: string): string {
  try {
    let addr = ipaddr.parse(ip.trim());
    if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
    if (addr.kind() === 'ipv4') return addr.toString();
    const parts = (addr as ipaddr.IPv6).parts.slice(0, 4);
    return `${new ipaddr.IPv6([...parts, 0, 0, 0, 0]).toString()}/64`;
  } catch {
    // Not an address (a unix socket peer): count it by its text.
    return ip;
  }
}
