import { sql } from 'kysely';
import { ApiError } from '../../shared/api/errors.ts';
import type {
  CredentialCreateBody,
  CredentialImportBody,
  CredentialListParams,
  CredentialPatchBody,
  CredentialSortKey,
} from '../../shared/api/schemas.ts';
import { ADMIN_GROUP_ID } from '../../shared/domain/admin-actions.ts';
import { ADMINISTRATOR_MIN_GRACE_SECONDS } from '../../shared/domain/administrators.ts';
import { ipInCidrs } from '../../shared/domain/cidr.ts';
import { COMPATIBILITY_ROLE_NAME, MIN_LEGACY_SECRET_LENGTH, nameKey } from '../../shared/domain/policy.ts';
import { displayPrefix, hasValidChecksum, TOKEN_PATTERN } from '../../shared/domain/token.ts';
import type { Credential } from '../../shared/domain/types.ts';
import { credentialFromRow, newId, type Queryable } from '../storage/rows.ts';
import type { CredentialsTable } from '../storage/schema.ts';
import { readCatalog, setSetting } from './catalog-service.ts';
import { checkVersion, notFound, type Actor, type AuditDraft, type ServiceContext } from './context.ts';
import { guardIfAdministrator } from './administrators.ts';
import { checkCidrs, checkExpiry, checkHandOver, checkOwner, checkRoles, checkTakeAway, newSecret, sameRoles } from './credential-rules.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { checkLifetime } from './lifetime-service.ts';
import { checkedName } from './names.ts';
import { nameSkeleton } from '../../shared/domain/names.ts';

// Credentials (DESIGN §3.6, §3.9, §3.10). The secret exists in the create/roll answer only; the
// database holds its HMAC and a short display prefix.

export interface CredentialWithSecret {
  credential: Credential;
  secret: string;
}

