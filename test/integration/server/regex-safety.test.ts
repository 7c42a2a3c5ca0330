import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnCli } from '../../helpers/cli.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import { makeRequest } from '../../helpers/server.ts';

// Sub-URL settings hold admin-written regexes, but the paths they are matched against come
// from anyone on the internet (X-Original-URI at /v1/forward-auth). A regex that backtracks
// catastrophically must not let one hostile path stall every authorization: it is either
// refused when configured (400 invalid_regex) or matched in bounded time. The server runs as a
// child process here, so a stalled event loop can be killed instead of hanging the suite.

const HOSTILE_PATTERNS = ['^/re/(a+)+$', '^/re/(\\w+/?)+$', '^/re/(a|aa)+$'];

test('a catastrophically backtracking sub-URL regex cannot stall authorization', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-redos-'));
  const db = await createTestDatabase();
  const store = db.databaseUrl ? ['--database-url', db.databaseUrl] : ['--db', join(dir, 'keyward.sqlite')];
  const server = await spawnCli([...store, '--bootstrap-token-file', join(dir, 'token')]);
  try {
    const request = makeRequest(server.url, readFileSync(join(dir, 'token'), 'utf8').trim());
    const role = (await request('POST', '/v1/roles', { body: { name: 'Anyone', actions: [] } })).json;
    const secret = (await request('POST', '/v1/credentials', { body: { name: 'probe', roles: [role.id] } })).json.secret;
    const accepted: string[] = [];
    for (const [i, pathRegex] of HOSTILE_PATTERNS.entries()) {
      const res = await request('POST', '/v1/backends', {
        body: {
          name: `re ${i}`,
          frontendPrefix: i === 0 ? '/re' : `/re${i}`,
          subSettings: [{ method: 'ANY', pathRegex, requiredRoles: [] }],
        },
      });
      if (res.status === 201) accepted.push(pathRegex);
      else assert.equal(res.json?.error?.code, 'invalid_regex', `refused with invalid_regex: ${res.text}`);
    }
    if (accepted.length === 0) return; // every hostile pattern refused up front
    const hostile = `/re/${'a'.repeat(40)}!`;
    const started = Date.now();
    const answer = await fetch(`${server.url}/v1/forward-auth`, {
      headers: { authorization: `Bearer ${secret}`, 'x-original-method': 'GET', 'x-original-uri': hostile },
      signal: AbortSignal.timeout(3000),
    }).then(
      (r) => r.status,
      () => 'no answer within 3 s',
    );
    assert.ok(
      typeof answer === 'number',
      `accepted ${JSON.stringify(accepted)}; ${hostile} got ${answer} (after ${Date.now() - started} ms)`,
    );
  } finally {
    await server.stop('SIGKILL');
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});
