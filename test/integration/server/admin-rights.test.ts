import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { ADMIN_ACTION_IDS } from '../../../shared/domain/admin-actions.ts';
import { assertError, assertStatus } from '../../helpers/assert-api.ts';
import { expectStatus, expiresIn, makeCaller, makeCredential, makeGroup, makeRole, makeUser, seedCatalog } from '../../helpers/builders.ts';
import { startTestServer, type Json, type TestResponse, type TestServer } from '../../helpers/server.ts';

// Administration rights can be neither gained nor broken (DESIGN §3 rules 8 and 11), attacked
// through the real HTTP API. Every test gets its own server, so "the only administrator" is
// exactly the bootstrap credential unless the test makes another one.

let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function fresh(): Promise<TestServer> {
  const s = await startTestServer();
  servers.push(s);
  await seedCatalog(s);
  return s;
}

async function administratorRole(s: TestServer, token = s.token): Promise<Json> {
  const roles = expectStatus(await s.request('GET', '/v1/roles', { token }), 200, 'GET /v1/roles');
  return roles.items.find((r: Json) => r.name === 'Administrator');
}

async function bootstrapCredential(s: TestServer): Promise<Json> {
  const list = expectStatus(await s.request('GET', '/v1/credentials?q=bootstrap'), 200, 'GET /v1/credentials');
  return list.items.find((c: Json) => c.name === 'bootstrap');
}

/** One more administrator: a credential holding the Administrator role (made by the given admin). */
async function makeAdministrator(
  s: TestServer,
  fields: Record<string, unknown> = {},
  token = s.token,
): Promise<{ credential: Json; secret: string }> {
  const role = await administratorRole(s, token);
  return makeCredential(s, { roles: [role.id], ...fields }, { token });
}

/** 409 last_administrator with a message that says what to do and the admin actions in the details. */
function assertLastAdministrator(res: TestResponse): void {
  assertError(res, 409, 'last_administrator');
  assert.match(res.json.error.message, /Administrator role/);
  assert.deepEqual(res.json.error.details.adminActions, ADMIN_ACTION_IDS);
}

/** The token still administers: it may read roles and write them. */
async function stillAdministers(s: TestServer, token: string): Promise<void> {
  assertStatus(await s.request('GET', '/v1/roles', { token }), 200);
  const probe = await makeRole(s, { actions: ['keyward.audit.read'] }, { token });
  assertStatus(await s.request('DELETE', `/v1/roles/${probe.id}`, { token }), 204);
}

// ---- rule 11: the last administrator cannot be taken away ----

test('revoking the only administrator is refused with 409 last_administrator and it keeps working', async () => {
  const s = await fresh();
  const boot = await bootstrapCredential(s);
  assertLastAdministrator(await s.request('POST', `/v1/credentials/${boot.id}/revoke`));
  await stillAdministers(s, s.token);
  // The refused write was rolled back whole: no audit entry claims it happened.
  const audit = expectStatus(await s.request('GET', '/v1/audit?limit=100'), 200, 'GET /v1/audit');
  assert.ok(!audit.items.some((e: Json) => e.action === 'credential.revoke'), 'a refused revoke left an audit entry');
  // With a second administrator the same revoke goes through; the second is then the last one.
  const second = await makeAdministrator(s);
  assertStatus(await s.request('POST', `/v1/credentials/${boot.id}/revoke`, { token: second.secret }), 200);
  assertLastAdministrator(await s.request('POST', `/v1/credentials/${second.credential.id}/revoke`, { token: second.secret }));
  await stillAdministers(s, second.secret);
});

test('disabling or deleting the only administrator is refused with 409 last_administrator', async () => {
  const s = await fresh();
  const boot = await bootstrapCredential(s);
  assertLastAdministrator(await s.request('POST', `/v1/credentials/${boot.id}/disable`));
  assertLastAdministrator(await s.request('DELETE', `/v1/credentials/${boot.id}`));
  await stillAdministers(s, s.token);
  const second = await makeAdministrator(s);
  assertStatus(await s.request('POST', `/v1/credentials/${boot.id}/disable`), 200);
  assertLastAdministrator(await s.request('DELETE', `/v1/credentials/${second.credential.id}`, { token: second.secret }));
  assertStatus(await s.request('POST', `/v1/credentials/${boot.id}/enable`, { token: second.secret }), 200);
  assertStatus(await s.request('DELETE', `/v1/credentials/${second.credential.id}`), 204);
});