async function rolesOf(q: Queryable, ids: string[]): Promise<Map<string, string[]>> {
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

async function loadRow(q: Queryable, id: string): Promise<CredentialsTable> {
  const row = await q.selectFrom('credentials').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('credential', id);
  return row;
}

function present(ctx: ServiceContext, row: CredentialsTable, roles: string[]): Credential {
  return credentialFromRow(row, roles, ctx.now(), ctx.lastUsed.overlay(row.id));
}

export async function getCredential(ctx: ServiceContext, id: string, q: Queryable = ctx.db): Promise<Credential> {
  const row = await loadRow(q, id);
  return present(ctx, row, (await rolesOf(q, [id])).get(id) ?? []);
}

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

async function setRoles(tx: Queryable, credentialId: string, roleIds: string[]): Promise<void> {
  await tx.deleteFrom('credential_roles').where('credential_id', '=', credentialId).execute();
  if (roleIds.length > 0)
    await tx
      .insertInto('credential_roles')
      .values(roleIds.map((role_id, position) => ({ credential_id: credentialId, role_id, position })))
      .execute();
}

function newRow(
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

/** Issues a credential. The owner, if named, must be allowed keys (DESIGN §3.5). */
export function createCredential(
  ctx: ServiceContext,
  actor: Actor,
  body: CredentialCreateBody,
  auditAction = 'credential.create',
): Promise<CredentialWithSecret> {
  const cidrs = checkCidrs(body.allowedCidrs);
  const expiresAt = checkExpiry(body.expiresAt, ctx.now(), true);
  return ctx.write(actor, async (tx) => {
    await checkLifetime(tx, expiresAt, ctx.now());
    await checkOwner(tx, body.ownerId);
    const roles = await checkRoles(tx, actor, body.roles ?? [], []);
    const secret = newSecret();
    const row = newRow(ctx, secret, { name: body.name, description: body.description, ownerId: body.ownerId, expiresAt, cidrs });
    await tx.insertInto('credentials').values(row).execute();
    await setRoles(tx, row.id, roles);
    const credential = present(ctx, row, roles);
    return {
      value: { credential, secret },
      audit: [{ action: auditAction, target: { type: 'credential', id: row.id }, after: credential }],
      events: [{ kind: 'credential', id: row.id }],
    };
  });
}

/** An expiry as an instant, so two spellings of one time are no change. */
const instant = (at: string | null): number | null => (at === null ? null : Date.parse(at));

export function updateCredential(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  patch: CredentialPatchBody,
  ifMatch?: number,
): Promise<Credential> {
  const cidrs = patch.allowedCidrs === undefined ? undefined : checkCidrs(patch.allowedCidrs);
  const expiresAt = patch.expiresAt === undefined ? undefined : checkExpiry(patch.expiresAt, ctx.now(), false);
  return ctx.write(actor, async (tx) => {
    const row = await loadRow(tx, id);
    checkVersion(ifMatch, Number(row.version), 'credential');
    if (row.status === 'revoked')
      throw new ApiError('credential_revoked', `The credential "${row.name}" is revoked; a revoked credential cannot be changed.`, { id });
    const currentRoles = (await rolesOf(tx, [id])).get(id) ?? [];
    const before = present(ctx, row, currentRoles);
    // Only a new expiry is checked: a lowered maximum does not invalidate existing credentials (hygiene lists them).
    if (expiresAt !== undefined) await checkLifetime(tx, expiresAt, ctx.now());
    if (patch.ownerId !== undefined && patch.ownerId !== row.owner_id) await checkOwner(tx, patch.ownerId);
    const rolesChange = patch.roles !== undefined && !sameRoles(patch.roles, currentRoles);
    if (rolesChange) await checkTakeAway(tx, actor, currentRoles, `the roles of "${row.name}"`);
    // Re-dating or binding to addresses can take an administrator away as surely as its roles.
    const expiryChange = expiresAt !== undefined && instant(expiresAt) !== instant(row.expires_at);
    const cidrsChange = cidrs !== undefined && JSON.stringify(cidrs) !== row.allowed_cidrs;
    if (expiryChange || cidrsChange)
      await checkTakeAway(tx, actor, currentRoles, `the expiry or allowed addresses of "${row.name}"`, 'it holds');
    const roles = patch.roles === undefined ? currentRoles : await checkRoles(tx, actor, patch.roles, currentRoles);
    // Its roles, its expiry and its addresses decide whether a credential is a usable administrator.
    const guard = rolesChange || expiryChange || cidrsChange ? await guardIfAdministrator(tx, actor, ctx.now(), [id]) : null;
    // Bound to addresses the caller is not at, it may be one nobody can use.
    const unreachable = cidrsChange && cidrs.length > 0 && !(actor.address !== undefined && ipInCidrs(actor.address, cidrs));
    const next: CredentialsTable = {
      ...row,
      name: patch.name === undefined ? row.name : checkedName(patch.name, 'credential'),
      description: patch.description ?? row.description,
      owner_id: patch.ownerId === undefined ? row.owner_id : patch.ownerId,
      expires_at: expiresAt === undefined ? row.expires_at : expiresAt,
      allowed_cidrs: cidrs === undefined ? row.allowed_cidrs : JSON.stringify(cidrs),
      version: Number(row.version) + 1,
    };
    await tx
      .updateTable('credentials')
      .set({
        name: next.name,
        description: next.description,
        owner_id: next.owner_id,
        expires_at: next.expires_at,
        allowed_cidrs: next.allowed_cidrs,
        version: next.version,
        // A re-dated credential is warned about (and reported expired) again for its new date.
        ...(expiryChange ? { expiring_notified_at: null, expired_notified_at: null } : {}),
      })
      .where('id', '=', id)
      .execute();
    if (patch.roles !== undefined) await setRoles(tx, id, roles);
    await guard?.check(tx, {
      unusable: unreachable ? [id] : [],
      message: unreachable
        ? `Binding "${row.name}" to ${cidrs.join(', ')} would leave no administrator usable from your address (${actor.address ?? 'unknown'}); include it, or give another credential the Administrator role first.`
        : expiryChange
          ? `This expiry would leave no administrator that still works an hour from now; choose a later one, or give another credential the Administrator role first.`
          : undefined,
    });
    const after = present(ctx, next, roles);
    return {
      value: after,
      audit: [{ action: 'credential.update', target: { type: 'credential', id }, before, after }],
      events: [{ kind: 'credential', id }],
    };
  });
}

export function deleteCredential(ctx: ServiceContext, actor: Actor, id: string, ifMatch?: number): Promise<void> {
  return ctx.write(actor, async (tx) => {
    const row = await loadRow(tx, id);
    checkVersion(ifMatch, Number(row.version), 'credential');
    const before = present(ctx, row, (await rolesOf(tx, [id])).get(id) ?? []);
    const guard = await guardIfAdministrator(tx, actor, ctx.now(), [id]);
    await tx.deleteFrom('credential_roles').where('credential_id', '=', id).execute();
    await tx.deleteFrom('credentials').where('id', '=', id).execute();
    await guard?.check(tx);
    return {
      value: undefined,
      audit: [{ action: 'credential.delete', target: { type: 'credential', id }, before }],
      events: [{ kind: 'credential', id }],
    };
  });
}

/** revoke (final, idempotent), disable and enable (temporary). */
export function setCredentialStatus(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  target: 'revoked' | 'disabled' | 'active',
  ifMatch?: number,
): Promise<Credential> {
  return ctx.write(actor, async (tx) => {
    const row = await loadRow(tx, id);
    checkVersion(ifMatch, Number(row.version), 'credential');
    const roles = (await rolesOf(tx, [id])).get(id) ?? [];
    if (row.status === 'revoked' && target !== 'revoked') {
      throw new ApiError('credential_revoked', `The credential "${row.name}" is revoked for good; issue a new one instead.`, { id });
    }
    if (row.status === target) return { value: present(ctx, row, roles), audit: [], events: [] };
    const guard = target === 'active' ? null : await guardIfAdministrator(tx, actor, ctx.now(), [id]);
    const before = present(ctx, row, roles);
    const next: CredentialsTable = {
      ...row,
      status: target,
      version: Number(row.version) + 1,
      ...(target === 'revoked' ? { previous_hash: null, previous_valid_until: null } : {}),
    };
    await tx
      .updateTable('credentials')
      .set({
        status: next.status,
        version: next.version,
        previous_hash: next.previous_hash,
        previous_valid_until: next.previous_valid_until,
      })
      .where('id', '=', id)
      .execute();
    await guard?.check(tx);
    const action = target === 'revoked' ? 'credential.revoke' : target === 'disabled' ? 'credential.disable' : 'credential.enable';
    const after = present(ctx, next, roles);
    return { value: after, audit: [{ action, target: { type: 'credential', id }, before, after }], events: [{ kind: 'credential', id }] };
  });
}

/** A new secret; the old one stops at once or after graceSeconds (≤ 24 h). */
export function rollCredential(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  graceSeconds: number,
  ifMatch?: number,
): Promise<CredentialWithSecret> {
  return ctx.write(actor, async (tx) => {
    const row = await loadRow(tx, id);
    checkVersion(ifMatch, Number(row.version), 'credential');
    if (row.status === 'revoked')
      throw new ApiError('credential_revoked', `The credential "${row.name}" is revoked; rolling it would not bring it back.`, { id });
    const roles = (await rolesOf(tx, [id])).get(id) ?? [];
    await checkHandOver(tx, actor, roles, `roll "${row.name}" and receive its secret`);
    // A new secret is a new issue: its expiry must fit the policy as it is now (edit the expiry first).
    await checkLifetime(tx, row.expires_at, ctx.now());
    // Without grace the new secret exists only in this answer: if the last administrator's answer
    // were lost, nobody could administer any more. With grace the old secret still works meanwhile.
    // A grace of a few seconds is none: the old secret stops before a lost answer could be noticed.
    const guard = graceSeconds >= ADMINISTRATOR_MIN_GRACE_SECONDS ? null : await guardIfAdministrator(tx, actor, ctx.now(), [id]);
    if (guard)
      await guard.check(tx, {
        unusable: [id],
        message: `Rolling "${row.name}" without a grace period of at least ${ADMINISTRATOR_MIN_GRACE_SECONDS / 60} minutes would leave no administrator whose secret anyone holds yet (the new one would exist only in this answer); roll it with a longer grace period, or give another credential the Administrator role first.`,
      });
    const secret = newSecret();
    const graceUntil = graceSeconds > 0 ? new Date(ctx.now() + graceSeconds * 1000).toISOString() : null;
    const next: CredentialsTable = {
      ...row,
      prefix: displayPrefix(secret),
      secret_hash: ctx.hasher.hash(secret),
      previous_hash: graceUntil ? row.secret_hash : null,
      previous_valid_until: graceUntil,
      version: Number(row.version) + 1,
    };
    await tx
      .updateTable('credentials')
      .set({
        prefix: next.prefix,
        secret_hash: next.secret_hash,
        previous_hash: next.previous_hash,
        previous_valid_until: next.previous_valid_until,
        version: next.version,
      })
      .where('id', '=', id)
      .execute();
    const credential = present(ctx, next, roles);
    return {
      value: { credential, secret },
      audit: [
        {
          action: 'credential.roll',
          target: { type: 'credential', id },
          before: { prefix: row.prefix, version: Number(row.version) },
          after: { prefix: next.prefix, version: next.version, graceUntil },
        },
      ],
      events: [{ kind: 'credential', id }],
    };
  });
}

/** Imports credentials with their existing secrets (DESIGN §3.7), all or none. */
export function importCredentials(
  ctx: ServiceContext,
  actor: Actor,
  body: CredentialImportBody,
): Promise<{ items: Credential[]; compatibilityRoleId: string | null }> {
  const prepared = body.items.map((item, index) => ({
    item,
    index,
    cidrs: checkCidrs(item.allowedCidrs, index),
    expiresAt: checkExpiry(item.expiresAt, ctx.now(), false),
  }));
  // The hot path rejects a kw_-shaped token with a bad checksum before hashing it, so such a
  // secret could never authenticate: refuse it here rather than import a dead credential.
  for (const { item, index } of prepared) {
    checkedName(item.name, 'credential', index);
    if ([...item.secret].length < MIN_LEGACY_SECRET_LENGTH) {
      throw new ApiError(
        'invalid_request',
        `Item ${index} ("${item.name}") has a secret of ${[...item.secret].length} characters; imported secrets need at least ${MIN_LEGACY_SECRET_LENGTH}, since shorter ones can be guessed through the proxy. Issue a new credential instead. Nothing was imported.`,
        { index, minLength: MIN_LEGACY_SECRET_LENGTH },
      );
    }
    if (TOKEN_PATTERN.test(item.secret) && !hasValidChecksum(item.secret)) {
      throw new ApiError(
        'invalid_request',
        `Item ${index} ("${item.name}") has a secret shaped like a Keyward token (kw_…) whose checksum is wrong, so it could never authenticate; check it for a typo. Nothing was imported.`,
        { index },
      );
    }
  }
  return ctx.write(actor, async (tx) => {
    const audit: AuditDraft[] = [];
    const hashes = new Set<string>();
    let compatibilityRoleId: string | null = null;
    const items: Credential[] = [];
    for (const { item, index, cidrs, expiresAt } of prepared) {
      const hash = ctx.hasher.hash(item.secret);
      const taken =
        hashes.has(hash) ||
        (await tx
          .selectFrom('credentials')
          .select('id')
          .where((eb) => eb.or([eb('secret_hash', '=', hash), eb('previous_hash', '=', hash)]))
          .executeTakeFirst());
      if (taken)
        throw new ApiError(
          'secret_taken',
          `Item ${index} ("${item.name}") has a secret that another credential already uses; nothing was imported.`,
          { index },
        );
      hashes.add(hash);
      await checkLifetime(tx, expiresAt, ctx.now(), index);
      await checkOwner(tx, item.ownerId, index);
      let roles = item.roles ?? [];
      if (item.fullAccess) {
        compatibilityRoleId ??= await compatibilityRole(ctx, tx, audit);
        if (!roles.includes(compatibilityRoleId)) roles = [...roles, compatibilityRoleId];
      }
      // fullAccess is the assignment of the compatibility role, checked like any other (DESIGN
      // §3.8): an admin may since have given that role administration actions.
      roles = await checkRoles(tx, actor, roles, [], index);
      const row = newRow(ctx, item.secret, { name: item.name, description: item.description, ownerId: item.ownerId, expiresAt, cidrs });
      await tx.insertInto('credentials').values(row).execute();
      await setRoles(tx, row.id, roles);
      const credential = present(ctx, row, roles);
      items.push(credential);
      audit.push({ action: 'credential.import', target: { type: 'credential', id: row.id }, after: credential });
    }
    return {
      value: { items, compatibilityRoleId },
      audit,
      events: items.length > 200 ? [{ kind: 'all' }] : items.map((c) => ({ kind: 'credential' as const, id: c.id })),
    };
  });
}

/**
 * The compatibility role: created on the first full-access import with every catalog action
 * outside `keyward` at that moment, then reused unchanged (never kept up to date).
 */
async function compatibilityRole(ctx: ServiceContext, tx: Queryable, audit: AuditDraft[]): Promise<string> {
  const stored = await tx.selectFrom('settings').select('value').where('key', '=', 'compatibility_role_id').executeTakeFirst();
  if (stored && (await tx.selectFrom('roles').select('id').where('id', '=', stored.value).executeTakeFirst())) return stored.value;
  const key = nameKey(COMPATIBILITY_ROLE_NAME);
  const sameName = await tx.selectFrom('roles').select('id').where('name_key', '=', key).executeTakeFirst();
  if (sameName) {
    throw new ApiError(
      'name_taken',
      `A role named "${COMPATIBILITY_ROLE_NAME}" already exists but is not the compatibility role; rename it before importing full-access credentials.`,
      { roleId: sameName.id },
    );
  }
  const catalog = await readCatalog(tx);
  const actions = catalog.groups.filter((g) => g.id !== ADMIN_GROUP_ID).flatMap((g) => g.actions.map((a) => a.id));
  const now = ctx.nowIso();
  const id = newId('role', ctx.now());
  const row = {
    id,
    name: COMPATIBILITY_ROLE_NAME,
    name_key: key,
    name_skeleton: nameSkeleton(COMPATIBILITY_ROLE_NAME),
    description:
      'Created by the first import of unrestricted (full-access) credentials: every catalog action outside keyward at that time. Not kept up to date.',
    actions: JSON.stringify(actions),
    version: 1,
    created_at: now,
    updated_at: now,
  };
  await tx.insertInto('roles').values(row).execute();
  await setSetting(tx, 'compatibility_role_id', id);
  audit.push({ action: 'role.create', target: { type: 'role', id }, after: { id, name: row.name, actions: actions.length } });
  return id;
}

/** Revokes every credential the user owns that is not revoked yet (DESIGN §3.6). */
export function invalidateUserTokens(ctx: ServiceContext, actor: Actor, userId: string): Promise<{ revoked: number }> {
  return ctx.write(actor, async (tx) => {
    const user = await tx.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
    if (!user) throw notFound('user', userId);
    const rows = await tx
      .selectFrom('credentials')
      .select(['id', 'version'])
      .where('owner_id', '=', userId)
      .where('status', '!=', 'revoked')
      .execute();
    const guard = await guardIfAdministrator(
      tx,
      actor,
      ctx.now(),
      rows.map((r) => r.id),
    );
    for (const row of rows) {
      await tx
        .updateTable('credentials')
        .set({ status: 'revoked', version: Number(row.version) + 1, previous_hash: null, previous_valid_until: null })
        .where('id', '=', row.id)
        .execute();
    }
    await guard?.check(tx);
    return {
      value: { revoked: rows.length },
      audit: [{ action: 'user.invalidate_tokens', target: { type: 'user', id: userId }, after: { revoked: rows.map((r) => r.id) } }],
      events: rows.map((r) => ({ kind: 'credential' as const, id: r.id })),
    };
  });
}
