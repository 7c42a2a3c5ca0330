import { crc32 } from './crc32.ts';

// Token format (DESIGN §3.10): "kw_" + 32 random base62 characters + 6 base62 characters of the
// CRC32 of those 32, left-padded with "0". Secret scanners can recognise a leaked token and a
// client can reject a mistyped one without a round trip.

export const TOKEN_PREFIX = 'kw_';
export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
export const TOKEN_LENGTH = TOKEN_PREFIX.length + RANDOM_LENGTH + CHECKSUM_LENGTH;
export const TOKEN_PATTERN = /^kw_[0-9A-Za-z]{38}$/;
/** Characters of a secret kept as its display prefix: "kw_" and the first 6 random characters. */
export const DISPLAY_PREFIX_LENGTH = TOKEN_PREFIX.length + 6;

export function toBase62(value: number, width: number): string {
  let out = '';
  let n = value;
  while (n > 0) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out.padStart(width, '0');
}

export function tokenChecksum(randomPart: string): string {
  return toBase62(crc32(randomPart), CHECKSUM_LENGTH);
}

export type RandomBytes = (length: number) => Uint8Array;

const webRandom: RandomBytes = (length) => crypto.getRandomValues(new Uint8Array(length));

/** A new token. Rejection sampling keeps every base62 character equally likely. */
export function generateToken(randomBytes: RandomBytes = webRandom): string {
  let body = '';
  while (body.length < RANDOM_LENGTH) {
    for (const byte of randomBytes(RANDOM_LENGTH * 2)) {
      if (byte < 248 && body.length < RANDOM_LENGTH) body += BASE62[byte % 62];
    }
  }
  return TOKEN_PREFIX + body + tokenChecksum(body);
}

export interface ParsedToken {
  randomPart: string;
  checksum: string;
}

/** Parses a Keyward-format token; null when it is not one or its checksum does not match. */
export function parseToken(token: string): ParsedToken | null {
  if (!TOKEN_PATTERN.test(token)) return null;
  const randomPart = token.slice(TOKEN_PREFIX.length, TOKEN_PREFIX.length + RANDOM_LENGTH);
  const checksum = token.slice(TOKEN_PREFIX.length + RANDOM_LENGTH);
  return tokenChecksum(randomPart) === checksum ? { randomPart, checksum } : null;
}

/** True when the string looks like a Keyward token and its checksum matches (typo check). */
export function hasValidChecksum(token: string): boolean {
  return TOKEN_PATTERN.test(token) && checksumMatches(token);
}

/**
 * For a string that matches TOKEN_PATTERN: whether its last 6 characters are the checksum of
 * the 32 before them. Compared as numbers, so the authorization hot path builds no strings (six
 * base62 digits name each number below 62^6 > 2^32 exactly once, so this equals comparing
 * the text with tokenChecksum).
 */
export function checksumMatches(token: string): boolean {
  let value = 0;
  for (let i = TOKEN_LENGTH - CHECKSUM_LENGTH; i < TOKEN_LENGTH; i += 1) value = value * 62 + base62Digit(token.charCodeAt(i));
  return value === crc32(token, TOKEN_PREFIX.length, TOKEN_PREFIX.length + RANDOM_LENGTH);
}

/** The value of a base62 character code ([0-9A-Za-z] only, as TOKEN_PATTERN guarantees). */
function base62Digit(code: number): number {
  if (code <= 0x39) return code - 0x30;
  if (code <= 0x5a) return code - 0x41 + 10;
  return code - 0x61 + 36;
}

/**
 * The short, non-secret prefix shown in lists so admins can tell credentials apart. For
 * Keyward tokens it is "kw_" + 6 characters; for imported legacy secrets the first 4 characters.
 */
export function displayPrefix(secret: string): string {
  if (TOKEN_PATTERN.test(secret)) return secret.slice(0, DISPLAY_PREFIX_LENGTH);
  return secret.slice(0, Math.min(4, Math.floor(secret.length / 4)));
}
