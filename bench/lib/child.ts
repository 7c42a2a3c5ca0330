import { spawn, type ChildProcess } from 'node:child_process';

// Servers under test run in child processes, one process each, as they would in production;
// the benchmark process only drives load. They report readiness over the IPC channel, stop on
// request (so a --cpu-prof profile is written) and exit by themselves if the runner dies.

export interface ReadyMessage {
  type: 'ready';
  port: number;
  [key: string]: unknown;
}

export interface ChildServer {
  port: number;
  url: string;
  ready: ReadyMessage;
  pid: number;
  /** Milliseconds from spawn to the ready message. */
  startMs: number;
  /** CPU time (user + system, microseconds) the child has used so far. */
  cpuMicros(): Promise<number>;
  /** The child's memory after a full GC when it runs with --expose-gc (bytes). */
  memory(): Promise<{ heapUsed: number; rss: number }>;
  stop(): Promise<void>;
}

export interface ChildOptions {
  /** Write a V8 CPU profile of the child into this folder. */
  cpuProfDir?: string | undefined;
  /** Extra node flags for the child (e.g. V8 heap settings). */
  nodeFlags?: string[];
  timeoutMs?: number;
  /** Pin the process to these cores (taskset -c), e.g. SERVER_CPU, so load and server do not share one. */
  cpus?: string | undefined;
}

export async function startChild(script: URL, config: unknown, options: ChildOptions = {}): Promise<ChildServer> {
  const flags = [...(options.nodeFlags ?? []), ...(options.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir] : [])];
  const started = performance.now();
  const argv = [...flags, script.pathname, JSON.stringify(config)];
  // taskset execs node, so the pid is the server's own.
  const child = spawn(options.cpus ? 'taskset' : process.execPath, options.cpus ? ['-c', options.cpus, process.execPath, ...argv] : argv, {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const ready = await new Promise<ReadyMessage>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script.pathname} did not become ready in time. ${stderr}`));
    }, options.timeoutMs ?? 120_000);
    child.on('message', (message: ReadyMessage) => {
      if (message?.type !== 'ready') return;
      clearTimeout(timer);
      resolve(message);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script.pathname} exited with code ${code} before it was ready. ${stderr.trim()}`));
    });
  });
  const startMs = performance.now() - started;
  return {
    port: ready.port,
    url: `http://127.0.0.1:${ready.port}`,
    ready,
    pid: child.pid!,
    startMs,
    cpuMicros: () => askCpu(child),
    memory: () => ask(child, 'memory') as Promise<{ heapUsed: number; rss: number }>,
    stop: () => stopChild(child),
  };
}

function askCpu(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type?: string; micros?: number }) => {
      if (message?.type !== 'cpu') return;
      child.off('message', onMessage);
      resolve(message.micros!);
    };
    child.on('message', onMessage);
    if (!child.send({ type: 'cpu' })) reject(new Error('the server process is gone'));
  });
}

function ask(child: ChildProcess, type: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type?: string; value?: unknown }) => {
      if (message?.type !== type) return;
      child.off('message', onMessage);
      resolve(message.value);
    };
    child.on('message', onMessage);
    if (!child.send({ type })) reject(new Error('the server process is gone'));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.send({ type: 'stop' });
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/**
 * In a child: report CPU use and stop cleanly when asked, and exit when the runner goes away.
 * CPU time per request is robust against other processes on the machine, unlike throughput.
 */
export function onStopRequest(stop: () => Promise<void>): void {
  const finish = () => {
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'stop') finish();
    if (message?.type === 'cpu') {
      const usage = process.cpuUsage();
      process.send!({ type: 'cpu', micros: usage.user + usage.system });
    }
    if (message?.type === 'memory') {
      (globalThis as { gc?: () => void }).gc?.();
      const { heapUsed, rss } = process.memoryUsage();
      process.send!({ type: 'memory', value: { heapUsed, rss } });
    }
  });
  process.on('disconnect', finish);
}

export function sendReady(message: ReadyMessage): void {
  process.send!(message);
}
