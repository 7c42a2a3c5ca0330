import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

// One wrk run against loopback, pinned to its own core. On two cores a JavaScript load generator
// in the benchmark process competes with the server it drives, so a slow server and a fast one
// look alike; wrk (C, one thread) pinned with taskset to the core the server does not use is
// cheap enough per request that the server is what limits the figure — and when it is not, the
// run says so: wrk's own CPU share of its core is measured (bash `times` of the child) and a run
// where wrk used ≥ 90 % of its core is flagged as load-bound.

/** The core the servers under test are pinned to, and the core wrk is pinned to. */
export const SERVER_CPU = '0';
export const LOAD_CPU = '1';
/** wrk CPU ÷ wall time above which the load generator, not the server, limited the run. */
export const LOAD_BOUND_SHARE = 0.9;

export interface WrkRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface WrkOptions {
  url: string;
  connections: number;
  durationSec: number;
  /** Sent in turn, one after the other (wrk's Lua `request()`); prebuilt, so they cost nothing per request. */
  requests: readonly WrkRequest[];
  /** The server process's CPU time so far (µs), to report CPU per request. */
  serverCpuMicros?: () => Promise<number>;
}

export interface WrkResult {
  requestsPerSec: number;
  total: number;
  durationSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Connect, read, write and timeout errors. */
  errors: number;
  /** Responses that were not 2xx/3xx. */
  unexpected: number;
  /** wrk's CPU time ÷ the run's wall time (its share of the one core it is pinned to). */
  loadCpuShare: number;
  /** Whether wrk rather than the server was the bottleneck (loadCpuShare ≥ LOAD_BOUND_SHARE). */
  loadBound: boolean;
  /** Server CPU time (user + system) per response, in µs; NaN when not measured. */
  serverCpuMicros: number;
}

/** Whether the machine has the two cores the pinning needs; the HTTP suites refuse to run otherwise. */
export function canPin(): boolean {
  return cpus().length >= 2;
}

/** One request per line, fields separated by tabs: method, path, body ("-" for none), then header name and value pairs. */
function requestLines(requests: readonly WrkRequest[]): string {
  const field = (text: string) => {
    if (!/^[\x20-\x7e]*$/.test(text)) throw new Error('wrk requests must be printable ASCII without tabs');
    return text;
  };
  return requests
    .map((r) =>
      [r.method, r.path, r.body === undefined ? '-' : `=${r.body}`, ...Object.entries(r.headers ?? {}).flat()].map(field).join('\t'),
    )
    .join('\n');
}

// Built in init(): wrk adds its Host header (which node requires) only from then on. Reading the
// requests from a file keeps 10,000 of them out of Lua's per-function constant limit.
function luaScript(file: string): string {
  return `local reqs = {}
local n = 0
local i = 0
init = function(args)
  for line in io.lines(${JSON.stringify(file)}) do
    local f = {}
    for part in string.gmatch(line, "[^\\t]+") do f[#f+1] = part end
    local headers = {}
    for k = 4, #f - 1, 2 do headers[f[k]] = f[k+1] end
    local body = nil
    if f[3] ~= "-" then body = string.sub(f[3], 2) end
    reqs[#reqs+1] = wrk.format(f[1], f[2], headers, body)
  end
  n = #reqs
end
request = function()
  i = i + 1
  if i > n then i = 1 end
  return reqs[i]
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK-JSON {\\"requests\\":%d,\\"durationUs\\":%d,\\"p50Us\\":%d,\\"p99Us\\":%d,\\"errors\\":%d,\\"status\\":%d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
`;
}

const TIMES = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s\s*$/;

export async function runWrk(options: WrkOptions): Promise<WrkResult> {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-wrk-'));
  const script = join(dir, 'requests.lua');
  const data = join(dir, 'requests.tsv');
  writeFileSync(data, `${requestLines(options.requests)}\n`);
  writeFileSync(script, luaScript(data));
  try {
    const cpuBefore = options.serverCpuMicros ? await options.serverCpuMicros() : Number.NaN;
    const args = ['-t1', `-c${options.connections}`, `-d${options.durationSec}s`, '--timeout', '10s', '-s', script, options.url];
    // `times` after wrk prints the CPU time of the shell's children, i.e. wrk's own.
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn('taskset', ['-c', LOAD_CPU, 'bash', '-c', 'wrk "$@" || exit $?; times', 'wrk', ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`wrk exited with ${code}: ${(err || out).slice(-500)}`))));
    });
    const cpuAfter = options.serverCpuMicros ? await options.serverCpuMicros() : Number.NaN;
    const json = /WRK-JSON (\{.*\})/.exec(output);
    if (!json) throw new Error(`wrk printed no summary: ${output.slice(-500)}`);
    const summary = JSON.parse(json[1]!) as {
      requests: number;
      durationUs: number;
      p50Us: number;
      p99Us: number;
      errors: number;
      status: number;
    };
    const times = TIMES.exec(output.trimEnd());
    const durationSec = summary.durationUs / 1e6;
    const loadCpu = times ? Number(times[1]) * 60 + Number(times[2]) + Number(times[3]) * 60 + Number(times[4]) : Number.NaN;
    const loadCpuShare = loadCpu / durationSec;
    return {
      requestsPerSec: summary.requests / durationSec,
      total: summary.requests,
      durationSec,
      p50Ms: summary.p50Us / 1000,
      p99Ms: summary.p99Us / 1000,
      errors: summary.errors,
      unexpected: summary.status,
      loadCpuShare,
      loadBound: !(loadCpuShare < LOAD_BOUND_SHARE),
      serverCpuMicros: (cpuAfter - cpuBefore) / Math.max(1, summary.requests),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
