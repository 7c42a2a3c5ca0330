import type { Logger } from 'pino';
import { nameKey } from '../shared/domain/policy.ts';
import type { CatalogPutBody } from '../shared/api/schemas.ts';
import { demoCatalog } from './demo/catalog.ts';
import { demoDirectory } from './demo/seed-data.ts';
import { readCatalog, replaceCatalog } from './services/catalog-service.ts';
import { SYSTEM_ACTOR, type ServiceContext } from './services/context.ts';
import { createBackend } from './services/backend-service.ts';
import { createGroup, createUser } from './services/directory-service.ts';
import { createRole, listRoles } from './services/role-service.ts';

/** --demo: a hosting-billing style catalog and a few roles, groups, users and a backend, once. */
export async function seedDemo(ctx: ServiceContext, logger: Logger): Promise<void> {
  const catalog = await readCatalog(ctx.db);
  if (catalog.groups.length > 1) return;
  await replaceCatalog(ctx, SYSTEM_ACTOR, demoCatalog() as CatalogPutBody, { prune: false });
  const spec = demoDirectory();
  const existing = new Map((await listRoles(ctx.db)).map((r) => [nameKey(r.name), r.id]));
  const roleId = (name: string): string => {
    const id = existing.get(nameKey(name));
    if (!id) throw new Error(`demo data names an unknown role "${name}"`);
    return id;
  };
  for (const role of spec.roles) {
    const created = await createRole(ctx, SYSTEM_ACTOR, { name: role.name, description: role.description, actions: role.actions });
    existing.set(nameKey(created.name), created.id);
  }
  const groupIds = new Map<string, string>();
  for (const group of spec.groups) {
    const created = await createGroup(ctx, SYSTEM_ACTOR, {
      name: group.name,
      description: group.description,
      defaultRoles: group.defaultRoles.map(roleId),
    });
    groupIds.set(nameKey(group.name), created.id);
  }
  for (const user of spec.users) {
    await createUser(ctx, SYSTEM_ACTOR, {
      name: user.name,
      email: user.email,
      password: user.password,
      groups: user.groups.map((g) => groupIds.get(nameKey(g))!).filter(Boolean),
    });
  }
  for (const backend of spec.backends) {
    await createBackend(ctx, SYSTEM_ACTOR, {
      name: backend.name,
      frontendPrefix: backend.frontendPrefix,
      requiredRoles: backend.requiredRoles.map(roleId),
      subSettings: backend.subSettings.map((s) => ({
        method: s.method,
        pathRegex: s.pathRegex,
        requiredRoles: s.requiredRoles.map(roleId),
        override: s.override,
      })),
    });
  }
  logger.info({ groups: demoCatalog().groups.length, roles: spec.roles.length, users: spec.users.length }, 'Seeded demo data');
}
