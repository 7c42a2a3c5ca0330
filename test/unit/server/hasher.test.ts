import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { SecretHasher } from '../../../server/authz/hasher.ts';
import { generateToken } from '../../../shared/domain/token.ts';

// Stored secret hashes must stay HMAC-SHA-256 under the server key: a different digest would make
// every stored credential unusable.

const reference = (key: Buffer, secret: string) => createHmac('sha256', key).update(secret, 'utf8').digest('hex');

test('a secret hashes to its HMAC-SHA-256 under the server key, for keys shorter than, equal to and longer than one block', () => {
  for (const keyLength of [32, 48, 64, 65, 100, 200]) {
    const key = randomBytes(keyLength);
    const hasher = new SecretHasher(key);
    for (let i = 0; i < 50; i++) {
      const token = generateToken();
      assert.equal(hasher.hash(token), reference(key, token), `key of ${keyLength} bytes`);
    }
  }
});

test('any secret, of any length and alphabet, hashes to its HMAC-SHA-256 (and repeated or interleaved calls do not disturb each other)', () => {
  const key = randomBytes(32);
  const hasher = new SecretHasher(key);
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.string({ unit: 'grapheme', maxLength: 200 }),
          fc.string({ minLength: 250, maxLength: 600 }),
        ),
      ),
      (secrets) => {
        for (const secret of [...secrets, ...secrets.toReversed()]) assert.equal(hasher.hash(secret), reference(key, secret));
      },
    ),
  );
  for (const secret of ['', 'a', 'x'.repeat(256), 'x'.repeat(257), 'é'.repeat(128), 'é'.repeat(129), '🔑'.repeat(70)]) {
    assert.equal(hasher.hash(secret), reference(key, secret), `${secret.length} characters`);
  }
});

test('two servers with different keys never produce the same hash for a secret', () => {
  const a = new SecretHasher(randomBytes(32));
  const b = new SecretHasher(randomBytes(32));
  const token = generateToken();
  assert.notEqual(a.hash(token), b.hash(token));
});
