import assert from 'node:assert/strict';
import type { TestResponse } from './server.ts';

// Assertions on the API's error shape (DESIGN §4): {"error": {"code", "message", "details"?}}
// with a fitting status, and a message a person can act on.

function describe(res: TestResponse): string {
  return `${res.status} ${res.text.slice(0, 400)}`;
}

export function assertError(res: TestResponse, status: number, code?: string | string[]): void {
  assert.equal(res.status, status, `expected ${status}${code ? ` ${String(code)}` : ''}, got ${describe(res)}`);
  assert.ok(res.json && typeof res.json.error === 'object', `expected an error body, got ${describe(res)}`);
  if (code !== undefined) {
    const codes = Array.isArray(code) ? code : [code];
    assert.ok(codes.includes(res.json.error.code), `expected error.code ${codes.join(' or ')}, got ${describe(res)}`);
  }
  assert.equal(typeof res.json.error.message, 'string', `error.message missing: ${describe(res)}`);
  assert.ok(res.json.error.message.trim().length > 0, `error.message is empty: ${describe(res)}`);
}

export function assertStatus(res: TestResponse, status: number): void {
  assert.equal(res.status, status, `expected ${status}, got ${describe(res)}`);
}

/** A 4xx with the error shape and a message: what every kind of malformed input must get. */
export function assertClientError(res: TestResponse, what: string): void {
  assert.ok(res.status >= 400 && res.status < 500, `${what}: expected a 4xx, got ${describe(res)}`);
  assert.ok(res.json && typeof res.json.error?.code === 'string', `${what}: expected an error body, got ${describe(res)}`);
  assert.ok(
    typeof res.json.error.message === 'string' && res.json.error.message.trim().length > 0,
    `${what}: no message: ${describe(res)}`,
  );
}
