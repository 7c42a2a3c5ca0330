import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TEST_CATALOG } from '../fixtures/catalog.ts';
import { startStack, type Stack } from './helpers/stack.ts';
import { connect, goTo } from './helpers/ui.ts';
import { readClipboard } from './helpers/clipboard.ts';

// A credential's life in the console: create with roles, copy the one-time token (the clipboard
// holds it, then is cleared), never see it again; disable; revoke.

let stack: Stack;
let readersId: string;
before(async () => {
  stack = await startStack();
  await stack.rest('PUT', '/v1/catalog', TEST_CATALOG);
  readersId = (await stack.rest<{ id: string }>('POST', '/v1/roles', { name: 'Client readers', actions: ['GetClients'] })).id;
  await connect(stack.page, stack.serverUrl, stack.adminToken);
});
after(() => stack?.close());

const decide = (token: string, action: string) =>
  stack.rest<{ allowed: boolean; reason: string }>('POST', '/v1/authorize', { token, action });

let secret = '';

test('creating a credential shows its token once, masked, and copying puts it on the clipboard until it is cleared', async () => {
  const { page } = stack;
  await goTo(page, 'Connections');
  await page.getByLabel('Clear copied tokens after').click();
  await page.getByRole('option', { name: '5 seconds' }).click();

  await goTo(page, 'Credentials');
  await page.getByRole('button', { name: 'New credential' }).first().click();
  const editor = page.getByRole('dialog', { name: 'New credential' });
  await editor.getByLabel('Name').fill('ci deploy');
  await editor.getByLabel('Access Roles').click();
  await page.getByRole('option', { name: 'Client readers' }).click();
  await editor.getByRole('button', { name: '30 days' }).click();
  await editor.getByLabel('Allowed networks (CIDR)').fill('10.0.0.0/33');
  await editor
    .getByText(/prefix|CIDR|\/33/i)
    .first()
    .waitFor();
  assert.equal(await editor.getByRole('button', { name: 'Create and show token' }).isDisabled(), true);
  await editor.getByLabel('Allowed networks (CIDR)').fill('');
  await editor.getByTestId('effective-permissions').getByText('Clients — 1 of 4').waitFor();
  await editor.getByRole('button', { name: 'Create and show token' }).click();

  const dialog = page.getByTestId('token-dialog');
  await dialog.getByText('It will not be shown again').waitFor();
  const masked = (await dialog.getByTestId('token-value').textContent()) ?? '';
  assert.match(masked, /^kw_/);
  assert.match(masked, /•/);

  await dialog.getByRole('button', { name: 'Copy token' }).click();
  await dialog
    .getByTestId('copy-status')
    .filter({ hasText: /Copied token — clears in [1-5] s/ })
    .waitFor();
  secret = await readClipboard(stack);
  assert.match(secret, /^kw_[0-9A-Za-z]{38}$/);
  assert.equal((await decide(secret, 'GetClients')).allowed, true);
  await dialog.getByTestId('copy-status').filter({ hasText: 'Clipboard cleared.' }).waitFor({ timeout: 10_000 });
  assert.equal(await readClipboard(stack), '');

  await dialog.getByRole('button', { name: 'Copy Authorization header' }).click();
  await dialog.getByTestId('copy-status').filter({ hasText: 'Copied Authorization header' }).waitFor();
  assert.equal(await readClipboard(stack), `Authorization: Bearer ${secret}`);

  await dialog.getByRole('button', { name: 'Reveal' }).click();
  assert.equal(await dialog.getByTestId('token-value').textContent(), secret);
  await dialog.getByRole('button', { name: 'Done' }).click();
  const confirm = page.getByRole('dialog', { name: 'Close without the token?' });
  await confirm.getByText('You will not be able to see this token again').waitFor();
  await confirm.getByText(/still cleared in [1-5] s/).waitFor();
  await confirm.getByRole('button', { name: 'Close' }).click();
  await dialog.waitFor({ state: 'detached' });
  // Closing forgets the secret; the pending clear still runs, as the user may be pasting.
  const deadline = Date.now() + 8000;
  while ((await readClipboard(stack)) !== '' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  assert.equal(await readClipboard(stack), '', 'the copy made before closing is cleared on schedule');
});

test('after the one-time dialog the token appears nowhere in the console', async () => {
  const { page } = stack;
  await page.getByRole('gridcell', { name: 'ci deploy' }).waitFor();
  assert.equal((await page.content()).includes(secret), false);
  await page.getByRole('button', { name: 'Edit ci deploy' }).click();
  const editor = page.getByRole('dialog', { name: /Edit credential/ });
  await editor.getByLabel('Name').waitFor();
  assert.equal((await page.content()).includes(secret), false);
  assert.equal((await page.content()).includes(secret.slice(12)), false);
  await editor.getByRole('button', { name: 'Cancel' }).click();
});

test('disabling says what happens and the token is then denied as disabled; revoking is final', async () => {
  const { page } = stack;
  await page.getByRole('button', { name: 'Disable ci deploy' }).click();
  const disable = page.getByRole('dialog', { name: 'Disable “ci deploy”?' });
  await disable.getByText('denied (reason “disabled”)').waitFor();
  await disable.getByRole('button', { name: 'Disable' }).click();
  await page.getByRole('gridcell', { name: 'disabled' }).waitFor();
  assert.equal((await decide(secret, 'GetClients')).reason, 'disabled');

  await page.getByRole('button', { name: 'Revoke ci deploy' }).click();
  const revoke = page.getByRole('dialog', { name: 'Revoke “ci deploy”?' });
  await revoke.getByText('This cannot be undone').waitFor();
  await revoke.getByRole('button', { name: 'Revoke' }).click();
  await page.getByRole('gridcell', { name: 'revoked' }).waitFor();
  assert.equal((await decide(secret, 'GetClients')).reason, 'revoked');
  assert.ok(readersId);
});
