import { readFileSync } from 'node:fs';

// The renderer is bundled by vite into dist/renderer, so its libraries are not needed at run
// time. They are devDependencies, which electron-builder does not copy into app.asar; as a guard
// against one of them (or something only they pull in) landing in `dependencies` again, the
// packaging config also excludes them by `files` (packaging.test.ts checks both).

export const RENDERER_ONLY_DEPENDENCIES = [
  '@emotion/react',
  '@emotion/styled',
  '@mui/icons-material',
  '@mui/material',
  '@mui/x-charts',
  '@mui/x-data-grid',
  '@tanstack/react-query',
  '@tanstack/react-virtual',
  'react',
  'react-dom',
] as const;

interface LockPackage {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  dev?: boolean;
}
interface Lock {
  packages: Record<string, LockPackage>;
}

/** The lock file key a package `name` required from `from` resolves to (Node's node_modules walk). */
function resolveKey(lock: Lock, from: string, name: string): string | null {
  let dir = from;
  for (;;) {
    const key = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (lock.packages[key]) return key;
    if (!dir) return null;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut < 0 ? '' : dir.slice(0, cut);
  }
}

function closure(lock: Lock, roots: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const stack = roots.map((name) => resolveKey(lock, '', name)).filter((k): k is string => k !== null);
  while (stack.length > 0) {
    const key = stack.pop()!;
    if (seen.has(key)) continue;
    seen.add(key);
    const p = lock.packages[key]!;
    for (const name of Object.keys({ ...p.dependencies, ...p.optionalDependencies, ...p.peerDependencies })) {
      const dep = resolveKey(lock, key, name);
      if (dep) stack.push(dep);
    }
  }
  return seen;
}

/**
 * The node_modules folders (lock-file keys such as `node_modules/react`) reached only from the
 * renderer's dependencies, never from a dependency the main process or the server loads.
 */
export function rendererOnlyPackageDirs(lockFile: string, dependencies: readonly string[]): string[] {
  const lock = JSON.parse(readFileSync(lockFile, 'utf8')) as Lock;
  const rendererOnly = new Set<string>(RENDERER_ONLY_DEPENDENCIES);
  const runtime = closure(
    lock,
    dependencies.filter((d) => !rendererOnly.has(d)),
  );
  return [...closure(lock, RENDERER_ONLY_DEPENDENCIES)].filter((key) => !runtime.has(key)).sort();
}
