import { ApiError } from '../../shared/api/errors.ts';
import type { SecretHasher } from '../authz/hasher.ts';

// Paging cursors are opaque to clients and signed, so a forged or edited one is a clear 400.

export function encodeCursor(hasher: SecretHasher, position: [string, string], scope: string): string {
  const body = Buffer.from(JSON.stringify([scope, ...position])).toString('base64url');
  return `${body}.${hasher.sign(body)}`;
}

export function decodeCursor(hasher: SecretHasher, cursor: string, scope: string): [string, string] {
  const [body, signature, extra] = cursor.split('.');
  const invalid = new ApiError('invalid_cursor', 'The cursor is not one this server issued for this list. Start again without a cursor.');
  if (!body || !signature || extra !== undefined || !hasher.verify(body, signature)) throw invalid;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    parsed[0] !== scope ||
    typeof parsed[1] !== 'string' ||
    typeof parsed[2] !== 'string'
  )
    throw invalid;
  return [parsed[1], parsed[2]];
}
