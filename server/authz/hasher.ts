import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// Secrets are stored as HMAC-SHA-256 under a server key (a "pepper"), never in the clear. A keyed
// fast hash is right for high-entropy tokens: it is not brute-forceable like a password, and it
// keeps the authorization hot path at about a microsecond. Lookups are by hash (a Map or a unique
// index), so no secret is ever compared byte by byte; where raw values are compared we use
// timingSafeEqual.

export class SecretHasher {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length < 32) throw new Error('The HMAC key must be at least 32 bytes.');
    this.#key = key;
  }

  static generateKey(): Buffer {
    return randomBytes(32);
  }

  hash(secret: string): string {
    return createHmac('sha256', this.#key).update(secret, 'utf8').digest('hex');
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
