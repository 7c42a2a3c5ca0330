import type { Recorder } from '../lib/report.ts';

// A benchmark: a name for --only, and a run that records figures with their same-run baselines.

export interface SuiteContext {
  /** Short durations and sizes for a smoke run; figures are indicative only. */
  quick: boolean;
  /** When set, Keyward server processes write V8 CPU profiles here. */
  cpuProfDir: string | undefined;
  log(line: string): void;
}

export interface Suite {
  name: string;
  description: string;
  run(ctx: SuiteContext, record: Recorder): Promise<void>;
}
