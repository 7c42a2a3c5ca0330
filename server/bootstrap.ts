import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ADMIN_ACTION_IDS } from '../shared/domain/admin-actions.ts';
import { ADMINISTRATOR_ROLE_NAME, BOOTSTRAP_CREDENTIAL_NAME, nameKey } from '../shared/domain/policy.ts';
import { setSetting } from './services/catalog-service.ts';
import { BOOTSTRAP_REPAIR_ACTOR, SYSTEM_ACTOR, type ServiceContext } from './services/context.ts';
import { createCredential } from './services/credential-issuing.ts';
import { deleteCredential } from './services/credential-service.ts';
import { createRole, deleteRole } from './services/role-service.ts';
import { openSecretFile } from './private-files.ts';
import { loadAdministrators } from './services/administrators.ts';
import { ADMINISTRATOR_HORIZON_MS } from '../shared/domain/administrators.ts';

// First start on an empty database: the role "Administrator" (every keyward.* action) and the
// credential "bootstrap" holding it. Its secret is written once — to a 0600 file (created
// exclusively under a random temp name, see private-files.ts), or returned
// for the CLI to print — and never again.
//
// Creating them and delivering the secret succeed or fail together: the token file is opened
// before anything is committed, and the database is marked bootstrapped only once the secret is
// on disk (or handed to the caller). A start that failed in between left an Administrator role
// and a bootstrap credential whose secret nobody holds; the next start removes them and
// bootstraps again, so the operator is never locked out.

export interface BootstrapResult {
  /** The bootstrap token when this start created it and no token file was given: print it. */
  token: string | null;
  /** Marks the database bootstrapped once the token has been handed over (after listen). */
  delivered(): Promise<void>;
}

export async function bootstrap(
  ctx: ServiceContext,
  options: { demo: boolean; tokenFile: string | undefined; logger: Logger },
): Promise<BootstrapResult> {
  const done = await ctx.db.selectFrom('settings').select('value').where('key', '=', 'bootstrapped_at').executeTakeFirst();
  let token: string | null = null;
  let markDone: (() => Promise<void>) | null = null;
  if (!done) {
    await ctx.cache.loadAll();
    const file = options.tokenFile ? openSecretFile(options.tokenFile) : null;
    try {
      await removeUndeliveredBootstrap(ctx, options.logger);
      const role = await createRole(ctx, SYSTEM_ACTOR, {
        name: ADMINISTRATOR_ROLE_NAME,
        description: 'Every Keyward administration action.',
        actions: [...ADMIN_ACTION_IDS],
      });
      const { secret } = await createCredential(ctx, SYSTEM_ACTOR, {
        name: BOOTSTRAP_CREDENTIAL_NAME,
        description: 'Created at first start. Roll or revoke it once you have issued personal admin tokens.',
        roles: [role.id],
      });
      markDone = () =>
        ctx.write(SYSTEM_ACTOR, async (tx) => {
          await setSetting(tx, 'bootstrapped_at', ctx.nowIso());
          return { value: undefined, audit: [{ action: 'server.bootstrap', target: { type: 'role', id: role.id } }], events: [] };
        });
      if (file) {
        file.commit(`${secret}\n`);
        await markDone();
        markDone = null;
        options.logger.info(
          { file: options.tokenFile },
          'Empty database: created the Administrator role and the bootstrap credential; its token was written to the token file.',
        );
      } else {
        token = secret;
      }
    } finally {
      file?.discard();
    }
  }
  if (options.demo) {
    const { seedDemo } = await import('./demo-seed.ts');
    await seedDemo(ctx, options.logger);
  }
  return {
    token,
    async delivered() {
      await markDone?.();
      markDone = null;
    },
  };
}

/** Deletes what an earlier, failed first start created before it could deliver the secret. */
async function removeUndeliveredBootstrap(ctx: ServiceContext, logger: Logger): Promise<void> {
  const role = await ctx.db.selectFrom('roles').select('id').where('name_key', '=', nameKey(ADMINISTRATOR_ROLE_NAME)).executeTakeFirst();
  const credentials = await ctx.db.selectFrom('credentials').select('id').where('name', '=', BOOTSTRAP_CREDENTIAL_NAME).execute();
  if (!role && credentials.length === 0) return;
  logger.warn('An earlier first start did not deliver its bootstrap token; removing what it created and bootstrapping again.');
  for (const { id } of credentials) await deleteCredential(ctx, BOOTSTRAP_REPAIR_ACTOR, id);
  if (role) await deleteRole(ctx, BOOTSTRAP_REPAIR_ACTOR, role.id);
}

