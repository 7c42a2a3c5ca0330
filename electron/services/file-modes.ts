import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

// The user-data folder holds profiles, the offline cache (credential names, owners, prefixes,
// CIDRs, roles, backends) and drafts: other users of the machine must not read it. The folder
// and its sub-folders are 0700, its files 0600; checked at every start and repaired.

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates the folder 0700 if missing (a parent made on the way keeps the umask's mode). */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const mode = lstatSync(dir).mode & 0o777;
  if (mode !== PRIVATE_DIR_MODE && process.platform !== 'win32') chmodSync(dir, PRIVATE_DIR_MODE);
}

/**
 * Sets the folder to 0700 and everything under it to 0700 (folders) or 0600 (files), answering
 * the paths (relative to the folder) whose mode was wrong. Symbolic links are not followed.
 * POSIX modes only: on Windows the profile folder's ACL already keeps other users out.
 */
export function securePrivateTree(root: string): string[] {
  if (process.platform === 'win32') return [];
  mkdirSync(root, { recursive: true, mode: PRIVATE_DIR_MODE });
  const repaired: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) continue;
      const want = stat.isDirectory() ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE;
      if ((stat.mode & 0o777) !== want) {
        chmodSync(path, want);
        repaired.push(relative(root, path));
      }
      if (stat.isDirectory()) walk(path);
    }
  };
  const rootMode = lstatSync(root).mode & 0o777;
  if (rootMode !== PRIVATE_DIR_MODE) {
    chmodSync(root, PRIVATE_DIR_MODE);
    repaired.push('.');
  }
  walk(root);
  return repaired;
}
