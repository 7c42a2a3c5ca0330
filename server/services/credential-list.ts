import { sql } from 'kysely';
import type { CredentialListParams, CredentialSortKey } from '../../shared/api/schemas.ts';
import type { Credential } from '../../shared/domain/types.ts';
import type { ServiceContext } from './context.ts';
import { present, rolesOf } from './credential-rows.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

// The credential list (DESIGN §3.6): search, filters, sorting and signed cursors.

/** Filtered, sorted (newest first unless asked), with an opaque signed cursor. */
export async function listCredentials(
  ctx: ServiceContext,
  params: CredentialListParams,
): Promise<{ items: Credential[]; nextCursor: string | null }> {
  const limit = params.limit ?? 50;
  const now = ctx.nowIso();
  let query = ctx.db.selectFrom('credentials').selectAll();
  if (params.q && params.q.trim()) {
    const like = `%${params.q
      .trim()
      .toLowerCase()
      .replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // ESCAPE is explicit: SQLite's LIKE has no escape character unless told (PostgreSQL's is \).
    const contains = (column: 'name' | 'description' | 'prefix') => sql<boolean>`lower(${sql.ref(column)}) like ${like} escape '\\'`;
    query = query.where((eb) => eb.or([contains('name'), contains('description'), contains('prefix'), eb('id', '=', params.q!.trim())]));
  }
  if (params.status === 'revoked') query = query.where('status', '=', 'revoked');
  else if (params.status === 'expired')
    query = query.where('status', '!=', 'revoked').where('expires_at', 'is not', null).where('expires_at', '<=', now);
  else if (params.status) {
    query = query.where('status', '=', params.status).where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]));
  }
  if (params.hideRevoked) query = query.where('status', '!=', 'revoked');
  if (params.owner) query = query.where('owner_id', '=', params.owner);
  if (params.role) {
    const role = params.role;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('credential_roles')
          .select('role_id')
          .whereRef('credential_roles.credential_id', '=', 'credentials.id')
          .where('role_id', '=', role),
      ),
    );
  }
  const { key, order, scope } = listOrder(params, now);
  if (params.cursor) {
    const [after, id] = decodeCursor(ctx.hasher, params.cursor, scope);
    const beyond = order === 'asc' ? sql`>` : sql`<`;
    query = query.where(sql<boolean>`(${key} ${beyond} ${after} or (${key} = ${after} and ${sql.ref('id')} ${beyond} ${id}))`);
  }
  const rows = await query
    .select(key.as('sort_key'))
    .orderBy(key, order)
    .orderBy('id', order)
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const roles = await rolesOf(
    ctx.db,
    page.map((r) => r.id),
  );
  const last = page[page.length - 1];
  return {
    items: page.map(({ sort_key: _key, ...r }) => present(ctx, r, roles.get(r.id) ?? [])),
    nextCursor: rows.length > limit && last ? encodeCursor(ctx.hasher, [String(last.sort_key), last.id], scope) : null,
  };
}

/**
 * What the list is ordered by: one text key per row (the same on SQLite and PostgreSQL, never
 * null, so a cursor is a plain "after this key, then this id"), the direction, and the cursor's
 * scope. The default order keeps the scope cursors had before sorting existed; a cursor issued
 * under another sort names another scope and is refused as invalid_cursor.
 */
function listOrder(params: CredentialListParams, now: string) {
  const sort = params.sort ?? 'createdAt';
  const order = params.order ?? (params.sort ? 'asc' : 'desc');
  const keys = {
    name: sql<string>`lower(${sql.ref('name')})`,
    prefix: sql<string>`${sql.ref('prefix')}`,
    createdAt: sql<string>`${sql.ref('created_at')}`,
    // Never expiring sorts after every date; never used before every date.
    expiresAt: sql<string>`coalesce(${sql.ref('expires_at')}, ${NEVER_EXPIRES})`,
    lastUsedAt: sql<string>`coalesce(${sql.ref('last_used_at')}, '')`,
    // The status a client sees (credentialFromRow): past its expiry, a live credential is expired.
    status: sql<string>`case when ${sql.ref('status')} = 'revoked' then 'revoked' when ${sql.ref('expires_at')} is not null and ${sql.ref('expires_at')} <= ${now} then 'expired' else ${sql.ref('status')} end`,
  } satisfies Record<CredentialSortKey, unknown>;
  const scope = sort === 'createdAt' && order === 'desc' ? 'credentials' : `credentials:${sort}:${order}`;
  return { key: keys[sort], order, scope };
}

/** Sorts after every real expiry (timestamps are ISO-8601 UTC text). */
const NEVER_EXPIRES = '9999-12-31T23:59:59.999Z';
