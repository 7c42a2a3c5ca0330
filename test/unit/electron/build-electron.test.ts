import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { before, test } from 'node:test';

// The bundles the packaged app runs: the preload needs nothing but `electron` (a sandboxed
// preload has no node_modules), and main imports only Node built-ins and runtime dependencies
// (devDependencies are not packaged).

const root = fileURLToPath(new URL('../../../', import.meta.url));
const out = `${root}dist/electron`;

before(() => {
  const built = spawnSync(process.execPath, [`${root}build/build-electron.ts`], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(built.status, 0, built.stderr);
});

test('the sandboxed preload bundle requires only electron and exposes window.keyward', () => {
  const code = readFileSync(`${out}/preload.cjs`, 'utf8');
  const required = new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]));
  assert.deepEqual([...required], ['electron']);
  const exposed = new Map<string, Record<string, unknown>>();
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => exposed.set(key, api) },
    ipcRenderer: { invoke: async () => ({ ok: true, value: null }), on: () => {} },
  };
  const fakeRequire = (id: string) => {
    if (id === 'electron') return electron;
    throw new Error(`the preload asked for ${id}`);
  };
  new Function('require', 'module', 'exports', code)(fakeRequire, { exports: {} }, {});
  const api = exposed.get('keyward')!;
  assert.equal(typeof (api['roles'] as Record<string, unknown>)['list'], 'function');
});

test('the main bundle imports only Node built-ins, electron and runtime dependencies', () => {
  const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { dependencies: Record<string, string> };
  const allowed = new Set([...Object.keys(pkg.dependencies), 'electron']);
  const builtins = new Set(builtinModules);
  for (const file of readdirSync(out).filter((f) => f.endsWith('.js'))) {
    const code = readFileSync(`${out}/${file}`, 'utf8');
    for (const [, spec] of code.matchAll(/(?:from|import\()\s*"([^".][^"]*)"/g)) {
      const name = spec!.startsWith('@') ? spec!.split('/').slice(0, 2).join('/') : spec!.split('/')[0]!;
      if (spec!.startsWith('node:') || builtins.has(name)) continue;
      assert.ok(allowed.has(name), `${file} imports ${spec}, which is not a runtime dependency`);
    }
  }
});
