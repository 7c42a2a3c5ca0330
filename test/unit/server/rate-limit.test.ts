import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientKey, FailedAuthLimiter } from '../../../server/http/rate-limit.ts';

// The failed-authentication limiter alone (DESIGN §4): attempts count before they are checked,
// the table is an LRU that never lets fresh addresses push out an active lockout, addresses are
// canonical and IPv6 clients are counted per /64.

const MINUTE = 60_000;

/** `n` failed attempts from `ip` at `nowMs` (each reserved and kept, as a wrong guess is). */
function fail(limiter: FailedAuthLimiter, ip: string, n: number, nowMs = 0): void {
  for (let i = 0; i < n; i++) limiter.reserve(ip, nowMs);
}

test('more than the limit of failures in a minute locks the address out until the minute ends', () => {
  const limiter = new FailedAuthLimiter(3);
  fail(limiter, '198.51.100.7', 3, 1000);
  assert.equal(limiter.blockedFor('198.51.100.7', 1000), 0, 'three failures are within the limit');
  fail(limiter, '198.51.100.7', 1, 2000);
  assert.equal(limiter.blockedFor('198.51.100.7', 2000), MINUTE - 1000, 'the window started at the first failure');
  assert.equal(limiter.blockedFor('198.51.100.8', 2000), 0, 'another address is not affected');
  assert.equal(limiter.blockedFor('198.51.100.7', 1000 + MINUTE), 0, 'the lockout ends with the window');
  assert.ok(limiter.reserve('198.51.100.7', 1000 + MINUTE).slot, 'and a new window starts');
});

test('attempts count when they start, so parallel guesses meet the limit of sequential ones', () => {
  const limiter = new FailedAuthLimiter(20);
  // 200 attempts start before any of them has been checked (scrypt still running).
  const started = Array.from({ length: 200 }, () => limiter.reserve('203.0.113.9', 0));
  const admitted = started.filter((r) => r.slot !== null);
  assert.equal(admitted.length, 21, 'only limit + 1 attempts get to check their guess');
  assert.ok(started.slice(21).every((r) => r.blockedMs === MINUTE));
});

test('a successful attempt gives its slot back and is not counted as a failure', () => {
  const limiter = new FailedAuthLimiter(2);
  for (let i = 0; i < 50; i++) {
    const { slot } = limiter.reserve('192.0.2.1', i);
    assert.ok(slot, `attempt ${i} is admitted`);
    limiter.release(slot);
  }
  assert.deepEqual(limiter.size, { counting: 0, locked: 0 }, 'successes leave nothing behind');
  fail(limiter, '192.0.2.1', 2, 100);
  assert.equal(limiter.blockedFor('192.0.2.1', 100), 0);
  // A success while two guesses are in flight still lets the third guess through, not more.
  const pending = limiter.reserve('192.0.2.1', 101);
  assert.ok(pending.slot);
  assert.ok(limiter.blockedFor('192.0.2.1', 101) > 0, 'three in-flight or failed attempts exceed a limit of two');
  limiter.release(pending.slot);
  assert.equal(limiter.blockedFor('192.0.2.1', 102), 0, 'the success lifted the lockout it had caused');
});

test('a slot from an ended window does not discount the next window', () => {
  const limiter = new FailedAuthLimiter(1);
  const old = limiter.reserve('192.0.2.2', 0);
  assert.ok(old.slot);
  fail(limiter, '192.0.2.2', 2, MINUTE + 5);
  limiter.release(old.slot);
  assert.ok(limiter.blockedFor('192.0.2.2', MINUTE + 6) > 0, 'the two failures of the new window still lock it');
});

test('when the table is full the least recently seen address is evicted, not everything', () => {
  const limiter = new FailedAuthLimiter(10, { maxTracked: 3 });
  fail(limiter, '10.0.0.1', 5, 0);
  fail(limiter, '10.0.0.2', 5, 1);
  fail(limiter, '10.0.0.3', 5, 2);
  fail(limiter, '10.0.0.1', 1, 3); // seen again: now the most recent
  fail(limiter, '10.0.0.4', 1, 4); // evicts 10.0.0.2, the least recently seen
  assert.deepEqual(limiter.size, { counting: 3, locked: 0 });
  fail(limiter, '10.0.0.1', 5, 5);
  assert.ok(limiter.blockedFor('10.0.0.1', 5) > 0, '10.0.0.1 kept its 6 earlier failures');
  fail(limiter, '10.0.0.3', 6, 6);
  assert.ok(limiter.blockedFor('10.0.0.3', 6) > 0, '10.0.0.3 kept its failures too');
  fail(limiter, '10.0.0.2', 6, 7);
  assert.equal(limiter.blockedFor('10.0.0.2', 7), 0, 'only the evicted address started over');
});

test('an active lockout survives any number of fresh addresses', () => {
  const limiter = new FailedAuthLimiter(2, { maxTracked: 10 });
  fail(limiter, '198.51.100.66', 3, 0);
  assert.ok(limiter.blockedFor('198.51.100.66', 0) > 0);
  for (let i = 0; i < 5000; i++) fail(limiter, `10.${(i >> 8) & 255}.${i & 255}.1`, 1, 10);
  assert.ok(limiter.size.counting <= 10, 'memory stays bounded');
  assert.ok(limiter.blockedFor('198.51.100.66', 20) > 0, 'the attacker is still locked out');
});

test('full lockout tables drop ended lockouts first', () => {
  const limiter = new FailedAuthLimiter(0, { maxTracked: 2 });
  fail(limiter, '192.0.2.10', 1, 0);
  fail(limiter, '192.0.2.11', 1, MINUTE - 1);
  fail(limiter, '192.0.2.12', 1, MINUTE + 1); // 192.0.2.10's lockout has ended: it goes
  assert.ok(limiter.blockedFor('192.0.2.11', MINUTE + 2) > 0);
  assert.ok(limiter.blockedFor('192.0.2.12', MINUTE + 2) > 0);
});

test('IPv6 clients are counted per /64', () => {
  const limiter = new FailedAuthLimiter(3);
  fail(limiter, '2001:db8:1:2::1', 2, 0);
  fail(limiter, '2001:db8:1:2:ffff:ffff:ffff:fffe', 2, 0);
  assert.ok(limiter.blockedFor('2001:db8:1:2:abcd::9', 0) > 0, 'every address of the /64 is locked out');
  assert.equal(limiter.blockedFor('2001:db8:1:3::1', 0), 0, 'the next /64 is not');
  assert.equal(clientKey('2001:DB8:1:2:0:0:0:1'), '2001:db8:1:2::/64');
});

test('addresses are canonical: an IPv4-mapped IPv6 peer is the IPv4 address', () => {
  const limiter = new FailedAuthLimiter(3);
  fail(limiter, '::ffff:203.0.113.5', 2, 0);
  fail(limiter, '203.0.113.5', 1, 0);
  fail(limiter, '::ffff:cb00:7105', 1, 0);
  assert.ok(limiter.blockedFor('203.0.113.5', 0) > 0);
  assert.ok(limiter.blockedFor('::FFFF:203.0.113.5', 0) > 0);
  assert.equal(clientKey('::ffff:203.0.113.5'), '203.0.113.5');
  assert.equal(clientKey(' 203.0.113.5 '), '203.0.113.5');
});
