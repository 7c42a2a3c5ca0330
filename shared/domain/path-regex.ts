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

/** Compiles a sub-URL pattern; throws with RE2's parse message when it is unusable. */
export function compilePathRegex(pattern: string): PathMatcher {
  const compiled = RE2JS.compile(pattern);
  // test() asks for no submatches, so RE2 can run its DFA: 1.2–4× faster than matcher().find().
  return { test: (path) => compiled.test(path) };
}

/** Why a pattern does not compile, in a sentence, or null when it does. */
export function pathRegexProblem(pattern: string): string | null {
  try {
    RE2JS.compile(pattern);
    return null;
  } catch (error) {
    const message = (error as Error).message.replace(/^error parsing regexp: /, '');
    const hint = /Perl syntax|escape sequence: `\\[1-9]/.test(message)
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
export function storedPathMatcher(pattern: string): PathMatcher {
  try {
    return compilePathRegex(pattern);
  } catch {
    return NEVER;
  }
}
