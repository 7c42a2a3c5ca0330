// The one path Keyward judges (DESIGN §3.4). A proxy hands over the raw request target and each
// upstream decodes and normalises it its own way (Express decodes segments and ignores case,
// WHATWG URL parsers read "\" as "/" and resolve "%2e%2e", servlet containers strip ";params").
// So the path is brought to one canonical form, and any path that upstreams could read as a
// different route is refused instead of guessed at. The server's hot path, the desktop app's
// access checker and the console's "test a path" all call this one function.

export const PATH_PROBLEMS = [
  'missing',
  'not_absolute',
  'leading_double_slash',
  'backslash',
  'encoded_slash',
  'dot_segment',
  'path_parameter',
  'control_character',
  'invalid_escape',
  'invalid_utf8',
  'unencoded_character',
  'ascii_lookalike',
] as const;
export type PathProblem = (typeof PATH_PROBLEMS)[number];

/** A refused path: which rule refused it. One frozen object per problem, so refusing allocates nothing. */
export interface InvalidPath {
  readonly invalid: PathProblem;
}

const INVALID = Object.fromEntries(PATH_PROBLEMS.map((p) => [p, Object.freeze({ invalid: p })])) as Record<PathProblem, InvalidPath>;

/** What each refusal means, in words an admin can act on (console, forward-auth answers, 400s). */
export const PATH_PROBLEM_TEXT: Record<PathProblem, string> = {
  missing: 'The request names no path: the proxy sent neither X-Original-URI nor X-Forwarded-Uri. Check the proxy configuration.',
  not_absolute: 'The path does not start with “/”.',
  leading_double_slash: 'The path starts with “//”, which URL parsers read as a host name rather than a path.',
  backslash: 'The path holds a backslash, which some servers read as “/”.',
  encoded_slash: 'The path holds %2F or %5C, an encoded slash or backslash, which some servers decode into a path separator.',
  dot_segment: 'The path holds a “.” or “..” segment (perhaps encoded as %2E), which servers resolve differently. Send the resolved path.',
  path_parameter: 'The path holds “;”, a path parameter that some servers (Java servlet containers) cut off before routing.',
  control_character: 'The path holds a control character or NUL, raw or percent-encoded (such as %00 or %0A).',
  invalid_escape: 'The path holds a “%” that is not followed by two hexadecimal digits.',
  invalid_utf8: 'The percent-encoded bytes of the path are not valid UTF-8.',
  unencoded_character: 'The path holds a character outside ASCII that is not percent-encoded (send “é” as %C3%A9).',
  ascii_lookalike: 'The path holds a character that some servers fold into an ASCII letter (such as ſ, ı, K or a fullwidth letter).',
};

/** Whether canonicalPath refused the path. */
export function isInvalidPath(value: string | InvalidPath): value is InvalidPath {
  return typeof value !== 'string';
}

