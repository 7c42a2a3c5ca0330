import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exceedsLifetime, lifetimeProblem, type LifetimePolicy } from '../../../shared/domain/lifecycle.ts';

// The lifetime rules hygiene and the server share (DESIGN §3.12): a lowered maximum lists the
// credentials that live longer than it allows; enforcement names the latest allowed date.

const DAY = 86_400_000;
const created = '2026-01-01T00:00:00.000Z';
const after = (days: number) => new Date(Date.parse(created) + days * DAY).toISOString();
const policy = (maxLifetimeDays: number | null, requireExpiry = false): LifetimePolicy => ({
  maxLifetimeDays,
  requireExpiry,
  warnBeforeDays: 14,
});

const now = Date.parse(created);

test('hygiene lists a credential that lives longer than a lowered maximum, and none that fits it', () => {
  assert.equal(exceedsLifetime(policy(30), after(60), now), true, '60 days under a 30-day maximum');
  assert.equal(exceedsLifetime(policy(30), after(30), now), false, 'exactly the maximum fits');
  assert.equal(exceedsLifetime(policy(30), after(20), now), false);
  assert.equal(exceedsLifetime(policy(30), null, now), true, 'never expiring is longer than any maximum');
});

test('a credential re-dated within the maximum long after its issue is not listed: only an expiry the server would refuse today is', () => {
  // Issued a year ago, re-dated monthly under a 30-day maximum: its expiry is 20 days away.
  const aYearOn = now + 365 * DAY;
  assert.equal(exceedsLifetime(policy(30), after(385), aYearOn), false);
  // One whose expiry lies further out than a fresh issue today could get is listed.
  assert.equal(exceedsLifetime(policy(30), after(400), aYearOn), true);
});

test('without a maximum hygiene lists only credentials without expiry, and only when one is required', () => {
  assert.equal(exceedsLifetime(policy(null), null, now), false);
  assert.equal(exceedsLifetime(policy(null), after(4000), now), false);
  assert.equal(exceedsLifetime(policy(null, true), null, now), true);
  assert.equal(exceedsLifetime(policy(null, true), after(4000), now), false);
});

test('a refused expiry says the latest allowed date; one within the maximum is no problem', () => {
  assert.match(lifetimeProblem(policy(30), after(31), now)!, new RegExp(`latest allowed expiry is ${after(30)}`));
  assert.match(lifetimeProblem(policy(30), null, now)!, new RegExp(`no later than ${after(30)}`));
  assert.equal(lifetimeProblem(policy(30), after(30), now), null);
  assert.match(lifetimeProblem(policy(null, true), null, now)!, /requires every credential to have an expiry/);
  assert.equal(lifetimeProblem(policy(null), null, now), null);
});
