import { createHash, createHmac, hash as oneShotHash, randomBytes, timingSafeEqual } from 'node:crypto';

// Secrets are stored as HMAC-SHA-256 under a server key (a "pepper"), never in the clear. A keyed
// fast hash is right for high-entropy tokens: it is not brute-forceable like a password, and it
// keeps the authorization hot path at about a microsecond. Lookups are by hash (a Map or a unique
// index), so no secret is ever compared byte by byte; where raw values are compared we use
// timingSafeEqual.
//
// hash() runs once or twice per authorization. createHmac() spends most of its ~1.3 µs setting
// up an OpenSSL MAC context; HMAC is defined as SHA-256((K ⊕ opad) ‖ SHA-256((K ⊕ ipad) ‖ m)), so
// with the padded keys prepared once it is two one-shot SHA-256 calls into reused buffers (about
// 0.8 µs), giving exactly the same digest (test/unit/server/hasher.test.ts checks it against
// createHmac).

const BLOCK = 64;
/** Secrets up to this many UTF-8 bytes take the one-shot route; longer ones use createHmac. */
const FAST_MAX_BYTES = 256;

export class SecretHasher {
  readonly #key: Buffer;
  /** K ⊕ ipad (one SHA-256 block). */
  readonly #ipad: Buffer;
  /** K ⊕ opad followed by room for the inner digest. */
  readonly #outer: Buffer;
  /** Per message length: K ⊕ ipad followed by room for the message (zeroed after each use). */
  readonly #inner: (Buffer | undefined)[] = [];

  constructor(key: Buffer) {
    if (key.length < 32) throw new Error('The HMAC key must be at least 32 bytes.');
    this.#key = key;
    // RFC 2104: a key longer than the block is hashed first; a shorter one is padded with zeros.
    const block = Buffer.alloc(BLOCK);
    (key.length > BLOCK ? createHash('sha256').update(key).digest() : key).copy(block);
    this.#ipad = Buffer.alloc(BLOCK);
    this.#outer = Buffer.alloc(BLOCK + 32);
    for (let i = 0; i < BLOCK; i += 1) {
      this.#ipad[i] = block[i]! ^ 0x36;
      this.#outer[i] = block[i]! ^ 0x5c;
    }
  }

  static generateKey(): Buffer {
    return randomBytes(32);
  }

  /** HMAC-SHA-256 of the secret's UTF-8 bytes under the server key, hex. */
  hash(secret: string): string {
    const length = Buffer.byteLength(secret, 'utf8');
    if (length > FAST_MAX_BYTES) return createHmac('sha256', this.#key).update(secret, 'utf8').digest('hex');
    let inner = this.#inner[length];
    if (!inner) {
      inner = Buffer.alloc(BLOCK + length);
      this.#ipad.copy(inner);
      this.#inner[length] = inner;
    }
    inner.write(secret, BLOCK, 'utf8');
    const innerDigest = oneShotHash('sha256', inner, 'hex');
    // The secret does not stay in a long-lived buffer.
    inner.fill(0, BLOCK);
    this.#outer.write(innerDigest, BLOCK, 'hex');
    return oneShotHash('sha256', this.#outer, 'hex');
  }

  /** Signs a value (a paging cursor) so a forged one is recognised. */
  sign(value: string): string {
    return createHmac('sha256', this.#key).update(`cursor:${value}`).digest('base64url').slice(0, 16);
  }

  verify(value: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(value));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
