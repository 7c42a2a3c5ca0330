import { ApiError } from '../../shared/api/errors.ts';
import type { CredentialCreateBody } from '../../shared/api/schemas.ts';
import { ADMINISTRATOR_MIN_GRACE_SECONDS } from '../../shared/domain/administrators.ts';
import { displayPrefix } from '../../shared/domain/token.ts';
import type { Credential } from '../../shared/domain/types.ts';
import type { CredentialsTable } from '../storage/schema.ts';
import { checkVersion, type Actor, type ServiceContext } from './context.ts';
import { guardIfAdministrator } from './administrators.ts';
import { checkCidrs, checkExpiry, checkHandOver, checkOwner, checkRoles, newSecret } from './credential-rules.ts';
import { loadRow, newRow, present, rolesOf, setRoles } from './credential-rows.ts';
import { checkLifetime } from './lifetime-service.ts';

// Issuing and rolling credentials (DESIGN §3.6, §3.10): the two writes that create a secret. The
// secret exists in their answer only; the database holds its HMAC and a short display prefix.

export interface CredentialWithSecret {
  credential: Credential;
  secret: string;
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
