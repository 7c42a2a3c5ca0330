import { ApiError } from '../../shared/api/errors.ts';
import type { GroupCreateBody, GroupPatchBody, UserCreateBody, UserPatchBody } from '../../shared/api/schemas.ts';
import { mayObtainKey, nameKey } from '../../shared/domain/policy.ts';
import type { Group, IssuancePolicy, User } from '../../shared/domain/types.ts';
import { groupFromRow, newId, parseJson, userFromRow, type Queryable } from '../storage/rows.ts';
import type { GroupsTable, UsersTable } from '../storage/schema.ts';
import { setSetting } from './catalog-service.ts';
import { checkVersion, notFound, unique, type Actor, type AuditDraft, type ServiceContext } from './context.ts';
import { guardIfAdministrator } from './administrators.ts';
import { checkHandOver, checkRoles, checkTakeAway, defaultRolesOf, readIssuancePolicy, sameRoles } from './credential-rules.ts';
import { createCredential, type CredentialWithSecret } from './credential-issuing.ts';
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from './passwords.ts';
import { latestAllowedExpiryMs } from '../../shared/domain/lifecycle.ts';
import { readLifetimePolicy } from './lifetime-service.ts';
import { checkedName } from './names.ts';
import { normalizeName } from '../../shared/domain/names.ts';

// Users, groups and the issuance policy (DESIGN §3.5, §3.6). Passwords are stored as scrypt
// hashes and never returned or audited.

export async function listUsers(q: Queryable): Promise<User[]> {
  return (await q.selectFrom('users').selectAll().orderBy('name_key').execute()).map(userFromRow);
}

export async function getUser(q: Queryable, id: string): Promise<User> {
  const row = await q.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('user', id);
  return userFromRow(row);
}

async function checkUserName(q: Queryable, name: string, selfId: string | null, previous?: string): Promise<string> {
  // Self-service signs in with HTTP Basic, which splits user and password at the first colon
  // (RFC 7617), so a name holding one could never sign in.
  if (name !== previous && name.includes(':'))
    throw new ApiError('invalid_request', `A user name cannot contain ":" (HTTP Basic sign-in splits at it): "${name}".`, { name });
  const key = nameKey(name);
  const other = await q.selectFrom('users').select(['id', 'name']).where('name_key', '=', key).executeTakeFirst();
  if (other && other.id !== selfId)
    throw new ApiError('name_taken', `A user named "${other.name}" already exists (names are case-insensitive).`, {
      name,
      userId: other.id,
    });
  return key;
}

async function checkGroups(q: Queryable, ids: readonly string[]): Promise<string[]> {
  const list = unique(ids);
  if (list.length === 0) return list;
  const found = new Set((await q.selectFrom('groups').select('id').where('id', 'in', list).execute()).map((r) => r.id));
  const missing = list.filter((id) => !found.has(id));
  if (missing.length > 0)
    throw new ApiError('unknown_group', `No group with id ${missing.map((m) => `"${m}"`).join(', ')}.`, { groups: missing });
  return list;
}

export async function createUser(ctx: ServiceContext, actor: Actor, body: UserCreateBody): Promise<User> {
  const passwordHash = body.password === undefined ? null : await hashPassword(body.password);
  return ctx.write(actor, async (tx) => {
    const name = checkedName(body.name, 'user');
    const groups = await checkGroups(tx, body.groups ?? []);
    await checkHandOver(tx, actor, await defaultRolesOf(tx, groups), 'put a user in these groups');
    const row: UsersTable = {
      id: newId('usr', ctx.now()),
      name,
      name_key: await checkUserName(tx, name, null),
      email: body.email ?? '',
      groups: JSON.stringify(groups),
      password_hash: passwordHash,
      created_at: ctx.nowIso(),
      version: 1,
    };
    await tx.insertInto('users').values(row).execute();
    const user = userFromRow(row);
    return {
      value: user,
      audit: [{ action: 'user.create', target: { type: 'user', id: user.id }, after: { ...user, hasPassword: passwordHash !== null } }],
      events: [],
    };
  });
}

