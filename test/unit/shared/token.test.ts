import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import {
  BASE62,
  TOKEN_PATTERN,
  displayPrefix,
  generateToken,
  hasValidChecksum,
  parseToken,
  tokenChecksum,
} from '../../../shared/domain/token.ts';
import { crc32 } from '../../../shared/domain/crc32.ts';

// DESIGN §3.10: kw_ + 32 random base62 + 6 base62 characters of the CRC32 (IEEE) of those 32,
// left-padded with 0. The expected checksum is computed here with zlib and BigInt arithmetic,
// independently of shared/domain/token.ts.
function expectedChecksum(randomPart: string): string {
  let n = BigInt(zlibCrc32(randomPart));
  let out = '';
  for (let i = 0; i < 6; i++) {
    out = BASE62[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out;
}

/** A RandomBytes source that replays the given bytes in a cycle. */
function replay(bytes: number[]): (length: number) => Uint8Array {
  let i = 0;
  return (length) => Uint8Array.from({ length }, () => bytes[i++ % bytes.length]!);
}

test('a generated token is kw_ followed by 32 base62 characters and their 6-character CRC32 checksum', () => {
  for (let i = 0; i < 200; i++) {
    const token = generateToken();
    assert.match(token, /^kw_[0-9A-Za-z]{38}$/);
    const randomPart = token.slice(3, 35);
    assert.equal(token.slice(35), expectedChecksum(randomPart));
  }
});

test('the CRC32 is the IEEE polynomial that zlib computes', () => {
  for (const text of ['', 'a', '123456789', 'kw', 'The quick brown fox jumps over the lazy dog']) {
    assert.equal(crc32(text), zlibCrc32(text), text);
  }
  assert.equal(crc32('123456789'), 0xcbf43926);
});

test('a checksum whose base62 form is shorter than 6 characters is left-padded with 0', () => {
  // 62^5 = 916,132,832: any CRC below it needs padding. Search deterministically for one.
  let found = '';
  for (let i = 0; !found; i++) {
    const randomPart = `${'A'.repeat(26)}${i.toString().padStart(6, '0')}`;
    if (zlibCrc32(randomPart) < 62 ** 5) found = randomPart;
  }
  const checksum = tokenChecksum(found);
  assert.equal(checksum.length, 6);
  assert.equal(checksum[0], '0');
  assert.equal(checksum, expectedChecksum(found));
  assert.ok(hasValidChecksum(`kw_${found}${checksum}`));
});

test('every generated token passes the checksum check and parses into its parts', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 247 }), { minLength: 1, maxLength: 80 }), (bytes) => {
      const token = generateToken(replay(bytes));
      assert.ok(hasValidChecksum(token));
      assert.deepEqual(parseToken(token), { randomPart: token.slice(3, 35), checksum: token.slice(35) });
    }),
  );
});

test('token characters come only from bytes below 248, so every base62 character is equally likely', () => {
  // Bytes 248..255 would favour the first 8 characters; they are skipped, not folded in.
  const token = generateToken(replay([255, 250, 248, 0, 61, 62]));
  assert.equal(token.slice(3, 35), '0z0'.repeat(11).slice(0, 32));
});

test('a one-character typo anywhere after the kw_ prefix is rejected by the checksum', () => {
  const token = generateToken();
  let checked = 0;
  for (let position = 3; position < token.length; position++) {
    for (const ch of BASE62) {
      if (ch === token[position]) continue;
      const typo = token.slice(0, position) + ch + token.slice(position + 1);
      assert.equal(hasValidChecksum(typo), false, `typo at ${position}: ${ch}`);
      assert.equal(parseToken(typo), null);
      checked++;
    }
  }
  assert.equal(checked, 38 * 61);
});

test('two swapped neighbouring characters are rejected by the checksum', () => {
  fc.assert(
    fc.property(fc.integer({ min: 3, max: 33 }), (position) => {
      const token = generateToken();
      if (token[position] === token[position + 1]) return;
      const swapped = token.slice(0, position) + token[position + 1] + token[position] + token.slice(position + 2);
      assert.equal(hasValidChecksum(swapped), false);
    }),
  );
});

test('strings that are not Keyward tokens do not parse', () => {
  const good = generateToken();
  for (const bad of [
    '',
    'kw_',
    good.slice(1),
    `KW_${good.slice(3)}`,
    `${good}0`,
    good.slice(0, -1),
    `${good.slice(0, 10)}-${good.slice(11)}`,
    ` ${good}`,
  ]) {
    assert.equal(parseToken(bad), null, JSON.stringify(bad));
    assert.equal(TOKEN_PATTERN.test(bad), false, JSON.stringify(bad));
  }
});

test('the display prefix of a token is kw_ and 6 characters, never enough to use it', () => {
  const token = generateToken();
  assert.equal(displayPrefix(token), token.slice(0, 9));
  // Imported legacy secrets show at most a quarter of themselves, and at most 4 characters.
  assert.equal(displayPrefix('legacy-secret-0123456789'), 'lega');
  assert.equal(displayPrefix('abcdefg'), 'a');
  assert.equal(displayPrefix('abc'), '');
});

test('the checksum check agrees with recomputing the checksum text for any token-shaped string', () => {
  const base62 = fc.constantFrom(...BASE62.split(''));
  fc.assert(
    fc.property(fc.array(base62, { minLength: 38, maxLength: 38 }), (chars) => {
      const token = `kw_${chars.join('')}`;
      assert.equal(hasValidChecksum(token), tokenChecksum(token.slice(3, 35)) === token.slice(35), token);
    }),
  );
  for (let i = 0; i < 200; i++) {
    const token = generateToken();
    assert.ok(hasValidChecksum(token));
    // Every single-character change of the checksum is caught.
    const last = token.at(-1)!;
    const other = BASE62[(BASE62.indexOf(last) + 1 + (i % 61)) % 62]!;
    assert.equal(hasValidChecksum(token.slice(0, -1) + other), false);
  }
  assert.equal(hasValidChecksum('kw_' + 'z'.repeat(38)), tokenChecksum('z'.repeat(32)) === 'zzzzzz');
});
