// Runs every test of the given files on its own (test/run.sh with --test-name-pattern), one after
// another, and lists those that fail alone: a test that passes only after another one has left
// something behind (a profile, a role) fails here.
//   node test/each-alone.ts test/integration/electron/*.test.ts
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
/** Top-level `test('name', …)` calls with a literal name (what --test-name-pattern can pick out). */
const NAMED_TEST = /^test\(\s*(['"])((?:(?!\1).)*)\1\s*,/gm;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node test/each-alone.ts FILE.test.ts ...');
  process.exit(2);
}
const failed: string[] = [];
let ran = 0;
for (const file of files) {
  const names = [...readFileSync(file, 'utf8').matchAll(NAMED_TEST)].map((m) => m[2]!.replace(/\\(['"])/g, '$1'));
  if (names.length < 2) continue;
  for (const name of names) {
    const run = spawnSync('bash', ['test/run.sh', `--test-name-pattern=^${escape(name)}$`, file], {
      cwd: ROOT,
      env: { ...process.env, KEYWARD_SKIP_BUILD: '1', KEYWARD_NO_SHUFFLE: '1' },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const pass = Number(/ℹ pass (\d+)/.exec(run.stdout)?.[1] ?? 0);
    const fail = Number(/ℹ fail (\d+)/.exec(run.stdout)?.[1] ?? 1);
    ran++;
    const ok = run.status === 0 && pass === 1 && fail === 0;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${file} :: ${name}`);
    if (!ok) failed.push(`${file} :: ${name}`);
  }
}
console.log(`${ran - failed.length} passed, ${failed.length} failed (each test alone)`);
process.exit(failed.length === 0 ? 0 : 1);
