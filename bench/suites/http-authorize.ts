import type { AutocannonRequest } from 'autocannon';
import { startChild, type ChildServer } from '../lib/child.ts';
import { createAuthorizer, importCredentials, seedCatalogAndRoles, startKeyward, type KeywardInstance } from '../lib/keyward.ts';
import { runLoad, type LoadResult } from '../lib/load.ts';
import { median, type Recorder } from '../lib/report.ts';
import type { Suite, SuiteContext } from './suite.ts';

// Authorization over HTTP against a bare node:http server answering 200, same machine, same
// process model. Both servers get byte-identical requests from the same client, so the client's
// own cost cancels out of the ratio. Keyward holds a 5,000-action catalog and 10,000 credentials.

const BARE = new URL('../servers/bare-server.ts', import.meta.url);
const FASTIFY = new URL('../servers/fastify-server.ts', import.meta.url);
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
  fastify: ChildServer;
  /** Prebuilt requests per endpoint, one per seeded credential (so building them costs nothing during a run). */
  requests: Record<Endpoint, AutocannonRequest[]>;
}

async function prepare(ctx: SuiteContext): Promise<Fixture> {
  const bare = await startChild(BARE, {});
  const fastify = await startChild(FASTIFY, {});
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
  // Measure a process started on the seeded database, as in production (and the one profiled).
  await keyward.restart();
  const action = roles[0]!.actions[1]!;
  const build = (endpoint: Endpoint) => credentials.map((c) => requestFor(endpoint, c.secret, authorizer, action));
  return { keyward, bare, fastify, requests: { authorize: build('authorize'), 'forward-auth': build('forward-auth') } };
}

export const httpAuthorize: Suite = {
  name: 'http-authorize',
  description: '/v1/authorize and /v1/forward-auth vs a bare node:http server (autocannon, 100 connections, keep-alive)',
  async run(ctx: SuiteContext, record: Recorder): Promise<void> {
    const plan: Plan = ctx.quick
      ? { seconds: 3, warmup: 1, rounds: 2, coldRounds: 1 }
      : { seconds: 5, warmup: 2, rounds: 5, coldRounds: 3 };
    const fixture = await prepare(ctx);
    try {
      for (const endpoint of ['authorize', 'forward-auth'] as const) await measureEndpoint(ctx, record, fixture, endpoint, plan);
    } finally {
      await fixture.keyward.dispose();
      await fixture.bare.stop();
      await fixture.fastify.stop();
    }
  },
};

interface Plan {
  seconds: number;
  warmup: number;
  /** Alternating rounds per comparison; medians are reported, so a noisy neighbour skews one round, not the figure. */
  rounds: number;
  /** Cold starts, each compared with the same process hot right after. */
  coldRounds: number;
}

interface Compared {
  bare: Summary;
  fastify: Summary;
  keyward: Summary;
  /** Median over rounds of keyward ÷ bare throughput, each round measured back to back. */
  ratio: number;
  /** Every round's keyward ÷ bare ratio: the spread other processes on the machine cause. */
  ratios: number[];
  fastifyRatio: number;
}

interface Summary {
  rps: number;
  p50: number;
  p99: number;
  /** Server CPU time per request (user + system), read from the server process itself. */
  cpuMicros: number;
  last: LoadResult;
}

function summarize(results: LoadResult[]): Summary {
  return {
    rps: median(results.map((r) => r.requestsPerSec)),
    p50: median(results.map((r) => r.p50Ms)),
    p99: median(results.map((r) => r.p99Ms)),
    cpuMicros: median(results.map((r) => r.serverCpuMicros)),
    last: results.at(-1)!,
  };
}

