// Which storage errors mean "the database cannot serve this right now" (503 database_unavailable
// with Retry-After, DESIGN §4) rather than a bug (500): a PostgreSQL that is restarting, failing
// over or unreachable, and a SQLite file that is read-only, on a full disk, failing I/O or locked
// by another process. The request may succeed if repeated later; nothing was half-written,
// since every write is one transaction.

/** Seconds a client should wait before repeating a request refused with database_unavailable. */
export const RETRY_AFTER_SECONDS = 2;

/** Node socket errors of a lost or refused database connection. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL SQLSTATEs: 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now
 * (starting up or in recovery), 53300 too_many_connections, 53100 disk_full (as SQLITE_FULL),
 * 25006 read_only_sql_transaction (a write reached a hot standby after a failover, or NOTIFY
 * during recovery), and class 08 (connection exceptions, matched by prefix).
 *
 * Not 55000 object_not_in_prerequisite_state: it marks a statement run in a state where it
 * cannot succeed (currval before nextval in the session, say), which repeating never fixes; the one
 * transient use ("recovery is in progress") is from WAL control functions Keyward never calls,
 * and a standby refuses Keyward's writes with 25006 instead. Nor 40001/40P01: ServiceContext
 * re-runs those itself.
 */
const PG_CODES = new Set(['57P01', '57P02', '57P03', '53300', '53100', '25006']);

/** pg's own messages when a connection ends or cannot be had (they carry no code). */
const PG_MESSAGES = [
  'Connection terminated',
  'connection terminated',
  'Client has encountered a connection error and is not queryable',
  'timeout exceeded when trying to connect',
  'Connection ended',
  'The server does not support SSL connections',
];

/**
 * SQLite result codes (better-sqlite3 puts the extended name in `code`): the file or its folder
 * is read-only, the disk is full, the disk failed, the file cannot be opened, or another
 * connection holds a lock longer than busy_timeout.
 */
const SQLITE_PREFIXES = [
  'SQLITE_READONLY',
  'SQLITE_FULL',
  'SQLITE_IOERR',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_CANTOPEN',
  'SQLITE_PROTOCOL',
];

/** Whether an error (or its cause) means the database is unavailable, not that the request is wrong. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (SOCKET_CODES.has(code) || PG_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
      if (SQLITE_PREFIXES.some((prefix) => code.startsWith(prefix))) return true;
    }
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && PG_MESSAGES.some((m) => message.includes(m))) return true;
  }
  return false;
}
