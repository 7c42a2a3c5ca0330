import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

// One-time move of the data the desktop app wrote under its old folder name ("keyward", from the
// package name, before package.json had productName "Keyward") into the folder both hosts share.
// Plain Node, so the browser host and the Electron main process run the same move, and so it is
// tested without Electron.

export interface LegacyMove {
  /** Entries (files, folders) moved into the new folder. */
  moved: string[];
  /** Entries left in the old folder because the new one already has an entry of that name. */
  kept: string[];
}

/**
 * Moves every entry of `from` that `to` lacks into `to` (a rename: atomic, same volume), then
 * removes `from` if it is empty. Entries present in both stay where they are: the shared folder's
 * copy wins and nothing is overwritten. On a case-insensitive file system (macOS, Windows) both
 * names are one folder, and nothing happens.
 */
export function moveLegacyUserData(from: string, to: string): LegacyMove {
  const result: LegacyMove = { moved: [], kept: [] };
  if (from === to || !existsSync(from) || !statSync(from).isDirectory()) return result;
  if (existsSync(to)) {
    const a = statSync(from);
    const b = statSync(to);
    if (a.dev === b.dev && a.ino === b.ino) return result;
  } else {
    mkdirSync(to, { recursive: true, mode: 0o700 });
  }
  for (const name of readdirSync(from)) {
    const target = join(to, name);
    if (existsSync(target)) {
      result.kept.push(name);
      continue;
    }
    renameSync(join(from, name), target);
    result.moved.push(name);
  }
  if (result.kept.length === 0) rmdirSync(from);
  return result;
}

/** The sentence a host prints after a move that did something. */
export function describeLegacyMove(move: LegacyMove, from: string, to: string): string | null {
  if (move.moved.length === 0 && move.kept.length === 0) return null;
  const kept =
    move.kept.length > 0
      ? ` ${move.kept.length} entr${move.kept.length === 1 ? 'y' : 'ies'} that ${to} already has stayed in ${from} (${move.kept.join(', ')}).`
      : '';
  return `Keyward: moved ${move.moved.length} entr${move.moved.length === 1 ? 'y' : 'ies'} of the old data folder ${from} into ${to}.${kept}`;
}
