import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import type { Logger } from 'pino';
import { ADMIN_ACTION_IDS } from '../shared/domain/admin-actions.ts';
import { ADMINISTRATOR_ROLE_NAME, BOOTSTRAP_CREDENTIAL_NAME } from '../shared/domain/policy.ts';
import { setSetting } from './services/catalog-service.ts';
import { SYSTEM_ACTOR, type ServiceContext } from './services/context.ts';
import { createCredential } from './services/credential-service.ts';
import { createRole } from './services/role-service.ts';

// First start on an empty database: the role "Administrator" (every keyward.* action) and the
// credential "bootstrap" holding it. Its secret is written once — to a 0600 file, or returned
// for the CLI to print — and never again.

export async function bootstrap(ctx: ServiceContext, options: { demo: boolean; tokenFile: string | undefined; logger: Logger }): Promise<string | null> {
  const done = await ctx.db.selectFrom('settings').select('value').where('key', '=', 'bootstrapped_at').executeTakeFirst();
  let token: string | null = null;
  if (!done) {
    await ctx.cache.loadAll();
    const role = await createRole(ctx, SYSTEM_ACTOR, { name: ADMINISTRATOR_ROLE_NAME, description: 'Every Keyward administration action.', actions: [...ADMIN_ACTION_IDS] });
    const { secret } = await createCredential(ctx, SYSTEM_ACTOR, { name: BOOTSTRAP_CREDENTIAL_NAME, description: 'Created at first start. Roll or revoke it once you have issued personal admin tokens.', roles: [role.id] });
    await ctx.write(SYSTEM_ACTOR, async (tx) => {
      await setSetting(tx, 'bootstrapped_at', ctx.nowIso());
      return { value: undefined, audit: [{ action: 'server.bootstrap', target: { type: 'role', id: role.id } }], events: [] };
    });
    if (options.tokenFile) {
      writeSecretFile(options.tokenFile, `${secret}\n`);
      options.logger.info({ file: options.tokenFile }, 'Empty database: created the Administrator role and the bootstrap credential; its token was written to the token file.');
    } else {
      token = secret;
    }
  }
  if (options.demo) {
    const { seedDemo } = await import('./demo-seed.ts');
    await seedDemo(ctx, options.logger);
  }
  return token;
}

/** Writes a file that only the owner can read, atomically (temp file + rename). */
function writeSecretFile(path: string, content: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}
