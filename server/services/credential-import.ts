import { ApiError } from '../../shared/api/errors.ts';
import type { CredentialImportBody } from '../../shared/api/schemas.ts';
import { ADMIN_GROUP_ID } from '../../shared/domain/admin-actions.ts';
import { nameSkeleton } from '../../shared/domain/names.ts';
import { COMPATIBILITY_ROLE_NAME, MIN_LEGACY_SECRET_LENGTH, nameKey } from '../../shared/domain/policy.ts';
import { hasValidChecksum, TOKEN_PATTERN } from '../../shared/domain/token.ts';
import type { Credential } from '../../shared/domain/types.ts';
import { newId, type Queryable } from '../storage/rows.ts';
import { readCatalog, setSetting } from './catalog-service.ts';
import type { Actor, AuditDraft, ServiceContext } from './context.ts';
import { checkCidrs, checkExpiry, checkOwner, checkRoles } from './credential-rules.ts';
import { newRow, present, setRoles } from './credential-rows.ts';
import { checkLifetime } from './lifetime-service.ts';
import { checkedName } from './names.ts';

// Importing credentials from another system with their existing secrets (DESIGN §3.7), and the
// compatibility role that full-access imports are given.

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
  for (const { item, index } of prepared) checkImportedItem(item, index);
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

/** An item's name and secret, checked before any database access. */
function checkImportedItem(item: CredentialImportBody['items'][number], index: number): void {
  checkedName(item.name, 'credential', index);
  if ([...item.secret].length < MIN_LEGACY_SECRET_LENGTH) {
    throw new ApiError(
      'invalid_request',
      `Item ${index} ("${item.name}") has a secret of ${[...item.secret].length} characters; imported secrets need at least ${MIN_LEGACY_SECRET_LENGTH}, since shorter ones can be guessed through the proxy. Issue a new credential instead. Nothing was imported.`,
      { index, minLength: MIN_LEGACY_SECRET_LENGTH },
    );
  }
  // The hot path rejects a kw_-shaped token with a bad checksum before hashing it, so such a
  // secret could never authenticate: refuse it here rather than import a dead credential.
  if (TOKEN_PATTERN.test(item.secret) && !hasValidChecksum(item.secret)) {
    throw new ApiError(
      'invalid_request',
      `Item ${index} ("${item.name}") has a secret shaped like a Keyward token (kw_…) whose checksum is wrong, so it could never authenticate; check it for a typo. Nothing was imported.`,
      { index },
    );
  }
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
