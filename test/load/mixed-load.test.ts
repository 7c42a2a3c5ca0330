import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { expectStatus, makeBackend, makeCredential, makeRole, seedCatalog, sleep } from '../helpers/builders.ts';
import type { Json } from '../helpers/server.ts';
import { loadSeconds, startCliInstances, type CliInstance, type CliInstances } from './instances.ts';
import { longestSilence, percentile, runLoad, type LoadRequest } from './load-client.ts';

// Issue 5 §4: mixed authorization load against two instances on one PostgreSQL database while
// admins write through both. Every answer is checked, every acknowledged write is accounted
// for, and a token revoked through one instance is refused by both within one second, also
// under load. KEYWARD_LOAD_SECONDS sets the duration (default 15; 60 for the full run).

const BOUND_MS = 1000;
const SECONDS = loadSeconds();
const TOGGLES = ['toggle.0', 'toggle.1', 'toggle.2', 'toggle.3'];

let cluster: CliInstances;
let a: CliInstance;
let b: CliInstance;
before(async () => {
  cluster = await startCliInstances(['a', 'b']);
  a = cluster.get('a');
  b = cluster.get('b');
});
after(() => cluster?.close());

test(
  `${SECONDS} s of mixed authorization load on two instances with concurrent admin writes: no errors, no lost writes, no stale decision after a revoke`,
  { timeout: (SECONDS + 120) * 1000 },
  async (t) => {
    await seedCatalog(a, {
      groups: [{ id: 'load', name: 'Load', actions: ['load.read', 'load.write', 'load.forbidden', ...TOGGLES].map((id) => ({ id })) }],
    });
    const reader = await makeRole(a, { actions: ['load.read'] });
    const shared = await makeRole(b, { actions: [] });
    const backend = await makeBackend(a, { frontendPrefix: '/svc', requiredRoles: [reader.id] });
    const stable: { id: string; token: string; version: number }[] = [];
    for (let i = 0; i < 40; i += 1) {
      const { credential, secret } = await makeCredential(i % 2 ? a : b, { roles: [reader.id] });
      stable.push({ id: credential.id, token: secret, version: credential.version });
    }
    // Both instances know every credential before the load starts.
    for (const instance of [a, b]) {
      for (const c of stable) assert.equal((await decide(instance, { token: c.token, action: 'load.read' })).allowed, true);
    }

    const revoked: { token: string; ackedAt: number }[] = [];
    const auth = { authorization: `Bearer ${cluster.token}` };
    const pick = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)]!;
    const decision = (want: (d: Json) => boolean, what: string) => (status: number, body: string) => {
      if (status !== 200) return `status ${status}: ${body.slice(0, 200)}`;
      const d = JSON.parse(body) as Json;
      return want(d) ? true : `${what}, got ${body.slice(0, 200)}`;
    };
    const next = (): LoadRequest => {
      const r = Math.random();
      const sentAt = Date.now();
      const old = revoked.filter((x) => x.ackedAt + BOUND_MS < sentAt);
      if (r < 0.1 && old.length > 0) {
        return {
          method: 'POST',
          path: '/v1/authorize',
          headers: auth,
          body: { token: pick(old).token, action: 'load.read' },
          verdict: decision((d) => d.allowed === false && d.reason === 'revoked', 'a token revoked over a second ago must be denied'),
        };
      }
      if (r < 0.25) {
        return {
          method: 'POST',
          path: '/v1/authorize',
          headers: auth,
          body: { token: pick(stable).token, action: 'load.forbidden' },
          verdict: decision((d) => d.allowed === false && d.reason === 'not_permitted', 'expected not_permitted'),
        };
      }
      if (r < 0.4) {
        const token = pick(stable).token;
        return {
          method: 'GET',
          path: '/v1/forward-auth',
          headers: {
            authorization: `Bearer ${token}`,
            'x-original-method': 'GET',
            'x-original-uri': `${backend.frontendPrefix}/items?page=2`,
          },
          verdict: (status, body) => (status === 200 ? true : `forward-auth expected 200, got ${status} ${body.slice(0, 200)}`),
        };
      }
      return {
        method: 'POST',
        path: '/v1/authorize',
        headers: auth,
        body: { token: pick(stable).token, action: 'load.read' },
        verdict: decision((d) => d.allowed === true, 'expected allowed'),
      };
    };

    const load = runLoad({ targets: [a.url, b.url], connectionsPerTarget: 6, durationMs: SECONDS * 1000, next });
    const deadline = Date.now() + SECONDS * 1000;
    const running = () => Date.now() < deadline;

    // Admin 1-4: each toggles its own action in one shared role, the way the app edits a role
    // (load, change, PATCH with If-Match, reload and retry on 412), alternating instances.
    const toggled = new Map<string, number>(TOGGLES.map((x) => [x, 0]));
    let roleWrites = 0;
    const toggler = async (action: string, index: number) => {
      let turn = index;
      while (running()) {
        const via = turn++ % 2 ? a : b;
        const current = expectStatus(await via.request('GET', `/v1/roles/${shared.id}`), 200, 'GET role');
        const has = current.actions.includes(action);
        const actions = has ? current.actions.filter((x: string) => x !== action) : [...current.actions, action];
        const res = await via.request('PATCH', `/v1/roles/${shared.id}`, {
          body: { actions },
          headers: { 'if-match': `"${current.version}"` },
        });
        if (res.status === 200) {
          toggled.set(action, toggled.get(action)! + 1);
          roleWrites += 1;
        } else assert.equal(res.status, 412, `role PATCH: ${res.text}`);
        await sleep(20);
      }
    };

    // Admin 5: unconditional credential edits through both instances; each acknowledged one
    // must show up as one version step.
    const edits = new Map<string, number>();
    const editor = async () => {
      let i = 0;
      while (running()) {
        const target = stable[i % 5]!;
        const via = i++ % 2 ? a : b;
        expectStatus(
          await via.request('PATCH', `/v1/credentials/${target.id}`, { body: { description: `edit ${i}` } }),
          200,
          'PATCH credential',
        );
        edits.set(target.id, (edits.get(target.id) ?? 0) + 1);
        await sleep(30);
      }
    };

    // Admin 6: issue a credential through one instance, revoke it through the other, and time
    // how long until both instances refuse it.
    const lags: number[] = [];
    const revoker = async () => {
      let i = 0;
      while (running()) {
        const [issuer, revoker] = i++ % 2 ? [a, b] : [b, a];
        const { credential, secret } = await makeCredential(issuer, { roles: [reader.id] });
        await waitFor([a, b], { token: secret, action: 'load.read' }, (d) => d.allowed === true, 'a new credential to be accepted');
        expectStatus(await revoker.request('POST', `/v1/credentials/${credential.id}/revoke`), 200, 'revoke');
        const ackedAt = Date.now();
        lags.push(
          await waitFor(
            [a, b],
            { token: secret, action: 'load.read' },
            (d) => d.reason === 'revoked',
            'the revoke to be enforced',
            ackedAt,
          ),
        );
        revoked.push({ token: secret, ackedAt });
        await sleep(200);
      }
    };

    await Promise.all([...TOGGLES.map((x, i) => toggler(x, i)), editor(), revoker()]);
    await load.done;

    // Every answer right, no network error, on both instances.
    for (const s of load.stats.values()) {
      t.diagnostic(
        `${s.target}: ${s.requests} requests (${Math.round(s.requests / SECONDS)}/s), p50 ${percentile(s.latencyMs, 50).toFixed(2)} ms, p99 ${percentile(s.latencyMs, 99).toFixed(2)} ms`,
      );
      assert.equal(s.errors, 0, `${s.target}: ${s.samples.join('\n')}`);
      assert.equal(s.wrong, 0, `${s.target}: ${s.samples.join('\n')}`);
      // Served throughout: at most three seconds in a row without an answer, whatever this machine's speed.
      const silence = longestSilence(s, 0, SECONDS - 1);
      assert.ok(silence <= 3, `${s.target} went silent for ${silence} s: ${s.perSecond.join(' ')}`);
    }
    // Revokes: several happened, each enforced by both within the bound.
    t.diagnostic(`${lags.length} revokes, slowest enforced by both instances after ${Math.max(...lags)} ms`);
    assert.ok(lags.length >= Math.min(5, SECONDS / 3), `only ${lags.length} revokes`);
    assert.ok(Math.max(...lags) < BOUND_MS, `a revoke took ${Math.max(...lags)} ms to reach both instances`);
    // No lost role write: the role holds exactly the actions toggled an odd number of times,
    // and its version counts every acknowledged write.
    const role = expectStatus(await b.request('GET', `/v1/roles/${shared.id}`), 200, 'GET role');
    t.diagnostic(`${roleWrites} role writes, ${[...edits.values()].reduce((x, y) => x + y, 0)} credential edits`);
    assert.deepEqual(
      [...role.actions].sort(),
      TOGGLES.filter((x) => toggled.get(x)! % 2 === 1),
    );
    assert.equal(role.version, shared.version + roleWrites);
    assert.ok(roleWrites >= SECONDS, `only ${roleWrites} role writes`);
    for (const c of stable.slice(0, 5)) {
      const now = expectStatus(await a.request('GET', `/v1/credentials/${c.id}`), 200, 'GET credential');
      assert.equal(now.version, c.version + (edits.get(c.id) ?? 0), `credential ${c.id} lost an edit`);
    }
    // Both instances agree with the database on the final role.
    for (const instance of [a, b]) {
      const d = await decide(instance, { token: stable[0]!.token, action: 'load.read' });
      assert.equal(d.allowed, true);
    }
  },
);

async function decide(instance: CliInstance, body: Record<string, unknown>): Promise<Json> {
  return expectStatus(await instance.request('POST', '/v1/authorize', { body }), 200, 'POST /v1/authorize');
}

/** Polls the instances until every one decides as wanted; answers the time since `since`. */
async function waitFor(
  instances: CliInstance[],
  body: Record<string, unknown>,
  want: (d: Json) => boolean,
  what: string,
  since = Date.now(),
): Promise<number> {
  const pending = new Set(instances);
  while (pending.size > 0) {
    for (const instance of [...pending]) if (want(await decide(instance, body))) pending.delete(instance);
    if (pending.size === 0) break;
    if (Date.now() - since > 10_000) assert.fail(`waited 10 s for ${what} on ${[...pending].map((i) => i.name).join(', ')}`);
    await sleep(10);
  }
  return Date.now() - since;
}
