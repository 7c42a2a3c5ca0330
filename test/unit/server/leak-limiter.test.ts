import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReportLimiter } from '../../../server/services/leak-service.ts';

// The leak-report limiter (DESIGN §3.14): ten reports a minute per client, where an IPv6 client
// is its /64, so a host holding a whole /64 cannot report (or revoke-probe) 2^64 times a minute.

test('leak reports from anywhere in one IPv6 /64 share one limit; the next /64 has its own', () => {
  const limiter = new ReportLimiter(10);
  const now = 1_000_000;
  for (let i = 1; i <= 10; i += 1) assert.equal(limiter.take(`2001:db8:1:2::${i.toString(16)}`, now), 0, `report ${i}`);
  assert.ok(limiter.take('2001:db8:1:2:ffff:ffff:ffff:ffff', now) > 0, 'another address in the same /64 is over the limit');
  assert.ok(limiter.take('2001:DB8:1:2:0:0:0:abcd', now + 1) > 0, 'whatever its spelling');
  assert.equal(limiter.take('2001:db8:1:3::1', now), 0, 'the neighbouring /64 is another client');
  assert.equal(limiter.take('2001:db8:1:2::1', now + 60_000), 0, 'a minute later the /64 may report again');
});

test('leak reports count IPv4 per address, and an IPv4-mapped IPv6 address as its IPv4 address', () => {
  const limiter = new ReportLimiter(2);
  const now = 5_000_000;
  assert.equal(limiter.take('203.0.113.7', now), 0);
  assert.equal(limiter.take('::ffff:203.0.113.7', now), 0);
  assert.ok(limiter.take('::ffff:cb00:7107', now) > 0, 'the mapped spelling is the same client');
  assert.equal(limiter.take('203.0.113.8', now), 0, 'the next IPv4 address is another client');
});

test('a leak-report limit answers how long to wait until its window ends', () => {
  const limiter = new ReportLimiter(1);
  assert.equal(limiter.take('2001:db8::1', 0), 0);
  assert.equal(limiter.take('2001:db8::2', 15_000), 45_000);
});
