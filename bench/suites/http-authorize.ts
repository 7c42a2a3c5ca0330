import { startChild, type ChildServer } from '../lib/child.ts';
import { compareServers, enoughRounds, refuse, roundDifferences, roundRatios, spreadText, type Contender } from '../lib/compare.ts';
import { createAuthorizer, importCredentials, seedCatalogAndRoles, startKeyward, type KeywardInstance } from '../lib/keyward.ts';
import { median, type Recorder } from '../lib/report.ts';
import { canPin, runWrk, SERVER_CPU, type WrkRequest } from '../lib/wrk.ts';
import type { Suite, SuiteContext } from './suite.ts';

// /v1/authorize and /v1/forward-auth over HTTP against a bare node:http server and an empty
// fastify app. Every server runs alone on core 0 (taskset), wrk alone on core 1, so the server
// is what limits throughput; rounds alternate the servers and a round where wrk ran out of CPU,
// or where bare node:http was not faster than Keyward's /v1/health, is refused (see compare.ts).

const BARE = new URL('../servers/bare-server.ts', import.meta.url);
const FASTIFY = new URL('../servers/fastify-server.ts', import.meta.url);
const ACTIONS = 5000;
const ROLES = 20;
const HOT_TOKENS = 64;
const CONNECTIONS = 50;

type Endpoint = 'authorize' | 'forward-auth';

