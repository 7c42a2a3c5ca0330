import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalCidr, cidrProblem, ipInCidrs, isValidCidr, parseCidr, parseIp } from '../../../shared/domain/cidr.ts';

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

// Spellings that parsers read differently (inet_aton and ipaddr.js: 010.0.0.1 = 8.0.0.1,
// 0x7f.1 = 127.1 = 127.0.0.1) are refused, in ranges and in client addresses alike.
const AMBIGUOUS: [string, RegExp][] = [
  ['010.0.0.1', /leading zero.*write 10 instead of 010/],
  ['10.0.0.01', /leading zero/],
  ['010.0.0.0/8', /leading zero/],
  ['00.0.0.0/0', /leading zero/],
  ['0x7f.0.0.1', /hexadecimal/],
  ['0x7f.1', /hexadecimal/],
  ['0x0a000001', /hexadecimal/],
  ['127.1', /fewer than four parts/],
  ['10.1/16', /fewer than four parts/],
  ['167772161', /fewer than four parts/],
  ['1.2.3.4.5', /four parts, each a number from 0 to 255/],
  ['::ffff:010.0.0.1', /leading zero/],
  ['::ffff:127.1', /fewer than four parts/],
  ['fe80::1%eth0', /zone index/],
  ['10.0.0.0/08', /prefix length/],
  ['10.0.0.0/+8', /prefix length/],
];

test('IPv4 spellings that parsers read differently are refused with a reason', () => {
  for (const [text, reason] of AMBIGUOUS) {
    assert.equal(parseCidr(text), null, text);
    assert.match(cidrProblem(text) ?? '', reason, text);
    assert.match(cidrProblem(text) ?? '', /is not an IP address or CIDR range/, text);
  }
});

test('an ambiguously spelled client address is no address: it matches no range', () => {
  for (const ip of ['010.0.0.1', '0x7f.0.0.1', '127.1', '::ffff:010.0.0.1', '2130706433']) {
    assert.equal(parseIp(ip), null, ip);
    assert.equal(ipInCidrs(ip, ['0.0.0.0/0', '::/0', '8.0.0.0/8', '127.0.0.0/8']), false, ip);
  }
});

const CANONICAL: [string, string][] = [
  ['10.0.0.0/8', '10.0.0.0/8'],
  [' 10.1.2.3/8 ', '10.0.0.0/8'],
  ['192.0.2.7', '192.0.2.7'],
  ['192.0.2.7/32', '192.0.2.7'],
  ['0.0.0.0/0', '0.0.0.0/0'],
  ['2001:DB8:0:0::/32', '2001:db8::/32'],
  ['2001:db8::1/128', '2001:db8::1'],
  ['2001:db8:1:2:3:4:5:6/64', '2001:db8:1:2::/64'],
  ['::ffff:10.0.0.0/104', '10.0.0.0/8'],
  ['::ffff:10.1.2.3', '10.1.2.3'],
  ['::ffff:a01:203/128', '10.1.2.3'],
  ['::ffff:0.0.0.0/96', '0.0.0.0/0'],
  ['::/0', '::/0'],
];

test('ranges are stored in one canonical spelling', () => {
  for (const [text, canonical] of CANONICAL) {
    assert.equal(canonicalCidr(text), canonical, text);
    assert.equal(canonicalCidr(canonical), canonical, `${canonical} is its own canonical form`);
  }
});

test('an IPv4-mapped range is the IPv4 range it maps, and one shorter than /96 is refused', () => {
  assert.equal(ipInCidrs('10.200.0.1', ['::ffff:10.0.0.0/104']), true);
  assert.equal(ipInCidrs('11.0.0.1', ['::ffff:10.0.0.0/104']), false);
  for (const wide of ['::ffff:10.0.0.0/64', '::ffff:0:0/95', '::ffff:1.2.3.4/0']) {
    assert.equal(parseCidr(wide), null, wide);
    assert.match(cidrProblem(wide) ?? '', /IPv4-mapped range with a prefix shorter than \/96.*write the IPv4 range itself/, wide);
    assert.equal(ipInCidrs('8.8.8.8', [wide]), false, `${wide} matches no IPv4 address`);
  }
});
