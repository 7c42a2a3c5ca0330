import type { RoleChangeOp } from '../../../shared/api/schemas.ts';
import { nameKey } from '../../../shared/domain/policy.ts';
import type { Role } from '../../../shared/domain/types.ts';
import type { ConflictChoice, ConflictKind, DraftBase, DraftRole, PlanConflict, PlanItem, RoleContent } from '../../../shared/ipc/types.ts';
import { KeywardError } from '../errors.ts';

// The three-way merge of offline drafts onto the server's current roles (DESIGN §5). Actions
// merge as sets: the draft's additions and removals (against its base) are applied onto the
// server's set, so a colleague's additions survive. Name or description edited on both sides,
// and edit-versus-delete, are conflicts the admin resolves; nothing is silently overwritten.

const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

function diff(from: readonly string[], to: readonly string[]): { added: string[]; removed: string[] } {
  const a = new Set(from);
  const b = new Set(to);
  return { added: sorted([...b].filter((x) => !a.has(x))), removed: sorted([...a].filter((x) => !b.has(x))) };
}

function mergeField(base: string, mine: string, theirs: string): { value: string; conflict: boolean } {
  if (mine === base) return { value: theirs, conflict: false };
  if (theirs === base || theirs === mine) return { value: mine, conflict: false };
  return { value: mine, conflict: true };
}

function nameTakenBy(name: string, roles: readonly Role[], exceptId: string | null): Role | null {
  return roles.find((r) => r.id !== exceptId && nameKey(r.name) === nameKey(name)) ?? null;
}

type CreateDraft = Extract<DraftRole, { op: 'create' }>;
type UpdateDraft = Extract<DraftRole, { op: 'update' }>;
type DeleteDraft = Extract<DraftRole, { op: 'delete' }>;
/** What planning one draft needs besides the draft: the server's roles and catalog. */
interface Against {
  server: readonly Role[];
  catalogActions: ReadonlySet<string> | null;
}

/** The plan item for one draft against the server's current roles and catalog. */
export function planDraft(draft: DraftRole, server: readonly Role[], catalogActions: ReadonlySet<string> | null): PlanItem {
  const against = { server, catalogActions };
  if (draft.op === 'create') return planCreate(draft, against);
  const current = server.find((r) => r.id === draft.roleId) ?? null;
  if (draft.op === 'delete') return planDelete(draft, current);
  return current ? planUpdate(draft, current, against) : planUpdateOfDeleted(draft);
}

/** A plan item with nothing to do, for this draft; each operation fills in what it changes. */
function planItem(draft: DraftRole, current: Role | null, over: Partial<PlanItem>): PlanItem {
  return {
    draftId: draft.draftId,
    op: 'noop',
    roleId: draft.roleId,
    name: draft.draft?.name ?? draft.base?.name ?? '',
    current,
    result: null,
    actionsAdded: [],
    actionsRemoved: [],
    nameChange: null,
    descriptionChanged: false,
    serverChanged: false,
    conflicts: [],
    ...over,
  };
}

/** The conflict for actions the draft adds that the server's catalog no longer has (none without a catalog). */
function unknownActions(actions: readonly string[], catalogActions: ReadonlySet<string> | null): PlanConflict[] {
  if (!catalogActions) return [];
  const unknown = sorted(actions.filter((a) => !catalogActions.has(a)));
  if (unknown.length === 0) return [];
  const message = `${unknown.length} action(s) of this draft are no longer in the server's catalog.`;
  return [{ kind: 'unknown_actions', base: null, mine: null, theirs: null, actions: unknown, message }];
}

/** A new role: conflicts when its name was taken on the server meanwhile or its actions left the catalog. */
function planCreate(draft: CreateDraft, { server, catalogActions }: Against): PlanItem {
  const content = draft.draft;
  const taken = nameTakenBy(content.name, server, null);
  const conflicts = unknownActions(content.actions, catalogActions);
  if (taken)
    conflicts.push({
      kind: 'name_taken',
      base: null,
      mine: content.name,
      theirs: taken.name,
      message: `A role named "${taken.name}" was created on the server meanwhile. Rename yours or drop it.`,
    });
  const actions = sorted(content.actions);
  return planItem(draft, null, { op: 'create', roleId: null, result: { ...content, actions }, actionsAdded: actions, conflicts });
}

/** A deletion: nothing left to do when the role is already gone; a conflict when it was edited on the server since. */
function planDelete(draft: DeleteDraft, current: Role | null): PlanItem {
  if (!current) return planItem(draft, null, { op: 'noop', name: draft.base.name, serverChanged: true });
  const changed = current.version !== draft.base.version;
  const conflicts: PlanConflict[] = changed
    ? [
        {
          kind: 'edited_on_server',
          base: null,
          mine: null,
          theirs: null,
          message: `"${current.name}" was edited on the server after you deleted it here. Delete it anyway, or keep the server's version.`,
        },
      ]
    : [];
  return planItem(draft, current, {
    op: 'delete',
    name: current.name,
    serverChanged: changed,
    actionsRemoved: sorted(current.actions),
    conflicts,
  });
}

/** An edit of a role deleted on the server meanwhile: always a conflict (re-create it, or drop the edit). */
function planUpdateOfDeleted(draft: UpdateDraft): PlanItem {
  const mine = draft.draft;
  return planItem(draft, null, {
    op: 'update',
    name: mine.name,
    serverChanged: true,
    result: { ...mine, actions: sorted(mine.actions) },
    conflicts: [
      {
        kind: 'deleted_on_server',
        base: null,
        mine: null,
        theirs: null,
        message: `"${draft.base.name}" was deleted on the server while you edited it. Re-create it with your version, or drop your edit.`,
      },
    ],
  });
}

