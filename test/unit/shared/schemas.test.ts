import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Static } from 'typebox';
import { Value } from 'typebox/value';
import { DecisionReason } from '../../../shared/api/authorization-schemas.ts';
import { Method } from '../../../shared/api/schemas.ts';
import { DECISION_REASONS, HTTP_METHODS, type DecisionReason as DomainReason, type HttpMethod } from '../../../shared/domain/types.ts';

// These assignments fail typecheck if the schemas' static types collapse to `never` again
// (which a Union over `array.map(Type.Literal)` does), so code using Static<…> stays typed.
const sampleMethod: Static<typeof Method> = 'ANY';
const sampleReason: Static<typeof DecisionReason> = 'missing_roles';
const methodIsDomain: HttpMethod | 'ANY' = sampleMethod;
const reasonIsDomain: DomainReason = sampleReason;

test('the Method schema accepts exactly the HTTP methods of the domain and ANY', () => {
  for (const method of [...HTTP_METHODS, 'ANY', methodIsDomain]) assert.equal(Value.Check(Method, method), true, method);
  for (const bad of ['get', 'TRACE', '', 'CONNECT']) assert.equal(Value.Check(Method, bad), false, bad);
});

test('the DecisionReason schema accepts exactly the decision reasons of the domain', () => {
  for (const reason of [...DECISION_REASONS, reasonIsDomain]) assert.equal(Value.Check(DecisionReason, reason), true, reason);
  for (const bad of ['allowed', 'GRANTED', '']) assert.equal(Value.Check(DecisionReason, bad), false, bad);
});
