import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import type { Role } from '../../../shared/domain/types.ts';
import { makeRole, seedCatalog, unique } from '../../helpers/builders.ts';
import { startTestServer, type Json, type TestServer } from '../../helpers/server.ts';
import { rejection, startTestApp, type TestApp } from './app-harness.ts';

// Offline drafts merged onto a real backend that a colleague changed meanwhile (DESIGN §5):
// set-wise action merges, conflicts for both-sides edits and edit-versus-delete, one atomic apply.

let server: TestServer;
let app: TestApp;
before(async () => {
  server = await startTestServer({ sqlite: true });
  await seedCatalog(server);
  app = startTestApp();
  const profile = await app.api.profiles.add({ name: 'Merge', url: server.url, token: server.token });
  await app.api.session.connect({ profileId: profile.id });
});
after(async () => {
  await app?.close();
  await server?.close();
});
beforeEach(async () => {
  await app.api.drafts.discard({});
});

const colleague = {
  patch: async (role: Json, set: Json) => (await server.request('PATCH', `/v1/roles/${role.id}`, { body: set })).json as Role,
  remove: async (role: Json) => assert.equal((await server.request('DELETE', `/v1/roles/${role.id}`)).status, 204),
};
const serverRole = async (id: string) => (await server.request('GET', `/v1/roles/${id}`)).json as Role;
const sorted = (xs: string[]) => [...xs].sort();

test('additions and removals from both sides merge onto the server set without a conflict', async () => {
  const role = await makeRole(server, { actions: ['AddClient', 'GetClients'] });
  await app.api.session.sync();
  await app.api.drafts.saveRole({ roleId: role.id, role: { name: role.name, description: '', actions: ['AddClient', 'UpdateClient'] } });
  await colleague.patch(role, { actions: ['GetClients', 'OpenTicket'] });

  const plan = await app.api.drafts.plan();
  assert.equal(plan.conflictCount, 0);
  const [item] = plan.items;
  assert.equal(item!.op, 'update');
  assert.equal(item!.serverChanged, true);
  assert.deepEqual(item!.result!.actions, ['OpenTicket', 'UpdateClient']);
  assert.deepEqual(item!.actionsAdded, ['UpdateClient']);
  assert.deepEqual(item!.actionsRemoved, ['GetClients']);

  const result = await app.api.drafts.apply({ planId: plan.planId });
  assert.equal(result.applied, true);
  assert.deepEqual(sorted((await serverRole(role.id)).actions), ['OpenTicket', 'UpdateClient']);
  assert.equal((await app.api.drafts.list()).roles.length, 0);
});

test('a role renamed on both sides is a conflict, and keeping mine applies my name', async () => {
  const role = await makeRole(server, { actions: ['AddClient'] });
  await app.api.session.sync();
  const mine = unique('Mine');
  await app.api.drafts.saveRole({ roleId: role.id, role: { name: mine, description: '', actions: ['AddClient'] } });
  const theirs = await colleague.patch(role, { name: unique('Theirs'), actions: ['AddClient', 'GetClients'] });

  const plan = await app.api.drafts.plan();
  assert.equal(plan.conflictCount, 1);
  const conflict = plan.items[0]!.conflicts[0]!;
  assert.equal(conflict.kind, 'name');
  assert.deepEqual([conflict.base, conflict.mine, conflict.theirs], [role.name, mine, theirs.name]);
  const refused = await rejection(app.api.drafts.apply({ planId: plan.planId }));
  assert.equal(refused.code, 'unresolved_conflicts');

  const resolved = await app.api.drafts.resolveConflict({
    planId: plan.planId,
    draftId: plan.items[0]!.draftId,
    kind: 'name',
    choice: 'mine',
  });
  assert.equal(resolved.conflictCount, 0);
  assert.equal(resolved.items[0]!.result!.name, mine);
  assert.deepEqual(resolved.items[0]!.result!.actions, ['AddClient', 'GetClients']);
  assert.equal((await app.api.drafts.apply({ planId: resolved.planId })).applied, true);
  const after = await serverRole(role.id);
  assert.equal(after.name, mine);
  assert.deepEqual(sorted(after.actions), ['AddClient', 'GetClients']);
});