test('rolling the only administrator without grace is refused; with a grace period both secrets work', async () => {
  const s = await fresh();
  const boot = await bootstrapCredential(s);
  assertLastAdministrator(await s.request('POST', `/v1/credentials/${boot.id}/roll`, { body: {} }));
  assertLastAdministrator(await s.request('POST', `/v1/credentials/${boot.id}/roll`, { body: { graceSeconds: 0 } }));
  await stillAdministers(s, s.token);
  const rolled = expectStatus(
    await s.request('POST', `/v1/credentials/${boot.id}/roll`, { body: { graceSeconds: 600 } }),
    200,
    'roll with grace',
  );
  await stillAdministers(s, s.token);
  await stillAdministers(s, rolled.secret);
  // With another administrator a roll without grace is fine.
  const second = await makeAdministrator(s);
  assertStatus(await s.request('POST', `/v1/credentials/${boot.id}/roll`, { token: second.secret, body: {} }), 200);
});

test('taking roles away from the only administrator, or expiring it now, is refused', async () => {
  const s = await fresh();
  const boot = await bootstrapCredential(s);
  const admin = await administratorRole(s);
  const almost = await makeRole(s, { actions: ADMIN_ACTION_IDS.filter((a) => a !== 'keyward.audit.read') });
  assertLastAdministrator(await s.request('PATCH', `/v1/credentials/${boot.id}`, { body: { roles: [] } }));
  assertLastAdministrator(await s.request('PATCH', `/v1/credentials/${boot.id}`, { body: { roles: [almost.id] } }));
  assertLastAdministrator(
    await s.request('PATCH', `/v1/credentials/${boot.id}`, { body: { expiresAt: new Date(Date.now() - 1000).toISOString() } }),
  );
  await stillAdministers(s, s.token);
  // Harmless edits of the last administrator still work: a name, a future expiry, one more role.
  const audit = await makeRole(s, { actions: ['keyward.audit.read'] });
  const edited = expectStatus(
    await s.request('PATCH', `/v1/credentials/${boot.id}`, {
      body: { name: 'bootstrap (kept)', expiresAt: new Date(Date.now() + 86_400_000).toISOString(), roles: [admin.id, audit.id] },
    }),
    200,
    'harmless PATCH',
  );
  // Its rights may move to other roles of its own: the roles together still permit everything.
  assertStatus(await s.request('PATCH', `/v1/credentials/${boot.id}`, { body: { roles: [almost.id, audit.id] } }), 200);
  assert.equal(edited.name, 'bootstrap (kept)');
  await stillAdministers(s, s.token);
});

test('rights held through two roles together count, and a disabled or expired second administrator does not', async () => {
  const s = await fresh();
  const boot = await bootstrapCredential(s);
  const half = Math.ceil(ADMIN_ACTION_IDS.length / 2);
  const first = await makeRole(s, { actions: ADMIN_ACTION_IDS.slice(0, half) });
  const rest = await makeRole(s, { actions: [...ADMIN_ACTION_IDS.slice(half), 'AddClient'] });
  const split = await makeCredential(s, { roles: [first.id, rest.id] });
  const disabled = await makeAdministrator(s);
  assertStatus(await s.request('POST', `/v1/credentials/${disabled.credential.id}/disable`), 200);
  const expired = await makeAdministrator(s);
  assertStatus(
    await s.request('PATCH', `/v1/credentials/${expired.credential.id}`, {
      body: { expiresAt: new Date(Date.now() - 1000).toISOString() },
    }),
    200,
  );
  assertStatus(await s.request('POST', `/v1/credentials/${boot.id}/revoke`), 200);
  // `split` is now the only active administrator: disabled and expired ones do not count.
  assertLastAdministrator(await s.request('POST', `/v1/credentials/${split.credential.id}/revoke`, { token: split.secret }));
  await stillAdministers(s, split.secret);
});