export async function updateUser(ctx: ServiceContext, actor: Actor, id: string, patch: UserPatchBody, ifMatch?: number): Promise<User> {
  const passwordHash = patch.password ? await hashPassword(patch.password) : patch.password;
  return ctx.write(actor, async (tx) => {
    const row = await tx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('user', id);
    checkVersion(ifMatch, Number(row.version), 'user');
    const name = patch.name === undefined ? row.name : checkedName(patch.name, 'user');
    const previousGroups = parseJson<string[]>(row.groups, []);
    const groups = patch.groups === undefined ? previousGroups : await checkGroups(tx, patch.groups);
    const added = groups.filter((g) => !previousGroups.includes(g));
    await checkHandOver(tx, actor, await defaultRolesOf(tx, added), 'put this user in these groups');
    if (passwordHash) await checkHandOver(tx, actor, await defaultRolesOf(tx, groups), "set this user's password");
    const next: UsersTable = {
      ...row,
      name,
      name_key: await checkUserName(tx, name, id, row.name),
      email: patch.email ?? row.email,
      groups: JSON.stringify(groups),
      password_hash: passwordHash === undefined ? row.password_hash : passwordHash,
      version: Number(row.version) + 1,
    };
    await tx
      .updateTable('users')
      .set({
        name: next.name,
        name_key: next.name_key,
        email: next.email,
        groups: next.groups,
        password_hash: next.password_hash,
        version: next.version,
      })
      .where('id', '=', id)
      .execute();
    const after = userFromRow(next);
    const audit: AuditDraft = {
      action: 'user.update',
      target: { type: 'user', id },
      before: userFromRow(row),
      after: { ...after, ...(passwordHash !== undefined ? { passwordChanged: true } : {}) },
    };
    return { value: after, audit: [audit], events: [] };
  });
}

/** Deleting a user revokes their credentials, which then have no owner. */
export function deleteUser(ctx: ServiceContext, actor: Actor, id: string, ifMatch?: number): Promise<void> {
  return ctx.write(actor, async (tx) => {
    const row = await tx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('user', id);
    checkVersion(ifMatch, Number(row.version), 'user');
    const owned = await tx.selectFrom('credentials').select(['id', 'status', 'version']).where('owner_id', '=', id).execute();
    const guard = await guardIfAdministrator(
      tx,
      actor,
      ctx.now(),
      owned.map((c) => c.id),
    );
    for (const c of owned) {
      await tx
        .updateTable('credentials')
        .set({ owner_id: null, status: 'revoked', previous_hash: null, previous_valid_until: null, version: Number(c.version) + 1 })
        .where('id', '=', c.id)
        .execute();
    }
    await tx.deleteFrom('users').where('id', '=', id).execute();
    await guard?.check(tx);
    return {
      value: undefined,
      audit: [
        {
          action: 'user.delete',
          target: { type: 'user', id },
          before: userFromRow(row),
          after: { revokedCredentials: owned.filter((c) => c.status !== 'revoked').map((c) => c.id) },
        },
      ],
      events: owned.map((c) => ({ kind: 'credential' as const, id: c.id })),
    };
  });
}

export async function listGroups(q: Queryable): Promise<Group[]> {
  return (await q.selectFrom('groups').selectAll().orderBy('name_key').execute()).map(groupFromRow);
}

export async function getGroup(q: Queryable, id: string): Promise<Group> {
  const row = await q.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('group', id);
  return groupFromRow(row);
}

async function checkGroupName(q: Queryable, name: string, selfId: string | null): Promise<string> {
  const key = nameKey(name);
  const other = await q.selectFrom('groups').select(['id', 'name']).where('name_key', '=', key).executeTakeFirst();
  if (other && other.id !== selfId)
    throw new ApiError('name_taken', `A group named "${other.name}" already exists (names are case-insensitive).`, {
      name,
      groupId: other.id,
    });
  return key;
}

export function createGroup(ctx: ServiceContext, actor: Actor, body: GroupCreateBody): Promise<Group> {
  return ctx.write(actor, async (tx) => {
    const name = checkedName(body.name, 'group');
    const row: GroupsTable = {
      id: newId('grp', ctx.now()),
      name,
      name_key: await checkGroupName(tx, name, null),
      description: body.description ?? '',
      default_roles: JSON.stringify(await checkRoles(tx, actor, body.defaultRoles ?? [], [])),
      version: 1,
    };
    await tx.insertInto('groups').values(row).execute();
    const group = groupFromRow(row);
    return { value: group, audit: [{ action: 'group.create', target: { type: 'group', id: group.id }, after: group }], events: [] };
  });
}