/** An edit merged three-way onto the server's current role: actions as sets, name and description field by field. */
function planUpdate(draft: UpdateDraft, current: Role, { server, catalogActions }: Against): PlanItem {
  const { base, draft: mine } = draft;
  const conflicts: PlanConflict[] = [];
  // Name and description merge alike: a change on one side wins, changes on both are a conflict.
  const mergeText = (field: 'name' | 'description', message: string): string => {
    const merged = mergeField(base[field], mine[field], current[field]);
    if (merged.conflict) conflicts.push({ kind: field, base: base[field], mine: mine[field], theirs: current[field], message });
    return merged.value;
  };
  const name = mergeText('name', `The name was changed here to "${mine.name}" and on the server to "${current.name}".`);
  const description = mergeText('description', 'The description was changed both here and on the server.');
  const mineDiff = diff(base.actions, mine.actions);
  const removed = new Set(mineDiff.removed);
  const actions = sorted([...current.actions, ...mineDiff.added].filter((a) => !removed.has(a)));
  const result: RoleContent = { name, description, actions };
  const taken = nameKey(name) !== nameKey(current.name) ? nameTakenBy(name, server, current.id) : null;
  if (taken)
    conflicts.push({
      kind: 'name_taken',
      base: base.name,
      mine: name,
      theirs: taken.name,
      message: `Another role is already named "${taken.name}" on the server.`,
    });
  conflicts.push(...unknownActions(mineDiff.added, catalogActions));
  const final = diff(current.actions, actions);
  const same = final.added.length === 0 && final.removed.length === 0 && name === current.name && description === current.description;
  return planItem(draft, current, {
    op: same && conflicts.length === 0 ? 'noop' : 'update',
    name,
    result,
    actionsAdded: final.added,
    actionsRemoved: final.removed,
    nameChange: name !== current.name ? { from: current.name, to: name } : null,
    descriptionChanged: description !== current.description,
    serverChanged: current.version !== base.version,
    conflicts,
  });
}

/** Settles one conflict by rewriting the draft; null means the draft is dropped. */
export function resolveDraft(
  draft: DraftRole,
  item: PlanItem,
  kind: ConflictKind,
  choice: ConflictChoice,
  rename?: string,
): DraftRole | null {
  const conflict = item.conflicts.find((c) => c.kind === kind);
  if (!conflict)
    throw new KeywardError('invalid_argument', `This change has no "${kind}" conflict to resolve.`, { draftId: draft.draftId, kind });
  const current = item.current;
  const next: DraftRole = structuredClone(draft);
  // The plan only reports a conflict for the kind of draft it can arise on; anything else is a stale plan.
  const stale = () =>
    new KeywardError('invalid_argument', 'The plan is out of date for this change: review the drafts again.', {
      draftId: draft.draftId,
      kind,
    });
  switch (kind) {
    case 'name':
    case 'description': {
      if (next.op !== 'update' || !current) throw stale();
      // Rebase the field: "mine" keeps my value over theirs; "theirs" takes the server's.
      next.base[kind] = current[kind];
      if (choice === 'theirs') next.draft[kind] = current[kind];
      return next;
    }
    case 'deleted_on_server':
      if (choice === 'theirs') return null;
      if (next.op !== 'update') throw stale();
      return { draftId: next.draftId, editedAt: next.editedAt, op: 'create', roleId: null, base: null, draft: next.draft };
    case 'edited_on_server':
      if (choice === 'theirs') return null;
      if (next.op !== 'delete' || !current) throw stale();
      return { ...next, base: snapshot(current) };
    case 'name_taken':
      if (next.op === 'delete') throw stale();
      if (choice === 'mine') {
        if (!rename)
          throw new KeywardError('invalid_argument', 'Give the role a new name to keep your version.', { draftId: draft.draftId });
        next.draft.name = rename;
        return next;
      }
      if (next.op === 'create') return null;
      if (!current) throw stale();
      next.draft.name = current.name;
      next.base.name = current.name;
      return next;
    case 'unknown_actions': {
      if (choice === 'mine')
        throw new KeywardError(
          'invalid_argument',
          'Actions missing from the catalog cannot be kept: add them to the catalog first, or choose to drop them.',
          { actions: conflict.actions },
        );
      if (next.op === 'delete') throw stale();
      const gone = new Set(conflict.actions);
      next.draft.actions = next.draft.actions.filter((a) => !gone.has(a));
      if (next.op === 'update') next.base.actions = next.base.actions.filter((a) => !gone.has(a));
      return next;
    }
  }
}

/** A server role as the base of a draft: its content (actions sorted) and version. */
export function snapshot(role: Role): DraftBase {
  return { name: role.name, description: role.description, actions: [...role.actions].sort(), version: role.version };
}

/** The /v1/roles/changes operations for a conflict-free plan. */
export function changesOf(items: readonly PlanItem[]): RoleChangeOp[] {
  const out: RoleChangeOp[] = [];
  for (const item of items) {
    if (item.op === 'create') out.push({ op: 'create', role: item.result! });
    else if (item.op === 'update') out.push({ op: 'update', id: item.roleId!, expectedVersion: item.current!.version, set: item.result! });
    else if (item.op === 'delete') out.push({ op: 'delete', id: item.roleId!, expectedVersion: item.current!.version });
  }
  return out;
}
