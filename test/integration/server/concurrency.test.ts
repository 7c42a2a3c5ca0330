import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { COMPATIBILITY_ROLE_NAME } from '../../../shared/domain/policy.ts';
import { assertError } from '../../helpers/assert-api.ts';
import { seedCatalog, unique } from '../../helpers/builders.ts';
import { startTestServer, type Json, type TestResponse, type TestServer } from '../../helpers/server.ts';

// Racing writers (DESIGN §6: every write is one transaction; two admins never lose an update
// silently): unique names, prefixes and secrets hold under concurrent requests, and the loser
// gets its 409 — never a 500 from a unique-constraint violation.

let s: TestServer;
before(async () => {
  s = await startTestServer();
  await seedCatalog(s);
});
after(() => s?.close());

function exactlyOneWins(results: TestResponse[], created: number, code: string): void {
  const statuses = results.map((r) => r.status);
  assert.equal(statuses.filter((x) => x === created).length, 1, statuses.join(','));
  for (const r of results.filter((x) => x.status !== created)) assertError(r, 409, code);
}

const race = <T>(n: number, make: (i: number) => Promise<T>): Promise<T[]> => Promise.all(Array.from({ length: n }, (_, i) => make(i)));

test('racing creates of one role name (any case): one 201, the rest 409 name_taken', async () => {
  const name = unique('Racy');
  exactlyOneWins(
    await race(8, (i) => s.request('POST', '/v1/roles', { body: { name: i % 2 ? name : name.toUpperCase(), actions: [] } })),
    201,
    'name_taken',
  );
});

test('racing creates of one user, group or backend name: one 201, the rest 409', async () => {
  const user = unique('racer').replace(/\s/g, '-');
  exactlyOneWins(await race(6, () => s.request('POST', '/v1/users', { body: { name: user } })), 201, 'name_taken');
  const group = unique('Racers');
  exactlyOneWins(await race(6, () => s.request('POST', '/v1/groups', { body: { name: group } })), 201, 'name_taken');
  const prefix = `/race-${Date.now()}`;
  exactlyOneWins(
    await race(6, (i) => s.request('POST', '/v1/backends', { body: { name: unique(`B${i}`), frontendPrefix: prefix } })),
    201,
    'prefix_taken',
  );
});

test('racing imports of one secret: one 201, the rest 409 secret_taken', async () => {
  const secret = `legacy-race-${Date.now()}-secret`;
  exactlyOneWins(
    await race(6, (i) => s.request('POST', '/v1/credentials/import', { body: { items: [{ name: unique(`I${i}`), secret }] } })),
    201,
    'secret_taken',
  );
});

test('racing first full-access imports create one compatibility role, shared by all', async () => {
  const results = await race(6, (i) =>
    s.request('POST', '/v1/credentials/import', {
      body: { items: [{ name: unique(`F${i}`), secret: `full-${Date.now()}-${i}-secret`, fullAccess: true }] },
    }),
  );
  assert.deepEqual(
    results.map((r) => r.status),
    [201, 201, 201, 201, 201, 201],
  );
  const ids = new Set(results.map((r) => r.json.compatibilityRoleId));
  assert.equal(ids.size, 1);
  const roles = (await s.request('GET', '/v1/roles')).json.items.filter((r: Json) => r.name === COMPATIBILITY_ROLE_NAME);
  assert.equal(roles.length, 1);
});

test('racing role edits and credential writes leave every credential consistent with its roles', async () => {
  const role = (await s.request('POST', '/v1/roles', { body: { name: unique('Shared'), actions: ['GetClients'] } })).json;
  const creds = await race(10, (i) => s.request('POST', '/v1/credentials', { body: { name: unique(`C${i}`), roles: [role.id] } }));
  const edits = await race(10, (i) =>
    s.request('PATCH', `/v1/roles/${role.id}`, { body: { actions: i % 2 ? ['GetClients', 'AddClient'] : ['AddClient'] } }),
  );
  assert.ok(edits.every((r) => r.status === 200));
  const final = (await s.request('GET', `/v1/roles/${role.id}`)).json;
  assert.equal(final.version, role.version + 10, 'every edit counted once');
  for (const c of creds) {
    const d = (await s.request('POST', '/v1/authorize', { body: { token: c.json.secret, action: 'GetClients' } })).json;
    assert.equal(d.allowed, final.actions.includes('GetClients'), 'decisions follow the last committed edit');
  }
});

test('a valid token keeps being allowed while its credential and roles are edited concurrently', async () => {
  const keep = (await s.request('POST', '/v1/roles', { body: { name: unique('Keep'), actions: ['GetClients'] } })).json;
  const churn = (await s.request('POST', '/v1/roles', { body: { name: unique('Churn'), actions: [] } })).json;
  const made = (await s.request('POST', '/v1/credentials', { body: { name: unique('Busy'), roles: [keep.id] } })).json;
  let editing = true;
  const edits = (async () => {
    for (let i = 0; editing && i < 60; i++) {
      await Promise.all([
        s.request('PATCH', `/v1/credentials/${made.credential.id}`, {
          body: { description: `d${i}`, roles: i % 2 ? [keep.id, churn.id] : [churn.id, keep.id] },
        }),
        s.request('PATCH', `/v1/roles/${churn.id}`, { body: { actions: i % 2 ? ['AddClient'] : [] } }),
        s.request('PATCH', `/v1/roles/${keep.id}`, {
          body: { actions: i % 2 ? ['GetClients', 'OpenTicket'] : ['GetClients'], description: `k${i}` },
        }),
      ]);
    }
  })();
  const denials: string[] = [];
  const checks = (async () => {
    for (let round = 0; round < 30; round++) {
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => s.request('POST', '/v1/authorize', { body: { token: made.secret, action: 'GetClients' } })),
      );
      for (const a of answers) if (a.status !== 200 || a.json.allowed !== true) denials.push(a.text);
    }
    editing = false;
  })();
  await Promise.all([edits, checks]);
  assert.deepEqual(denials.slice(0, 3), [], `${denials.length} of 300 decisions were wrong during edits`);
});
