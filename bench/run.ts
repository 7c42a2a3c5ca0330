import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { changeSets } from './suites/change-sets.ts';
import { credentialList } from './suites/credential-list.ts';
import { httpAuthorize } from './suites/http-authorize.ts';
import { httpProxy } from './suites/http-proxy.ts';
import { inProcess } from './suites/in-process.ts';
import { roleDialog } from './suites/role-dialog.ts';
import { scale } from './suites/scale.ts';
import { usageCost } from './suites/usage-cost.ts';
import { formatTable, Recorder, type Figure } from './lib/report.ts';
import type { Suite } from './suites/suite.ts';

// `npm run bench`: runs every benchmark (or --only some), prints one table and writes
// bench/results/<timestamp>.json. Every figure sits next to a baseline measured in this run.
//   npm run bench -- --quick                      short runs, for a smoke test
//   npm run bench -- --only http-authorize,in-process
//   npm run bench -- --profile                    V8 CPU profiles of the Keyward servers

const SUITES: Suite[] = [inProcess, httpAuthorize, usageCost, httpProxy, scale, changeSets, credentialList, roleDialog];

const USAGE = `Usage: npm run bench -- [--quick] [--only name[,name…]] [--profile] [--list]
Benchmarks:
${SUITES.map((s) => `  ${s.name.padEnd(16)} ${s.description}`).join('\n')}`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string', multiple: true },
      profile: { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || values.list) {
    console.log(USAGE);
    return 0;
  }
  const wanted = (values.only ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  const unknown = wanted.filter((name) => !SUITES.some((s) => s.name === name));
  if (unknown.length > 0) {
    console.error(`Unknown benchmark: ${unknown.join(', ')}\n${USAGE}`);
    return 2;
  }
  const selected = wanted.length > 0 ? SUITES.filter((s) => wanted.includes(s.name)) : SUITES;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const resultsDir = new URL('./results/', import.meta.url);
  mkdirSync(resultsDir, { recursive: true });
  const cpuProfDir = values.profile ? new URL(`./profiles-${stamp}/`, resultsDir).pathname : undefined;
  if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });

  const figures: Figure[] = [];
  const failures: { bench: string; error: string }[] = [];
  const startedAt = new Date().toISOString();
  const loadBefore = loadavg();
  console.log(
    `Load average before: ${loadBefore.map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}); other processes skew every figure, so baselines are re-measured alongside.`,
  );
  for (const suite of selected) {
    console.log(`▶ ${suite.name}: ${suite.description}`);
    const recorder = new Recorder(suite.name);
    const started = performance.now();
    try {
      await suite.run({ quick: values.quick, cpuProfDir, log: (line) => console.log(line) }, recorder);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures.push({ bench: suite.name, error: message });
      recorder.skip('(benchmark failed)', message.split('\n')[0]!.slice(0, 200));
      console.error(`  ✗ ${suite.name} failed: ${message}`);
    }
    figures.push(...recorder.figures);
    console.log(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }

  console.log(`\n${formatTable(figures)}\n`);
  console.log(
    `Load average after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const missed = figures.filter((f) => f.met === false);
  const file = new URL(`${stamp}.json`, resultsDir);
  const machine = {
    loadAverageBefore: loadBefore.map((l) => Number(l.toFixed(2))),
    loadAverageAfter: loadavg().map((l) => Number(l.toFixed(2))),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    platform: `${platform()} ${release()}`,
    node: process.version,
  };
  writeFileSync(
    file,
    `${JSON.stringify({ startedAt, finishedAt: new Date().toISOString(), quick: values.quick, machine, figures, failures }, null, 2)}\n`,
  );
  console.log(`Targets: ${figures.filter((f) => f.met === true).length} met, ${missed.length} missed. Results: ${file.pathname}`);
  if (cpuProfDir) console.log(`CPU profiles: ${cpuProfDir}`);
  if (values.quick) console.log('Quick mode: short runs, figures are indicative only.');
  return failures.length > 0 ? 1 : 0;
}

process.exitCode = await main();
