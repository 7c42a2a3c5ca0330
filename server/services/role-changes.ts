import { ApiError } from '../../shared/api/errors.ts';
import type { RoleChangeOp, RoleConflictInfo } from '../../shared/api/schemas.ts';
import type { Role } from '../../shared/domain/types.ts';
import type { ChangeEvent } from '../storage/change-feed.ts';
import { roleFromRow } from '../storage/rows.ts';
import type { Actor, AuditDraft, ServiceContext } from './context.ts';
import { RoleSet } from './role-rules.ts';
import { createIn, deleteIn, guardIfAdminRole, PendingInserts, updateIn } from './role-writes.ts';

// Role change sets (POST /v1/roles/changes): several role writes in one transaction, checked
// step by step against the state the earlier steps left.

export type RoleChangeResult = Role | { id: string; deleted: true };

/**
 * Applies a change set in one transaction (offline drafts end here). Stale versions are
 * collected for every change first, so the admin sees all conflicts at once; then the changes
 * run in order and any other error rolls the whole set back.
 */
export function applyRoleChanges(ctx: ServiceContext, actor: Actor, changes: RoleChangeOp[]): Promise<RoleChangeResult[]> {
  return ctx.write(actor, async (tx) => {
    const set = await RoleSet.load(tx);
    const conflicts = staleChanges(set, changes);
    if (conflicts.length > 0) {
      throw new ApiError(
        'conflict',
        `${conflicts.length} of the changes were made against an older version of the role; nothing was applied. Review them against the current state.`,
        { conflicts },
      );
    }
    const touched = changes.flatMap((c) => {
      const row = c.op === 'create' ? undefined : set.byId.get(c.id);
      return row ? [row] : [];
    });
    const guard = await guardIfAdminRole(tx, actor, ctx, touched);
    const now = ctx.nowIso();
    const audit: AuditDraft[] = [];
    const events: ChangeEvent[] = [];
    const results: RoleChangeResult[] = [];
    const pending = new PendingInserts();
    for (const [index, change] of changes.entries()) {
      if (change.op === 'create') {
        const role = await createIn(tx, set, actor, change.role, now, audit, index, pending);
        events.push({ kind: 'role', id: role.id });
        results.push(role);
        continue;
      }
      await pending.flush(tx);
      const row = set.byId.get(change.id);
      if (!row) {
        // Deleted or updated by an earlier change of this same set.
        throw new ApiError('conflict', `Change ${index} refers to role "${change.id}", which an earlier change of this set deleted.`, {
          conflicts: [{ index, id: change.id, expectedVersion: change.expectedVersion, actualVersion: null, current: null }],
        });
      }
      if (change.op === 'update') {
        results.push(await updateIn(tx, set, actor, row, change.set, now, audit, index));
        events.push({ kind: 'role', id: row.id });
      } else {
        await deleteIn(tx, set, actor, row, audit, events, index);
        results.push({ id: row.id, deleted: true });
      }
    }
    await pending.flush(tx);
    await guard?.check(tx);
    return { value: results, audit, events };
  });
}

/** Every update or delete made against a version of its role other than the stored one. */
function staleChanges(set: RoleSet, changes: RoleChangeOp[]): RoleConflictInfo[] {
  const conflicts: RoleConflictInfo[] = [];
  changes.forEach((change, index) => {
    if (change.op === 'create') return;
    const row = set.byId.get(change.id);
    const actual = row ? Number(row.version) : null;
    if (actual !== change.expectedVersion) {
      conflicts.push({
        index,
        id: change.id,
        expectedVersion: change.expectedVersion,
        actualVersion: actual,
        current: row ? roleFromRow(row) : null,
      });
    }
  });
  return conflicts;
}
