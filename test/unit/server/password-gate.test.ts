import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VerificationGate } from '../../../server/services/passwords.ts';

// The cap on concurrent password checks (scrypt holds ~16 MB each): per client address and for
// the whole server.

test('one address gets at most its share of concurrent password checks', () => {
  const gate = new VerificationGate({ global: 8, perKey: 2 });
  assert.equal(gate.enter('198.51.100.1'), 'ok');
  assert.equal(gate.enter('198.51.100.1'), 'ok');
  assert.equal(gate.enter('198.51.100.1'), 'key_busy');
  assert.equal(gate.enter('198.51.100.2'), 'ok', 'another address still gets in');
  gate.leave('198.51.100.1');
  assert.equal(gate.enter('198.51.100.1'), 'ok', 'a finished check frees its place');
});

test('the server as a whole runs at most the global number of checks', () => {
  const gate = new VerificationGate({ global: 3, perKey: 2 });
  for (const key of ['a', 'b', 'c']) assert.equal(gate.enter(key), 'ok');
  assert.equal(gate.enter('d'), 'server_busy');
  gate.leave('b');
  assert.equal(gate.enter('d'), 'ok');
  for (const key of ['a', 'c', 'd']) gate.leave(key);
  for (const key of ['e', 'f', 'g']) assert.equal(gate.enter(key), 'ok', 'every place was given back');
});
