import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pg from 'pg';
import { eventually, expectStatus, makeCredential } from '../../helpers/builders.ts';
import { startInstances, startPostgres, type Instance, type InstanceGroup } from '../../helpers/postgres.ts';
import type { Json } from '../../helpers/server.ts';

// Issue 15: the admin API checks its caller's credential against the same in-memory cache as
// /v1/authorize, so it keeps the same bound. An instance whose change feed has been down longer
// than --max-stale-seconds cannot know whether an administrator was revoked through another
// instance: it refuses every admin request with 503 database_unavailable (reason stale_cache)
// instead of letting a revoked administrator in, and serves them again once the feed is back.

const groups: InstanceGroup[] = [];
after(async () => {
  await Promise.allSettled(groups.map((g) => g.close()));
});

test(
  'an administrator revoked through another instance is refused (503 stale_cache, never 200) once the feed has been down longer than the bound, and 401 after it is back',
  { timeout: 60_000 },
  async () => {
    const cluster = await startPostgres();
    const group = await startInstances(2, { server: { maxStaleSeconds: 2 } });
    groups.push(group);
    const [a, b] = group.instances as [Instance, Instance];
    const roles = expectStatus(await a.request('GET', '/v1/roles'), 200, 'GET /v1/roles').items as Json[];
    const administrator = roles.find((r) => r.name === 'Administrator');
    assert.ok(administrator, 'the bootstrap role exists');
    const { credential, secret } = await makeCredential(a, { roles: [administrator.id] });
    assert.ok(await eventually(async () => (await b.request('GET', '/v1/roles', { token: secret })).status === 200, 2000, 20));

    // Both feeds lose their connections and cannot come back (the database refuses new
    // sessions), while the instances' pooled connections stay open: b can still read its
    // database, it just no longer hears what a writes.
    const database = new URL(group.databaseUrl).pathname.slice(1);
    const admin = new pg.Client({ connectionString: cluster.url.replace(/\/keyward$/, '/postgres') });
    await admin.connect();
    try {
      await admin.query(`alter database ${database} allow_connections false`);
      try {
        await admin.query(
          "select pg_terminate_backend(pid) from pg_stat_activity where application_name like 'keyward-feed-%' and datname = $1",
          [database],
        );
        assert.ok(
          await eventually(
            async () => (await b.request('GET', '/v1/ready', { token: null })).json?.reason === 'change_feed_down',
            10_000,
            20,
          ),
          'b reports its feed down',
        );
        const feedDownAt = Date.now();
        expectStatus(await a.request('POST', `/v1/credentials/${credential.id}/revoke`), 200, 'revoke through a');
        assert.equal((await a.request('GET', '/v1/roles', { token: secret })).status, 401, 'a knows at once');

        // Past the bound (2 s), b refuses the revoked administrator — and every other caller,
        // since it cannot tell which ones are still good.
        let answer: Awaited<ReturnType<Instance['request']>> | null = null;
        assert.ok(
          await eventually(
            async () => {
              answer = await b.request('GET', '/v1/roles', { token: secret });
              assert.ok([200, 503].includes(answer.status), `${answer.status} ${answer.text}`);
              return answer.status === 503;
            },
            10_000,
            50,
          ),
          'b stops serving admin requests from its stale cache',
        );
        const refusedAfter = Date.now() - feedDownAt;
        assert.ok(refusedAfter <= 2000 + 1500, `refused ${refusedAfter} ms after the feed went down (bound 2 s)`);
        const refused = answer!;
        assert.equal(refused.json.error.code, 'database_unavailable');
        assert.equal(refused.json.error.details.reason, 'stale_cache');
        assert.ok(Number(refused.headers.get('retry-after')) > 0, 'with Retry-After');
        const write = await b.request('POST', `/v1/credentials/${credential.id}/enable`, { token: secret });
        assert.equal(write.status, 503, 'nor may it write');
        const bootstrap = await b.request('GET', '/v1/roles');
        assert.equal(bootstrap.status, 503, 'a caller still valid is refused too');
        assert.equal(bootstrap.json.error.details.reason, 'stale_cache');
        const decision = expectStatus(
          await b.request('POST', '/v1/authorize', { body: { token: secret, action: 'keyward.roles.read' } }),
          200,
          'authorize',
        );
        assert.equal(decision.reason, 'stale_cache', 'authorization keeps answering its own stale_cache decision');
      } finally {
        await admin.query(`alter database ${database} allow_connections true`);
      }
    } finally {
      await admin.end();
    }

    assert.ok(
      await eventually(async () => (await b.request('GET', '/v1/roles', { token: secret })).status === 401, 10_000, 20),
      'once the feed is back b has applied the revoke: 401',
    );
    expectStatus(await b.request('GET', '/v1/roles'), 200, 'and serves valid administrators again');
  },
);