test('editing or deleting the role that makes the only administrator is refused, alone or in a change set', async () => {
  const s = await fresh();
  const admin = await administratorRole(s);
  const trimmed = ADMIN_ACTION_IDS.filter((a) => a !== 'keyward.authorize');
  assertLastAdministrator(await s.request('PATCH', `/v1/roles/${admin.id}`, { body: { actions: trimmed } }));
  assertLastAdministrator(await s.request('DELETE', `/v1/roles/${admin.id}`));
  const other = await makeRole(s, { actions: ['AddClient'] });
  const set = await s.request('POST', '/v1/roles/changes', {
    body: {
      changes: [
        { op: 'update', id: other.id, expectedVersion: other.version, set: { description: 'changed' } },
        { op: 'delete', id: admin.id, expectedVersion: admin.version },
      ],
    },
  });
  assertLastAdministrator(set);
  // All or nothing: the first change of the refused set did not slip in.
  assert.equal(expectStatus(await s.request('GET', `/v1/roles/${other.id}`), 200, 'GET role').description, '');
  assert.deepEqual(expectStatus(await s.request('GET', `/v1/roles/${admin.id}`), 200, 'GET role').actions, admin.actions);
  await stillAdministers(s, s.token);
  // Renaming it or adding actions keeps the administrator: fine.
  assertStatus(
    await s.request('PATCH', `/v1/roles/${admin.id}`, { body: { name: 'Administrators', actions: [...ADMIN_ACTION_IDS, 'AddClient'] } }),
    200,
  );
});

test('a change set that moves an administration action to another role of the same credential is allowed', async () => {
  const s = await fresh();
  const boot = await bootstrapCredential(s);
  const admin = await administratorRole(s);
  const spare = await makeRole(s, { actions: [] });
  assertStatus(await s.request('PATCH', `/v1/credentials/${boot.id}`, { body: { roles: [admin.id, spare.id] } }), 200);
  const res = await s.request('POST', '/v1/roles/changes', {
    body: {
      changes: [
        {
          op: 'update',
          id: admin.id,
          expectedVersion: admin.version,
          set: { actions: ADMIN_ACTION_IDS.filter((a) => a !== 'keyward.audit.read') },
        },
        { op: 'update', id: spare.id, expectedVersion: spare.version, set: { actions: ['keyward.audit.read'] } },
      ],
    },
  });
  assertStatus(res, 200);
  await stillAdministers(s, s.token);
  assertStatus(await s.request('GET', '/v1/audit', { token: s.token }), 200);
});

test("invalidating a user's tokens or deleting the user is refused when that takes the last administrator", async () => {
  const s = await fresh();
  const boot = await bootstrapCredential(s);
  const owner = await makeUser(s);
  const owned = await makeAdministrator(s, { ownerId: owner.id });
  assertStatus(await s.request('POST', `/v1/credentials/${boot.id}/revoke`), 200);
  const as = { token: owned.secret };
  assertLastAdministrator(await s.request('POST', `/v1/users/${owner.id}/invalidate-tokens`, as));
  assertLastAdministrator(await s.request('DELETE', `/v1/users/${owner.id}`, as));
  await stillAdministers(s, owned.secret);
  // Once someone else is an administrator too, both work.
  await makeAdministrator(s, {}, owned.secret);
  assert.deepEqual(expectStatus(await s.request('POST', `/v1/users/${owner.id}/invalidate-tokens`, as), 200, 'invalidate'), { revoked: 1 });
});

test('pruning the catalog never takes administration actions away', async () => {
  const s = await fresh();
  const admin = await administratorRole(s);
  assertStatus(await s.request('PATCH', `/v1/roles/${admin.id}`, { body: { actions: [...ADMIN_ACTION_IDS, 'AddClient'] } }), 200);
  const replaced = await s.request('PUT', '/v1/catalog?prune=true', { body: { groups: [] } });
  assertStatus(replaced, 200);
  const after = expectStatus(await s.request('GET', `/v1/roles/${admin.id}`), 200, 'GET role');
  assert.deepEqual([...after.actions].sort(), [...ADMIN_ACTION_IDS].sort());
  await stillAdministers(s, s.token);
});

