import { remove as latinLookalikes } from 'confusables';

// Names of roles, credentials, users, groups and backends (DESIGN §4): no control or invisible
// formatting characters, stored in NFC, and a role name that looks like an existing one counts
// as taken. `confusables` is pure JavaScript (no Node built-ins), so this stays in shared/.

/**
 * Characters a name may not hold: controls (Cc), formatting characters (Cf: bidi overrides and
 * isolates U+202A–202E and U+2066–2069, zero-width U+200B–200D, U+FEFF, …), line and paragraph
 * separators, lone surrogates, private use, and other default-ignorable characters that render as
 * nothing (U+3164 Hangul filler, variation selectors).
 */
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Default_Ignorable_Code_Point}]/u;

function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Why a name is refused (for a "role", "user", …), or null. Length and blankness are the schema's. */
export function nameProblem(name: string, what: string): string | null {
  const found = FORBIDDEN.exec(name);
  if (!found) return null;
  return `The ${what} name holds an invisible or control character (${codePoint(found[0])}); names may not contain control characters, bidirectional overrides or zero-width characters.`;
}

/** The stored form of a name: NFC, without surrounding white space. */
export function normalizeName(name: string): string {
  return name.normalize('NFC').trim();
}

/**
 * The UTS #39-style skeleton of a name: two names with the same skeleton look alike. Compatibility
 * forms are decomposed (fullwidth, mathematical letters), lookalikes from other scripts become
 * Latin letters (the `confusables` library: Cyrillic "а" → "a"), marks are dropped, and the few
 * ASCII pairs of UTS #39's confusables.txt that are also confusable ignoring case are folded
 * (I, 1 and | → l; 0 → o; rn → m). Case is ignored, as role names are unique case-insensitively.
 */
export function nameSkeleton(name: string): string {
  return latinLookalikes(name.normalize('NFKD'))
    .replace(/\p{M}/gu, '')
    .replace(/[I1|]/g, 'l')
    .toLowerCase()
    .replace(/0/g, 'o')
    .replace(/rn/g, 'm')
    .replace(/[\s\p{Z}]+/gu, ' ')
    .trim();
}
