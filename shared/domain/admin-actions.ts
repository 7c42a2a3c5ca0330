import type { CatalogGroup } from './types.ts';

/** The built-in group that holds the backend's own administration actions (DESIGN §3.1). */
export const ADMIN_GROUP_ID = 'keyward';

export const ADMIN_ACTIONS = {
  'keyward.catalog.read': 'Read the action catalog',
  'keyward.catalog.write': 'Edit the action catalog and import OpenAPI documents',
  'keyward.roles.read': 'List and read roles',
  'keyward.roles.write': 'Create, edit and delete roles',
  'keyward.credentials.read': 'List credentials and explain their decisions',
  'keyward.credentials.write': 'Issue, edit, disable, roll, revoke and import credentials',
  'keyward.directory.read': 'Read users, groups and the issuance policy',
  'keyward.directory.write': 'Edit users, groups and the issuance policy',
  'keyward.backends.read': 'Read API backends and their required roles',
  'keyward.backends.write': 'Edit API backends and their required roles',
  'keyward.audit.read': 'Read the audit log',
  'keyward.authorize': 'Ask whether other tokens may do something',
} as const;

export type AdminAction = keyof typeof ADMIN_ACTIONS;

export const ADMIN_ACTION_IDS = Object.keys(ADMIN_ACTIONS) as AdminAction[];

export function isAdminAction(actionId: string): boolean {
  return actionId.startsWith(`${ADMIN_GROUP_ID}.`) && actionId in ADMIN_ACTIONS;
}

export function adminGroup(): CatalogGroup {
  return {
    id: ADMIN_GROUP_ID,
    name: 'Keyward administration',
    description: "The backend's own administration actions",
    actions: ADMIN_ACTION_IDS.map((id) => ({ id, description: ADMIN_ACTIONS[id], routes: [] })),
  };
}
