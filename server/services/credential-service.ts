import { ApiError } from '../../shared/api/errors.ts';
import type { CredentialPatchBody } from '../../shared/api/schemas.ts';
import { ipInCidrs } from '../../shared/domain/cidr.ts';
import type { Credential } from '../../shared/domain/types.ts';
import type { Queryable } from '../storage/rows.ts';
import type { CredentialsTable } from '../storage/schema.ts';
import { checkVersion, notFound, type Actor, type ServiceContext } from './context.ts';
import { guardIfAdministrator } from './administrators.ts';
import { checkCidrs, checkExpiry, checkOwner, checkRoles, checkTakeAway, sameRoles } from './credential-rules.ts';
import { loadRow, present, rolesOf, setRoles } from './credential-rows.ts';
import { checkLifetime } from './lifetime-service.ts';
import { checkedName } from './names.ts';

// Credentials (DESIGN §3.6, §3.9): reading one, editing, deleting, revoking, disabling and
// enabling it, and revoking a user's credentials at once. Issuing and rolling (the writes that
// create a secret) are in credential-issuing.ts, the list in credential-list.ts, imports in
// credential-import.ts.

export async function getCredential(ctx: ServiceContext, id: string, q: Queryable = ctx.db): Promise<Credential> {
  const row = await loadRow(q, id);
  return present(ctx, row, (await rolesOf(q, [id])).get(id) ?? []);
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
