import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Modules that import each other (directly or round a longer loop) cannot be understood, tested
// or loaded one without the other, and a loop of value imports can meet a module half-evaluated.
// This reads the import statements of server/ and shared/ (static, `export … from`, and dynamic
// `import('…')`, type-only imports too: they tangle the structure just the same) and fails on any
// cycle, naming its files.

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Every .ts file under `dir`, relative to the repository root. */
function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;

/** The repository files a source imports by relative path. */
function importsOf(file: string, text: string): string[] {
  return [...text.matchAll(SPECIFIER)].map((match) => relative(root, resolve(root, dirname(file), match[1]!)));
}

/** Every elementary cycle's representative: one loop per strongly connected group of files. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  // Tarjan's strongly connected components; a component of two or more files (or a file that
  // imports itself) is a cycle, reported as one loop through it found by a walk inside it.
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    indices.set(node, index);
    low.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, indices.get(next)!));
    }
    if (low.get(node) !== indices.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)!.includes(node)) found.push(loopThrough(graph, new Set(component), node));
  };
  for (const node of [...graph.keys()].sort()) if (!indices.has(node)) visit(node);
  return found;
}

/** A loop from `start` back to itself using only files of `component` (a breadth-first search). */
function loopThrough(graph: ReadonlyMap<string, readonly string[]>, component: ReadonlySet<string>, start: string): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of graph.get(node) ?? []) {
      if (!component.has(next)) continue;
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

test('server/ and shared/ modules import one another in no cycle', () => {
  const graph = new Map<string, string[]>();
  for (const file of [...sources('server'), ...sources('shared')]) graph.set(file, importsOf(file, readFileSync(join(root, file), 'utf8')));
  // The reader must see the files' imports, or an empty graph would pass.
  assert.ok(graph.get('server/http/authenticate.ts')?.includes('server/http/request-parts.ts'));
  assert.ok(graph.get('server/storage/database.ts')?.includes('server/storage/postgres/open.ts'), 'the dynamic import is read');
  assert.deepEqual(
    cycles(graph).map((loop) => loop.join(' → ')),
    [],
  );
});

test('the cycle check names the files of a loop, also one made by a dynamic or type-only import', () => {
  const graph = new Map<string, string[]>();
  const files: Record<string, string> = {
    'server/a.ts': "import { b } from './b.ts';",
    'server/b.ts': "import type { C } from './c/c.ts';",
    'server/c/c.ts': "const { a } = await import('../a.ts');",
    'server/leaf.ts': "export { a } from './a.ts';",
  };
  for (const [file, text] of Object.entries(files)) graph.set(file, importsOf(file, text));
  assert.deepEqual(cycles(graph), [['server/a.ts', 'server/b.ts', 'server/c/c.ts', 'server/a.ts']]);
  graph.set('server/c/c.ts', []);
  assert.deepEqual(cycles(graph), []);
});