async function measureEndpoint(ctx: SuiteContext, record: Recorder, fixture: Fixture, endpoint: Endpoint, plan: Plan): Promise<void> {
  const all = fixture.requests[endpoint];
  const hot = all.slice(0, HOT_TOKENS);
  const load = async (
    name: string,
    server: ChildServer,
    requests: AutocannonRequest[],
    connections: number,
    pipelining: number,
    seconds: number,
  ) => {
    const result = await runLoad({
      url: server.url,
      serverCpuMicros: () => server.cpuMicros(),
      connections,
      pipelining,
      durationSec: seconds,
      request: (i) => requests[i % requests.length]!,
    });
    ctx.log(
      `  ${endpoint} ${name} c=${connections} p=${pipelining}: ${Math.round(result.requestsPerSec)} req/s, p50 ${result.p50Ms.toFixed(3)} ms, p99 ${result.p99Ms.toFixed(3)} ms, statuses ${JSON.stringify(result.statuses)}`,
    );
    return result;
  };
  const compare = async (connections: number, pipelining: number, seconds: number): Promise<Compared> => {
    const servers = [
      ['bare', fixture.bare],
      ['fastify', fixture.fastify],
      ['keyward', fixture.keyward.server],
    ] as const;
    const results: Record<string, LoadResult[]> = { bare: [], fastify: [], keyward: [] };
    for (const [name, server] of servers) await load(`${name} (warm-up)`, server, hot, connections, pipelining, plan.warmup);
    const ratios: number[] = [];
    const fastifyRatios: number[] = [];
    for (let round = 0; round < plan.rounds; round += 1) {
      // Alternating order, so a neighbour's burst does not always land on the same server.
      const order = round % 2 === 0 ? servers : [...servers].reverse();
      for (const [name, server] of order) results[name]!.push(await load(name, server, hot, connections, pipelining, seconds));
      ratios.push(results.keyward![round]!.requestsPerSec / results.bare![round]!.requestsPerSec);
      fastifyRatios.push(results.fastify![round]!.requestsPerSec / results.bare![round]!.requestsPerSec);
    }
    return {
      bare: summarize(results.bare!),
      fastify: summarize(results.fastify!),
      keyward: summarize(results.keyward!),
      ratio: median(ratios),
      ratios,
      fastifyRatio: median(fastifyRatios),
    };
  };

  for (const pipelining of [1, 10]) {
    const label = `${endpoint} hot, ${CONNECTIONS} conn, pipelining ${pipelining}`;
    const c = await compare(CONNECTIONS, pipelining, plan.seconds);
    const bare = { name: 'bare', value: c.bare.rps };
    record.add({
      name: `${label}: throughput`,
      value: c.keyward.rps,
      unit: 'req/s',
      baseline: bare,
      ratio: c.ratio,
      target: { text: '≥ 0.85× bare', met: c.ratio >= 0.85 },
      ...statusNote(c.keyward.last, spread(c.ratios)),
    });
    record.add({
      name: `${label}: empty fastify app, for reference`,
      value: c.fastify.rps,
      unit: 'req/s',
      baseline: bare,
      ratio: c.fastifyRatio,
    });
    // CPU per request does not depend on what else runs on the machine, unlike throughput.
    record.add({
      name: `${label}: server CPU per request`,
      value: c.keyward.cpuMicros,
      unit: 'µs',
      baseline: { name: 'bare', value: c.bare.cpuMicros },
    });
    record.add({
      name: `${label}: server CPU per request, empty fastify app`,
      value: c.fastify.cpuMicros,
      unit: 'µs',
      baseline: { name: 'bare', value: c.bare.cpuMicros },
    });
    // Under saturation the median latency is mostly queueing (about connections ÷ throughput).
    record.add({
      name: `${label}: added p50 (queueing)`,
      value: c.keyward.p50 - c.bare.p50,
      unit: 'ms',
      baseline: { name: 'bare p50', value: c.bare.p50 },
      ratio: c.keyward.p50 / c.bare.p50,
    });
    record.add({
      name: `${label}: added p99 (queueing)`,
      value: c.keyward.p99 - c.bare.p99,
      unit: 'ms',
      baseline: { name: 'bare p99', value: c.bare.p99 },
      ratio: c.keyward.p99 / c.bare.p99,
    });
  }

  // One connection, no pipelining: the latency one request adds, without queueing.
  {
    const c = await compare(1, 1, Math.max(2, Math.round(plan.seconds * 0.6)));
    const added = c.keyward.p50 - c.bare.p50;
    const base = { name: 'bare p50', value: c.bare.p50 };
    record.add({
      name: `${endpoint} hot, 1 conn: added p50`,
      value: added,
      unit: 'ms',
      baseline: base,
      ratio: c.keyward.p50 / c.bare.p50,
      target: { text: '≤ +0.1 ms over bare', met: added <= 0.1 },
      ...statusNote(c.keyward.last),
    });
    record.add({
      name: `${endpoint} hot, 1 conn: added p99`,
      value: c.keyward.p99 - c.bare.p99,
      unit: 'ms',
      baseline: { name: 'bare p99', value: c.bare.p99 },
      ratio: c.keyward.p99 / c.bare.p99,
    });
    record.add({
      name: `${endpoint} hot, 1 conn: empty fastify app added p50, for reference`,
      value: c.fastify.p50 - c.bare.p50,
      unit: 'ms',
      baseline: base,
      ratio: c.fastify.p50 / c.bare.p50,
    });
  }

  // Cold: a freshly started process (nothing JIT-compiled yet), no warm-up, and every request a
  // token this process has not seen, cycling through all 10,000 credentials. Each round compares
  // it with the same process answering the hot tokens right after, so the ratio is of two
  // neighbouring measurements (other processes on the machine come and go).
  for (const pipelining of [1, 10]) {
    const label = `${endpoint} cold, ${CONNECTIONS} conn, pipelining ${pipelining}`;
    const colds: LoadResult[] = [];
    const ratios: number[] = [];
    const hots: number[] = [];
    for (let round = 0; round < plan.coldRounds; round += 1) {
      await fixture.keyward.restart();
      const cold = await load('keyward (cold)', fixture.keyward.server, all.slice(HOT_TOKENS), CONNECTIONS, pipelining, plan.seconds);
      const warm = await load('keyward (hot, after cold)', fixture.keyward.server, hot, CONNECTIONS, pipelining, plan.seconds);
      colds.push(cold);
      hots.push(warm.requestsPerSec);
      ratios.push(cold.requestsPerSec / warm.requestsPerSec);
    }
    const ratio = median(ratios);
    const coldRps = median(colds.map((c) => c.requestsPerSec));
    record.add({
      name: `${label}: throughput`,
      value: coldRps,
      unit: 'req/s',
      baseline: { name: 'hot, same process after', value: median(hots) },
      ratio,
      target: { text: '≥ 0.5× hot', met: ratio >= 0.5 },
      ...statusNote(colds.at(-1)!, spread(ratios)),
    });
    record.add({
      name: `${label}: first second`,
      value: median(colds.map((c) => c.firstSecondRequests)),
      unit: 'req',
      baseline: { name: 'hot req/s', value: median(hots) },
    });
  }
  record.add({
    name: `${endpoint}: restart to ready (${CREDENTIALS} credentials loaded)`,
    value: fixture.keyward.server.startMs,
    unit: 'ms',
    baseline: { name: 'bare node:http start', value: fixture.bare.startMs },
  });
}

function statusNote(result: LoadResult, extra?: string): { note?: string } {
  const problems =
    result.unexpected === 0 && result.errors === 0
      ? null
      : `${result.unexpected} unexpected statuses ${JSON.stringify(result.statuses)}, ${result.errors} errors`;
  const note = [extra, problems].filter(Boolean).join('; ');
  return note ? { note } : {};
}

/** "rounds 0.71–0.93×": the lowest and highest ratio of the rounds behind a median. */
function spread(ratios: number[]): string {
  return `${ratios.length} rounds ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}×`;
}
