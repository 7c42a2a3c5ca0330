import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KeywardEventName } from '../../../shared/ipc/types.ts';
import { createMemoryClipboard } from '../../../electron/services/clipboard.ts';
import { formatSecret, maskSecret, OneTimeSecrets } from '../../../electron/services/one-time-secrets.ts';
import type { Clock } from '../../../electron/services/ports.ts';

// One-time secrets with a manual clock: the clipboard is wiped after the delay or at quit only
// while it still holds the copied secret.

const SECRET = 'kw_AbCdEf0123456789abcdefghijklmnopqrstuv';

function manualClock(): Clock & { advance(ms: number): Promise<void> } {
  let now = 1_000_000;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let next = 1;
  return {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = next++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout: (id) => void (timers = timers.filter((t) => t.id !== id)),
    advance: async (ms) => {
      const end = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        now = due.at;
        due.fn();
        await new Promise((r) => setImmediate(r));
      }
      now = end;
      await new Promise((r) => setImmediate(r));
    },
  };
}

function setup(delaySeconds = 30) {
  const clock = manualClock();
  const clipboard = createMemoryClipboard();
  const events: { event: KeywardEventName; payload: Record<string, unknown> }[] = [];
  const vault = new OneTimeSecrets({
    clipboard,
    clock,
    emit: (event, payload) => events.push({ event, payload: payload as Record<string, unknown> }),
    clearDelaySeconds: () => delaySeconds,
    ttlMs: 600_000,
  });
  return { clock, clipboard, events, vault };
}

test('a copied secret is cleared from the clipboard after the delay, with a countdown on the way', async () => {
  const { clock, clipboard, events, vault } = setup(30);
  const handle = vault.hold(SECRET);
  const result = await vault.copy(handle.id, 'token');
  assert.equal(await clipboard.readText(), SECRET);
  assert.equal(Date.parse(result.clearsAt!) - clock.now(), 30_000);
  await clock.advance(29_000);
  assert.equal(await clipboard.readText(), SECRET);
  await clock.advance(1_000);
  assert.equal(await clipboard.readText(), '');
  const countdown = events.filter((e) => e.event === 'secrets.clipboardCountdown').map((e) => e.payload['secondsLeft']);
  assert.equal(countdown[0], 30);
  assert.equal(countdown.at(-1), 1);
  assert.deepEqual(events.at(-1), {
    event: 'secrets.clipboardCleared',
    payload: { handleId: handle.id, reason: 'timeout', cleared: true },
  });
});

test('the clipboard is left alone when the user copied something else meanwhile', async () => {
  const { clock, clipboard, events, vault } = setup(30);
  const handle = vault.hold(SECRET);
  await vault.copy(handle.id, 'header');
  await clipboard.writeText('something the user copied');
  await clock.advance(30_000);
  assert.equal(await clipboard.readText(), 'something the user copied');
  assert.deepEqual(events.at(-1)!.payload, { handleId: handle.id, reason: 'timeout', cleared: false });
});

test('at quit the clipboard is cleared only if it still holds the secret', async () => {
  const a = setup(30);
  await a.vault.copy(a.vault.hold(SECRET).id, 'env');
  await a.vault.shutdown();
  assert.equal(await a.clipboard.readText(), '');

  const b = setup(30);
  await b.vault.copy(b.vault.hold(SECRET).id, 'env');
  await b.clipboard.writeText('mine');
  await b.vault.shutdown();
  assert.equal(await b.clipboard.readText(), 'mine');
});

test('at exit, a clipboard that reads only asynchronously (Electron 45) is cleared by the last countdown check', async () => {
  // Electron's clipboard.readText() returns a promise; only clear() is synchronous. At 'exit' no
  // promise runs, so the decision comes from the check made at the last tick.
  const electronLike = () => {
    const { readTextSync: _sync, ...port } = createMemoryClipboard();
    return port;
  };
  const make = () => {
    const clock = manualClock();
    const clipboard = electronLike();
    const vault = new OneTimeSecrets({ clipboard, clock, emit: () => {}, clearDelaySeconds: () => 30, ttlMs: 600_000 });
    return { clock, clipboard, vault };
  };

  const a = make();
  await a.vault.copy(a.vault.hold(SECRET).id, 'token');
  await a.clock.advance(2_000);
  a.vault.shutdownSync();
  assert.equal(await a.clipboard.readText(), '', 'the secret still on the clipboard is wiped at exit');

  const b = make();
  await b.vault.copy(b.vault.hold(SECRET).id, 'token');
  await b.clipboard.writeText('what the user copied since');
  await b.clock.advance(1_000);
  b.vault.shutdownSync();
  assert.equal(await b.clipboard.readText(), 'what the user copied since', "the user's own copy survives the exit");
});

test('closing the dialog forgets the secret but lets a pending clear finish, so pasting still works', async () => {
  const { clock, clipboard, vault } = setup(5);
  const handle = vault.hold(SECRET);
  await vault.copy(handle.id, 'token');
  vault.discard(handle.id);
  assert.throws(() => vault.reveal(handle.id), { code: 'secret_expired' });
  assert.equal(await clipboard.readText(), SECRET);
  await clock.advance(5_000);
  assert.equal(await clipboard.readText(), '');
});

test('a handle expires by itself and its secret is gone from memory', async () => {
  const { clock, events, vault } = setup();
  const handle = vault.hold(SECRET);
  await clock.advance(600_000);
  assert.throws(() => vault.preview(handle.id), { code: 'secret_expired' });
  assert.ok(events.some((e) => e.event === 'secrets.expired'));
});

test('copy formats: raw token, Authorization header, curl example and .env line; the preview is masked', () => {
  assert.equal(formatSecret(SECRET, 'token'), SECRET);
  assert.equal(formatSecret(SECRET, 'header'), `Authorization: Bearer ${SECRET}`);
  assert.equal(formatSecret(SECRET, 'env'), `KEYWARD_TOKEN=${SECRET}`);
  assert.equal(
    formatSecret(SECRET, 'curl', 'https://api.example.com/'),
    `curl -sS -H 'Authorization: Bearer ${SECRET}' 'https://api.example.com/'`,
  );
  assert.equal(maskSecret(SECRET), `kw_AbCdEf${'•'.repeat(16)}`);
  assert.ok(!maskSecret('legacy-secret-value-123').includes('secret-value'));
});

test('with clearing turned off a copy stays and says so', async () => {
  const { clipboard, vault } = setup(0);
  const result = await vault.copy(vault.hold(SECRET).id, 'token');
  assert.equal(result.clearsAt, null);
  assert.equal(await clipboard.readText(), SECRET);
});