test('two concurrent revokes of the two administrators: exactly one succeeds, the other gets 409', async () => {
  const s = await fresh();
  const boot = await bootstrapCredential(s);
  // A delegated credentials admin (no role rights) revokes both at the same moment.
  const delegate = await makeCaller(s, ['keyward.credentials.read', 'keyward.credentials.write']);
  let x = { id: boot.id as string, token: s.token };
  let y = await makeAdministrator(s).then((a) => ({ id: a.credential.id as string, token: a.secret }));
  for (let round = 0; round < 8; round += 1) {
    const [rx, ry] = await Promise.all([
      s.request('POST', `/v1/credentials/${x.id}/revoke`, { token: delegate.token }),
      s.request('POST', `/v1/credentials/${y.id}/revoke`, { token: delegate.token }),
    ]);
    assert.deepEqual([rx.status, ry.status].sort(), [200, 409], `round ${round}: ${rx.text} / ${ry.text}`);
    assertLastAdministrator(rx.status === 409 ? rx : ry);
    const survivor = rx.status === 409 ? x : y;
    await stillAdministers(s, survivor.token);
    const next = await makeAdministrator(s, {}, survivor.token).then((a) => ({ id: a.credential.id as string, token: a.secret }));
    [x, y] = [survivor, next];
  }
});

test('a concurrent revoke and role edit that would each leave one administrator never both succeed', async () => {
  const s = await fresh();
  const admin = await administratorRole(s);
  for (let round = 0; round < 5; round += 1) {
    // The bootstrap is an administrator through "Administrator", the second one through a role of its own.
    const own = await makeRole(s, { actions: [...ADMIN_ACTION_IDS] });
    const second = await makeCredential(s, { roles: [own.id] });
    const [revoke, edit] = await Promise.all([
      s.request('POST', `/v1/credentials/${second.credential.id}/revoke`),
      s.request('PATCH', `/v1/roles/${admin.id}`, { token: second.secret, body: { actions: ['keyward.roles.read'] } }),
    ]);
    // Either may win; the loser is refused with 409 (or, if the revoke won first, its caller is gone: 401).
    assert.equal([revoke.status, edit.status].filter((st) => st === 200).length, 1, `round ${round}: ${revoke.text} / ${edit.text}`);
    const loser = revoke.status === 200 ? edit : revoke;
    if (loser.status !== 401) assertLastAdministrator(loser);
    if (edit.status === 200) {
      // The second one is the only administrator now: it restores "Administrator" for the next round.
      await stillAdministers(s, second.secret);
      assertStatus(
        await s.request('PATCH', `/v1/roles/${admin.id}`, { token: second.secret, body: { actions: [...ADMIN_ACTION_IDS] } }),
        200,
      );
      assertStatus(await s.request('POST', `/v1/credentials/${second.credential.id}/revoke`), 200);
    }
    await stillAdministers(s, s.token);
  }
});

// ---- rule 8: rights cannot be gained or taken by a delegated admin ----

test('a delegated admin cannot edit, rename or delete a role holding administration actions it lacks (escalation)', async () => {
  const s = await fresh();
  const admin = await administratorRole(s);
  const delegate = await makeCaller(s, ['keyward.roles.read', 'keyward.roles.write', 'keyward.catalog.read']);
  const as = { token: delegate.token };
  for (const body of [{ name: 'Not admins any more' }, { description: 'x' }, { actions: ['keyward.roles.read'] }]) {
    const res = await s.request('PATCH', `/v1/roles/${admin.id}`, { ...as, body });
    assertError(res, 403, 'escalation');
    assert.ok(res.json.error.details.actions.includes('keyward.credentials.write'), 'names the actions it lacks');
  }
  assertError(await s.request('DELETE', `/v1/roles/${admin.id}`, as), 403, 'escalation');
  // A second administrator exists, so the refusal is escalation, not last_administrator.
  await makeAdministrator(s);
  const set = await s.request('POST', '/v1/roles/changes', {
    ...as,
    body: { changes: [{ op: 'delete', id: admin.id, expectedVersion: admin.version }] },
  });
  assertError(set, 403, 'escalation');
  assert.equal(set.json.error.details.index, 0);
  const now = expectStatus(await s.request('GET', `/v1/roles/${admin.id}`), 200, 'GET role');
  assert.equal(now.version, admin.version);
  // Roles whose administration actions it holds itself stay editable.
  const own = await makeRole(s, { actions: ['keyward.roles.read', 'AddClient'] });
  assertStatus(await s.request('PATCH', `/v1/roles/${own.id}`, { ...as, body: { name: 'Readers', actions: ['AddClient'] } }), 200);
  assertStatus(await s.request('DELETE', `/v1/roles/${own.id}`, as), 204);
});

