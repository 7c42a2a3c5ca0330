import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AnswerCache } from '../../../server/authz/cache.ts';
import { parseCidr, type ParsedCidr } from '../../../shared/domain/cidr.ts';
import type { CredentialView } from '../../../shared/domain/authorize.ts';

// The answer cache sends the same bytes again only while the decision cannot have changed: it
// must end an answer at the credential's expiry, never hold answers that depend on the client
// address, and stay bounded in memory.

const view = (id: string, fields: Partial<CredentialView> = {}): CredentialView => ({
  id,
  status: 'active',
  expiresAtMs: null,
  cidrs: null,
  roles: [],
  ...fields,
});

test('a cached answer is sent again with its content headers and stops standing at the credential expiry', () => {
  const cache = new AnswerCache();
  const expiring = view('cred_a', { expiresAtMs: 2000 });
  const put = cache.put(expiring, 'GetClients', 1000, 200, { 'Cache-Control': 'no-store' }, { allowed: true });
  assert.equal(put.body.toString('utf8'), '{"allowed":true}');
  assert.equal(put.headers['content-length'], put.body.length);
  assert.equal(put.headers['content-type'], 'application/json; charset=utf-8');
  assert.ok(Object.isFrozen(put.headers), 'the shared headers object cannot be changed by a response');
  assert.equal(cache.get(expiring, 'GetClients', 1999), put);
  assert.equal(cache.get(expiring, 'GetClients', 2000), undefined);
  assert.equal(cache.get(expiring, 'AddClient', 1000), undefined, 'another action is another answer');
  assert.equal(cache.get(view('cred_b'), 'GetClients', 1000), undefined, 'another credential is another answer');
});

test('an answer about a credential with an address allowlist is never kept', () => {
  const cache = new AnswerCache();
  const allowlisted = view('cred_c', { cidrs: [parseCidr('10.0.0.0/8') as ParsedCidr] });
  cache.put(allowlisted, 'GetClients', 0, 200, {}, { allowed: true });
  assert.equal(cache.get(allowlisted, 'GetClients', 0), undefined);
  assert.equal(cache.size, 0);
});

test('the cache starts over past its bound and forgets everything when cleared', () => {
  const cache = new AnswerCache();
  const one = view('cred_d');
  for (let i = 0; i < 50_001; i += 1) cache.put(one, `action-${i}`, 0, 200, {}, { i });
  assert.ok(cache.size <= 50_000, `size ${cache.size}`);
  assert.notEqual(cache.get(one, 'action-50000', 0), undefined);
  cache.clear();
  assert.equal(cache.size, 0);
  assert.equal(cache.get(one, 'action-50000', 0), undefined);
});

test('a long request key is answered but not kept', () => {
  const cache = new AnswerCache();
  const long = `GET /${'a'.repeat(600)}`;
  assert.equal(cache.put(view('cred_e'), long, 0, 200, {}, {}).status, 200);
  assert.equal(cache.get(view('cred_e'), long, 0), undefined);
});
