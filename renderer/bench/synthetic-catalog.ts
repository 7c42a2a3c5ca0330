import type { Catalog } from '../../shared/domain/types.ts';

const VERBS = ['list', 'read', 'create', 'update', 'delete', 'export', 'approve', 'suspend'];

/** A deterministic catalog of `actions` actions spread evenly over `groups` groups. */
export function syntheticCatalog(actions: number, groups: number): Catalog {
  const perGroup = Math.ceil(actions / Math.max(1, groups));
  return {
    version: 1,
    groups: Array.from({ length: groups }, (_, g) => {
      const count = Math.max(0, Math.min(perGroup, actions - g * perGroup));
      const name = `Group ${String(g + 1).padStart(3, '0')}`;
      return {
        id: `group${g + 1}`,
        name,
        description: `Synthetic group ${g + 1}`,
        actions: Array.from({ length: count }, (_, a) => {
          const verb = VERBS[a % VERBS.length]!;
          return {
            id: `group${g + 1}.resource${Math.floor(a / VERBS.length)}.${verb}`,
            description: `${verb} resource ${Math.floor(a / VERBS.length)} of ${name}`,
            routes: [],
          };
        }),
      };
    }),
  };
}