test('a delegated admin cannot change the roles of a credential holding administration actions it lacks, adding or removing (escalation)', async () => {
  const s = await fresh();
  const boot = await bootstrapCredential(s);
  const admin = await administratorRole(s);
  const second = await makeAdministrator(s);
  const delegate = await makeCaller(s, ['keyward.credentials.read', 'keyward.credentials.write']);
  const as = { token: delegate.token };
  const plain = await makeRole(s, { actions: ['AddClient'] });
  for (const roles of [[], [plain.id], [admin.id, plain.id]]) {
    const res = await s.request('PATCH', `/v1/credentials/${second.credential.id}`, { ...as, body: { roles } });
    assertError(res, 403, 'escalation');
  }
  assertError(await s.request('PATCH', `/v1/credentials/${boot.id}`, { ...as, body: { roles: [] } }), 403, 'escalation');
  const now = expectStatus(await s.request('GET', `/v1/credentials/${second.credential.id}`), 200, 'GET credential');
  assert.deepEqual(now.roles, [admin.id]);
  // The same roles in a PATCH are no change, and ordinary credentials stay editable.
  assertStatus(
    await s.request('PATCH', `/v1/credentials/${second.credential.id}`, { ...as, body: { roles: [admin.id], name: 'renamed' } }),
    200,
  );
  const ordinary = await makeCredential(s, { roles: [plain.id] });
  assertStatus(await s.request('PATCH', `/v1/credentials/${ordinary.credential.id}`, { ...as, body: { roles: [] } }), 200);
});

test('a delegated admin cannot re-date or address-restrict a credential holding administration actions it lacks (escalation)', async () => {
  // The lock-out through the back door: a credentials-only delegate that may not touch an
  // administrator's roles must not be able to expire it in two seconds or bind it to an address
  // nobody uses either.
  const s = await fresh();
  const boot = await bootstrapCredential(s);
  const second = await makeAdministrator(s);
  const delegate = await makeCaller(s, ['keyward.credentials.read', 'keyward.credentials.write']);
  const as = { token: delegate.token };
  for (const target of [boot.id, second.credential.id]) {
    for (const body of [{ expiresAt: expiresIn(2_000) }, { expiresAt: expiresIn(30 * 86_400_000) }, { allowedCidrs: ['192.0.2.1'] }]) {
      const res = await s.request('PATCH', `/v1/credentials/${target}`, { ...as, body });
      assertError(res, 403, 'escalation');
      assert.match(res.json.error.message, /administration actions you do not hold/);
    }
  }
  await stillAdministers(s, s.token);
  await stillAdministers(s, second.secret);
  // Ordinary credentials stay the delegate's to re-date and restrict.
  const plain = await makeRole(s, { actions: ['AddClient'] });
  const ordinary = await makeCredential(s, { roles: [plain.id] });
  assertStatus(
    await s.request('PATCH', `/v1/credentials/${ordinary.credential.id}`, {
      ...as,
      body: { expiresAt: expiresIn(60_000), allowedCidrs: ['192.0.2.0/24'] },
    }),
    200,
  );
});

