import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { canonicalPath, PATH_PROBLEM_TEXT, PATH_PROBLEMS, type PathProblem } from '../../../shared/domain/canonical-path.ts';

// DESIGN §3.4: the one path Keyward judges. Each row is a request target and what Keyward must
// make of it: the canonical path, or the reason it is refused (invalid_path).

const CANONICAL: Array<[uri: string, path: string]> = [
  ['/', '/'],
  ['/billing-api/invoices', '/billing-api/invoices'],
  ['/billing-api/invoices/', '/billing-api/invoices/'],
  ['/billing-api/invoices?x=1#y', '/billing-api/invoices'],
  ['/a/b#frag', '/a/b'],
  ['/billing-api/invoices?next=/../admin;x', '/billing-api/invoices'],
  // unreserved characters decoded, in either hex case
  ['/billing-api/%69nvoices', '/billing-api/invoices'],
  ['/%61%62%63%2D%2e%5F%7e%7E', '/abc-._~~'],
  ['/billing-api/%49NVOICES', '/billing-api/INVOICES'],
  ['/files/report%2Epdf', '/files/report.pdf'],
  // other escapes stay escaped, upper-cased
  ['/caf%c3%a9', '/caf%C3%A9'],
  ['/a%20b', '/a%20b'],
  ['/a%3bb', '/a%3Bb'],
  ['/a%25', '/a%25'],
  ['/a%2b', '/a%2B'],
  ['/emoji/%f0%9f%98%80', '/emoji/%F0%9F%98%80'],
  // repeated slashes merged, a trailing one kept
  ['/a//b///c', '/a/b/c'],
  ['/a//', '/a/'],
  ['/billing-api//invoices', '/billing-api/invoices'],
  // printable ASCII that may not stand raw in a path is stored encoded
  ['/a b', '/a%20b'],
  ['/a"b<c>', '/a%22b%3Cc%3E'],
  ['/a{b}|^`[x]', '/a%7Bb%7D%7C%5E%60%5Bx%5D'],
  // sub-delims, ":" and "@" stay as they are; dots inside a segment are no dot segment
  ["/a!$&'()*+,=:@b", "/a!$&'()*+,=:@b"],
  ['/.well-known/x', '/.well-known/x'],
  ['/a/...', '/a/...'],
  ['/a/.b/..c', '/a/.b/..c'],
];

const REFUSED: Array<[uri: string, problem: PathProblem]> = [
  ['', 'missing'],
  ['?x=1', 'missing'],
  ['#top', 'missing'],
  ['billing-api/invoices', 'not_absolute'],
  ['http://example.com/billing-api/invoices', 'not_absolute'],
  ['*', 'not_absolute'],
  ['//billing-api/invoices', 'leading_double_slash'],
  ['///x', 'leading_double_slash'],
  ['/billing-api\\invoices', 'backslash'],
  ['/billing-api/invoices\\', 'backslash'],
  ['/billing-api%2finvoices', 'encoded_slash'],
  ['/billing-api%2Finvoices', 'encoded_slash'],
  ['/billing-api%5cinvoices', 'encoded_slash'],
  ['/billing-api/invoices/.', 'dot_segment'],
  ['/billing-api/./invoices', 'dot_segment'],
  ['/x/../billing-api/invoices', 'dot_segment'],
  ['/x/%2e%2e/billing-api/invoices', 'dot_segment'],
  ['/x/.%2E/billing-api', 'dot_segment'],
  ['/x/%2e/billing-api', 'dot_segment'],
  ['/..', 'dot_segment'],
  ['/billing-api/invoices;jsessionid=1', 'path_parameter'],
  ['/billing-api;x=1/invoices', 'path_parameter'],
  ['/billing-api/..;/invoices', 'path_parameter'],
  ['/a\u0000b', 'control_character'],
  ['/a\nb', 'control_character'],
  ['/a\u007fb', 'control_character'],
  ['/a%00', 'control_character'],
  ['/a%0a', 'control_character'],
  ['/a%1F', 'control_character'],
  ['/a%7f', 'control_character'],
  ['/a%c2%85', 'control_character'],
  ['/a%', 'invalid_escape'],
  ['/a%4', 'invalid_escape'],
  ['/a%zz', 'invalid_escape'],
  ['/a%4?x', 'invalid_escape'],
  ['/a%c3', 'invalid_utf8'],
  ['/a%c3x', 'invalid_utf8'],
  ['/a%c3%28', 'invalid_utf8'],
  ['/a%a9', 'invalid_utf8'],
  ['/a%c0%ae', 'invalid_utf8'],
  ['/a%e0%80%ae', 'invalid_utf8'],
  ['/a%ed%a0%80', 'invalid_utf8'],
  ['/a%f4%90%80%80', 'invalid_utf8'],
  ['/a%ff', 'invalid_utf8'],
  ['/a%c3%a', 'invalid_escape'],
  ['/café', 'unencoded_character'],
  ['/caf\u00c3\u00a9', 'unencoded_character'],
  ['/invoice%c5%bf', 'ascii_lookalike'],
  ['/b%c4%b1lling-api', 'ascii_lookalike'],
  ['/%e2%84%aa', 'ascii_lookalike'],
  ['/%ef%bd%81', 'ascii_lookalike'],
];

