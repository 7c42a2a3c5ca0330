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

function re2(pattern: string, flags = 0): ((path: string) => boolean) | null {
  try {
    const compiled = RE2JS.compile(pattern, flags);
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
      const matcher = compilePathRegex(source, { caseSensitive: true });
      // Paths that start like the pattern are where a wrong prefix would show.
      const literal = source.replace(/^\^/, '');
      for (const p of [...paths, literal, `${literal}/x`, literal.slice(0, -1), source]) {
        assert.equal(matcher.test(p), reference(p), `${JSON.stringify(source)} on ${JSON.stringify(p)}`);
      }
    }),
    { numRuns: 3000 },
  );
});

// Case-insensitive patterns (a backend's default): the shortcut folds ASCII letters and leaves
// every other character to RE2, whose Unicode folding also pairs "ſ" with "s" and "K" (Kelvin) with "k".
const FOLD_PATH_CHARS = [...PATH_CHARS, 'B', 'D', 'S', 's', 'k', 'K', 'ſ', '\u212a', 'İ', 'ı', '@', '`', '[', '{', '%', 'é'];
const FOLD_PATTERN_CHARS = [...PATTERN_CHARS, 's', 'k', 'S', '%', '@', 'é'];

test('a case-insensitive sub-URL pattern matches exactly the paths RE2 (?i) matches, shortcut or not', () => {
  const pattern = fc
    .tuple(fc.boolean(), fc.array(fc.constantFrom(...FOLD_PATTERN_CHARS), { maxLength: 10 }))
    .map(([anchored, chars]) => `${anchored ? '^' : ''}${chars.join('')}`);
  const path = fc.array(fc.constantFrom(...FOLD_PATH_CHARS), { maxLength: 10 }).map((chars) => chars.join(''));
  fc.assert(
    fc.property(pattern, fc.array(path, { minLength: 1, maxLength: 8 }), (source, paths) => {
      const reference = re2(source, RE2JS.CASE_INSENSITIVE);
      if (!reference) return;
      const matcher = compilePathRegex(source, { caseSensitive: false });
      const literal = source.replace(/^\^/, '');
      const variants = [literal.toUpperCase(), literal.toLowerCase(), literal.replace(/s/g, 'ſ').replace(/k/g, '\u212a')];
      for (const p of [...paths, literal, ...variants, `${literal.toUpperCase()}/x`, source]) {
        assert.equal(matcher.test(p), reference(p), `${JSON.stringify(source)} on ${JSON.stringify(p)}`);
      }
    }),
    { numRuns: 3000 },
  );
});

test('a backend pattern ignores case unless the backend is case-sensitive', () => {
  const insensitive = compilePathRegex('^/billing-api/invoices(/|$)', { caseSensitive: false });
  const sensitive = compilePathRegex('^/billing-api/invoices(/|$)', { caseSensitive: true });
  for (const path of ['/billing-api/invoices', '/Billing-API/Invoices/7', '/BILLING-API/INVOICES'])
    assert.equal(insensitive.test(path), true, path);
  assert.equal(insensitive.test('/billing-api/invoicesx'), false);
  assert.equal(sensitive.test('/billing-api/invoices/7'), true);
  assert.equal(sensitive.test('/Billing-API/Invoices/7'), false);
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