// 1: may stay as it is (unreserved, sub-delims except ";", ":", "@", "/"); 2: printable ASCII
// that RFC 3986 does not allow raw in a path, stored percent-encoded (space " < > [ ] ^ ` { | }).
const CLASS = new Uint8Array(128);
for (const ch of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,=:@/") CLASS[ch.charCodeAt(0)] = 1;
for (const ch of ' "<>[]^`{|}') CLASS[ch.charCodeAt(0)] = 2;
const UNRESERVED = new Uint8Array(128);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~') UNRESERVED[ch.charCodeAt(0)] = 1;

const HEX = '0123456789ABCDEF';

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

/** The byte of the escape at i ("%4a" → 0x4a), or -1 when there is no valid escape there. */
function escapedByte(s: string, i: number, end: number): number {
  if (i + 2 >= end || s.charCodeAt(i) !== 0x25) return -1;
  const hi = hexValue(s.charCodeAt(i + 1));
  const lo = hexValue(s.charCodeAt(i + 2));
  return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

/** Code points that case mapping or compatibility folding turns into ASCII letters in some servers. */
function foldsToAscii(cp: number): boolean {
  return cp === 0x130 || cp === 0x131 || cp === 0x17f || cp === 0x212a || (cp >= 0xff01 && cp <= 0xff5e);
}

/**
 * The canonical path of a request target (its part before "?" or "#"), or why it is refused.
 * Percent-encoded unreserved characters are decoded, other escapes upper-cased, repeated slashes
 * merged. A path that is already canonical is returned as it is after one charCode scan, with no
 * allocation beyond cutting off the query; only "%", "//", "/.", "\", ";" and unusual characters
 * take the slow path.
 */
export function canonicalPath(uri: string): string | InvalidPath {
  let end = uri.length;
  let plain = true;
  for (let i = 0; i < uri.length; i += 1) {
    const code = uri.charCodeAt(i);
    if (code < 128 && CLASS[code] === 1) {
      if (code === 0x2f) {
        const next = uri.charCodeAt(i + 1);
        if (next === 0x2f || next === 0x2e) plain = false;
      }
      continue;
    }
    if (code === 0x3f || code === 0x23) {
      end = i;
      break;
    }
    plain = false;
  }
  if (end === 0) return INVALID.missing;
  if (uri.charCodeAt(0) !== 0x2f) return INVALID.not_absolute;
  if (plain) return end === uri.length ? uri : uri.slice(0, end);
  return slowCanonical(uri, end);
}

function slowCanonical(uri: string, end: number): string | InvalidPath {
  if (uri.charCodeAt(1) === 0x2f) return INVALID.leading_double_slash;
  // Escapes and raw characters first, then segments: "%2e" is a "." once decoded.
  let decoded = '';
  let i = 0;
  while (i < end) {
    const code = uri.charCodeAt(i);
    if (code === 0x25) {
      const byte = escapedByte(uri, i, end);
      if (byte < 0) return INVALID.invalid_escape;
      if (byte < 0x80) {
        if (byte === 0x2f || byte === 0x5c) return INVALID.encoded_slash;
        if (byte < 0x20 || byte === 0x7f) return INVALID.control_character;
        decoded += UNRESERVED[byte] === 1 ? String.fromCharCode(byte) : `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
        i += 3;
        continue;
      }
      const sequence = utf8Sequence(uri, i, end);
      if ('invalid' in sequence) return sequence;
      decoded += uri.slice(i, sequence.next).toUpperCase();
      i = sequence.next;
      continue;
    }
    if (code === 0x5c) return INVALID.backslash;
    if (code === 0x3b) return INVALID.path_parameter;
    if (code < 0x20 || code === 0x7f) return INVALID.control_character;
    if (code >= 0x80) return INVALID.unencoded_character;
    decoded += CLASS[code] === 2 ? `%${HEX[code >> 4]}${HEX[code & 15]}` : uri[i];
    i += 1;
  }
  const segments = decoded.split('/');
  let out = '';
  for (let s = 1; s < segments.length; s += 1) {
    const segment = segments[s]!;
    if (segment === '.' || segment === '..') return INVALID.dot_segment;
    // An empty segment is a repeated slash, merged; a trailing slash stays.
    if (segment !== '' || s === segments.length - 1) out += `/${segment}`;
  }
  return out;
}

/** Validates the percent-encoded UTF-8 sequence starting at i (strict: no overlongs, surrogates or C1 controls). */
function utf8Sequence(s: string, i: number, end: number): { next: number } | InvalidPath {
  const lead = escapedByte(s, i, end);
  let length: number;
  let min: number;
  let cp: number;
  if (lead >= 0xc2 && lead <= 0xdf) [length, min, cp] = [2, 0x80, lead & 0x1f];
  else if (lead >= 0xe0 && lead <= 0xef) [length, min, cp] = [3, 0x800, lead & 0x0f];
  else if (lead >= 0xf0 && lead <= 0xf4) [length, min, cp] = [4, 0x10000, lead & 0x07];
  else return INVALID.invalid_utf8;
  for (let k = 1; k < length; k += 1) {
    const at = i + 3 * k;
    if (s.charCodeAt(at) !== 0x25) return INVALID.invalid_utf8;
    const byte = escapedByte(s, at, end);
    if (byte < 0) return INVALID.invalid_escape;
    if ((byte & 0xc0) !== 0x80) return INVALID.invalid_utf8;
    cp = (cp << 6) | (byte & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return INVALID.invalid_utf8;
  if (cp <= 0x9f) return INVALID.control_character;
  if (foldsToAscii(cp)) return INVALID.ascii_lookalike;
  return { next: i + 3 * length };
}
