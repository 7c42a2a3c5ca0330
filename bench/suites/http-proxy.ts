import { compareServers, enoughRounds, refuse, roundDifferences, roundRatios, spreadText, type Contender } from '../lib/compare.ts';
import { importCredentials, seedCatalogAndRoles, startKeyward } from '../lib/keyward.ts';
import { startBenchNginx } from '../lib/nginx.ts';
import type { Recorder } from '../lib/report.ts';
import { canPin, SERVER_CPU, type WrkRequest } from '../lib/wrk.ts';
import type { Suite, SuiteContext } from './suite.ts';

// What a proxy sees: a real nginx with auth_request to Keyward in front of a trivial upstream,
// against the same nginx without auth_request, and with a 1-second proxy_cache of Keyward's
// answers. nginx and Keyward share core 0 (as the server side of one machine would), wrk has
// core 1; server CPU per request is nginx's plus Keyward's.

const HOT_TOKENS = 64;

export const httpProxy: Suite = {
  name: 'http-proxy',
  description: 'nginx auth_request to Keyward (with and without a 1 s proxy_cache) vs the same nginx without auth_request (wrk)',
  async run(ctx: SuiteContext, record: Recorder): Promise<void> {
    if (!canPin()) {
      record.skip('http-proxy', 'needs two CPUs: the servers and wrk must run on different cores');
      return;
    }
    const plan = ctx.quick ? { seconds: 2, warmup: 1, rounds: 2 } : { seconds: 3, warmup: 2, rounds: 5 };
    const keyward = await startKeyward({ cpuProfDir: ctx.cpuProfDir, cpus: SERVER_CPU });
    let nginx: Awaited<ReturnType<typeof startBenchNginx>> | null = null;
    try {
      const roles = await seedCatalogAndRoles(keyward.api, 500, 5);
      await keyward.api.request('POST', '/v1/backends', { name: 'bench-api', frontendPrefix: '/api', requiredRoles: [roles[0]!.id] });
      const credentials = await importCredentials(keyward.api, 1000, (i) => [roles[0]!.id, roles[1 + (i % 4)]!.id]);
      await keyward.restart();
      nginx = await startBenchNginx(keyward.server.port, SERVER_CPU, 1200);
      const requests: WrkRequest[] = credentials
        .slice(0, HOT_TOKENS)
        .map((c) => ({ method: 'GET', path: '/api/clients/42?expand=owner', headers: { Authorization: `Bearer ${c.secret}` } }));
      const ng = nginx;
      const both = async () => (await ng.cpuMicros()) + (await keyward.server.cpuMicros());
      const contenders: Contender[] = [
        { name: 'plain', server: { url: ng.plain, cpuMicros: both }, requests },
        { name: 'auth', server: { url: ng.auth, cpuMicros: both }, requests },
        { name: 'cached', server: { url: ng.cached, cpuMicros: both }, requests },
      ];
      for (const connections of [50, 1]) {
        const label = `nginx, ${connections} conn`;
        const c = await compareServers({
          contenders,
          connections,
          seconds: plan.seconds,
          rounds: plan.rounds,
          warmupSec: plan.warmup,
          bare: 'plain',
          log: ctx.log,
          label,
        });
        const auth = roundRatios(c, 'auth', 'plain');
        const cached = roundRatios(c, 'cached', 'plain');
        if (!enoughRounds(c) || !auth || !cached) {
          refuse(record, `${label}: auth_request throughput`, c);
          continue;
        }
        const plain = c.medians.get('plain')!;
        const base = { name: 'nginx without auth_request', value: plain.rps };
        record.add({
          name: `${label}: auth_request throughput`,
          value: c.medians.get('auth')!.rps,
          unit: 'req/s',
          baseline: base,
          ratio: auth.median,
          note: spreadText(auth),
        });
        record.add({
          name: `${label}: auth_request + 1 s proxy_cache throughput`,
          value: c.medians.get('cached')!.rps,
          unit: 'req/s',
          baseline: base,
          ratio: cached.median,
          note: spreadText(cached),
        });
        record.add({
          name: `${label}: nginx + Keyward CPU per request, auth_request`,
          value: c.medians.get('auth')!.cpuMicros,
          unit: 'µs',
          baseline: { name: 'nginx alone', value: plain.cpuMicros },
          note: `with the cache: ${c.medians.get('cached')!.cpuMicros.toFixed(1)} µs`,
        });
        for (const [name, what] of [
          ['auth', 'auth_request'],
          ['cached', 'auth_request + cache'],
        ] as const) {
          for (const [quantile, pick, base] of [
            ['p50', (r: { p50Ms: number }) => r.p50Ms, plain.p50],
            ['p99', (r: { p99Ms: number }) => r.p99Ms, plain.p99],
          ] as const) {
            const added = roundDifferences(c, name, 'plain', pick)!;
            record.add({
              name: `${label}: ${what} added ${quantile}`,
              value: added.median,
              unit: 'ms',
              baseline: { name: `plain ${quantile}`, value: base },
              ratio: null,
              note: spreadText(added, 3, ' ms'),
            });
          }
        }
      }
    } finally {
      await nginx?.stop();
      await keyward.dispose();
    }
  },
};
