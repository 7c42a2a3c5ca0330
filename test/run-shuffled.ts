import { globSync } from 'node:fs';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

// test/run.sh --shuffle[=SEED]: runs the test files in an order drawn from the seed, so a run that
// fails only in some order can be repeated exactly (`--shuffle=<the seed it printed>`).
//   node test/run-shuffled.ts SEED [--test-name-pattern=…] [PATTERN…]

/** A small seeded generator (mulberry32): the same seed gives the same order on every machine. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The files the patterns name (globs expanded, each file once, node_modules never) in the seed's order. */
export function shuffledFiles(patterns: readonly string[], seed: number): string[] {
  const files = [...new Set(patterns.flatMap((pattern) => globSync(pattern, { exclude: (name) => name.includes('node_modules') })))].sort();
  const next = random(seed);
  // Fisher–Yates over the sorted list: the order depends on the seed only, not on the file system.
  for (let i = files.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [files[i], files[j]] = [files[j]!, files[i]!];
  }
  return files;
}

/** Options of `node --test` this runner understands (its own defaults match test/run.sh's). */
const OPTIONS = {
  '--test-name-pattern': 'testNamePatterns',
  '--test-skip-pattern': 'testSkipPatterns',
  '--test-concurrency': 'concurrency',
  '--test-timeout': 'timeout',
} as const;

/** Reads `SEED [--option=value…] PATTERN…`; a message for what it cannot take. */
export function parseArguments(args: readonly string[]): { seed: number; options: RunOptions; patterns: string[] } | string {
  const [seed, ...rest] = args;
  if (seed === undefined || !/^\d+$/.test(seed) || Number(seed) > 0xffffffff) {
    return `--shuffle takes a whole number from 0 to ${0xffffffff}, not "${seed ?? ''}"`;
  }
  const options: RunOptions = { concurrency: 2, timeout: 600_000, testNamePatterns: [], testSkipPatterns: [] };
  const patterns: string[] = [];
  for (const arg of rest) {
    if (!arg.startsWith('-')) {
      patterns.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const name = equals > 0 ? arg.slice(0, equals) : arg;
    const value = equals > 0 ? arg.slice(equals + 1) : '';
    const key = Object.hasOwn(OPTIONS, name) ? OPTIONS[name as keyof typeof OPTIONS] : undefined;
    if (key === undefined || value === '') {
      return `with --shuffle, options are given as ${Object.keys(OPTIONS).join('=…, ')}=…; not "${arg}"`;
    }
    if (key === 'testNamePatterns' || key === 'testSkipPatterns') options[key].push(value);
    else if (/^\d+$/.test(value)) options[key] = Number(value);
    else return `${name} takes a whole number, not "${value}"`;
  }
  return { seed: Number(seed), options, patterns };
}

interface RunOptions {
  concurrency: number;
  timeout: number;
  testNamePatterns: string[];
  testSkipPatterns: string[];
}

if (import.meta.main) {
  const parsed = parseArguments(process.argv.slice(2));
  if (typeof parsed === 'string') {
    process.stderr.write(`test/run.sh: ${parsed}\n`);
    process.exit(2);
  }
  const files = shuffledFiles(parsed.patterns, parsed.seed);
  if (files.length === 0) {
    process.stderr.write(`test/run.sh: no test files match ${parsed.patterns.join(' ')}\n`);
    process.exit(2);
  }
  process.stdout.write(`test/run.sh: shuffled with seed ${parsed.seed}\n`);
  // `node --test FILE…` sorts the files it is given, so the order is kept only by the runner's
  // own API with an explicit file list.
  const { testNamePatterns, testSkipPatterns, ...rest } = parsed.options;
  run({
    files,
    ...rest,
    ...(testNamePatterns.length > 0 ? { testNamePatterns } : {}),
    ...(testSkipPatterns.length > 0 ? { testSkipPatterns } : {}),
  })
    .on('test:fail', () => {
      process.exitCode = 1;
    })
    .compose(spec)
    .pipe(process.stdout);
}