export function requestFor(endpoint: Endpoint, token: string, authorizer: string, action: string): WrkRequest {
  if (endpoint === 'authorize') {
    return {
      method: 'POST',
      path: '/v1/authorize',
      headers: { Authorization: `Bearer ${authorizer}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ token, action }),
    };
  }
  return {
    method: 'GET',
    path: '/v1/forward-auth',
    headers: { Authorization: `Bearer ${token}`, 'X-Original-Method': 'GET', 'X-Original-URI': '/api/clients/42?expand=owner' },
  };
}

const HEALTH: WrkRequest = { method: 'GET', path: '/v1/health' };

interface Fixture {
  keyward: KeywardInstance;
  bare: ChildServer;
  fastify: ChildServer;
  requests: Record<Endpoint, WrkRequest[]>;
}

interface Plan {
  credentials: number;
  seconds: number;
  warmup: number;
  rounds: number;
  coldRounds: number;
}

async function prepare(ctx: SuiteContext, plan: Plan): Promise<Fixture> {
  const bare = await startChild(BARE, {}, { cpus: SERVER_CPU });
  const fastify = await startChild(FASTIFY, {}, { cpus: SERVER_CPU });
  const keyward = await startKeyward({ cpuProfDir: ctx.cpuProfDir, cpus: SERVER_CPU });
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
  const credentials = await importCredentials(keyward.api, plan.credentials, (i) => [roles[0]!.id, roles[1 + (i % (ROLES - 1))]!.id]);
  const authorizer = await createAuthorizer(keyward.api);
  ctx.log(
    `  seeded ${ACTIONS} actions, ${ROLES} roles, ${plan.credentials} credentials in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
  );
  // Measure a process started on the seeded database, as in production (and the one profiled).
  await keyward.restart();
  const action = roles[0]!.actions[1]!;
  const build = (endpoint: Endpoint) => credentials.map((c) => requestFor(endpoint, c.secret, authorizer, action));
  return { keyward, bare, fastify, requests: { authorize: build('authorize'), 'forward-auth': build('forward-auth') } };
}

export const httpAuthorize: Suite = {
  name: 'http-authorize',
  description: '/v1/authorize and /v1/forward-auth vs bare node:http and an empty fastify app (wrk, server and load on separate cores)',
  async run(ctx: SuiteContext, record: Recorder): Promise<void> {
    if (!canPin()) {
      record.skip('http-authorize', 'needs two CPUs: the server and wrk must run on different cores');
      return;
    }
    const plan: Plan = ctx.quick
      ? { credentials: 2000, seconds: 2, warmup: 1, rounds: 2, coldRounds: 1 }
      : { credentials: 10_000, seconds: 3, warmup: 2, rounds: 5, coldRounds: 3 };
    const fixture = await prepare(ctx, plan);
    try {
      for (const endpoint of ['authorize', 'forward-auth'] as const) await measureEndpoint(ctx, record, fixture, endpoint, plan);
    } finally {
      await fixture.keyward.dispose();
      await fixture.bare.stop();
      await fixture.fastify.stop();
    }
  },
};

async function measureEndpoint(ctx: SuiteContext, record: Recorder, fixture: Fixture, endpoint: Endpoint, plan: Plan): Promise<void> {
  const all = fixture.requests[endpoint];
  const hot = all.slice(0, HOT_TOKENS);
  const contenders = (withHealth: boolean): Contender[] => [
    { name: 'bare', server: fixture.bare, requests: hot },
    { name: 'fastify', server: fixture.fastify, requests: hot },
    { name: 'keyward', server: fixture.keyward.server, requests: hot },
    ...(withHealth ? [{ name: 'health', server: fixture.keyward.server, requests: [HEALTH] }] : []),
  ];

  // Throughput at 50 connections (keep-alive), cache hit.
  {
    const label = `${endpoint} hot, ${CONNECTIONS} conn`;
    const c = await compareServers({
      contenders: contenders(true),
      connections: CONNECTIONS,
      seconds: plan.seconds,
      rounds: plan.rounds,
      warmupSec: plan.warmup,
      bare: 'bare',
      health: 'health',
      log: ctx.log,
      label,
    });
    const m = c.medians;
    const bare = { name: 'bare', value: m.get('bare')!.rps };
    const ratio = roundRatios(c, 'keyward', 'bare');
    if (!enoughRounds(c) || !ratio) refuse(record, `${label}: throughput`, c);
    else {
      record.add({
        name: `${label}: throughput`,
        value: m.get('keyward')!.rps,
        unit: 'req/s',
        baseline: bare,
        ratio: ratio.median,
        target: { text: '≥ 0.85× bare', met: ratio.median >= 0.85 },
        note: `${spreadText(ratio)}; wrk at ${(m.get('keyward')!.loadCpuShare * 100).toFixed(0)} % of its core`,
      });
      const fastify = roundRatios(c, 'fastify', 'bare')!;
      record.add({
        name: `${label}: empty fastify app, for reference`,
        value: m.get('fastify')!.rps,
        unit: 'req/s',
        baseline: bare,
        ratio: fastify.median,
        note: spreadText(fastify),
      });
      const vsFastify = roundRatios(c, 'keyward', 'fastify')!;
      record.add({
        name: `${label}: throughput vs the empty fastify app`,
        value: m.get('keyward')!.rps,
        unit: 'req/s',
        baseline: { name: 'empty fastify', value: m.get('fastify')!.rps },
        ratio: vsFastify.median,
        note: spreadText(vsFastify),
      });
    }
    // CPU per request barely depends on what else runs: bare ÷ Keyward is the ratio a server-bound run would show.
    const cpu =
      roundRatios(c, 'bare', 'keyward', (r) => r.serverCpuMicros) ??
      roundRatios({ ...c, valid: c.rounds }, 'bare', 'keyward', (r) => r.serverCpuMicros)!;
    record.add({
      name: `${label}: server CPU per request`,
      value: m.get('keyward')!.cpuMicros,
      unit: 'µs',
      baseline: { name: 'bare', value: m.get('bare')!.cpuMicros },
      ratio: cpu.median,
      note: `ratio is bare ÷ Keyward CPU (the throughput ratio if the server alone limits it), ${spreadText(cpu)}; empty fastify ${m.get('fastify')!.cpuMicros.toFixed(1)} µs`,
    });
    const p50 = roundDifferences(c, 'keyward', 'bare', (r) => r.p50Ms);
    const p99 = roundDifferences(c, 'keyward', 'bare', (r) => r.p99Ms);
    if (p50 && p99) {
      record.add({
        name: `${label}: added p50`,
        value: p50.median,
        unit: 'ms',
        baseline: { name: 'bare p50', value: m.get('bare')!.p50 },
        ratio: null,
        note: `at saturation mostly queueing (≈ connections ÷ throughput); ${spreadText(p50, 3, ' ms')}`,
      });
      record.add({
        name: `${label}: added p99`,
        value: p99.median,
        unit: 'ms',
        baseline: { name: 'bare p99', value: m.get('bare')!.p99 },
        ratio: null,
        note: spreadText(p99, 3, ' ms'),
      });
    }
  }

  // One connection: the latency one request adds, without queueing.
  {
    const label = `${endpoint} hot, 1 conn`;
    const c = await compareServers({
      contenders: contenders(false),
      connections: 1,
      seconds: plan.seconds,
      // Latency at one connection varies less than throughput: three rounds keep the suite short.
      rounds: Math.min(plan.rounds, 3),
      warmupSec: plan.warmup,
      bare: 'bare',
      // One request at a time answers in about 0.1 ms on an idle core.
      maxBareP50Ms: 0.5,
      log: ctx.log,
      label,
    });
    const p50 = roundDifferences(c, 'keyward', 'bare', (r) => r.p50Ms);
    const p99 = roundDifferences(c, 'keyward', 'bare', (r) => r.p99Ms);
    const fastify = roundDifferences(c, 'fastify', 'bare', (r) => r.p50Ms);
    if (!enoughRounds(c) || !p50 || !p99 || !fastify) refuse(record, `${label}: added p50`, c);
    else {
      record.add({
        name: `${label}: added p50`,
        value: p50.median,
        unit: 'ms',
        baseline: { name: 'bare p50', value: c.medians.get('bare')!.p50 },
        ratio: null,
        target: { text: '≤ +0.05 ms over bare', met: p50.median <= 0.05 },
        note: spreadText(p50, 3, ' ms'),
      });
      record.add({
        name: `${label}: added p99`,
        value: p99.median,
        unit: 'ms',
        baseline: { name: 'bare p99', value: c.medians.get('bare')!.p99 },
        ratio: null,
        note: spreadText(p99, 3, ' ms'),
      });
      record.add({
        name: `${label}: empty fastify app added p50, for reference`,
        value: fastify.median,
        unit: 'ms',
        baseline: { name: 'bare p50', value: c.medians.get('bare')!.p50 },
        ratio: null,
        note: spreadText(fastify, 3, ' ms'),
      });
    }
  }

  // Cold: a freshly started process (nothing JIT-compiled, no answer cached), no warm-up, every
  // request a token it has not seen, cycling through all credentials; compared with the same
  // process answering the hot tokens right after.
  {
    const label = `${endpoint} cold, ${CONNECTIONS} conn`;
    const ratios: number[] = [];
    const colds: number[] = [];
    const hots: number[] = [];
    let refused = '';
    for (let round = 0; round < plan.coldRounds; round += 1) {
      await fixture.keyward.restart();
      const server = fixture.keyward.server;
      const cold = await runWrk({ url: server.url, connections: CONNECTIONS, durationSec: plan.seconds, requests: all.slice(HOT_TOKENS) });
      const warm = await runWrk({ url: server.url, connections: CONNECTIONS, durationSec: plan.seconds, requests: hot });
      ctx.log(
        `  ${label}: cold ${Math.round(cold.requestsPerSec)} req/s (wrk ${(cold.loadCpuShare * 100).toFixed(0)} %), hot after ${Math.round(warm.requestsPerSec)} req/s${cold.unexpected ? `, ${cold.unexpected} non-2xx` : ''}`,
      );
      if (cold.loadBound || warm.loadBound) {
        refused = 'wrk ran out of CPU';
        continue;
      }
      colds.push(cold.requestsPerSec);
      hots.push(warm.requestsPerSec);
      ratios.push(cold.requestsPerSec / warm.requestsPerSec);
    }
    if (ratios.length === 0) record.skip(`${label}: throughput`, `not reported: ${refused}`);
    else {
      const ratio = median(ratios);
      record.add({
        name: `${label}: throughput`,
        value: median(colds),
        unit: 'req/s',
        baseline: { name: 'hot, same process after', value: median(hots) },
        ratio,
        target: { text: '≥ 0.5× hot', met: ratio >= 0.5 },
        note: spreadText({ min: Math.min(...ratios), max: Math.max(...ratios), n: ratios.length }),
      });
    }
  }
  record.add({
    name: `${endpoint}: restart to ready (${plan.credentials} credentials loaded)`,
    value: fixture.keyward.server.startMs,
    unit: 'ms',
    baseline: { name: 'bare node:http start', value: fixture.bare.startMs },
  });
}
