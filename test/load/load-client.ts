import { Agent, request } from 'node:http';

// A small closed-loop load generator: N keep-alive connections per target, each sending the
// next request as soon as the previous answer arrived, for a fixed time. Every answer is
// checked by the caller's verdict function, so the load itself proves decisions are right,
// not only fast. Loopback only.

export interface LoadRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Judges the answer; a string is a failure description (kept as a sample). */
  verdict(status: number, body: string): true | string;
}

export interface TargetStats {
  target: string;
  requests: number;
  /** Network failures (refused, reset, timeout). */
  errors: number;
  /** Answers the verdict refused. */
  wrong: number;
  samples: string[];
  latencyMs: number[];
  /** Answers judged in each second of the run, from its start. */
  perSecond: number[];
}

export interface LoadOptions {
  targets: string[];
  connectionsPerTarget: number;
  durationMs: number;
  /** The next request for this target. */
  next(target: string): LoadRequest;
  /** Pauses sending to a target (a killed instance); answers and failures meanwhile are not counted. */
  isDown?(target: string): boolean;
  /** The target's current base URL, when targets are names (a restarted instance gets a new port). */
  urlOf?(target: string): string;
}

export interface LoadRun {
  stats: Map<string, TargetStats>;
  /** Resolves when every connection loop has ended. */
  done: Promise<void>;
  stop(): void;
}

export function runLoad(options: LoadOptions): LoadRun {
  const stats = new Map<string, TargetStats>();
  let stopped = false;
  const start = Date.now();
  const end = start + options.durationMs;
  const loops: Promise<void>[] = [];
  const agents: Agent[] = [];
  for (const target of options.targets) {
    const s: TargetStats = { target, requests: 0, errors: 0, wrong: 0, samples: [], latencyMs: [], perSecond: [] };
    stats.set(target, s);
    const agent = new Agent({ keepAlive: true, maxSockets: options.connectionsPerTarget });
    agents.push(agent);
    for (let c = 0; c < options.connectionsPerTarget; c += 1) {
      loops.push(
        (async () => {
          while (!stopped && Date.now() < end) {
            if (options.isDown?.(target)) {
              await new Promise((resolve) => setTimeout(resolve, 50));
              continue;
            }
            const spec = options.next(target);
            const started = performance.now();
            try {
              const answer = await send(agent, options.urlOf?.(target) ?? target, spec);
              // An answer from an instance that went down meanwhile is not judged.
              if (options.isDown?.(target)) continue;
              s.requests += 1;
              const second = Math.floor((Date.now() - start) / 1000);
              s.perSecond[second] = (s.perSecond[second] ?? 0) + 1;
              if (s.latencyMs.length < 200_000) s.latencyMs.push(performance.now() - started);
              const verdict = spec.verdict(answer.status, answer.body);
              if (verdict !== true) {
                s.wrong += 1;
                if (s.samples.length < 10) s.samples.push(`${spec.method} ${spec.path}: ${verdict}`);
              }
            } catch (error) {
              if (options.isDown?.(target)) continue;
              s.errors += 1;
              if (s.samples.length < 10) s.samples.push(`${spec.method} ${spec.path}: ${(error as Error).message}`);
            }
          }
        })(),
      );
    }
  }
  const done = Promise.all(loops).then(() => {
    for (const agent of agents) agent.destroy();
  });
  return {
    stats,
    done,
    stop: () => {
      stopped = true;
    },
  };
}

function send(agent: Agent, base: string, spec: LoadRequest): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    const headers: Record<string, string> = { ...(spec.headers ?? {}) };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    const req = request(new URL(spec.path, base), { method: spec.method, agent, headers, timeout: 10_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * The longest run of whole seconds in [fromSecond, toSecond) in which a target judged no answer:
 * whether it kept serving, independent of how fast this machine is.
 */
export function longestSilence(stats: TargetStats, fromSecond: number, toSecond: number): number {
  let longest = 0;
  let run = 0;
  for (let second = fromSecond; second < toSecond; second += 1) {
    run = (stats.perSecond[second] ?? 0) === 0 ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}

/** The p-th percentile (0–100) of a list of numbers. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