test('already canonical paths and those with something to decode or merge come out in one canonical form', () => {
  for (const [uri, path] of CANONICAL) assert.equal(canonicalPath(uri), path, JSON.stringify(uri));
});

test('paths that upstream servers could read as another route are refused with the reason', () => {
  for (const [uri, problem] of REFUSED) assert.deepEqual(canonicalPath(uri), { invalid: problem }, JSON.stringify(uri));
});

test('every refusal reason has words for the console and the forward-auth answer', () => {
  for (const problem of PATH_PROBLEMS) assert.ok(PATH_PROBLEM_TEXT[problem].length > 20, problem);
  const seen = new Set(REFUSED.map(([, problem]) => problem));
  for (const problem of PATH_PROBLEMS) assert.ok(seen.has(problem), `a row refuses with ${problem}`);
});

test('an already canonical path is answered as the very same string', () => {
  const uri = '/billing-api/invoices/42';
  assert.equal(canonicalPath(uri), uri);
  assert.equal(canonicalPath(`${uri}?page=2`), uri);
});

const PIECES = [
  '/',
  '//',
  '.',
  '..',
  '%2e',
  '%2E',
  '%2f',
  '%5c',
  '\\',
  ';x=1',
  '%00',
  'billing-api',
  'Invoices',
  '%41',
  '%c3%a9',
  '%',
  '%g1',
  '%c3',
  'a',
  '?q',
  '#f',
];
const path = fc.array(fc.constantFrom(...PIECES), { maxLength: 8 }).map((pieces) => `/${pieces.join('')}`);

test('canonicalising is idempotent and the canonical form holds nothing that is refused', () => {
  fc.assert(
    fc.property(path, (uri) => {
      const once = canonicalPath(uri);
      if (typeof once !== 'string') return;
      assert.equal(canonicalPath(once), once, `${uri} → ${once}`);
      // eslint-disable-next-line no-control-regex -- control characters are what the canonical form never holds
      assert.doesNotMatch(once, /\/\/|\\|;|%2F|%5C|[\x00-\x1f]|(^|\/)\.\.?(\/|$)/i, uri);
      assert.doesNotMatch(once, /%(4[1-9A-F]|5[0-9A]|6[1-9A-F]|7[0-9A]|3[0-9]|2D|2E|5F|7E)/, `no unreserved escape left in ${once}`);
    }),
    { numRuns: 3000 },
  );
});

test('a path refused as sent stays refused whatever query or fragment follows it', () => {
  fc.assert(
    fc.property(path, fc.constantFrom('', '?a=1', '#x', '?/..'), (uri, tail) => {
      const bare = canonicalPath(uri.split(/[?#]/)[0]!);
      assert.deepEqual(canonicalPath(uri.split(/[?#]/)[0]! + tail), bare);
    }),
    { numRuns: 1000 },
  );
});