test('a role edited here and deleted there is a conflict; keeping mine re-creates it', async () => {
  const role = await makeRole(server, { actions: ['AddClient'] });
  await app.api.session.sync();
  await app.api.drafts.saveRole({
    roleId: role.id,
    role: { name: role.name, description: 'mine', actions: ['AddClient', 'DeleteClient'] },
  });
  await colleague.remove(role);

  const plan = await app.api.drafts.plan();
  assert.equal(plan.items[0]!.conflicts[0]!.kind, 'deleted_on_server');
  const resolved = await app.api.drafts.resolveConflict({
    planId: plan.planId,
    draftId: plan.items[0]!.draftId,
    kind: 'deleted_on_server',
    choice: 'mine',
  });
  assert.equal(resolved.items[0]!.op, 'create');
  const applied = await app.api.drafts.apply({ planId: resolved.planId });
  assert.ok(applied.applied);
  const created = applied.items[0] as Role;
  assert.notEqual(created.id, role.id);
  assert.equal(created.name, role.name);
  assert.deepEqual(sorted(created.actions), ['AddClient', 'DeleteClient']);
});

test('a role deleted here and edited there is a conflict; keeping theirs drops my delete', async () => {
  const role = await makeRole(server, { actions: ['AddClient'] });
  await app.api.session.sync();
  await app.api.drafts.deleteRole({ roleId: role.id });
  await colleague.patch(role, { description: 'still needed' });
  const plan = await app.api.drafts.plan();
  assert.equal(plan.items[0]!.conflicts[0]!.kind, 'edited_on_server');
  const resolved = await app.api.drafts.resolveConflict({
    planId: plan.planId,
    draftId: plan.items[0]!.draftId,
    kind: 'edited_on_server',
    choice: 'theirs',
  });
  assert.equal(resolved.items.length, 0);
  assert.equal((await serverRole(role.id)).description, 'still needed');
});

test('a role deleted on both sides needs nothing: the plan shows no change and apply clears the draft', async () => {
  const role = await makeRole(server);
  await app.api.session.sync();
  await app.api.drafts.deleteRole({ roleId: role.id });
  await colleague.remove(role);
  const plan = await app.api.drafts.plan();
  assert.equal(plan.conflictCount, 0);
  assert.equal(plan.items[0]!.op, 'noop');
  const result = await app.api.drafts.apply({ planId: plan.planId });
  assert.deepEqual(result, { applied: true, items: [] });
  assert.equal((await app.api.drafts.list()).roles.length, 0);
});

test('a new role whose name was taken meanwhile is a conflict; renaming it applies under the new name', async () => {
  const name = unique('Shared name');
  await app.api.drafts.saveRole({ role: { name, description: '', actions: ['GetInvoices'] } });
  await makeRole(server, { name: name.toUpperCase() });
  const plan = await app.api.drafts.plan();
  const conflict = plan.items[0]!.conflicts[0]!;
  assert.equal(conflict.kind, 'name_taken');
  const renamed = `${name} (billing)`;
  const resolved = await app.api.drafts.resolveConflict({
    planId: plan.planId,
    draftId: plan.items[0]!.draftId,
    kind: 'name_taken',
    choice: 'mine',
    name: renamed,
  });
  assert.equal(resolved.conflictCount, 0);
  const applied = await app.api.drafts.apply({ planId: resolved.planId });
  assert.ok(applied.applied);
  assert.equal((applied.items[0] as Role).name, renamed);
});

