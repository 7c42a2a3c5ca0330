import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildCatalogIndex, countByGroup, searchActions } from '../../../renderer/roles/role-dialog/catalog-index.ts';
import { diffSets, selectionReducer } from '../../../renderer/roles/role-dialog/selection.ts';
import { syntheticCatalog } from '../../../renderer/bench/synthetic-catalog.ts';
import { TEST_CATALOG } from '../../fixtures/catalog.ts';

// The fixture leaves optional fields out, as PUT /v1/catalog allows; the server fills the defaults.
const index = buildCatalogIndex({
  groups: TEST_CATALOG.groups.map((g) => ({
    description: '',
    ...g,
    actions: g.actions.map((a) => ({ description: '', ...a, routes: [] })),
  })),
});

test('toggling an action adds it, toggling again removes it, each time as a new set', () => {
  const empty: ReadonlySet<string> = new Set();
  const one = selectionReducer(empty, { type: 'toggle', id: 'AddClient' });
  assert.notEqual(one, empty);
  assert.deepEqual([...one], ['AddClient']);
  assert.deepEqual([...selectionReducer(one, { type: 'toggle', id: 'AddClient' })], []);
});

test('selecting what is already selected keeps the same set, so nothing re-renders', () => {
  const state: ReadonlySet<string> = new Set(['AddClient', 'GetClients']);
  assert.equal(selectionReducer(state, { type: 'set-many', ids: ['AddClient'], selected: true }), state);
  assert.deepEqual([...selectionReducer(state, { type: 'set-many', ids: ['AddClient', 'OpenTicket'], selected: false })], ['GetClients']);
});

test('search matches every word against id, description and group, and results keep their group', () => {
  assert.deepEqual(
    searchActions(index, 'invoices read').map((a) => a.id),
    ['billing.invoices.read'],
  );
  assert.deepEqual(
    searchActions(index, 'support').map((a) => `${a.groupName}:${a.id}`),
    ['Support:OpenTicket', 'Support:CloseTicket'],
  );
  assert.equal(searchActions(index, '  ').length, index.actions.length);
});

test('group counts follow the selection and ignore actions the catalog no longer has', () => {
  const counts = countByGroup(index, new Set(['AddClient', 'GetClients', 'OpenTicket', 'Gone']));
  assert.deepEqual(Object.fromEntries(counts), { clients: 2, support: 1 });
});

test('the diff before saving lists added and removed actions, sorted', () => {
  assert.deepEqual(diffSets(['b', 'a', 'c'], ['c', 'd', 'a']), { added: ['d'], removed: ['b'] });
});

test('the benchmark catalog has exactly the requested actions spread over the requested groups', () => {
  const big = buildCatalogIndex(syntheticCatalog(5000, 100));
  assert.equal(big.actions.length, 5000);
  assert.equal(big.groups.length, 100);
  assert.equal(new Set(big.actions.map((a) => a.id)).size, 5000);
  assert.equal(buildCatalogIndex(syntheticCatalog(101, 10)).actions.length, 101);
});