test('the last administrator may not be set to expire within the hour nor bound to addresses its caller is not at', async () => {
  const s = await fresh();
  const boot = await bootstrapCredential(s);
  for (const expiresAt of [expiresIn(2_000), expiresIn(30 * 60_000)]) {
    const res = await s.request('PATCH', `/v1/credentials/${boot.id}`, { body: { expiresAt } });
    assertLastAdministrator(res);
    assert.match(res.json.error.message, /hour/);
  }
  const elsewhere = await s.request('PATCH', `/v1/credentials/${boot.id}`, { body: { allowedCidrs: ['192.0.2.0/24'] } });
  assertLastAdministrator(elsewhere);
  assert.match(elsewhere.json.error.message, /address/);
  await stillAdministers(s, s.token);
  // Where the caller is (the tests talk over loopback), and more than an hour ahead, is fine.
  assertStatus(
    await s.request('PATCH', `/v1/credentials/${boot.id}`, {
      body: { allowedCidrs: ['127.0.0.0/8'], expiresAt: expiresIn(2 * 3_600_000) },
    }),
    200,
  );
  await stillAdministers(s, s.token);
  // With a second administrator the first may be bound anywhere.
  await makeAdministrator(s);
  assertStatus(await s.request('PATCH', `/v1/credentials/${boot.id}`, { body: { allowedCidrs: ['192.0.2.0/24'] } }), 200);
});

test('rolling the only administrator with a grace period under five minutes is refused as one without grace', async () => {
  const s = await fresh();
  const boot = await bootstrapCredential(s);
  for (const graceSeconds of [1, 60, 299]) {
    assertLastAdministrator(await s.request('POST', `/v1/credentials/${boot.id}/roll`, { body: { graceSeconds } }));
  }
  await stillAdministers(s, s.token);
  assertStatus(await s.request('POST', `/v1/credentials/${boot.id}/roll`, { body: { graceSeconds: 300 } }), 200);
});

test("a delegated directory admin cannot change a group's default roles that hold administration actions it lacks (escalation)", async () => {
  const s = await fresh();
  const admin = await administratorRole(s);
  const group = await makeGroup(s, { defaultRoles: [admin.id] });
  const delegate = await makeCaller(s, ['keyward.directory.read', 'keyward.directory.write']);
  const res = await s.request('PATCH', `/v1/groups/${group.id}`, { token: delegate.token, body: { defaultRoles: [] } });
  assertError(res, 403, 'escalation');
  const now = expectStatus(await s.request('GET', `/v1/groups/${group.id}`), 200, 'GET group');
  assert.deepEqual(now.defaultRoles, [admin.id]);
  assertStatus(await s.request('PATCH', `/v1/groups/${group.id}`, { token: delegate.token, body: { name: 'Renamed admins' } }), 200);
});

test('an import with fullAccess is checked as giving the compatibility role, even after that role was given administration actions', async () => {
  const s = await fresh();
  const delegate = await makeCaller(s, ['keyward.credentials.write', 'keyward.credentials.read']);
  const item = (n: number) => ({ name: `legacy ${n}`, secret: `legacy-secret-${n}-${'x'.repeat(20)}`, fullAccess: true });
  const first = expectStatus(
    await s.request('POST', '/v1/credentials/import', { token: delegate.token, body: { items: [item(1)] } }),
    201,
    'import',
  );
  const compat = first.compatibilityRoleId;
  // A full admin later gives the compatibility role an administration action...
  const role = expectStatus(await s.request('GET', `/v1/roles/${compat}`), 200, 'GET role');
  assertStatus(await s.request('PATCH', `/v1/roles/${compat}`, { body: { actions: [...role.actions, 'keyward.roles.write'] } }), 200);
  // ...so a delegate importing a secret it chose would obtain it: refused.
  const res = await s.request('POST', '/v1/credentials/import', { token: delegate.token, body: { items: [item(2)] } });
  assertError(res, 403, 'escalation');
  assert.ok(res.json.error.details.actions.includes('keyward.roles.write'));
  const legacy = await s.request('GET', '/v1/roles', { token: item(2).secret });
  assertError(legacy, 401);
  // The full admin may import it.
  assertStatus(await s.request('POST', '/v1/credentials/import', { body: { items: [item(2)] } }), 201);
});
