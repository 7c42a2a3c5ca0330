// The compact row format the demo catalog tables are written in, and the builder that turns a
// table into a catalog group. Pure data and functions: no I/O.

export type DemoMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One action: id, HTTP method, REST-ish path, one-line description. */
export type DemoRow = readonly [id: string, method: DemoMethod, path: string, description: string];

export interface DemoCatalogAction {
  id: string;
  description: string;
  routes: { method: DemoMethod; path: string }[];
}

export interface DemoCatalogGroup {
  id: string;
  name: string;
  description: string;
  actions: DemoCatalogAction[];
}

export function demoGroup(id: string, name: string, description: string, rows: readonly DemoRow[]): DemoCatalogGroup {
  return {
    id,
    name,
    description,
    actions: rows.map(([actionId, method, path, actionDescription]) => ({
      id: actionId,
      description: actionDescription,
      routes: [{ method, path }],
    })),
  };
}
