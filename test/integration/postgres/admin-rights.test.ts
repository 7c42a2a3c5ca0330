import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { ADMIN_ACTION_IDS } from '../../../shared/domain/admin-actions.ts';
import { assertError, assertStatus } from '../../helpers/assert-api.ts';
import { eventually, expectStatus, makeCaller, makeCredential, makeRole, seedCatalog } from '../../helpers/builders.ts';
import { startInstances, type Instance, type InstanceGroup } from '../../helpers/postgres.ts';
import type { Json, TestResponse } from '../../helpers/server.ts';

// Never lock the door from inside (DESIGN §3.11) across instances: two backends on one
// PostgreSQL database each take away one of the two administrators at the same moment. Each
// transaction alone leaves one administrator; SERIALIZABLE makes one of them re-run, see the
// other's commit and answer 409 last_administrator, so one administrator always remains.

// Each test gets its own database, so "the administrators" are exactly the ones it made.
let group: InstanceGroup;
let a: Instance;
let b: Instance;
beforeEach(async () => {
  group = await startInstances(2);
  [a, b] = group.instances as [Instance, Instance];
  await seedCatalog(a);
});
afterEach(() => group?.close());

interface Admin {
  id: string;
  token: string;
}

async function administratorRoleId(token = group.token): Promise<string> {
  const roles = expectStatus(await a.request('GET', '/v1/roles', { token }), 200, 'GET /v1/roles');
  return roles.items.find((r: Json) => r.name === 'Administrator').id;
}

async function makeAdministrator(by: Admin): Promise<Admin> {
  const { credential, secret } = await makeCredential(a, { roles: [await administratorRoleId(by.token)] }, { token: by.token });
  return { id: credential.id, token: secret };
}

function assertLastAdministrator(res: TestResponse): void {
  assertError(res, 409, 'last_administrator');
  assert.deepEqual(res.json.error.details.adminActions, ADMIN_ACTION_IDS);
}

/** Whether the token administers through this instance; another instance's writes reach it through the change feed, so poll briefly. */
async function administers(instance: Instance, token: string): Promise<boolean> {
  return eventually(async () => (await instance.request('GET', '/v1/audit?limit=1', { token })).status === 200, 3000, 20);
}

test('instance A revokes one administrator while instance B revokes the other: exactly one succeeds, one gets 409', async () => {
  const list = expectStatus(await a.request('GET', '/v1/credentials?q=bootstrap'), 200, 'GET credentials');
  let x: Admin = { id: list.items.find((c: Json) => c.name === 'bootstrap').id, token: group.token };
  let y = await makeAdministrator(x);
  // A delegated credentials admin (no role rights) makes both revokes, one through each instance.
  const delegate = await makeCaller(a, ['keyward.credentials.read', 'keyward.credentials.write']);
  // Made through A, the delegate reaches B's cache through the change feed; wait for it there.
  assert.equal(
    await eventually(async () => (await b.request('GET', '/v1/credentials?limit=1', { token: delegate.token })).status === 200, 3000, 20),
    true,
    'the delegate is known to B',
  );
  for (let round = 0; round < 10; round += 1) {
    const [ra, rb] = await Promise.all([
      a.request('POST', `/v1/credentials/${x.id}/revoke`, { token: delegate.token }),
      b.request('POST', `/v1/credentials/${y.id}/revoke`, { token: delegate.token }),
    ]);
    assert.deepEqual([ra.status, rb.status].sort(), [200, 409], `round ${round}: ${ra.text} / ${rb.text}`);
    assertLastAdministrator(ra.status === 409 ? ra : rb);
    const survivor = ra.status === 409 ? x : y;
    const gone = ra.status === 409 ? y : x;
    assert.equal(await administers(a, survivor.token), true, 'the survivor still administers through A');
    assert.equal(await administers(b, survivor.token), true, 'the survivor still administers through B');
    const revoked = expectStatus(await b.request('GET', `/v1/credentials/${gone.id}`, { token: survivor.token }), 200, 'GET credential');
    assert.equal(revoked.status, 'revoked');
    [x, y] = [survivor, await makeAdministrator(survivor)];
  }
});

test('a role edit through A and a revoke through B that would each leave one administrator never both commit', async () => {
  const adminRole = await administratorRoleId();
  const boot = group.token;
  for (let round = 0; round < 8; round += 1) {
    const own = await makeRole(a, { actions: [...ADMIN_ACTION_IDS] });
    const second = await makeCredential(a, { roles: [own.id] });
    const [edit, revoke] = await Promise.all([
      a.request('PATCH', `/v1/roles/${adminRole}`, { token: second.secret, body: { actions: ['keyward.roles.read'] } }),
      b.request('POST', `/v1/credentials/${second.credential.id}/revoke`, { token: boot }),
    ]);
    assert.equal([edit.status, revoke.status].filter((s) => s === 200).length, 1, `round ${round}: ${edit.text} / ${revoke.text}`);
    const loser = edit.status === 200 ? revoke : edit;
    // The loser is refused for the last administrator (or, had the revoke committed before the
    // edit was even authenticated, its caller is gone).
    if (loser.status !== 401) assertLastAdministrator(loser);
    if (edit.status === 200) {
      // Restored through A, whose cache each of its own writes updates before answering.
      assert.equal(await administers(a, second.secret), true);
      assertStatus(
        await a.request('PATCH', `/v1/roles/${adminRole}`, { token: second.secret, body: { actions: [...ADMIN_ACTION_IDS] } }),
        200,
      );
      assertStatus(await a.request('POST', `/v1/credentials/${second.credential.id}/revoke`), 200);
    }
    assert.equal(await administers(a, boot), true, `round ${round}: the bootstrap token administers`);
  }
});
