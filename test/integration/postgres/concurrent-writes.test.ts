import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { expectStatus, makeCredential, makeRole, seedCatalog, unique } from '../../helpers/builders.ts';
import { startInstances, type Instance, type InstanceGroup } from '../../helpers/postgres.ts';
import type { Json, TestResponse } from '../../helpers/server.ts';

// Two admins write the same objects at the same moment through two instances on one
// PostgreSQL database: exactly one wins, the other is told (412 / 409), nothing is lost.

const ACTIONS = Array.from({ length: 40 }, (_, i) => `load.action${String(i).padStart(2, '0')}`);

let group: InstanceGroup;
let a: Instance;
let b: Instance;
before(async () => {
  group = await startInstances(2);
  [a, b] = group.instances as [Instance, Instance];
  await seedCatalog(a, { groups: [{ id: 'load', name: 'Load', actions: ACTIONS.map((id) => ({ id })) }] });
});
after(() => group?.close());

const ifMatch = (version: number) => ({ 'if-match': `"${version}"` });

test('two PATCHes of one role with the same If-Match through two instances: one 200, one 412, never both', async () => {
  for (let round = 0; round < 15; round += 1) {
    const role = await makeRole(a, { actions: [] });
    const [ra, rb] = await Promise.all([
      a.request('PATCH', `/v1/roles/${role.id}`, { body: { actions: [ACTIONS[0]] }, headers: ifMatch(role.version) }),
      b.request('PATCH', `/v1/roles/${role.id}`, { body: { actions: [ACTIONS[1]] }, headers: ifMatch(role.version) }),
    ]);
    const statuses = [ra.status, rb.status].sort();
    assert.deepEqual(statuses, [200, 412], `round ${round}: ${ra.text} / ${rb.text}`);
    const loser = ra.status === 412 ? ra : rb;
    assert.equal(loser.json.error.code, 'version_mismatch');
    const winner = ra.status === 200 ? ra : rb;
    const now = expectStatus(await b.request('GET', `/v1/roles/${role.id}`), 200, 'GET role');
    assert.equal(now.version, role.version + 1);
    assert.deepEqual(now.actions, winner.json.actions);
  }
});

test('two change sets expecting the same role version through two instances: one applies, the other gets 409 conflict', async () => {
  for (let round = 0; round < 10; round += 1) {
    const role = await makeRole(a, { actions: [ACTIONS[0]!] });
    const other = await makeRole(a, { actions: [] });
    const set = (instance: Instance, action: string) =>
      instance.request('POST', '/v1/roles/changes', {
        body: {
          changes: [
            { op: 'update', id: role.id, expectedVersion: role.version, set: { actions: [action] } },
            { op: 'update', id: other.id, expectedVersion: other.version, set: { description: `by ${instance.url}` } },
          ],
        },
      });
    const [ra, rb] = await Promise.all([set(a, ACTIONS[2]!), set(b, ACTIONS[3]!)]);
    assert.deepEqual([ra.status, rb.status].sort(), [200, 409], `round ${round}: ${ra.text} / ${rb.text}`);
    const loser = ra.status === 409 ? ra : rb;
    assert.equal(loser.json.error.code, 'conflict');
    assert.equal(loser.json.error.details.conflicts[0].actualVersion, role.version + 1);
    // All or nothing: the loser's second change did not slip in either.
    const winnerUrl = ra.status === 200 ? a.url : b.url;
    const otherNow = expectStatus(await a.request('GET', `/v1/roles/${other.id}`), 200, 'GET role');
    assert.equal(otherNow.description, `by ${winnerUrl}`);
    assert.equal(otherNow.version, other.version + 1);
  }
});

test('the same role name created through both instances at once: one 201, one 409 name_taken', async () => {
  for (let round = 0; round < 10; round += 1) {
    const name = unique('Twin');
    const [ra, rb] = await Promise.all([
      a.request('POST', '/v1/roles', { body: { name, actions: [] } }),
      b.request('POST', '/v1/roles', { body: { name: name.toUpperCase(), actions: [] } }),
    ]);
    assert.deepEqual([ra.status, rb.status].sort(), [201, 409], `round ${round}: ${ra.text} / ${rb.text}`);
    assert.equal((ra.status === 409 ? ra : rb).json.error.code, 'name_taken');
  }
});

test('read-modify-write clients on both instances that retry on 412 lose no update', async () => {
  const role = await makeRole(a, { actions: [] });
  // 20 writers, half on each instance, each adding its own action the way the app does:
  // load, add, PATCH with If-Match, reload and retry when someone else was faster.
  const addOne = async (instance: Instance, action: string): Promise<number> => {
    for (let tries = 1; tries <= 100; tries += 1) {
      const current = expectStatus(await instance.request('GET', `/v1/roles/${role.id}`), 200, 'GET role');
      const res: TestResponse = await instance.request('PATCH', `/v1/roles/${role.id}`, {
        body: { actions: [...current.actions, action] },
        headers: ifMatch(current.version),
      });
      if (res.status === 200) return tries;
      assert.equal(res.status, 412, res.text);
    }
    throw new Error(`${action} never got in`);
  };
  const writers = ACTIONS.slice(0, 20).map((action, i) => addOne(i % 2 === 0 ? a : b, action));
  const tries = await Promise.all(writers);
  assert.ok(
    tries.some((t) => t > 1),
    'some writers collided (the test exercised the conflict path)',
  );
  const final = expectStatus(await b.request('GET', `/v1/roles/${role.id}`), 200, 'GET role');
  assert.deepEqual([...final.actions].sort(), ACTIONS.slice(0, 20));
  assert.equal(final.version, role.version + 20);
});

test('concurrent unconditional edits of one credential through both instances are all applied, one after the other', async () => {
  const roles: Json[] = [];
  for (let i = 0; i < 6; i += 1) roles.push(await makeRole(a, { actions: [ACTIONS[i]!] }));
  const { credential } = await makeCredential(a, { roles: [] });
  // Without If-Match the last writer wins, but every write must be a whole, serialised step:
  // the version counts each one and the audit log holds each one.
  const results = await Promise.all(
    roles.map((role, i) =>
      (i % 2 === 0 ? a : b).request('PATCH', `/v1/credentials/${credential.id}`, { body: { description: `step ${i}`, roles: [role.id] } }),
    ),
  );
  for (const res of results) assert.equal(res.status, 200, res.text);
  const final = expectStatus(await a.request('GET', `/v1/credentials/${credential.id}`), 200, 'GET credential');
  assert.equal(final.version, credential.version + roles.length);
  const versions = results.map((r) => r.json.version).sort((x, y) => x - y);
  assert.deepEqual(
    versions,
    roles.map((_, i) => credential.version + 1 + i),
    'each write saw the one before it',
  );
  const last = results.find((r) => r.json.version === final.version)!.json;
  assert.deepEqual(final.roles, last.roles);
  assert.equal(final.description, last.description);
});
