import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeRolesHeader } from '../../../shared/domain/authorize.ts';

// DESIGN §3.4: X-Api-Roles holds every role name, comma-separated, each percent-encoded where it
// holds a comma or characters outside visible ASCII.

test('plain role names are passed comma-separated as they are', () => {
  assert.equal(encodeRolesHeader(['Billing', 'Support-agent', 'read:only']), 'Billing,Support-agent,read:only');
  assert.equal(encodeRolesHeader([]), '');
});

test('a comma inside a role name is percent-encoded so the list still splits correctly', () => {
  assert.equal(encodeRolesHeader(['Read, write', 'Other']), 'Read%2C%20write,Other');
});

test('a percent sign is encoded so decoding is unambiguous', () => {
  assert.equal(encodeRolesHeader(['100%']), '100%25');
  assert.equal(encodeRolesHeader(['%2C']), '%252C');
});

test('spaces, control characters and non-ASCII letters are percent-encoded as UTF-8', () => {
  assert.equal(encodeRolesHeader(['Billing read-only']), 'Billing%20read-only');
  assert.equal(encodeRolesHeader(['Café']), 'Caf%C3%A9');
  assert.equal(encodeRolesHeader(['Tab\there']), 'Tab%09here');
  assert.equal(encodeRolesHeader(['Ключ']), '%D0%9A%D0%BB%D1%8E%D1%87');
  assert.equal(encodeRolesHeader(['🔑']), '%F0%9F%94%91');
});

test('any list of role names survives the header: visible ASCII only, and it splits and decodes back', () => {
  fc.assert(
    fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 12 }), { minLength: 1, maxLength: 6 }), (names) => {
      const header = encodeRolesHeader(names);
      assert.match(header, /^[\x21-\x7e]*$/);
      assert.deepEqual(header.split(',').map(decodeURIComponent), names);
    }),
  );
});
