import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { importDrafts } from '../../../electron/services/drafts/draft-file.ts';
import { scanLimits } from '../../../electron/services/drafts/parse-limited.ts';
import { KeywardError } from '../../../electron/services/errors.ts';
import { rejection, startTestApp, type TestApp } from './app-harness.ts';

// A drafts file is a hostile file until read: it cannot freeze the app (parsing runs in a
// worker, inside size, depth, value-count and time limits) and its content never reaches
// stderr or the log (yaml's warnings are collected, reported by code and line only).

const dir = mkdtempSync(join(tmpdir(), 'keyward-draft-limits-'));
const token = 'kw_AbCdEf0123456789AbCdEf0123456789AbCd';
let app: TestApp;

before(async () => {
  app = startTestApp();
  // An unreachable profile: drafting works offline, so imports need no server.
  const offline = await app.api.profiles.add({ name: 'Offline', url: 'http://127.0.0.1:9', token: 'kw_notarealtokenbutlongenough' });
  await app.api.session.connect({ profileId: offline.id });
});
after(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the call while a setImmediate ticker counts turns of the event loop. */
async function whileTicking<T>(fn: () => Promise<T>): Promise<{ value: T; ticks: number }> {
  let ticks = 0;
  let running = true;
  const tick = () => {
    ticks++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  try {
    return { value: await fn(), ticks };
  } finally {
    running = false;
  }
}

const reasonOf = (e: { details?: Record<string, unknown> }) => e.details?.['reason'];

test('0.8 MB of flow nesting answers invalid_file (too deep) while the event loop keeps running', async () => {
  const content = '['.repeat(400_000) + ']'.repeat(400_000);
  const { value: error, ticks } = await whileTicking(() => rejection(app.api.drafts.import({ content })));
  assert.equal(error.code, 'invalid_file');
  assert.equal(reasonOf(error), 'too_deep');
  assert.match(error.message, /more than 64 levels deep/);
  assert.ok(ticks > 0, 'the event loop was blocked while the file was read');
});

test('0.8 MB of block nesting ("- - - …" and deep indentation) answers invalid_file while the event loop keeps running', async () => {
  for (const content of ['- '.repeat(400_000) + 'x\n', Array.from({ length: 900 }, (_, i) => ' '.repeat(i) + 'a:').join('\n') + ' 1\n']) {
    const { value: error, ticks } = await whileTicking(() => rejection(app.api.drafts.import({ content })));
    assert.equal(error.code, 'invalid_file');
    assert.equal(reasonOf(error), 'too_deep');
    assert.ok(ticks > 0);
  }
});

test('a 19 MB file is refused by its size before it is parsed', async () => {
  const content = `keywardDrafts: 1\nroles:\n${'  - op: create\n'.repeat((19 * 1024 * 1024) / 16)}`;
  const error = await rejection(app.api.drafts.import({ content }));
  assert.equal(error.code, 'invalid_file');
  assert.equal(reasonOf(error), 'too_large');
  assert.match(error.message, /limited to 5 MB/);
});

test('a file of more than a million values is refused', async () => {
  const error = await rejection(app.api.drafts.import({ content: `keywardDrafts: 1\nroles:\n${'- a\n'.repeat(1_100_000)}` }));
  assert.equal(error.code, 'invalid_file');
  assert.equal(reasonOf(error), 'too_many_values');
});

test('a file that takes longer than the time budget is abandoned with invalid_file, and the app keeps working', async () => {
  const roles = Array.from({ length: 2000 }, (_, i) => `  - op: create\n    role: { name: r${i}, description: '', actions: [A${i}] }\n`);
  const content = `keywardDrafts: 1\nroles:\n${roles.join('')}`;
  await assert.rejects(
    importDrafts(content, new Date(), { budgetMs: 1 }),
    (e: unknown) => e instanceof KeywardError && e.code === 'invalid_file' && e.details?.['reason'] === 'too_slow',
  );
  const { roles: read } = await importDrafts(content, new Date(), { budgetMs: 60_000 });
  assert.equal(read.length, 2000);
});

test('the scan counts nesting outside quoted strings and comments only', () => {
  assert.equal(scanLimits(`a: "${'['.repeat(100)}"\nb: '${'{'.repeat(100)}'\n# ${'['.repeat(100)}\n`, 64, 1000), null);
  assert.equal(scanLimits(`a: ${'['.repeat(65)}`, 64, 1000), 'too_deep');
  assert.equal(scanLimits(`a: [${'1,'.repeat(1001)}]`, 64, 1000), 'too_many_values');
});

const child = (mode: 'app' | 'library', file: string) =>
  new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    execFile(
      process.execPath,
      [fileURLToPath(new URL('./fixtures/import-drafts-child.ts', import.meta.url)), mode, file],
      { timeout: 60_000 },
      (error, stdout, stderr) => (error ? reject(error) : resolve({ stdout, stderr })),
    );
  });

test("a YAML warning on a line holding a token reaches neither stderr nor the log, and the user hears of it without the line's content", async () => {
  const file = join(dir, 'warning.yaml');
  const content = `keywardDrafts: 1\nroles: !${token} []\n`;
  writeFileSync(file, content);

  // The control: the yaml library's defaults print the line, token and all, to stderr.
  const library = await child('library', file);
  assert.ok(library.stderr.includes(token), 'the file no longer makes yaml warn; the test proves nothing');

  const imported = await child('app', file);
  assert.ok(!imported.stderr.includes(token), `the token reached stderr: ${imported.stderr}`);
  assert.ok(!imported.stderr.includes('kw_'));
  const answer = JSON.parse(imported.stdout) as { roles: number; warnings: string[] };
  assert.deepEqual(answer, { roles: 0, warnings: ['TAG_RESOLVE_FAILED at line 2'] });

  const set = await app.api.drafts.import({ content });
  assert.deepEqual(set.importWarnings, ['TAG_RESOLVE_FAILED at line 2']);
  assert.ok(!JSON.stringify(app.logs).includes(token));
  assert.ok(!JSON.stringify(app.events).includes(token));
});

test('a syntax error is reported by kind and line, never by the offending content', async () => {
  const yaml = await rejection(app.api.drafts.import({ content: `keywardDrafts: 1\nroles: ${token}: [\n  - x` }));
  assert.equal(yaml.code, 'invalid_file');
  assert.match(yaml.message, /not valid YAML \([A-Z_]+ at line \d+\)/);
  assert.ok(!JSON.stringify(yaml).includes(token));
  const json = await rejection(app.api.drafts.import({ content: `{"keywardDrafts": 1, "roles": ${token}}` }));
  assert.equal(json.code, 'invalid_file');
  assert.ok(!JSON.stringify(json).includes(token), JSON.stringify(json));
});
