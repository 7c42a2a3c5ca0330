import type { Catalog } from '../../../shared/domain/types.ts';

// A flat, precomputed view of the catalog for the role dialog: one array of actions (with their
// group and a lower-cased search text) and each group's slice of it. Built once per catalog
// version so typing and toggling never walk the nested catalog.

export interface IndexedAction {
  id: string;
  description: string;
  groupId: string;
  groupName: string;
  /** id + description + group name, lower-cased, for substring search. */
  haystack: string;
}

export interface IndexedGroup {
  id: string;
  name: string;
  description: string;
  actions: IndexedAction[];
}

export interface CatalogIndex {
  groups: IndexedGroup[];
  actions: IndexedAction[];
  groupOf: Map<string, string>;
}

export function buildCatalogIndex(catalog: Pick<Catalog, 'groups'>): CatalogIndex {
  const actions: IndexedAction[] = [];
  const groupOf = new Map<string, string>();
  const groups = catalog.groups.map((g) => {
    const own = g.actions.map((a) => {
      const item = {
        id: a.id,
        description: a.description,
        groupId: g.id,
        groupName: g.name,
        haystack: `${a.id} ${a.description} ${g.name}`.toLowerCase(),
      };
      groupOf.set(a.id, g.id);
      actions.push(item);
      return item;
    });
    return { id: g.id, name: g.name, description: g.description, actions: own };
  });
  return { groups, actions, groupOf };
}

/** Actions whose id, description or group contains every word of the query. */
export function searchActions(index: CatalogIndex, query: string): IndexedAction[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return index.actions;
  return index.actions.filter((a) => words.every((w) => a.haystack.includes(w)));
}

/** Selected-action count per group id. O(selected), cheap enough to recompute per toggle. */
export function countByGroup(index: CatalogIndex, selected: ReadonlySet<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of selected) {
    const g = index.groupOf.get(id);
    if (g !== undefined) counts.set(g, (counts.get(g) ?? 0) + 1);
  }
  return counts;
}
