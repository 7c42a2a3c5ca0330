import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertError, assertStatus } from '../../helpers/assert-api.ts';
import { authorize, makeCredential, makeRole, seedCatalog, unique } from '../../helpers/builders.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';

// Allowed CIDRs over the real API (DESIGN §3.3): stored and shown canonical, an IPv4-mapped range
// is the IPv4 range it maps, and spellings that parsers read differently are refused.

let s: TestServer;
let roleId: string;
before(async () => {
  s = await startTestServer();
  await seedCatalog(s);
  roleId = (await makeRole(s, { actions: ['GetClients'] })).id;
});
after(() => s?.close());

test('a /64 on an IPv4-mapped address is refused instead of matching every IPv4 address', async () => {
  for (const wide of ['::ffff:10.0.0.0/64', '::ffff:0:0/80']) {
    const res = await s.request('POST', '/v1/credentials', { body: { name: unique('Wide'), roles: [roleId], allowedCidrs: [wide] } });
    assertError(res, 400, 'invalid_cidr');
    assert.match(res.json.error.message, /shorter than \/96.*IPv4 range itself/);
    assert.equal(res.json.error.details.cidr, wide);
  }
  // The same range spelled as its IPv4 form works, and only for that range.
  const { secret, credential } = await makeCredential(s, { roles: [roleId], allowedCidrs: ['::ffff:10.0.0.0/104'] });
  assert.deepEqual(credential.allowedCidrs, ['10.0.0.0/8']);
  assert.equal((await authorize(s, { token: secret, action: 'GetClients', ip: '10.9.8.7' })).allowed, true);
  const outside = await authorize(s, { token: secret, action: 'GetClients', ip: '203.0.113.9' });
  assert.equal(outside.allowed, false);
  assert.equal(outside.reason, 'ip_not_allowed');
});

test('allowed CIDRs are stored and shown in canonical form, duplicates merged', async () => {
  const { credential } = await makeCredential(s, {
    roles: [roleId],
    allowedCidrs: ['10.1.2.3/8', '::ffff:10.0.0.0/104', '2001:DB8:0::/32', '192.0.2.7/32'],
  });
  assert.deepEqual(credential.allowedCidrs, ['10.0.0.0/8', '2001:db8::/32', '192.0.2.7']);
  const read = await s.request('GET', `/v1/credentials/${credential.id}`);
  assert.deepEqual(read.json.allowedCidrs, ['10.0.0.0/8', '2001:db8::/32', '192.0.2.7']);
  const patched = await s.request('PATCH', `/v1/credentials/${credential.id}`, { body: { allowedCidrs: ['::FFFF:192.0.2.0/120'] } });
  assertStatus(patched, 200);
  assert.deepEqual(patched.json.allowedCidrs, ['192.0.2.0/24']);
});

test('IPv4 spellings that parsers read differently are refused in every write that takes CIDRs', async () => {
  const { credential } = await makeCredential(s, { roles: [roleId] });
  for (const ambiguous of ['010.0.0.0/8', '0x7f.0.0.1', '127.1', '10.1/16']) {
    assertError(
      await s.request('POST', '/v1/credentials', { body: { name: unique('Odd'), allowedCidrs: [ambiguous] } }),
      400,
      'invalid_cidr',
    );
    assertError(await s.request('PATCH', `/v1/credentials/${credential.id}`, { body: { allowedCidrs: [ambiguous] } }), 400, 'invalid_cidr');
    const imported = await s.request('POST', '/v1/credentials/import', {
      body: { items: [{ name: unique('Odd'), secret: `legacy-${unique('x').replace(/\W/g, '')}-long`, allowedCidrs: [ambiguous] }] },
    });
    assertError(imported, 400, 'invalid_cidr');
  }
});

test('a client address spelled ambiguously is refused at /v1/authorize rather than read as octal', async () => {
  const { secret } = await makeCredential(s, { roles: [roleId], allowedCidrs: ['8.0.0.0/8'] });
  // inet_aton reads 010.0.0.1 as 8.0.0.1; Keyward must not.
  assertError(
    await s.request('POST', '/v1/authorize', { body: { token: secret, action: 'GetClients', ip: '010.0.0.1' } }),
    400,
    'invalid_request',
  );
  assert.equal((await authorize(s, { token: secret, action: 'GetClients', ip: '8.0.0.1' })).allowed, true);
});

test('a trusted proxy given as an ambiguous or over-wide mapped range stops the start with a clear error', async () => {
  await assert.rejects(
    startTestServer({ trustedProxies: ['127.1'] }),
    /--trusted-proxy: "127\.1" is not an IP address .*fewer than four parts/,
  );
  await assert.rejects(startTestServer({ trustedProxies: ['::ffff:0:0/64'] }), /--trusted-proxy: .*shorter than \/96/);
});
