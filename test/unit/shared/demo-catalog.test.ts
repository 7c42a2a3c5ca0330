import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from 'typebox/value';
import { CatalogBody } from '../../../shared/api/schemas.ts';
import { ADMIN_GROUP_ID } from '../../../shared/domain/admin-actions.ts';
import { nameKey, regexProblem } from '../../../shared/domain/policy.ts';
import { demoCatalog } from '../../../server/demo/catalog.ts';
import { demoDirectory } from '../../../server/demo/seed-data.ts';

// The --demo data (server/demo/) is plain data the server seeds from. Its test lives here with
// the other pure-data tests; it checks that every cross-reference resolves before a server runs.

const catalog = demoCatalog();
const directory = demoDirectory();
const actionIds = catalog.groups.flatMap((g) => g.actions.map((a) => a.id));

test('the demo catalog has at least 20 groups and 300 distinct actions', () => {
  assert.ok(catalog.groups.length >= 20, `${catalog.groups.length} groups`);
  assert.ok(new Set(actionIds).size >= 300, `${new Set(actionIds).size} actions`);
});

test('every demo action belongs to exactly one group and has a description and a route', () => {
  assert.equal(new Set(actionIds).size, actionIds.length, 'action ids are unique across groups');
  for (const group of catalog.groups) {
    assert.match(group.id, /^[a-z][a-z0-9-]*$/, group.id);
    assert.notEqual(group.id, ADMIN_GROUP_ID);
    assert.ok(group.name && group.description, group.id);
    for (const action of group.actions) {
      assert.ok(action.description.length > 0 && !action.description.includes('\n'), action.id);
      assert.equal(action.routes.length, 1, action.id);
      assert.match(action.routes[0]!.path, /^\/api\//, action.id);
    }
  }
  assert.equal(new Set(catalog.groups.map((g) => g.id)).size, catalog.groups.length, 'group ids are unique');
});

test('the demo catalog is a valid PUT /v1/catalog body', () => {
  assert.equal(Value.Check(CatalogBody, catalog), true, JSON.stringify([...Value.Errors(CatalogBody, catalog)].slice(0, 3)));
});

test('every demo role names only catalog actions and no administration action', () => {
  const known = new Set(actionIds);
  assert.ok(directory.roles.length >= 4 && directory.roles.length <= 6);
  for (const role of directory.roles) {
    assert.ok(role.actions.length > 0, role.name);
    for (const action of role.actions) assert.ok(known.has(action), `${role.name}: ${action}`);
  }
  const names = directory.roles.map((r) => nameKey(r.name));
  assert.equal(new Set(names).size, names.length, 'role names are unique regardless of case');
});

test('every demo group, user and backend reference resolves by name', () => {
  const roles = new Set(directory.roles.map((r) => r.name));
  const groups = new Set(directory.groups.map((g) => g.name));
  assert.ok(directory.groups.length >= 3 && directory.groups.length <= 4);
  assert.ok(directory.users.length >= 5 && directory.users.length <= 6);
  assert.ok(directory.backends.length >= 1 && directory.backends.length <= 2);
  for (const group of directory.groups) for (const role of group.defaultRoles) assert.ok(roles.has(role), `${group.name}: ${role}`);
  for (const user of directory.users) {
    for (const group of user.groups) assert.ok(groups.has(group), `${user.name}: ${group}`);
    assert.match(user.email, /^[^@\s]+@[^@\s]+\.[a-z]+$/);
    assert.ok(user.password.length >= 8, `${user.name}: password too short for the API`);
  }
  assert.equal(new Set(directory.users.map((u) => u.name)).size, directory.users.length);
  for (const backend of directory.backends) {
    assert.match(backend.frontendPrefix, /^\/[a-z-]+$/);
    for (const role of backend.requiredRoles) assert.ok(roles.has(role), `${backend.name}: ${role}`);
    for (const setting of backend.subSettings) {
      assert.equal(regexProblem(setting.pathRegex), null, setting.pathRegex);
      assert.ok(new RegExp(setting.pathRegex).source.includes(backend.frontendPrefix), 'settings match the full path, prefix included');
      for (const role of setting.requiredRoles) assert.ok(roles.has(role), `${backend.name}: ${role}`);
    }
  }
});