test('apply is atomic: when the server moved on after review nothing is written and the new plan carries the conflicts', async () => {
  const a = await makeRole(server, { actions: ['AddClient'] });
  const b = await makeRole(server, { actions: ['AddClient'] });
  await app.api.session.sync();
  await app.api.drafts.saveRole({ roleId: a.id, role: { name: a.name, description: 'edited A', actions: ['AddClient', 'GetClients'] } });
  const myName = unique('B mine');
  await app.api.drafts.saveRole({ roleId: b.id, role: { name: myName, description: '', actions: ['AddClient'] } });
  const plan = await app.api.drafts.plan();
  assert.equal(plan.conflictCount, 0);

  // A colleague renames B between review and apply.
  await colleague.patch(b, { name: unique('B theirs') });
  const result = await app.api.drafts.apply({ planId: plan.planId });
  assert.equal(result.applied, false);
  if (result.applied) return;
  const aNow = await serverRole(a.id);
  assert.equal(aNow.version, a.version, 'A was written although the change set failed');
  assert.equal(aNow.description, '');
  const bItem = result.plan.items.find((i) => i.roleId === b.id)!;
  assert.deepEqual(
    bItem.conflicts.map((c) => c.kind),
    ['name'],
  );
  assert.equal(result.plan.items.find((i) => i.roleId === a.id)!.conflicts.length, 0);
  // The old plan can no longer be applied.
  assert.equal((await rejection(app.api.drafts.apply({ planId: plan.planId }))).code, 'plan_outdated');
});

test('drafts export and import as versioned JSON and YAML files, and a malformed file is refused with a reason', async () => {
  const role = await makeRole(server, { actions: ['AddClient'] });
  await app.api.session.sync();
  await app.api.drafts.saveRole({ roleId: role.id, role: { name: role.name, description: 'as code', actions: ['GetClients'] } });
  await app.api.drafts.saveRole({ role: { name: unique('New'), description: '', actions: ['OpenTicket'] } });
  const yaml = await app.api.drafts.export({ format: 'yaml' });
  const json = await app.api.drafts.export({ format: 'json' });
  assert.match(yaml.content, /^keywardDrafts: 1/m);
  assert.equal(JSON.parse(json.content).keywardDrafts, 1);
  const exported = (await app.api.drafts.list()).roles;

  for (const file of [yaml, json]) {
    await app.api.drafts.discard({});
    const imported = await app.api.drafts.import({ content: file.content, fileName: file.fileName });
    assert.deepEqual(
      imported.roles.map((d) => [d.op, d.roleId, d.draft, d.base]),
      exported.map((d) => [d.op, d.roleId, d.draft, d.base]),
    );
  }
  const wrongVersion = await rejection(app.api.drafts.import({ content: 'keywardDrafts: 2\nroles: []\n' }));
  assert.equal(wrongVersion.code, 'invalid_file');
  const badAction = await rejection(
    app.api.drafts.import({
      content: JSON.stringify({
        keywardDrafts: 1,
        roles: [{ op: 'create', role: { name: 'x', description: '', actions: ['bad action!'] } }],
      }),
    }),
  );
  assert.equal(badAction.code, 'invalid_file');
  assert.match(
    badAction.message,
    /file\.roles\.0\.role\.actions\.0 must match pattern/,
    'the problem names the entry and field, as HTTP and IPC errors do',
  );
  const notYaml = await rejection(app.api.drafts.import({ content: '{ nope' }));
  assert.equal(notYaml.code, 'invalid_file');
});

test('drafts are made offline against the cached roles and survive until applied', async () => {
  const role = await makeRole(server, { actions: ['AddClient'] });
  await app.api.session.sync();
  const deadUrl = 'http://127.0.0.1:9/';
  const offline = await app.api.profiles.add({ name: 'Offline copy', url: deadUrl, token: 'kw_notarealtokenbutlongenough' });
  // The same cached state under the offline profile: drafting needs no connection.
  app.impl.services.session.saveCache(app.impl.services.session.cached(), offline.id);
  const status = await app.api.session.connect({ profileId: offline.id });
  assert.equal(status.state, 'offline');
  const draft = await app.api.drafts.saveRole({
    roleId: role.id,
    role: { name: role.name, description: 'offline edit', actions: ['AddClient', 'CloseTicket'] },
  });
  assert.equal(draft.base!.version, role.version);
  assert.equal((await rejection(app.api.drafts.plan())).code, 'offline');
  assert.equal((await app.api.drafts.list()).roles.length, 1);
  await app.api.profiles.remove({ id: offline.id });
  const profile = (await app.api.profiles.list()).find((p) => p.name === 'Merge')!;
  await app.api.session.connect({ profileId: profile.id });
});
