import type { ChildServer } from './child.ts';
import { median, type Recorder } from './report.ts';
import { runWrk, type WrkRequest, type WrkResult } from './wrk.ts';

// Alternating rounds of wrk runs against several servers, each server's run back to back with
// the others', so a neighbour's burst on the shared machine skews one round rather than one
// server. A round counts only when the server limited it: wrk below 90 % of its core, and (when
// a health probe is given) bare node:http faster than Keyward's own /v1/health — if the three
// look alike, the load generator or the machine set the pace, and no ratio is reported.

/** How much faster than Keyward's /v1/health bare node:http must be for a round to count. */
export const HEALTH_MARGIN = 1.1;

export interface Contender {
  name: string;
  server: Pick<ChildServer, 'url' | 'cpuMicros'>;
  requests: readonly WrkRequest[];
}

export interface Round {
  results: Map<string, WrkResult>;
  /** Why this round does not count, or null when it does. */
  refused: string | null;
}

export interface Comparison {
  rounds: Round[];
  valid: Round[];
  /** Per-server medians over the valid rounds. */
  medians: Map<string, { rps: number; p50: number; p99: number; cpuMicros: number; loadCpuShare: number }>;
}

export interface CompareOptions {
  contenders: readonly Contender[];
  connections: number;
  seconds: number;
  rounds: number;
  warmupSec: number;
  /** Names of the bare server and of the health probe: a round where bare is not faster is refused. */
  bare: string;
  health?: string | undefined;
  /** A round where bare's median latency exceeds this is refused: its core was busy with other work. */
  maxBareP50Ms?: number;
  log: (line: string) => void;
  label: string;
}

export async function compareServers(options: CompareOptions): Promise<Comparison> {
  const run = (c: Contender, seconds: number) =>
    runWrk({
      url: c.server.url,
      connections: options.connections,
      durationSec: seconds,
      requests: c.requests,
      serverCpuMicros: () => c.server.cpuMicros(),
    });
  for (const c of options.contenders) await run(c, options.warmupSec);
  const rounds: Round[] = [];
  for (let r = 0; r < options.rounds; r += 1) {
    const order = r % 2 === 0 ? options.contenders : [...options.contenders].reverse();
    const results = new Map<string, WrkResult>();
    for (const c of order) {
      const result = await run(c, options.seconds);
      results.set(c.name, result);
      options.log(
        `  ${options.label} ${c.name}: ${Math.round(result.requestsPerSec)} req/s, p50 ${result.p50Ms.toFixed(3)} ms, p99 ${result.p99Ms.toFixed(3)} ms, server ${result.serverCpuMicros.toFixed(1)} µs/req, wrk ${(result.loadCpuShare * 100).toFixed(0)} % of its core${result.unexpected || result.errors ? `, ${result.unexpected} non-2xx, ${result.errors} errors` : ''}`,
      );
    }
    rounds.push({ results, refused: refusal(results, options) });
  }
  const valid = rounds.filter((r) => r.refused === null);
  const medians = new Map<string, { rps: number; p50: number; p99: number; cpuMicros: number; loadCpuShare: number }>();
  for (const c of options.contenders) {
    const all = (valid.length > 0 ? valid : rounds).map((r) => r.results.get(c.name)!);
    medians.set(c.name, {
      rps: median(all.map((x) => x.requestsPerSec)),
      p50: median(all.map((x) => x.p50Ms)),
      p99: median(all.map((x) => x.p99Ms)),
      cpuMicros: median(all.map((x) => x.serverCpuMicros)),
      loadCpuShare: median(all.map((x) => x.loadCpuShare)),
    });
  }
  return { rounds, valid, medians };
}

function refusal(results: Map<string, WrkResult>, options: CompareOptions): string | null {
  for (const [name, result] of results) {
    if (result.loadBound) return `wrk used ${(result.loadCpuShare * 100).toFixed(0)} % of its core against ${name}`;
    if (result.errors > 0) return `${result.errors} socket errors against ${name}`;
  }
  const bareP50 = results.get(options.bare)!.p50Ms;
  if (options.maxBareP50Ms !== undefined && bareP50 > options.maxBareP50Ms)
    return `bare's p50 was ${bareP50.toFixed(3)} ms (> ${options.maxBareP50Ms} ms): its core was busy with other work`;
  if (options.health) {
    const bare = results.get(options.bare)!.requestsPerSec;
    const health = results.get(options.health)!.requestsPerSec;
    // Server-bound, bare answers ~1.4× what fastify's /v1/health does; within 10 % they look alike
    // because something else set the pace (seen at load 30: both ~1,000 req/s, either one ahead).
    if (!(bare > health * HEALTH_MARGIN))
      return `bare (${Math.round(bare)} req/s) not ${HEALTH_MARGIN}× Keyward's /v1/health (${Math.round(health)} req/s)`;
  }
  return null;
}

/** Per valid round, a ÷ b of some value; the median and the spread. */
export function roundRatios(
  comparison: Comparison,
  a: string,
  b: string,
  value: (r: WrkResult) => number = (r) => r.requestsPerSec,
): { median: number; min: number; max: number; n: number } | null {
  const ratios = comparison.valid.map((r) => value(r.results.get(a)!) / value(r.results.get(b)!));
  if (ratios.length === 0) return null;
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios), n: ratios.length };
}

/** Per valid round, a − b of some value (added latency); median and spread. */
export function roundDifferences(
  comparison: Comparison,
  a: string,
  b: string,
  value: (r: WrkResult) => number,
): { median: number; min: number; max: number; n: number } | null {
  const diffs = comparison.valid.map((r) => value(r.results.get(a)!) - value(r.results.get(b)!));
  if (diffs.length === 0) return null;
  return { median: median(diffs), min: Math.min(...diffs), max: Math.max(...diffs), n: diffs.length };
}

/** The minimum of valid rounds for a figure to be reported: at least half of them. */
export function enoughRounds(comparison: Comparison): boolean {
  return comparison.valid.length >= Math.ceil(comparison.rounds.length / 2);
}

/** Records why a figure was refused: the rounds' refusal reasons. */
export function refuse(record: Recorder, name: string, comparison: Comparison): void {
  const reasons = [...new Set(comparison.rounds.map((r) => r.refused).filter(Boolean))];
  record.skip(
    name,
    `not reported: only ${comparison.valid.length} of ${comparison.rounds.length} rounds were server-bound (${reasons.join('; ')})`,
  );
}

export function spreadText(s: { min: number; max: number; n: number }, digits = 2, suffix = '×'): string {
  return `${s.n} rounds ${s.min.toFixed(digits)}–${s.max.toFixed(digits)}${suffix}`;
}
