import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { KeywardError } from '../errors.ts';

// A drafts file is untrusted input. It is parsed off the main thread, inside limits: size
// before anything else, flow nesting by a linear scan, then a worker with a memory cap and a
// time budget (terminated when it runs over) that counts nesting depth and values as it walks
// the document. yaml's warnings are collected there (logLevel 'silent'), never printed: they
// quote the offending line, which may hold a token. Messages say where, never what.

export const MAX_FILE_BYTES = 5 * 1024 * 1024;
export const MAX_DEPTH = 64;
export const MAX_NODES = 1_000_000;
export const PARSE_BUDGET_MS = 5_000;

export interface ParseLimits {
  maxBytes?: number;
  maxDepth?: number;
  maxNodes?: number;
  budgetMs?: number;
}

export interface Parsed {
  value: unknown;
  /** yaml warnings as code and position (no file content). */
  warnings: string[];
}

const invalid = (message: string, reason: string) => new KeywardError('invalid_file', message, { reason });

/** Refuses a file over the size limit before it is handed to the worker. */
export function checkSize(content: string, maxBytes: number): void {
  const bytes = Buffer.byteLength(content, 'utf8');
  if (bytes > maxBytes)
    throw invalid(
      `The file is ${(bytes / 1024 / 1024).toFixed(1)} MB; drafts files are limited to ${maxBytes / 1024 / 1024} MB (10,000 roles fit well within).`,
      'too_large',
    );
}

/**
 * Linear checks before the parser runs (in the worker, so a 5 MB scan does not hold up the main
 * thread): flow nesting ([ { …), block nesting (leading indentation and "- - -" chains) and a
 * rough count of values (lines and flow commas). Self-contained: its source is sent to the worker.
 */
export function scanLimits(content: string, maxDepth: number, maxNodes: number): 'too_deep' | 'too_many_values' | null {
  let depth = 0;
  let quote = '';
  let values = 0;
  let lineStart = true;
  for (let i = 0; i < content.length; i++) {
    const c = content[i]!;
    if (lineStart) {
      lineStart = false;
      let j = i;
      let indicators = 0;
      while (j < content.length && (content[j] === ' ' || content[j] === '\t' || content[j] === '-' || content[j] === '?')) {
        if (content[j] !== ' ' && content[j] !== '\t') indicators++;
        j++;
      }
      if (j - i > maxDepth * 4 || indicators > maxDepth) return 'too_deep';
    }
    if (c === '\n') {
      lineStart = true;
      if (++values > maxNodes) return 'too_many_values';
    }
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") {
      // A quote inside a plain scalar (it's) is no string start; only after a separator.
      const before = i === 0 ? ' ' : content[i - 1]!;
      if (before === ' ' || before === '\t' || before === '\n' || before === '[' || before === '{' || before === ',' || before === ':')
        quote = c;
    } else if (c === '[' || c === '{') {
      if (++depth > maxDepth) return 'too_deep';
    } else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth > 0) {
      if (++values > maxNodes) return 'too_many_values';
    } else if (c === '#' && (i === 0 || content[i - 1] === ' ' || content[i - 1] === '\t' || content[i - 1] === '\n')) {
      const end = content.indexOf('\n', i);
      i = (end === -1 ? content.length : end) - 1;
    }
  }
  return null;
}

const tooMany = (max: number) =>
  invalid(`The file holds more than ${max.toLocaleString('en')} values; a drafts file needs far fewer.`, 'too_many_values');
const tooDeep = (max: number) => invalid(`The file nests values more than ${max} levels deep; a drafts file needs far fewer.`, 'too_deep');

