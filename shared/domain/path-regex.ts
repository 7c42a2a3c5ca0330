import { RE2JS } from 're2js';

// Sub-URL patterns (DESIGN §3.5) come from admins and are matched against request paths that
// any internet client chooses. A backtracking engine lets one pattern like ^/x/(a+)+$ and one
// crafted path stall the server, so patterns are compiled and matched by RE2 (the re2js port):
// linear time whatever the pattern or path. RE2 syntax is JavaScript's for everything a path
// pattern needs (classes, groups, alternation, anchors, counted repeats); lookarounds and
// backreferences, which need backtracking, are refused with a message that says so.

export interface PathMatcher {
  /** Whether the pattern matches somewhere in the path (like RegExp.prototype.test). */
  test(path: string): boolean;
}

export interface PathRegexOptions {
  /** The backend's caseSensitive: false (the default of a backend) compiles with RE2's case-insensitive flag. */
  caseSensitive: boolean;
}

/** Compiles a sub-URL pattern; throws with RE2's parse message when it is unusable. */
export function compilePathRegex(pattern: string, options: PathRegexOptions): PathMatcher {
  const compiled = RE2JS.compile(pattern, options.caseSensitive ? 0 : RE2JS.CASE_INSENSITIVE);
  // test() asks for no submatches, so RE2 can run its DFA: 1.2–4× faster than matcher().find().
  const prefix = anchoredLiteralPrefix(pattern);
  // A path that does not start with the pattern's literal prefix cannot match: answered
  // without running RE2 (~150 ns a pattern), which is most patterns of a backend for most paths.
  if (prefix.length === 0) return { test: (path) => compiled.test(path) };
  if (options.caseSensitive) return { test: (path) => path.startsWith(prefix) && compiled.test(path) };
  const lower = prefix.toLowerCase();
  return { test: (path) => mayStartWithFolded(path, lower) && compiled.test(path) };
}

/**
 * Whether a path may start with an (ASCII, lower-case) prefix under RE2's case folding. ASCII
 * letters are folded here; any other character leaves the answer to RE2, whose Unicode folding
 * also matches "ſ" for "s" and "K" (Kelvin) for "k".
 */
function mayStartWithFolded(path: string, lower: string): boolean {
  if (path.length < lower.length) return false;
  for (let i = 0; i < lower.length; i += 1) {
    const a = path.charCodeAt(i);
    const b = lower.charCodeAt(i);
    if (a === b) continue;
    if (a >= 0x80) return true;
    if (a < 0x41 || a > 0x5a || (a | 0x20) !== b) return false;
  }
  return true;
}

/** Characters that are literal in a pattern outside a character class and never start a construct. */
const PLAIN = /^[A-Za-z0-9/_\-~:@!,;=&'%]$/;

/**
 * The literal text every match must start the path with, for patterns like "^/api/admin/.*":
 * a leading "^" followed by plain characters, up to the first character that may have another
 * meaning (a quantified last character is left out). Empty when unsure: no leading "^", an
 * escape or group right after it, or a "|" that may not sit inside a group (an alternative of
 * the whole pattern need not be anchored).
 */
export function anchoredLiteralPrefix(pattern: string): string {
  if (!pattern.startsWith('^') || mayAlternateAtTop(pattern)) return '';
  let end = 1;
  while (end < pattern.length && PLAIN.test(pattern[end]!)) end += 1;
  const next = pattern[end];
  // "^/ab?" or "^/ab{0,1}": the last literal is optional or repeated, so it is not a sure prefix.
  if (next === '?' || next === '*' || next === '+' || next === '{') end -= 1;
  return end > 1 ? pattern.slice(1, end) : '';
}

/** Why a pattern does not compile, in a sentence, or null when it does. */
export function pathRegexProblem(pattern: string): string | null {
  try {
    RE2JS.compile(pattern);
    return null;
  } catch (error) {
    const message = (error as Error).message.replace(/^error parsing regexp: /, '');
    const hint =
      /Perl syntax|escape sequence: `\\[1-9]/.test(message) || /\(\?<[=!]/.test(pattern)
        ? ' Patterns are matched in linear time (RE2 syntax), so lookarounds and backreferences are not supported.'
        : '';
    return `Not a valid regular expression: ${message}.${hint}`;
  }
}

const NEVER: PathMatcher = { test: () => false };

/**
 * A stored pattern, which was validated when it was written. One written before patterns were
 * RE2 (a JavaScript-only lookaround) matches nothing rather than failing the whole cache; the
 * backend's own required roles still apply to those paths, and saving the backend again reports it.
 */
export function storedPathMatcher(pattern: string, options: PathRegexOptions): PathMatcher {
  try {
    return compilePathRegex(pattern, options);
  } catch {
    return NEVER;
  }
}

/**
 * Whether a "|" may separate alternatives of the whole pattern: true for one outside every group
 * and character class, and (to stay on the safe side) for any pattern using \Q…\E quoting.
 */
function mayAlternateAtTop(pattern: string): boolean {
  if (!pattern.includes('|')) return false;
  if (pattern.includes('\\Q')) return true;
  let depth = 0;
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i];
    if (c === '\\') i += 1;
    else if (c === '(') depth += 1;
    else if (c === ')') depth -= 1;
    else if (c === '|' && depth <= 0) return true;
    else if (c === '[') {
      // A class: "]" right after "[" or "[^" is a member; escapes inside are skipped.
      i += 1;
      if (pattern[i] === '^') i += 1;
      if (pattern[i] === ']') i += 1;
      while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
    }
  }
  return false;
}
