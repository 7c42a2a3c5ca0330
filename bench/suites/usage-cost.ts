import { startChild } from '../lib/child.ts';
import { compareServers, enoughRounds, refuse, roundRatios, spreadText } from '../lib/compare.ts';
import { createAuthorizer, importCredentials, seedCatalogAndRoles, startKeyward } from '../lib/keyward.ts';
import type { Recorder } from '../lib/report.ts';
import { canPin, SERVER_CPU } from '../lib/wrk.ts';
import { requestFor } from './http-authorize.ts';
import type { Suite, SuiteContext } from './suite.ts';

// What usage counting (DESIGN §3.13) costs the hot path over HTTP: the same database served by
// two Keyward processes, one counting every decision and one counting none, in alternating
// rounds on the pinned-core harness (server on core 0, wrk on core 1). Target: counting keeps
// at least 0.97× of the uncounted throughput (issue 14: no more than 3 % lost).

const BARE = new URL('../servers/bare-server.ts', import.meta.url);
const ACTIONS = 5000;
const ROLES = 20;
const HOT_TOKENS = 64;
const CONNECTIONS = 50;

export const usageCost: Suite = {
  name: 'usage-cost',
  description: 'usage counting on the hot path: /v1/authorize and /v1/forward-auth with and without counting (wrk, pinned cores)',
  async run(ctx: SuiteContext, record: Recorder): Promise<void> {
    if (!canPin()) {
      record.skip('usage-cost', 'needs two CPUs: the server and wrk must run on different cores');
      return;
    }
    const plan = ctx.quick
      ? { credentials: 500, seconds: 2, warmup: 1, rounds: 2 }
      : { credentials: 2000, seconds: 3, warmup: 2, rounds: 6 };
    const bare = await startChild(BARE, {}, { cpus: SERVER_CPU });
    const keyward = await startKeyward({ cpus: SERVER_CPU });
    try {
      const roles = await seedCatalogAndRoles(keyward.api, ACTIONS, ROLES);
      await keyward.api.request('POST', '/v1/backends', {
        name: 'bench-api',
        frontendPrefix: '/api',
        requiredRoles: [roles[0]!.id],
        subSettings: [],
      });
      const credentials = await importCredentials(keyward.api, plan.credentials, (i) => [roles[0]!.id, roles[1 + (i % (ROLES - 1))]!.id]);
      const authorizer = await createAuthorizer(keyward.api);
      await keyward.restart();
      const uncounted = await keyward.startUncounted();
      try {
        for (const endpoint of ['authorize', 'forward-auth'] as const) {
          const hot = credentials.slice(0, HOT_TOKENS).map((c) => requestFor(endpoint, c.secret, authorizer, roles[0]!.actions[1]!));
          const label = `${endpoint} hot, ${CONNECTIONS} conn, usage counting`;
          const c = await compareServers({
            contenders: [
              { name: 'bare', server: bare, requests: hot },
              { name: 'counted', server: keyward.server, requests: hot },
              { name: 'uncounted', server: uncounted, requests: hot },
            ],
            connections: CONNECTIONS,
            seconds: plan.seconds,
            rounds: plan.rounds,
            warmupSec: plan.warmup,
            bare: 'bare',
            log: ctx.log,
            label,
          });
          const ratio = roundRatios(c, 'counted', 'uncounted');
          if (!enoughRounds(c) || !ratio) {
            refuse(record, `${label}: throughput`, c);
            continue;
          }
          record.add({
            name: `${label}: throughput`,
            value: c.medians.get('counted')!.rps,
            unit: 'req/s',
            baseline: { name: 'same server, counting nothing', value: c.medians.get('uncounted')!.rps },
            ratio: ratio.median,
            target: { text: '≥ 0.97× uncounted', met: ratio.median >= 0.97 },
            note: spreadText(ratio),
          });
          const cpu = roundRatios(c, 'uncounted', 'counted', (r) => r.serverCpuMicros);
          if (cpu)
            record.add({
              name: `${label}: server CPU per request`,
              value: c.medians.get('counted')!.cpuMicros,
              unit: 'µs',
              baseline: { name: 'uncounted', value: c.medians.get('uncounted')!.cpuMicros },
              ratio: cpu.median,
              note: `ratio is uncounted ÷ counted CPU; ${spreadText(cpu)}`,
            });
        }
      } finally {
        await uncounted.stop();
      }
    } finally {
      await keyward.dispose();
      await bare.stop();
    }
  },
};
