import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nameProblem, nameSkeleton, normalizeName } from '../../../shared/domain/names.ts';

// Names (DESIGN §4): no control or invisible formatting characters, NFC, and look-alike role
// names share a skeleton.

const REFUSED: [string, string][] = [
  ['\u202Eevil', 'U+202E'], // right-to-left override
  ['role\u202A', 'U+202A'],
  ['a\u2066b\u2069', 'U+2066'], // left-to-right isolate
  ['Admin\u200Bistrator', 'U+200B'], // zero-width space
  ['a\u200Cb', 'U+200C'],
  ['a\u200Db', 'U+200D'],
  ['\uFEFFAdmin', 'U+FEFF'],
  ['soft\u00ADhyphen', 'U+00AD'],
  ['tab\there', 'U+0009'],
  ['line\nbreak', 'U+000A'],
  ['nul\u0000', 'U+0000'],
  ['del\u007F', 'U+007F'],
  ['para\u2029graph', 'U+2029'],
  ['filler\u3164', 'U+3164'],
  ['private\uE000', 'U+E000'],
  ['lone \uD800 surrogate', 'U+D800'],
];

test('names holding control or invisible formatting characters are refused, naming the character', () => {
  for (const [name, codePoint] of REFUSED) {
    const problem = nameProblem(name, 'role');
    assert.ok(problem, JSON.stringify(name));
    assert.ok(problem.includes(codePoint), `${problem} names ${codePoint}`);
    assert.match(problem, /^The role name holds an invisible or control character/);
  }
});

test('ordinary names in any script are accepted', () => {
  for (const name of ['Billing, EU', 'Zoë', 'Tax 10%', '日本語の役割', 'Read only', 'naïve café', 'Ops 🚀', 'Ελληνικά', 'עברית']) {
    assert.equal(nameProblem(name, 'role'), null, name);
  }
});

test('names are stored in NFC without surrounding white space', () => {
  assert.equal(normalizeName(' Zoe\u0308 '), 'Zo\u00EB');
  assert.equal(normalizeName('Zo\u00EB'), 'Zo\u00EB');
  assert.equal(normalizeName('\u212Bngstr\u00F6m'), '\u00C5ngstr\u00F6m', 'the Angstrom sign becomes Å');
});

const LOOK_ALIKE: [string, string][] = [
  ['Administrator', '\u0410dministrator'], // Cyrillic А
  ['Administrator', '\uFF21dministrator'], // fullwidth Ａ
  ['Administrator', '\u{1D400}dministrator'], // mathematical bold A
  ['Billing', 'BiIIing'], // capital I for l
  ['Billing', 'Bi11ing'],
  ['Billing', 'B\u0456lling'], // Cyrillic і
  ['paypal', '\u0440\u0430\u0443\u0440\u0430l'],
  ['Role O', 'Role 0'],
  ['Modern ops', 'Modem ops'],
  ['Read  only', 'Read only'],
  ['Read only', 'Read\u00A0only'],
  ['Zo\u00EB', 'Zoe\u0308'],
];

// (Case variants such as ADMINISTRATOR are caught before, by the case-insensitive name key.)
test('role names that look alike share a skeleton', () => {
  for (const [a, b] of LOOK_ALIKE) assert.equal(nameSkeleton(a), nameSkeleton(b), `${a} ~ ${b}`);
});

test('names that look different keep different skeletons', () => {
  const names = ['Billing read', 'Billing write', 'Admin', 'Admins', 'Tier 1', 'Tier 2', 'Support', 'Sales', 'Clients'];
  const skeletons = new Set(names.map(nameSkeleton));
  assert.equal(skeletons.size, names.length, [...skeletons].join(' | '));
});
