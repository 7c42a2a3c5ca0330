import { commerceGroups } from './catalog-commerce.ts';
import { customerGroups } from './catalog-customers.ts';
import { operationsGroups } from './catalog-operations.ts';
import type { DemoCatalogGroup } from './catalog-rows.ts';

export type { DemoCatalogAction, DemoCatalogGroup } from './catalog-rows.ts';

/**
 * The `--demo` action catalog: a hosting-billing API in the style of WHMCS (Clients, Billing,
 * Orders, Domains, Support, …), big enough (20+ groups, 300+ actions) to show how the role
 * dialog behaves with a real-sized catalog. Pure data; a fresh copy on every call.
 */
export function demoCatalog(): { groups: DemoCatalogGroup[] } {
  return { groups: [...customerGroups(), ...commerceGroups(), ...operationsGroups()] };
}
