import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Role } from '../../../shared/domain/types.ts';
import type { DraftRole } from '../../../shared/ipc/types.ts';
import { planDraft } from '../../../electron/services/drafts/merge.ts';

// Properties of the three-way merge of a draft onto the server's role (DESIGN §5).

const ACTIONS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
const actionSet = fc.uniqueArray(fc.constantFrom(...ACTIONS), { maxLength: ACTIONS.length }).map((xs) => [...xs].sort());
const text = fc.constantFrom('alpha', 'beta', 'gamma');

const role = (over: Partial<Role>): Role => ({
  id: 'r1',
  name: 'alpha',
  description: '',
  actions: [],
  version: 1,
  createdAt: '',
  updatedAt: '',
  ...over,
});
const draftOf = (base: Role, mine: { name: string; description: string; actions: string[] }): DraftRole => ({
  draftId: 'd1',
  op: 'update',
  roleId: base.id,
  base: { name: base.name, description: base.description, actions: base.actions, version: base.version },
  draft: mine,
  editedAt: '',
});
const catalog = new Set(ACTIONS);

test('when the server did not change, the plan applies exactly the draft', () => {
  fc.assert(
    fc.property(text, text, actionSet, actionSet, (baseName, myName, baseActions, myActions) => {
      const base = role({ name: baseName, actions: baseActions });
      const item = planDraft(draftOf(base, { name: myName, description: 'x', actions: myActions }), [base], catalog);
      assert.deepEqual(item.conflicts, []);
      assert.deepEqual(item.result, { name: myName, description: 'x', actions: myActions });
      assert.equal(item.serverChanged, false);
    }),
  );
});

test('a draft that changed nothing leaves the server as it is', () => {
  fc.assert(
    fc.property(actionSet, actionSet, text, (baseActions, theirActions, theirName) => {
      const base = role({ actions: baseActions });
      const current = role({ name: theirName, actions: theirActions, version: 2 });
      const item = planDraft(draftOf(base, { name: base.name, description: base.description, actions: baseActions }), [current], catalog);
      assert.deepEqual(item.conflicts, []);
      assert.equal(item.op, 'noop');
    }),
  );
});

test('merged actions are the server set plus my additions minus my removals, and never a conflict', () => {
  fc.assert(
    fc.property(actionSet, actionSet, actionSet, (baseActions, myActions, theirActions) => {
      const base = role({ actions: baseActions });
      const current = role({ actions: theirActions, version: 5 });
      const item = planDraft(draftOf(base, { name: base.name, description: '', actions: myActions }), [current], catalog);
      const added = myActions.filter((a) => !baseActions.includes(a));
      const removed = baseActions.filter((a) => !myActions.includes(a));
      const expected = [...new Set([...theirActions, ...added])].filter((a) => !removed.includes(a)).sort();
      assert.deepEqual(item.result!.actions, expected);
      assert.deepEqual(item.conflicts, []);
      for (const a of added) assert.ok(item.result!.actions.includes(a));
      for (const a of removed) assert.ok(!item.result!.actions.includes(a));
    }),
  );
});

test('a name changed on both sides to different values is always a conflict, never silently one or the other', () => {
  fc.assert(
    fc.property(text, text, text, (baseName, myName, theirName) => {
      fc.pre(myName !== baseName && theirName !== baseName && myName !== theirName);
      const base = role({ name: baseName });
      const current = role({ name: theirName, version: 2 });
      const item = planDraft(draftOf(base, { name: myName, description: '', actions: [] }), [current], catalog);
      assert.deepEqual(
        item.conflicts.map((c) => c.kind),
        ['name'],
      );
    }),
  );
});