/**
 * `--recover-admin`: when no credential can administer any more (the last administrator expired
 * on its own, or a leak report revoked it), whoever runs the server issues a new one — a role
 * "Recovery administrator …" with every keyward.* action and a credential "recovery …" holding
 * it, its token written to the token file or returned to print, like the bootstrap token. With an
 * administrator left it does nothing: it is a way back in, not a second way to get rights.
 */
export async function recoverAdministrator(
  ctx: ServiceContext,
  options: { tokenFile: string | undefined; logger: Logger },
): Promise<string | null> {
  const nowMs = ctx.now();
  // Judged as the write guard judges: one that stops working within the hour does not count.
  const stillActive = async () => {
    const left = await loadAdministrators(ctx.db, nowMs + ADMINISTRATOR_HORIZON_MS);
    if (left.length === 0) return false;
    options.logger.warn(
      { administrators: left.map((c) => c.name) },
      '--recover-admin: an administrator is still active, so nothing was recovered (use its token, or revoke it first).',
    );
    return true;
  };
  if (await stillActive()) return null;
  // Instances sharing a database may all be started with --recover-admin at once: one issues.
  const lock = await takeRecoveryLock(ctx, nowMs);
  if (!lock) {
    options.logger.warn(
      '--recover-admin: a recovery is already under way on this database (another instance), so nothing was recovered here.',
    );
    return null;
  }
  try {
    // The other instance may have issued one between the first look and the lock.
    if (await stillActive()) return null;
    return await issueRecoveryAdministrator(ctx, options, nowMs);
  } finally {
    await lock.release();
  }
}

const RECOVERY_LOCK = 'recover_admin_lock';
/** A lock left by a start that died mid-recovery stops blocking after this long. */
const RECOVERY_LOCK_STALE_MS = 10 * 60_000;

/**
 * A row in settings, inserted (the key is unique) or taken over when stale: the one instance
 * that holds it may issue; release deletes it only if it is still the holder's.
 */
async function takeRecoveryLock(ctx: ServiceContext, nowMs: number): Promise<{ release(): Promise<void> } | null> {
  const mine = `${new Date(nowMs).toISOString()} ${randomUUID()}`;
  const release = async () => {
    await ctx.db.deleteFrom('settings').where('key', '=', RECOVERY_LOCK).where('value', '=', mine).execute();
  };
  try {
    await ctx.db.insertInto('settings').values({ key: RECOVERY_LOCK, value: mine }).execute();
    return { release };
  } catch (error) {
    const held = await ctx.db.selectFrom('settings').select('value').where('key', '=', RECOVERY_LOCK).executeTakeFirst();
    if (!held) throw error;
    const since = Date.parse(held.value.split(' ')[0] ?? '');
    if (Number.isFinite(since) && nowMs - since < RECOVERY_LOCK_STALE_MS) return null;
    const taken = await ctx.db
      .updateTable('settings')
      .set({ value: mine })
      .where('key', '=', RECOVERY_LOCK)
      .where('value', '=', held.value)
      .executeTakeFirst();
    return Number(taken.numUpdatedRows) === 1 ? { release } : null;
  }
}

async function issueRecoveryAdministrator(
  ctx: ServiceContext,
  options: { tokenFile: string | undefined; logger: Logger },
  nowMs: number,
): Promise<string | null> {
  await ctx.cache.loadAll();
  const file = options.tokenFile ? openSecretFile(options.tokenFile) : null;
  const stamp = new Date(nowMs).toISOString().slice(0, 19).replace('T', ' ');
  try {
    const role = await createRole(ctx, SYSTEM_ACTOR, {
      name: `Recovery administrator ${stamp}`,
      description: 'Created by --recover-admin when no administrator was left.',
      actions: [...ADMIN_ACTION_IDS],
    });
    const { credential, secret } = await createCredential(ctx, SYSTEM_ACTOR, {
      name: `recovery ${stamp}`,
      description: 'Issued by --recover-admin. Issue personal admin tokens with it, then revoke it.',
      roles: [role.id],
    });
    await ctx.write(SYSTEM_ACTOR, async () => ({
      value: undefined,
      audit: [{ action: 'server.recover_admin', target: { type: 'credential', id: credential.id } }],
      events: [],
    }));
    if (!file) return secret;
    try {
      file.commit(`${secret}\n`);
    } catch (error) {
      // Undelivered, it would count as an administrator nobody holds and block the next recovery.
      await deleteCredential(ctx, BOOTSTRAP_REPAIR_ACTOR, credential.id);
      await deleteRole(ctx, BOOTSTRAP_REPAIR_ACTOR, role.id);
      throw error;
    }
    options.logger.warn(
      { file: options.tokenFile },
      '--recover-admin: issued a recovery administrator; its token was written to the token file.',
    );
    return null;
  } finally {
    file?.discard();
  }
}
