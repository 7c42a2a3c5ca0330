import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createLogger, redactQueriesInText, redactQuery, redactTokensInText } from '../../../server/logging.ts';
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

test('a token in a URL path, not only in the query, never reaches the log', async () => {
  const token = s.token;
  for (const path of [`/v1/credentials/${token}`, `/v1/${token}`, `/v1/roles/${token.slice(0, 30)}`]) {
    const res = await s.request('GET', path);
    assert.ok(res.status >= 400 && res.status < 500, `${path.replace(token, '…')}: ${res.status}`);
  }
  const log = s.logs.join('');
  assert.ok(!log.includes(token.slice(3, 20)), 'no part of the token is in the log');
  assert.match(log, /kw_\[redacted\]/);
});

test('a token anywhere in a log line is cut: message, fields, an error, its cause, an AggregateError, its own fields', () => {
  const token = 'kw_AbCdEf0123456789abcdefghijklmnopqrstuv';
  const lines: string[] = [];
  const log = createLogger('debug', { write: (line) => void lines.push(line) });
  log.info(`rejected ${token} from 10.0.0.1`);
  log.info({ detail: `header was Bearer ${token}`, nested: { list: [`x ${token}`] } }, 'with fields');
  const failure = new Error(`lookup of ${token} failed`, { cause: new Error(`socket said ${token}`) });
  (failure as Error & { url?: string }).url = `/v1/roles?access_token=${token}`;
  log.error({ err: failure }, 'request failed');
  log.error(new AggregateError([new Error(`first ${token}`), new Error('second')], 'both failed'));
  const text = lines.join('');
  assert.equal(lines.length, 4);
  assert.ok(!text.includes(token.slice(3, 20)), text);
  assert.match(text, /rejected kw_\[redacted\] from 10\.0\.0\.1/);
  assert.match(text, /"detail":"header was Bearer kw_\[redacted\]"/);
  assert.match(text, /socket said kw_\[redacted\]/, 'the cause is kept, scrubbed');
  assert.match(text, /"url":"\/v1\/roles\?access_token=\[redacted\]"/);
  assert.match(text, /first kw_\[redacted\]/, "an AggregateError's members are kept, scrubbed");
});

test('a public display prefix stays readable; anything longer that starts with kw_ is cut', () => {
  assert.equal(redactTokensInText('credential kw_AbC123 rolled'), 'credential kw_AbC123 rolled');
  assert.equal(redactTokensInText('typo kw_AbC1234 here'), 'typo kw_[redacted] here');
  assert.equal(redactTokensInText('no token here'), 'no token here');
});
