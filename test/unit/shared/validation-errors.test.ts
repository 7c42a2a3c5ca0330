import assert from 'node:assert/strict';
import { test } from 'node:test';
import Type from 'typebox';
import { Compile } from 'typebox/compile';
import { describeSchemaErrors, MAX_PROBLEMS } from '../../../shared/api/validation-errors.ts';
import { checkIpcArgument } from '../../../shared/ipc/validate.ts';
import { describeErrors } from '../../../server/http/validation.ts';

// One wording for schema failures wherever they come from: the HTTP API, an IPC call, a file.

const Named = Compile(
  Type.Object(
    { name: Type.String({ maxLength: 5, pattern: '\\S' }), tags: Type.Optional(Type.Array(Type.String())) },
    { additionalProperties: false },
  ),
);

test('a problem names its field as a dotted path under its part and says what is wrong, never the value', () => {
  const secret = 'kw_not-to-be-repeated-anywhere';
  const { message, problems } = describeSchemaErrors('body', 'Invalid request', Named.Errors({ name: secret, extra: 1 }));
  assert.deepEqual(problems, [
    { field: 'body', problem: 'has unknown field(s) "extra"' },
    { field: 'body.name', problem: 'must not have more than 5 characters' },
  ]);
  assert.equal(message, 'Invalid request: body has unknown field(s) "extra"; body.name must not have more than 5 characters.');
  assert.ok(!message.includes(secret));
});

test('a blank required text says "must not be blank" rather than quoting the pattern', () => {
  const { problems } = describeSchemaErrors('argument', 'x', Named.Errors({ name: '   ' }));
  assert.deepEqual(problems, [{ field: 'argument.name', problem: 'must not be blank' }]);
});

test('the sentence quotes five problems and counts the rest; the details carry at most twenty', () => {
  const errors = Array.from({ length: 30 }, (_, i) => ({ keyword: 'type', instancePath: `/${i}`, message: 'must be integer', params: {} }));
  const { message, problems } = describeSchemaErrors('file', 'The file is not valid', errors as never);
  assert.equal(problems.length, MAX_PROBLEMS);
  assert.deepEqual(problems[19], { field: 'file.19', problem: 'must be integer' });
  assert.match(message, /^The file is not valid: file\.0 must be integer; .*file\.4 must be integer \(and 25 more\)\.$/);
});

test('HTTP request validation and IPC argument validation word the same problem the same way', () => {
  const http = describeErrors('body', Named.Errors({ name: '   ' }));
  assert.deepEqual(http.problems, [{ field: 'body.name', problem: 'must not be blank' }]);
  const ipc = checkIpcArgument('credentials.create', { name: '   ', roles: [] });
  assert.equal(ipc?.code, 'invalid_argument');
  assert.deepEqual((ipc?.details as { problems: unknown[] }).problems[0], { field: 'argument.name', problem: 'must not be blank' });
});
