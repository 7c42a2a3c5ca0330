import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createApiClient } from '../../../shared/ipc/client.ts';
import { IPC_CONTRACT, IPC_METHOD_NAMES, methodSpec } from '../../../shared/ipc/contract.ts';
import { checkIpcArgument } from '../../../shared/ipc/validate.ts';
import { createApiImplementation } from '../../../electron/services/api-implementation.ts';
import { createMemoryClipboard } from '../../../electron/services/clipboard.ts';
import { createMemoryStore } from '../../../electron/services/conf-store.ts';
import { createMemorySecretStore } from '../../../electron/services/secret-store.ts';

// The one IPC contract: main implements exactly its methods, the client surface (preload and
// browser bridge) exposes exactly them, and every argument is checked before anything runs.

const impl = createApiImplementation({
  userDataDir: '/nonexistent',
  kv: createMemoryStore(),
  cache: createMemoryStore(),
  secrets: createMemorySecretStore(),
  clipboard: createMemoryClipboard(),
  emit: () => {},
  host: 'browser',
  version: '0.0.0',
});

const shape = (api: object) =>
  Object.entries(api)
    .filter(([k]) => k !== 'on')
    .flatMap(([domain, methods]) => Object.keys(methods as object).map((m) => `${domain}.${m}`))
    .sort();

test('main implements every method of the contract and nothing else', () => {
  assert.deepEqual(shape(impl.api), [...IPC_METHOD_NAMES].sort());
});

test('the client surface exposes the same domain methods and an event subscription, no generic invoke', () => {
  const client = createApiClient({ call: async () => ({ ok: true, value: null }), subscribe: () => () => {} });
  assert.deepEqual(shape(client), [...IPC_METHOD_NAMES].sort());
  assert.equal(typeof client.on, 'function');
  assert.equal('invoke' in client, false);
  assert.ok(Object.isFrozen(client) && Object.isFrozen(client.roles));
});

test('a method name that is not in the contract, or reaches into prototypes, is unknown', () => {
  for (const name of ['roles', 'roles.list.x', 'roles.__proto__', 'roles.constructor', '__proto__.x', 'toString.call', '']) {
    assert.equal(methodSpec(name), null, name);
    assert.equal(checkIpcArgument(name, {})?.code, 'unknown_method', name);
  }
});

test('methods without an argument refuse one; methods with one refuse unknown fields', () => {
  assert.equal(checkIpcArgument('roles.list', undefined), null);
  assert.equal(checkIpcArgument('roles.list', { sneaky: true })?.code, 'invalid_argument');
  const e = checkIpcArgument('credentials.create', { name: 'ok', secret: 'kw_chosen' });
  assert.equal(e?.code, 'invalid_argument');
  assert.match(e!.message, /unknown field\(s\) "secret"/);
});

test('a rejected argument never echoes its value (it may be a token)', () => {
  const e = checkIpcArgument('profiles.add', { name: 'x', url: 'not a url', token: 'kw_SECRETSECRETSECRET'.repeat(100) });
  assert.equal(e?.code, 'invalid_argument');
  assert.ok(!JSON.stringify(e).includes('kw_SECRET'));
});

test('a secret handle that main does not hold is refused with secret_expired', async () => {
  assert.ok(IPC_CONTRACT.secrets.reveal.args);
  const out = await impl.dispatch('secrets.reveal', { handle: 'nope' });
  assert.deepEqual(out.ok ? null : out.error.code, 'secret_expired');
});
