import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { redactQueriesInText, redactQuery } from '../../../server/logging.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';

// No query-string value reaches a log line (DESIGN §4): clients do send tokens as
// `?access_token=kw_…`, and fastify's request, not-found and error lines quote the URL.

let s: TestServer;
before(async () => {
  s = await startTestServer({ logLevel: 'debug' });
});
after(() => s?.close());

test('a token sent in the query string never reaches the log, whatever the answer', async () => {
  const token = s.token;
  const tried: [string, string, number, { token?: string | null; body?: unknown }][] = [
    ['GET', `/v1/no-such-endpoint?access_token=${token}`, 404, {}],
    ['GET', `/v1/roles?access_token=${token}`, 401, { token: null }],
    ['GET', `/v1/roles?access_token=${token}&page=2`, 200, {}],
    ['GET', `/v1/credentials?limit=-1&access_token=${token}`, 400, {}],
    ['GET', `/v1/roles?${token}`, 200, {}],
    ['POST', `/v1/roles?api_key=${token}`, 400, { body: '{not json' }],
    ['GET', `/v1/health?token=${token}`, 200, {}],
    ['POST', `/v1/authorize?access_token=${token}`, 200, { body: { token: 'kw_unknown', action: 'keyward.roles.read' } }],
  ];
  for (const [method, path, status, options] of tried) {
    const res = await s.request(method, path, options);
    assert.equal(res.status, status, `${method} ${path.replace(token, '…')}: ${res.text}`);
  }
  const log = s.logs.join('');
  assert.ok(log.length > 0, 'the server logged at debug level');
  assert.ok(!log.includes(token), 'the token is nowhere in the log');
  assert.ok(!log.includes(token.slice(3, 20)), 'not even a part of it');
  // The lines are still there, with the parameter names kept for debugging.
  assert.match(log, /"url":"\/v1\/roles\?access_token=\[redacted\]&page=\[redacted\]"/);
  assert.match(log, /\/v1\/no-such-endpoint\?access_token=\[redacted\]/);
});

test('query values are redacted, parameter names kept unless they look like a secret', () => {
  assert.equal(redactQuery('/v1/x'), '/v1/x');
  assert.equal(redactQuery('/v1/x?'), '/v1/x?');
  assert.equal(redactQuery('/v1/x?a=1&b=&c'), '/v1/x?a=[redacted]&b=[redacted]&c=[redacted]');
  assert.equal(redactQuery('/v1/x?kw_abcdefghijklmnopqrstuvwxyz0123456789ab'), '/v1/x?[redacted]');
  assert.equal(redactQuery('/v1/x?s3cr3t%3D%3D=1'), '/v1/x?[redacted]');
  assert.equal(redactQueriesInText('Route GET:/v1/x?access_token=kw_123 not found'), 'Route GET:/v1/x?access_token=[redacted] not found');
  assert.equal(redactQueriesInText('Is this fine?'), 'Is this fine?');
});
