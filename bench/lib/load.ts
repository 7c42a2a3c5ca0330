import autocannon, { type AutocannonRequest } from 'autocannon';
import { percentile } from './report.ts';

// One autocannon run against loopback. Latencies are collected here from every response with
// sub-millisecond precision (autocannon's own histogram rounds to whole milliseconds, too coarse
// for a "+0.1 ms" target), and the first second is counted separately to show warm-up.

export interface LoadOptions {
  url: string;
  connections: number;
  pipelining: number;
  durationSec: number;
  /** Builds each request; called once per request, so tokens can rotate. */
  request: (index: number) => AutocannonRequest;
  /** The server process's CPU time so far (µs), to report CPU per request. */
  serverCpuMicros?: () => Promise<number>;
}

export interface LoadResult {
  requestsPerSec: number;
  firstSecondRequests: number;
  total: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** Responses that were not the expected status. */
  unexpected: number;
  statuses: Record<string, number>;
  /** Server CPU time (user + system) per response, in µs; NaN when not measured. */
  serverCpuMicros: number;
}

export async function runLoad(options: LoadOptions, expectedStatus = 200): Promise<LoadResult> {
  let index = 0;
  const capacity = 4_000_000;
  const latencies = new Float64Array(capacity);
  let count = 0;
  let firstSecond = 0;
  const statuses: Record<string, number> = {};
  const cpuBefore = options.serverCpuMicros ? await options.serverCpuMicros() : Number.NaN;
  const started = performance.now();
  const first = options.request(0);
  const instance = autocannon(
    {
      url: options.url,
      connections: options.connections,
      pipelining: options.pipelining,
      duration: options.durationSec,
      timeout: 10,
      requests: [
        {
          ...first,
          setupRequest: (request) => {
            const next = options.request(index);
            index += 1;
            return { ...request, ...next };
          },
        },
      ],
    },
    () => undefined,
  );
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (count < capacity) latencies[count] = responseTime;
    count += 1;
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    if (performance.now() - started < 1000) firstSecond += 1;
  });
  const result = await new Promise<{ duration: number; errors: number; timeouts: number }>((resolve, reject) => {
    instance.once('done', resolve);
    instance.once('error', reject);
  });
  const cpuAfter = options.serverCpuMicros ? await options.serverCpuMicros() : Number.NaN;
  const sorted = latencies.subarray(0, Math.min(count, capacity)).sort();
  const unexpected = Object.entries(statuses).reduce((sum, [code, n]) => (Number(code) === expectedStatus ? sum : sum + n), 0);
  return {
    requestsPerSec: count / (result.duration > 0 ? result.duration : options.durationSec),
    firstSecondRequests: firstSecond,
    total: count,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    errors: result.errors + result.timeouts,
    unexpected,
    statuses,
    serverCpuMicros: (cpuAfter - cpuBefore) / Math.max(1, count),
  };
}
