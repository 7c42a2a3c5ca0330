import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Static } from 'typebox';
import { Compile } from 'typebox/compile';
import type * as A from '../../../shared/api/authorization-schemas.ts';
import * as S from '../../../shared/api/schemas.ts';
import type * as D from '../../../shared/domain/types.ts';

// The domain types (shared/domain/types.ts) and the API schemas (shared/api/schemas.ts) describe
// the same objects. The checks below run in `npm run typecheck`: a field added, renamed or made
// optional on one side and not the other is a type error here, before any test runs.

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assignable<A, B> = [A] extends [B] ? true : false;
const same = <T extends true>(): T | undefined => undefined;

// What the server answers is exactly the domain object.
same<Equal<Static<typeof S.Role>, D.Role>>();
same<Equal<Static<typeof S.Credential>, D.Credential>>();
same<Equal<Static<typeof S.User>, D.User>>();
same<Equal<Static<typeof S.Group>, D.Group>>();
same<Equal<Static<typeof S.Backend>, D.Backend>>();
same<Equal<Static<typeof S.CatalogOut>, D.Catalog>>();
same<Equal<Static<typeof S.ActionRoute>, D.ActionRoute>>();
same<Equal<Static<typeof A.Decision>, D.Decision>>();
same<Equal<Static<typeof A.Explanation>, D.Explanation>>();
same<Equal<Static<typeof S.AuditEntry>, D.AuditEntry>>();
same<Equal<Static<typeof S.IssuancePolicy>, D.IssuancePolicy>>();
same<Equal<Static<typeof A.DecisionReason>, D.DecisionReason>>();
same<Equal<Static<typeof S.CredentialStatus>, D.CredentialStatus>>();
// Inputs leave out what has a default; a stored object is always a valid input.
same<Assignable<D.CatalogGroup, Static<typeof S.CatalogGroup>>>();
same<Assignable<D.CatalogAction, Static<typeof S.CatalogAction>>>();
same<Assignable<D.SubSetting, Static<typeof S.SubSetting>>>();

test('a credential edit accepts exactly the fields of a create, each optional, with the same limits', () => {
  const patch = Compile(S.CredentialPatch);
  const create = Compile(S.CredentialCreate);
  assert.equal(patch.Check({}), true, 'an empty edit changes nothing');
  assert.equal(create.Check({}), false, 'a create needs a name');
  for (const field of ['name', 'description', 'ownerId', 'roles', 'expiresAt', 'allowedCidrs'])
    assert.ok(field in S.CredentialPatch.properties, `${field} can be edited`);
  assert.equal(patch.Check({ name: 'x'.repeat(101) }), false, 'the name limit holds for edits too');
  assert.equal(patch.Check({ secret: 'kw_x' }), false, 'unknown fields are refused, as in a create');
});
