import { displayPrefix } from '../../shared/domain/token.ts';
import type { Credential } from '../../shared/domain/types.ts';
import { credentialFromRow, newId, type Queryable } from '../storage/rows.ts';
import type { CredentialsTable } from '../storage/schema.ts';
import { notFound, type ServiceContext } from './context.ts';
import { checkedName } from './names.ts';

// The credential rows and their role links, shared by the credential modules: reading a row,
// presenting it to a client, and writing a new row or a new role list.

/** Each credential's role ids in their assigned order (chunked: SQL parameter limits). */
export async function rolesOf(q: Queryable, ids: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (let i = 0; i < ids.length; i += 500) {
    const links = await q
      .selectFrom('credential_roles')
      .select(['credential_id', 'role_id'])
      .where('credential_id', 'in', ids.slice(i, i + 500))
      .orderBy('position')
      .execute();
    for (const l of links) out.get(l.credential_id)?.push(l.role_id);
  }
  return out;
}

/** The stored row, or 404 not_found. */
export async function loadRow(q: Queryable, id: string): Promise<CredentialsTable> {
  const row = await q.selectFrom('credentials').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('credential', id);
  return row;
}

/** The row as clients see it: derived status and the last use recorded in memory but not yet written. */
export function present(ctx: ServiceContext, row: CredentialsTable, roles: string[]): Credential {
  return credentialFromRow(row, roles, ctx.now(), ctx.lastUsed.overlay(row.id));
}

/** Replaces a credential's role links, keeping the given order. */
export async function setRoles(tx: Queryable, credentialId: string, roleIds: string[]): Promise<void> {
  await tx.deleteFrom('credential_roles').where('credential_id', '=', credentialId).execute();
  if (roleIds.length > 0)
    await tx
      .insertInto('credential_roles')
      .values(roleIds.map((role_id, position) => ({ credential_id: credentialId, role_id, position })))
      .execute();
}

/** A new active row for `secret`, of which only the HMAC and the display prefix are kept. */
export function newRow(
  ctx: ServiceContext,
  secret: string,
  fields: {
    name: string;
    description?: string | undefined;
    ownerId?: string | null | undefined;
    expiresAt: string | null;
    cidrs: string[];
  },
): CredentialsTable {
  return {
    id: newId('cred', ctx.now()),
    name: checkedName(fields.name, 'credential'),
    description: fields.description ?? '',
    owner_id: fields.ownerId ?? null,
    status: 'active',
    prefix: displayPrefix(secret),
    secret_hash: ctx.hasher.hash(secret),
    previous_hash: null,
    previous_valid_until: null,
    created_at: ctx.nowIso(),
    expires_at: fields.expiresAt,
    last_used_at: null,
    allowed_cidrs: JSON.stringify(fields.cidrs),
    version: 1,
  };
}
