import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RE2JS } from 're2js';
import { anchoredLiteralPrefix, compilePathRegex } from '../../../shared/domain/path-regex.ts';

// Sub-URL patterns answer exactly as RE2 does: the literal-prefix shortcut (a path that does not
// start with "^/api/admin" cannot match "^/api/admin/.*") must never change an answer.

const PATTERN_CHARS = [
  '/',
  'a',
  'b',
  'A',
  '1',
  '-',
  '_',
  '.',
  '*',
  '+',
  '?',
  '|',
  '(',
  ')',
  '[',
  ']',
  '^',
  '$',
  '{',
  '}',
  ',',
  '2',
  '\\',
  'd',
  ':',
];
const PATH_CHARS = ['/', 'a', 'b', 'A', '1', '2', '-', '_', '.', ':', '{', '}', '(', ')'];

function re2(pattern: string): ((path: string) => boolean) | null {
  try {
    const compiled = RE2JS.compile(pattern);
    return (path) => compiled.test(path);
  } catch {
    return null;
  }
}

test('a sub-URL pattern matches exactly the paths RE2 matches, shortcut or not', () => {
  const pattern = fc
    .tuple(fc.boolean(), fc.array(fc.constantFrom(...PATTERN_CHARS), { maxLength: 10 }))
    .map(([anchored, chars]) => `${anchored ? '^' : ''}${chars.join('')}`);
  const path = fc.array(fc.constantFrom(...PATH_CHARS), { maxLength: 10 }).map((chars) => chars.join(''));
  fc.assert(
    fc.property(pattern, fc.array(path, { minLength: 1, maxLength: 8 }), (source, paths) => {
      const reference = re2(source);
      if (!reference) return;
      const matcher = compilePathRegex(source);
      // Paths that start like the pattern are where a wrong prefix would show.
      const literal = source.replace(/^\^/, '');
      for (const p of [...paths, literal, `${literal}/x`, literal.slice(0, -1), source]) {
        assert.equal(matcher.test(p), reference(p), `${JSON.stringify(source)} on ${JSON.stringify(p)}`);
      }
    }),
    { numRuns: 3000 },
  );
});

test('the literal prefix is taken only where every match must start with it', () => {
  assert.equal(anchoredLiteralPrefix('^/api/admin/.*$'), '/api/admin/');
  assert.equal(anchoredLiteralPrefix('^/api/public/'), '/api/public/');
  assert.equal(anchoredLiteralPrefix('^/v1/users?'), '/v1/user');
  assert.equal(anchoredLiteralPrefix('^/ab*c'), '/a');
  assert.equal(anchoredLiteralPrefix('^/a{2}'), '/');
  assert.equal(anchoredLiteralPrefix('^/api/x|^/other'), '');
  assert.equal(anchoredLiteralPrefix('^/api/(a|b)'), '/api/');
  assert.equal(anchoredLiteralPrefix('^/api/(a|b)|/c'), '');
  assert.equal(anchoredLiteralPrefix('^/a[|]'), '/a');
  assert.equal(anchoredLiteralPrefix('^/a[]|]'), '/a');
  assert.equal(anchoredLiteralPrefix('^/a\\|b'), '/a');
  assert.equal(anchoredLiteralPrefix('^/a\\Q|\\E'), '');
  assert.equal(anchoredLiteralPrefix('/api/admin'), '');
  assert.equal(anchoredLiteralPrefix('^\\/api'), '');
  assert.equal(anchoredLiteralPrefix('^(?i)/api'), '');
  assert.equal(anchoredLiteralPrefix('^.api'), '');
});
