import assert from 'node:assert/strict';
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { withApp } from './helpers/fixtures.ts';
import { ROOT } from './helpers/hosts.ts';

// The per-test fixture itself: a failing test leaves its trace and a screenshot for diagnosis;
// every test starts from a fresh data folder and backend, and nothing of it outlives the test.

test('a failing end-to-end test keeps a Playwright trace and a screenshot in test-results/e2e/', async (t) => {
  const name = `fixture self-check ${process.pid}`;
  const fake = { name, fullName: name, filePath: join(ROOT, 'test', 'e2e', 'fixtures.test.ts') } as TestContext;
  const where = join(ROOT, 'test-results', 'e2e', 'fixtures', name.replace(/[^\w-]+/g, '-'));
  t.after(() => rmSync(where, { recursive: true, force: true }));
  await assert.rejects(
    withApp(fake, async ({ page }) => {
      await page
        .getByText('No servers yet')
        .or(page.getByRole('navigation', { name: 'Main' }))
        .first()
        .waitFor();
      throw new Error('the check this test was written to fail');
    }),
    /the check this test was written to fail/,
  );
  assert.ok(statSync(join(where, 'trace.zip')).size > 0, 'trace kept');
  assert.ok(statSync(join(where, 'failure.png')).size > 0, 'screenshot kept');
});

test('each test gets its own backend and an empty data folder, removed afterwards', async (t) => {
  let first = '';
  await withApp(t, async ({ userDataDir, server, api }) => {
    first = userDataDir;
    const roles = await api<{ items: { name: string }[] }>('GET', '/v1/roles');
    assert.deepEqual(
      roles.items.map((r) => r.name),
      ['Administrator'],
      'a fresh backend holds only the bootstrap role',
    );
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });
  assert.equal(existsSync(first), false, 'the data folder is gone after the test');
});
