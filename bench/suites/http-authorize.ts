import type { AutocannonRequest } from 'autocannon';
import { startChild, type ChildServer } from '../lib/child.ts';
import { createAuthorizer, importCredentials, seedCatalogAndRoles, startKeyward, type KeywardInstance } from '../lib/keyward.ts';
import { runLoad, type LoadResult } from '../lib/load.ts';
import type { Recorder } from '../lib/report.ts';
import type { Suite, SuiteContext } from './suite.ts';

// Authorization over HTTP against a bare node:http server answering 200, same machine, same
// process model. Both servers get byte-identical requests from the same client, so the client's
// own cost cancels out of the ratio. Keyward holds a 5,000-action catalog and 10,000 credentials.

const BARE = new URL('../servers/bare-server.ts', import.meta.url);
const ACTIONS = 5000;
const ROLES = 20;
const CREDENTIALS = 10_000;
const HOT_TOKENS = 64;
const CONNECTIONS = 100;

type Endpoint = 'authorize' | 'forward-auth';

function requestFor(endpoint: Endpoint, token: string, authorizer: string, action: string): AutocannonRequest {
  if (endpoint === 'authorize') {
    return {
      method: 'POST',
      path: '/v1/authorize',
      headers: { authorization: `Bearer ${authorizer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ token, action }),
    };
  }
  return {
    method: 'GET',
    path: '/v1/forward-auth',
    headers: { authorization: `Bearer ${token}`, 'x-original-method': 'GET', 'x-original-uri': '/api/clients/42?expand=owner' },
  };
}

interface Fixture {
  keyward: KeywardInstance;
  bare: ChildServer;
  /** Prebuilt requests per endpoint, one per seeded credential (so building them costs nothing during a run). */
  requests: Record<Endpoint, AutocannonRequest[]>;
}

async function prepare(ctx: SuiteContext): Promise<Fixture> {
  const bare = await startChild(BARE, {});
  const keyward = await startKeyward({ cpuProfDir: ctx.cpuProfDir });
  const seedStart = performance.now();
  const roles = await seedCatalogAndRoles(keyward.api, ACTIONS, ROLES);
  // Every credential holds role 0 (required by the backend, includes the action asked about) and one other.
  await keyward.api.request('POST', '/v1/backends', {
    name: 'bench-api',
    frontendPrefix: '/api',
    requiredRoles: [roles[0]!.id],
    subSettings: [
      { method: 'DELETE', pathRegex: '^/api/admin/.*$', requiredRoles: [roles[1]!.id], override: false },
      { method: 'ANY', pathRegex: '^/api/public/', requiredRoles: [], override: true },
    ],
  });
  const credentials = await importCredentials(keyward.api, CREDENTIALS, (i) => [roles[0]!.id, roles[1 + (i % (ROLES - 1))]!.id]);
  const authorizer = await createAuthorizer(keyward.api);
  ctx.log(
    `  seeded ${ACTIONS} actions, ${ROLES} roles, ${CREDENTIALS} credentials in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
  );
  const action = roles[0]!.actions[1]!;
  const build = (endpoint: Endpoint) => credentials.map((c) => requestFor(endpoint, c.secret, authorizer, action));
  return { keyward, bare, requests: { authorize: build('authorize'), 'forward-auth': build('forward-auth') } };
}

export const httpAuthorize: Suite = {
  name: 'http-authorize',
  description: '/v1/authorize and /v1/forward-auth vs a bare node:http server (autocannon, 100 connections, keep-alive)',
  async run(ctx: SuiteContext, record: Recorder): Promise<void> {
    const duration = ctx.quick ? 3 : 10;
    const warmup = ctx.quick ? 1 : 3;
    const fixture = await prepare(ctx);
    try {
      for (const endpoint of ['authorize', 'forward-auth'] as const) {
        await measureEndpoint(ctx, record, fixture, endpoint, duration, warmup);
      }
    } finally {
      await fixture.keyward.dispose();
      await fixture.bare.stop();
    }
  },
};

async function measureEndpoint(
  ctx: SuiteContext,
  record: Recorder,
  fixture: Fixture,
  endpoint: Endpoint,
  duration: number,
  warmup: number,
): Promise<void> {
  const all = fixture.requests[endpoint];
  const hot = all.slice(0, HOT_TOKENS);
  const rotate = (list: AutocannonRequest[]) => (i: number) => list[i % list.length]!;
  const load = async (server: ChildServer, requests: AutocannonRequest[], connections: number, pipelining: number, seconds: number) => {
    const result = await runLoad({ url: server.url, connections, pipelining, durationSec: seconds, request: rotate(requests) });
    ctx.log(
      `  ${endpoint} ${server === fixture.bare ? 'bare' : 'keyward'} c=${connections} p=${pipelining}: ${Math.round(result.requestsPerSec)} req/s, p50 ${result.p50Ms.toFixed(3)} ms, p99 ${result.p99Ms.toFixed(3)} ms, statuses ${JSON.stringify(result.statuses)}`,
    );
    return result;
  };

  const hotByPipelining = new Map<number, LoadResult>();
  for (const pipelining of [1, 10]) {
    const label = `${endpoint} hot, ${CONNECTIONS} conn, pipelining ${pipelining}`;
    await load(fixture.bare, hot, CONNECTIONS, pipelining, warmup);
    const bare = await load(fixture.bare, hot, CONNECTIONS, pipelining, duration);
    await load(fixture.keyward.server, hot, CONNECTIONS, pipelining, warmup);
    const keyward = await load(fixture.keyward.server, hot, CONNECTIONS, pipelining, duration);
    hotByPipelining.set(pipelining, keyward);
    const rps = keyward.requestsPerSec / bare.requestsPerSec;
    record.add({
      name: `${label}: throughput`,
      value: keyward.requestsPerSec,
      unit: 'req/s',
      baseline: { name: 'bare', value: bare.requestsPerSec },
      target: { text: '≥ 0.85× bare', met: rps >= 0.85 },
      ...statusNote(keyward),
    });
    // Under saturation the median latency is mostly queueing (≈ connections ÷ throughput).
    record.add({
      name: `${label}: added p50 (queueing)`,
      value: keyward.p50Ms - bare.p50Ms,
      unit: 'ms',
      baseline: { name: 'bare p50', value: bare.p50Ms },
      ratio: keyward.p50Ms / bare.p50Ms,
    });
    record.add({
      name: `${label}: added p99 (queueing)`,
      value: keyward.p99Ms - bare.p99Ms,
      unit: 'ms',
      baseline: { name: 'bare p99', value: bare.p99Ms },
      ratio: keyward.p99Ms / bare.p99Ms,
    });
  }

  // One connection, no pipelining: the latency a single request adds, without queueing.
  {
    const seconds = Math.max(2, Math.round(duration / 2));
    await load(fixture.bare, hot, 1, 1, warmup);
    const bare = await load(fixture.bare, hot, 1, 1, seconds);
    await load(fixture.keyward.server, hot, 1, 1, warmup);
    const keyward = await load(fixture.keyward.server, hot, 1, 1, seconds);
    const added = keyward.p50Ms - bare.p50Ms;
    record.add({
      name: `${endpoint} hot, 1 conn: added p50`,
      value: added,
      unit: 'ms',
      baseline: { name: 'bare p50', value: bare.p50Ms },
      ratio: keyward.p50Ms / bare.p50Ms,
      target: { text: '≤ +0.1 ms over bare', met: added <= 0.1 },
      ...statusNote(keyward),
    });
    record.add({
      name: `${endpoint} hot, 1 conn: added p99`,
      value: keyward.p99Ms - bare.p99Ms,
      unit: 'ms',
      baseline: { name: 'bare p99', value: bare.p99Ms },
      ratio: keyward.p99Ms / bare.p99Ms,
    });
  }

  // Cold: a freshly started process (nothing JIT-compiled yet), no warm-up, and every request a
  // token this process has not seen, cycling through all 10,000 credentials.
  for (const pipelining of [1, 10]) {
    const label = `${endpoint} cold, ${CONNECTIONS} conn, pipelining ${pipelining}`;
    await fixture.keyward.restart();
    const offset = pipelining === 1 ? HOT_TOKENS : HOT_TOKENS + 1;
    const cold = await load(fixture.keyward.server, all.slice(offset), CONNECTIONS, pipelining, duration);
    const hotResult = hotByPipelining.get(pipelining)!;
    const ratio = cold.requestsPerSec / hotResult.requestsPerSec;
    record.add({
      name: `${label}: throughput`,
      value: cold.requestsPerSec,
      unit: 'req/s',
      baseline: { name: 'hot', value: hotResult.requestsPerSec },
      target: { text: '≥ 0.5× hot', met: ratio >= 0.5 },
      ...statusNote(cold),
    });
    record.add({
      name: `${label}: first second`,
      value: cold.firstSecondRequests,
      unit: 'req',
      baseline: { name: 'hot req/s', value: hotResult.requestsPerSec },
    });
  }
  record.add({
    name: `restart to ready (${CREDENTIALS} credentials loaded)`,
    value: fixture.keyward.server.startMs,
    unit: 'ms',
    baseline: { name: 'bare node:http start', value: fixture.bare.startMs },
  });
}

function statusNote(result: LoadResult): { note?: string } {
  if (result.unexpected === 0 && result.errors === 0) return {};
  return { note: `${result.unexpected} unexpected statuses ${JSON.stringify(result.statuses)}, ${result.errors} errors` };
}
