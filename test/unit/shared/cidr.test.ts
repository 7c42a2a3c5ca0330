import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrProblem, ipInCidrs, isValidCidr, parseCidr } from '../../../shared/domain/cidr.ts';

test('an IPv4 address inside an allowed range matches and one outside does not', () => {
  assert.equal(ipInCidrs('203.0.113.7', ['203.0.113.0/24']), true);
  assert.equal(ipInCidrs('203.0.114.7', ['203.0.113.0/24']), false);
  assert.equal(ipInCidrs('10.255.255.255', ['10.0.0.0/8']), true);
  assert.equal(ipInCidrs('11.0.0.0', ['10.0.0.0/8']), false);
  assert.equal(ipInCidrs('8.8.8.8', ['0.0.0.0/0']), true);
});

test('a bare address in the allowlist allows exactly that address', () => {
  assert.deepEqual(parseCidr('192.0.2.10')?.[1], 32);
  assert.equal(ipInCidrs('192.0.2.10', ['192.0.2.10']), true);
  assert.equal(ipInCidrs('192.0.2.11', ['192.0.2.10']), false);
  assert.equal(ipInCidrs('2001:db8::1', ['2001:db8::1']), true);
  assert.equal(ipInCidrs('2001:db8::2', ['2001:db8::1']), false);
});

test('any one of several ranges is enough', () => {
  const ranges = ['10.0.0.0/8', '192.168.0.0/16', '2001:db8::/32'];
  assert.equal(ipInCidrs('192.168.4.4', ranges), true);
  assert.equal(ipInCidrs('2001:db8:ffff::1', ranges), true);
  assert.equal(ipInCidrs('172.16.0.1', ranges), false);
});

test('IPv6 ranges match IPv6 addresses by prefix', () => {
  assert.equal(ipInCidrs('2001:db8:1::1', ['2001:db8::/32']), true);
  assert.equal(ipInCidrs('2001:db9::1', ['2001:db8::/32']), false);
  assert.equal(ipInCidrs('fe80::1', ['fe80::/10']), true);
  assert.equal(ipInCidrs('::1', ['::1/128']), true);
});

test('an IPv4-mapped IPv6 peer address is checked as the IPv4 address it carries', () => {
  // Node reports IPv4 clients of a dual-stack socket as ::ffff:a.b.c.d.
  assert.equal(ipInCidrs('::ffff:10.1.2.3', ['10.0.0.0/8']), true);
  assert.equal(ipInCidrs('::ffff:11.1.2.3', ['10.0.0.0/8']), false);
  assert.equal(ipInCidrs('10.1.2.3', ['::ffff:10.0.0.0/104']), true);
  assert.equal(ipInCidrs('::ffff:10.1.2.3', ['::ffff:10.0.0.0/104']), true);
  assert.equal(ipInCidrs('11.1.2.3', ['::ffff:10.0.0.0/104']), false);
});

test('an IPv4 address never matches a plain IPv6 range and the other way round', () => {
  assert.equal(ipInCidrs('10.0.0.1', ['2001:db8::/32']), false);
  assert.equal(ipInCidrs('2001:db8::1', ['0.0.0.0/0']), false);
});

test('an invalid client address never matches', () => {
  for (const ip of ['', 'localhost', '10.0.0.256', '2001:db8:::1', '10.0.0.1/8']) {
    assert.equal(ipInCidrs(ip, ['0.0.0.0/0', '::/0']), false, ip);
  }
});

test('invalid ranges are rejected with a sentence that shows an example', () => {
  for (const bad of ['10.0.0.0/33', '2001:db8::/129', 'abc', '10.0.0.0/', '/8', '300.1.1.1']) {
    assert.equal(isValidCidr(bad), false, bad);
    assert.match(cidrProblem(bad) ?? '', /is not an IP address or CIDR range \(such as 203\.0\.113\.0\/24/, bad);
  }
  assert.match(cidrProblem('  ') ?? '', /^Enter an address or a range/);
  for (const good of ['10.0.0.0/8', ' 192.0.2.1 ', '2001:db8::/32', '::ffff:10.0.0.0/104']) {
    assert.equal(cidrProblem(good), null, good);
  }
});

test('unparseable entries in a stored allowlist are ignored rather than matching everything', () => {
  assert.equal(ipInCidrs('10.0.0.1', ['not-a-cidr']), false);
  assert.equal(ipInCidrs('10.0.0.1', ['not-a-cidr', '10.0.0.0/8']), true);
});