export function updateGroup(ctx: ServiceContext, actor: Actor, id: string, patch: GroupPatchBody, ifMatch?: number): Promise<Group> {
  return ctx.write(actor, async (tx) => {
    const row = await tx.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('group', id);
    checkVersion(ifMatch, Number(row.version), 'group');
    const name = patch.name === undefined ? row.name : checkedName(patch.name, 'group');
    const previousRoles = parseJson<string[]>(row.default_roles, []);
    if (patch.defaultRoles !== undefined && !sameRoles(patch.defaultRoles, previousRoles))
      await checkTakeAway(tx, actor, previousRoles, `the default roles of the group "${row.name}"`);
    const next: GroupsTable = {
      ...row,
      name,
      name_key: await checkGroupName(tx, name, id),
      description: patch.description ?? row.description,
      default_roles:
        patch.defaultRoles === undefined
          ? row.default_roles
          : JSON.stringify(await checkRoles(tx, actor, patch.defaultRoles, previousRoles)),
      version: Number(row.version) + 1,
    };
    await tx
      .updateTable('groups')
      .set({
        name: next.name,
        name_key: next.name_key,
        description: next.description,
        default_roles: next.default_roles,
        version: next.version,
      })
      .where('id', '=', id)
      .execute();
    const after = groupFromRow(next);
    return {
      value: after,
      audit: [{ action: 'group.update', target: { type: 'group', id }, before: groupFromRow(row), after }],
      events: [],
    };
  });
}

/** A deleted group leaves every user and the issuance policy (which can only narrow). */
export function deleteGroup(ctx: ServiceContext, actor: Actor, id: string, ifMatch?: number): Promise<void> {
  return ctx.write(actor, async (tx) => {
    const row = await tx.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('group', id);
    checkVersion(ifMatch, Number(row.version), 'group');
    for (const user of await tx.selectFrom('users').select(['id', 'groups', 'version']).execute()) {
      const groups = parseJson<string[]>(user.groups, []);
      if (groups.includes(id))
        await tx
          .updateTable('users')
          .set({ groups: JSON.stringify(groups.filter((g) => g !== id)), version: Number(user.version) + 1 })
          .where('id', '=', user.id)
          .execute();
    }
    const policy = await readIssuancePolicy(tx);
    if (policy.allowedGroups?.includes(id))
      await setSetting(tx, 'issuance_policy', JSON.stringify({ allowedGroups: policy.allowedGroups.filter((g) => g !== id) }));
    await tx.deleteFrom('groups').where('id', '=', id).execute();
    return { value: undefined, audit: [{ action: 'group.delete', target: { type: 'group', id }, before: groupFromRow(row) }], events: [] };
  });
}

export function setIssuancePolicy(ctx: ServiceContext, actor: Actor, policy: IssuancePolicy): Promise<IssuancePolicy> {
  return ctx.write(actor, async (tx) => {
    const before = await readIssuancePolicy(tx);
    const next: IssuancePolicy = { allowedGroups: policy.allowedGroups === null ? null : await checkGroups(tx, policy.allowedGroups) };
    await setSetting(tx, 'issuance_policy', JSON.stringify(next));
    return {
      value: next,
      audit: [{ action: 'policy.issuance.update', target: { type: 'policy', id: 'issuance' }, before, after: next }],
      events: [],
    };
  });
}

/** Checks HTTP Basic credentials; null when the name or password is wrong. */
export async function authenticateUser(q: Queryable, name: string, password: string): Promise<UsersTable | null> {
  const row = await q
    .selectFrom('users')
    .selectAll()
    .where('name_key', '=', nameKey(normalizeName(name)))
    .executeTakeFirst();
  const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_PASSWORD_HASH);
  return row && row.password_hash && ok ? row : null;
}

/** Self-service: a key with the default roles of the user's groups, if the policy allows. */
export async function createSelfCredential(
  ctx: ServiceContext,
  user: UsersTable,
  body: { name: string; description?: string | undefined; expiresAt?: string | null | undefined },
): Promise<CredentialWithSecret> {
  const groups = parseJson<string[]>(user.groups, []);
  const policy = await readIssuancePolicy(ctx.db);
  if (!mayObtainKey(groups, policy))
    throw new ApiError('issuance_not_allowed', 'You may not obtain a key: none of your groups is allowed to by the issuance policy.');
  const rows = groups.length === 0 ? [] : await ctx.db.selectFrom('groups').select('default_roles').where('id', 'in', groups).execute();
  const roles = unique(rows.flatMap((g) => parseJson<string[]>(g.default_roles, [])));
  // The roles come from the admins' group settings, not from the user, so no escalation check.
  const actor: Actor = { id: user.id, permits: () => true };
  // Under a maximum lifetime a self-issued key without a chosen expiry gets the longest allowed.
  const latest = latestAllowedExpiryMs(await readLifetimePolicy(ctx.db), ctx.now());
  const expiresAt = body.expiresAt !== undefined ? body.expiresAt : latest === null ? null : new Date(latest).toISOString();
  return createCredential(
    ctx,
    actor,
    { name: body.name, description: body.description, ownerId: user.id, roles, expiresAt },
    'credential.self_create',
  );
}
