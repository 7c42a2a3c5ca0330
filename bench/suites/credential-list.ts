import { setTimeout as sleep } from 'node:timers/promises';
import { importCredentials, seedCatalogAndRoles, startKeyward, type KeywardInstance } from '../lib/keyward.ts';
import { median } from '../lib/report.ts';
import type { Recorder } from '../lib/report.ts';
import { serverTimes } from '../lib/server-log.ts';
import type { Suite, SuiteContext } from './suite.ts';

// GET /v1/credentials on a warmed server: the first page at 100,000 credentials, against the
// same query at 1,000 (so the ratio shows how the list scales). Server time comes from the
// server's own log; client time (loopback, body read) is reported next to it.

const SMALL = 1000;
const LARGE = 100_000;

interface Query {
  label: string;
  path: string;
}

const QUERIES: Query[] = [
  { label: 'first page (limit 100)', path: '/v1/credentials?limit=100' },
  { label: 'first page, default limit', path: '/v1/credentials' },
  { label: 'search q= (limit 100)', path: '/v1/credentials?q=bench-0009&limit=100' },
  { label: 'status=revoked (none match)', path: '/v1/credentials?status=revoked&limit=100' },
];

interface Timing {
  client: number;
  server: number | null;
}

async function measure(keyward: KeywardInstance, path: string, runs: number): Promise<Timing> {
  for (let i = 0; i < 5; i += 1) await keyward.api.request('GET', path);
  const client: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    await keyward.api.request('GET', path);
    client.push(performance.now() - start);
  }
  await sleep(300); // let the server's log stream flush
  const server = serverTimes(keyward.logFile, `GET ${path}`).slice(-runs);
  return { client: median(client), server: server.length === runs ? median(server) : null };
}

export const credentialList: Suite = {
  name: 'credential-list',
  description: 'GET /v1/credentials first page at 100,000 credentials vs 1,000',
  async run(ctx: SuiteContext, record: Recorder): Promise<void> {
    const runs = ctx.quick ? 10 : 30;
    const keyward = await startKeyward({ cpuProfDir: ctx.cpuProfDir });
    try {
      const roles = await seedCatalogAndRoles(keyward.api, 500, 10);
      const rolesFor = (i: number) => [roles[i % 10]!.id];
      await importCredentials(keyward.api, SMALL, rolesFor, 'bench', 1000);
      const small = new Map<string, Timing>();
      for (const query of QUERIES) small.set(query.label, await measure(keyward, query.path, runs));

      const seedStart = performance.now();
      await importCredentials(keyward.api, LARGE - SMALL, (i) => rolesFor(i + SMALL), 'bulk', 5000);
      const seedMs = performance.now() - seedStart;
      record.add({
        name: `import of ${(LARGE - SMALL).toLocaleString('en-US')} credentials (chunks of 5,000)`,
        value: ((LARGE - SMALL) / seedMs) * 1000,
        unit: 'credentials/s',
      });
      ctx.log(`  imported ${LARGE - SMALL} credentials in ${(seedMs / 1000).toFixed(1)} s`);

      if (ctx.cpuProfDir) await keyward.restart();
      const health = await measure(keyward, '/v1/health', runs);
      for (const query of QUERIES) {
        const large = await measure(keyward, query.path, runs);
        const before = small.get(query.label)!;
        const isTarget = query.label === 'first page (limit 100)';
        if (large.server !== null && before.server !== null) {
          record.add({
            name: `${query.label} at 100,000: server time`,
            value: large.server,
            unit: 'ms',
            baseline: { name: 'same at 1,000', value: before.server },
            ...(isTarget ? { target: { text: '< 50 ms', met: large.server < 50 } } : {}),
          });
        } else {
          record.skip(`${query.label} at 100,000: server time`, 'the server log held no request times');
        }
        record.add({
          name: `${query.label} at 100,000: client time`,
          value: large.client,
          unit: 'ms',
          baseline: { name: 'GET /v1/health', value: health.client },
          ...(isTarget && large.server === null ? { target: { text: '< 50 ms', met: large.client < 50 } } : {}),
        });
      }
      // A later page: keyset pagination should cost the same as the first.
      const first = await keyward.api.request<{ nextCursor: string }>('GET', '/v1/credentials?limit=100');
      const cursor = encodeURIComponent(first.nextCursor);
      const second = await measure(keyward, `/v1/credentials?limit=100&cursor=${cursor}`, runs);
      record.add({
        name: 'second page (cursor) at 100,000: client time',
        value: second.client,
        unit: 'ms',
        baseline: { name: 'GET /v1/health', value: health.client },
      });
      await measureChangeSetAtScale(ctx, record, keyward, roles[0]!.actions);
    } finally {
      await keyward.dispose();
    }
  },
};

/**
 * A change set of 1,000 new roles on a server that holds 100,000 credentials, against one of 10:
 * the server answers only after its authorization cache has taken the change in, so a cache
 * that reloaded every credential for a large set would show here (not in change-sets, whose
 * server holds no credentials).
 */
async function measureChangeSetAtScale(ctx: SuiteContext, record: Recorder, keyward: KeywardInstance, actions: string[]): Promise<void> {
  let batch = 0;
  const apply = async (count: number): Promise<void> => {
    batch += 1;
    const changes = Array.from({ length: count }, (_, i) => ({
      op: 'create',
      role: { name: `scale-${batch}-role-${i}`, actions: actions.slice(i % 10, (i % 10) + 20) },
    }));
    await keyward.api.request('POST', '/v1/roles/changes', { changes });
  };
  const order: number[] = [];
  for (let i = 0; i < (ctx.quick ? 2 : 4); i += 1) {
    for (const size of [10, 1000]) {
      await apply(size);
      order.push(size);
    }
  }
  await sleep(300); // let the server's log stream flush
  const times = serverTimes(keyward.logFile, 'POST /v1/roles/changes').slice(-order.length);
  if (times.length !== order.length) {
    record.skip('1,000-role change set at 100,000 credentials: server time', 'the server log held no request times');
    return;
  }
  const large = median(times.filter((_, i) => order[i] === 1000));
  const small = median(times.filter((_, i) => order[i] === 10));
  record.add({
    name: '1,000-role change set at 100,000 credentials: server time',
    value: large,
    unit: 'ms',
    baseline: { name: '10-role set', value: small },
    target: { text: '< 500 ms', met: large < 500 },
  });
}