// The worker's code: plain JavaScript run with `eval`, so it needs no file of its own in the
// bundled app; `yaml` is required by the absolute path main resolved.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { content, json, yamlPath, maxDepth, maxNodes } = workerData;
const answer = (m) => parentPort.postMessage(m);
const scanLimits = ${scanLimits.toString()};
let lines = null;
const where = (pos) => (lines && pos ? ' at line ' + lines.linePos(pos[0]).line : '');
(() => { try {
  const scanned = scanLimits(content, maxDepth, maxNodes);
  if (scanned) return answer({ ok: false, reason: scanned });
  let value;
  const warnings = [];
  if (json) {
    try {
      value = JSON.parse(content);
    } catch (e) {
      const at = /line (\\d+) column (\\d+)/.exec(e.message) || /position (\\d+)/.exec(e.message);
      answer({ ok: false, reason: 'syntax', message: 'The file is not valid JSON' + (at ? (at[2] ? ' at line ' + at[1] + ', column ' + at[2] : ' at character ' + at[1]) : '') + '.' });
      return;
    }
    let nodes = 0;
    const stack = [[value, 1]];
    while (stack.length) {
      const [v, d] = stack.pop();
      if (++nodes > maxNodes) return answer({ ok: false, reason: 'too_many_values' });
      if (d > maxDepth) return answer({ ok: false, reason: 'too_deep' });
      if (v && typeof v === 'object') for (const k in v) stack.push([v[k], d + 1]);
    }
  } else {
    const YAML = require(yamlPath);
    lines = new YAML.LineCounter();
    const doc = YAML.parseDocument(content, { logLevel: 'silent', prettyErrors: false, maxAliasCount: 100, uniqueKeys: true, lineCounter: lines });
    if (doc.errors.length) {
      const e = doc.errors[0];
      answer({ ok: false, reason: 'syntax', message: 'The file is not valid YAML (' + e.code + where(e.pos) + ').' });
      return;
    }
    for (const w of doc.warnings) warnings.push(w.code + where(w.pos));
    let nodes = 0;
    let problem = null;
    YAML.visit(doc, (_key, node, path) => {
      if (++nodes > maxNodes) { problem = 'too_many_values'; return YAML.visit.BREAK; }
      if (path.length > maxDepth * 2) { problem = 'too_deep'; return YAML.visit.BREAK; }
    });
    if (problem) return answer({ ok: false, reason: problem });
    value = doc.toJS({ maxAliasCount: 100 });
  }
  answer({ ok: true, value, warnings });
} catch (e) {
  answer({ ok: false, reason: e instanceof RangeError ? 'too_deep' : 'syntax', message: 'The file could not be read as JSON or YAML (' + (e && e.code ? e.code : 'parse error') + ').' });
} })();
`;

const yamlPath = createRequire(import.meta.url).resolve('yaml');

/** Parses JSON or YAML inside the limits, in a worker; a problem is `invalid_file` with `details.reason`. */
export async function parseLimited(content: string, limits: ParseLimits = {}): Promise<Parsed> {
  const l: Required<ParseLimits> = {
    maxBytes: limits.maxBytes ?? MAX_FILE_BYTES,
    maxDepth: limits.maxDepth ?? MAX_DEPTH,
    maxNodes: limits.maxNodes ?? MAX_NODES,
    budgetMs: limits.budgetMs ?? PARSE_BUDGET_MS,
  };
  checkSize(content, l.maxBytes);
  const json = content.trimStart().startsWith('{');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { content, json, yamlPath, maxDepth: l.maxDepth, maxNodes: l.maxNodes },
    resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
    stdout: true,
    stderr: true,
  });
  // Whatever the worker prints (it should print nothing) is dropped, never forwarded to our stderr.
  worker.stdout.resume();
  worker.stderr.resume();
  type Answer = { ok: true; value: unknown; warnings: string[] } | { ok: false; reason: string; message?: string };
  const answer = await new Promise<Answer>((resolve) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      resolve({ ok: false, reason: 'too_slow' });
    }, l.budgetMs);
    worker.once('message', (m: Answer) => {
      clearTimeout(timer);
      resolve(m);
    });
    worker.once('error', (e: Error & { code?: string }) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'too_large' : 'too_complex' });
    });
  });
  void worker.terminate();
  if (answer.ok) return { value: answer.value, warnings: answer.warnings };
  switch (answer.reason) {
    case 'too_deep':
      throw tooDeep(l.maxDepth);
    case 'too_many_values':
      throw tooMany(l.maxNodes);
    case 'too_slow':
      throw invalid(
        `The file took longer than ${l.budgetMs / 1000} s to read and was abandoned; it is not an ordinary drafts file.`,
        'too_slow',
      );
    case 'syntax':
      throw invalid(answer.message ?? 'The file is neither valid JSON nor YAML.', 'syntax');
    default:
      throw invalid('The file is too complex to read as a drafts file.', answer.reason);
  }
}
