import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

// User passwords (self-service only) use scrypt — deliberately slow and memory-hard, unlike the
// HMAC used for high-entropy API tokens. Format: scrypt$N$r$p$salt$hash (base64url).

const N = 16384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LENGTH, { N: n, r, p, maxmem: 64 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p));
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Spent on unknown user names so timing does not reveal which names exist. */
export const DUMMY_PASSWORD_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/**
 * Bounds concurrent password checks: each scrypt holds ~16 MB and a thread-pool thread for tens of
 * milliseconds, so unbounded parallel sign-ins could exhaust memory or starve every other request.
 * `perKey` caps one client address (its limiter key), `global` the whole server.
 */
export class VerificationGate {
  readonly #running = new Map<string, number>();
  #total = 0;
  readonly global: number;
  readonly perKey: number;

  constructor(limits: { global: number; perKey: number }) {
    this.global = limits.global;
    this.perKey = limits.perKey;
  }

  /** Takes a place for `key`, or says which cap is full. Every 'ok' must be followed by `leave(key)`. */
  enter(key: string): 'ok' | 'key_busy' | 'server_busy' {
    const mine = this.#running.get(key) ?? 0;
    if (mine >= this.perKey) return 'key_busy';
    if (this.#total >= this.global) return 'server_busy';
    this.#running.set(key, mine + 1);
    this.#total += 1;
    return 'ok';
  }

  leave(key: string): void {
    const mine = this.#running.get(key) ?? 0;
    if (mine <= 1) this.#running.delete(key);
    else this.#running.set(key, mine - 1);
    this.#total = Math.max(0, this.#total - 1);
  }
}
