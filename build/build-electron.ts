import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

// npm run build:electron: bundles the main process (ESM) and the preload (CommonJS: sandboxed
// preloads cannot load ES modules or node_modules) into dist/electron/. Dependencies of main
// stay external and are packaged from node_modules (keytar is unpacked from the asar).

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/electron`;
// A fresh folder: chunks of an earlier build (hashed names) would otherwise be packaged too.
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const isBare = (id: string) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0');

await build({
  input: `${root}electron/glue/main.ts`,
  platform: 'node',
  external: (id) => isBare(id),
  output: { dir: out, format: 'esm', entryFileNames: 'main.js', chunkFileNames: '[name]-[hash].js' },
});
await build({
  input: `${root}electron/preload/preload.ts`,
  platform: 'browser',
  external: ['electron'],
  output: { file: `${out}/preload.cjs`, format: 'cjs', codeSplitting: false },
});

// server/index.ts reads the version from "../package.json" next to its bundle (dist/).
const { version, name } = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { version: string; name: string };
writeFileSync(`${root}dist/package.json`, `${JSON.stringify({ name, version, type: 'module', private: true }, null, 2)}\n`);
process.stdout.write(`built ${out}/main.js and ${out}/preload.cjs\n`);
