import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, constants, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

// Files only the server's user may read (DESIGN §4): the SQLite database with its -wal and -shm
// files (they hold every hash and, without KEYWARD_HMAC_KEY, the HMAC key), and the bootstrap
// token file. A folder the server creates for them is 0700.

const PRIVATE_FILE = 0o600;
const PRIVATE_DIR = 0o700;
/** Create only; fail if anything (a file, a planted symlink) is already there; never follow a link. */
const EXCLUSIVE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * Creates the folders up to `path` as 0700 and the file itself as 0600 if it does not exist yet,
 * or narrows an existing file to 0600. An existing folder keeps its mode: it may be the working
 * directory or a shared parent the operator chose.
 */
export function preparePrivateFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: PRIVATE_DIR });
  try {
    closeSync(openSync(path, EXCLUSIVE, PRIVATE_FILE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    chmodSync(path, PRIVATE_FILE);
  }
}

/**
 * Narrows SQLite's companion files to 0600. SQLite gives -wal and -shm the database file's mode
 * when it creates them, so this only repairs files left by an older version.
 */
export function restrictSqliteFiles(path: string): void {
  for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) if (existsSync(file)) chmodSync(file, PRIVATE_FILE);
}

export interface SecretFile {
  /** Writes, syncs and renames the temp file into place atomically. */
  commit(content: string): void;
  /** Removes an uncommitted temp file. */
  discard(): void;
}

/**
 * A secret file written atomically: a temp file beside `path` with a random name, created
 * exclusively (O_EXCL | O_NOFOLLOW, 0600) so a file or symlink planted in the folder is never
 * written through, then renamed over `path` (a rename replaces a link, it does not follow it).
 * Opened before anything is committed, so an unwritable path fails early. `tempName` is for tests.
 */
export function openSecretFile(path: string, tempName = `.${basename(path)}.${randomBytes(12).toString('hex')}.tmp`): SecretFile {
  const temp = join(dirname(path), tempName);
  let fd: number | null;
  try {
    fd = openSync(temp, EXCLUSIVE, PRIVATE_FILE);
  } catch (error) {
    throw new Error(`cannot write the token file ${path}: ${(error as Error).message}`, { cause: error });
  }
  return {
    commit(content) {
      const open = fd!;
      fd = null;
      try {
        writeSync(open, content);
        fsyncSync(open);
      } finally {
        closeSync(open);
      }
      renameSync(temp, path);
    },
    discard() {
      if (fd === null) return;
      closeSync(fd);
      fd = null;
      rmSync(temp, { force: true });
    },
  };
}
