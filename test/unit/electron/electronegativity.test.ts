import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

// The electronegativity gate of CI: the app's Electron code has no high-severity finding, and
// the gate does fail on code that has one.

const script = fileURLToPath(new URL('../../../build/electronegativity.ts', import.meta.url));
const run = (dir?: string) => spawnSync(process.execPath, dir ? [script, dir] : [script], { encoding: 'utf8', timeout: 120_000 });

test('the Electron code passes electronegativity with no high-severity finding', () => {
  const result = run();
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /0 of high severity/, result.stderr);
});

test('the electronegativity gate fails on a window with nodeIntegration and no context isolation', () => {
  const result = run(fileURLToPath(new URL('./fixtures/insecure-electron', import.meta.url)));
  assert.equal(result.status, 1, result.stdout + result.stderr);
  assert.match(result.stdout, /HIGH\s+\S+\s+NODE_INTEGRATION|HIGH.*CONTEXT_ISOLATION/, result.stderr);
});
