import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArguments, shuffledFiles } from '../../run-shuffled.ts';

// test/run.sh --shuffle[=SEED]: a failure that depends on file order must be repeatable from the
// printed seed, and every file must still run exactly once.

function folderWith(names: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-shuffle-'));
  for (const name of names) writeFileSync(join(dir, name), '');
  return dir;
}

test('a seed gives the same order every time, another seed another order, and each file once', (t) => {
  const names = Array.from({ length: 12 }, (_, i) => `f${String(i).padStart(2, '0')}.test.ts`);
  const dir = folderWith(names);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const pattern = join(dir, '*.test.ts');
  const first = shuffledFiles([pattern, join(dir, 'f03.test.ts')], 1234);
  assert.deepEqual(shuffledFiles([pattern], 1234), first);
  assert.deepEqual(
    [...first].sort(),
    names.map((name) => join(dir, name)),
  );
  assert.notDeepEqual(first, [...first].sort(), 'the order is not just the sorted one');
  assert.notDeepEqual(shuffledFiles([pattern], 1235), first);
});

test('the seed and the runner options are read; anything else is refused with a message', () => {
  assert.deepEqual(parseArguments(['7', '--test-name-pattern=cidr', '--test-concurrency=1', 'test/unit/**/*.test.ts']), {
    seed: 7,
    options: { concurrency: 1, timeout: 600_000, testNamePatterns: ['cidr'], testSkipPatterns: [] },
    patterns: ['test/unit/**/*.test.ts'],
  });
  assert.match(parseArguments(['']) as string, /whole number/);
  assert.match(parseArguments(['seven']) as string, /whole number/);
  assert.match(parseArguments(['4294967296']) as string, /whole number/);
  assert.match(parseArguments(['7', '--test-only']) as string, /not "--test-only"/);
  assert.match(parseArguments(['7', '--test-timeout=soon']) as string, /whole number, not "soon"/);
});
