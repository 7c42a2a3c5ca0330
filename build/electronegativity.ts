import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error -- Electronegativity ships no types; its runner is documented for programmatic use.
import runElectronegativity from '@doyensec/electronegativity/dist/runner.js';

// npm run electronegativity [-- <dir>]: Doyensec's Electronegativity over the Electron code.
// Prints every finding and exits non-zero when one is of HIGH severity (or the scan fails).
//
// The scanner runs in this process and hands its findings back as objects. (Its CLI's CSV report
// was read before: it is written asynchronously and with unescaped code samples, and under load
// a read came back incomplete, so the gate crashed instead of answering.)

interface Issue {
  id: string;
  severity: { name: string };
  confidence: { name: string };
  file: string;
  location: { line: number; column: number };
}

const root = fileURLToPath(new URL('..', import.meta.url));
const input = process.argv[2] ?? `${root}electron`;
const electronVersion = (JSON.parse(readFileSync(`${root}node_modules/electron/package.json`, 'utf8')) as { version: string }).version;

let issues: Issue[];
try {
  const run = runElectronegativity as (options: object, forCli: boolean) => Promise<{ issues: Issue[] }>;
  ({ issues } = await run(
    {
      input,
      customScan: [],
      excludeFromScan: [],
      isRelative: true,
      isVerbose: false,
      electronVersionOverride: electronVersion,
      parserPlugins: [],
    },
    false,
  ));
} catch (error) {
  process.stderr.write(`electronegativity failed to run: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(2);
}

const findings = issues.map((i) => ({
  issue: i.id,
  severity: i.severity.name,
  confidence: i.confidence.name,
  where: `${i.file}:${i.location.line}:${i.location.column}`,
}));
for (const f of findings) process.stdout.write(`${f.severity.padEnd(13)} ${f.confidence.padEnd(10)} ${f.issue.padEnd(32)} ${f.where}\n`);
const high = findings.filter((f) => f.severity === 'HIGH');

// The app's own scan keeps a report for CI (artifacts/electronegativity.csv).
let reportNote = '';
if (!process.argv[2]) {
  const dir = `${root}artifacts`;
  mkdirSync(dir, { recursive: true });
  const report = join(dir, 'electronegativity.csv');
  const quote = (cell: string) => `"${cell.replaceAll('"', '""')}"`;
  const lines = findings.map((f) => [f.issue, f.severity, f.confidence, f.where].map(quote).join(','));
  writeFileSync(report, ['issue,severity,confidence,where', ...lines].join('\n') + '\n');
  reportNote = ` (report: ${report})`;
}
process.stdout.write(`\n${findings.length} finding(s), ${high.length} of high severity${reportNote}.\n`);
process.exitCode = high.length > 0 ? 1 : 0;
