import { randomUUID } from 'node:crypto';
import type { Role } from '../../../shared/domain/types.ts';
import type {
  ApplyResult,
  ConflictChoice,
  ConflictKind,
  DraftFile,
  DraftRole,
  DraftSet,
  Plan,
  RoleContent,
} from '../../../shared/ipc/types.ts';
import { KeywardError } from '../errors.ts';
import type { EmitEvent, KeyValueStore } from '../ports.ts';
import type { Session } from '../session.ts';
import { exportDrafts, importDrafts } from './draft-file.ts';
import { changesOf, planDraft, resolveDraft, snapshot } from './merge.ts';

// Offline role drafts per profile (DESIGN §5): edits against the cached roles, reviewed as a
// plan merged onto the server's current state, applied as one atomic /v1/roles/changes
// request with expectedVersion on every update and delete.

interface PlanState {
  plan: Plan;
  server: Role[];
  catalogActions: Set<string> | null;
  revision: number;
}

export class Drafts {
  readonly #kv: KeyValueStore;
  readonly #session: Session;
  readonly #emit: EmitEvent;
  #revision = 0;
  #last: PlanState | null = null;

  constructor(deps: { kv: KeyValueStore; session: Session; emit: EmitEvent }) {
    this.#kv = deps.kv;
    this.#session = deps.session;
    this.#emit = deps.emit;
  }

  #key(): string {
    return `drafts:${this.#session.profileId}`;
  }

  #load(): DraftRole[] {
    return this.#kv.get<DraftRole[]>(this.#key()) ?? [];
  }

  #store(drafts: DraftRole[]): void {
    this.#revision++;
    this.#kv.set(this.#key(), drafts);
    this.#emit('drafts.changed', { profileId: this.#session.profileId, count: drafts.length });
  }

  list(): DraftSet {
    const cache = this.#session.cached();
    return {
      profileId: this.#session.profileId,
      syncedAt: cache.syncedAt,
      catalogVersion: cache.catalog?.version ?? null,
      roles: this.#load(),
    };
  }

  #cachedRole(roleId: string): Role {
    const role = this.#session.cached().roles.find((r) => r.id === roleId);
    if (!role)
      throw new KeywardError('not_found', 'That role is not in the cached state of this server. Sync while online, then edit it.', {
        roleId,
      });
    return role;
  }

  /** Saves an edit: against a cached role (update), or a new role (create). Editing a role twice keeps its first base. */
  saveRole(input: { roleId?: string; draftId?: string; role: RoleContent }): DraftRole {
    const drafts = this.#load();
    const content: RoleContent = {
      name: input.role.name,
      description: input.role.description,
      actions: [...new Set(input.role.actions)].sort(),
    };
    const editedAt = new Date().toISOString();
    const existing = input.draftId
      ? drafts.find((d) => d.draftId === input.draftId)
      : input.roleId
        ? drafts.find((d) => d.roleId === input.roleId)
        : undefined;
    if (input.draftId && !existing) throw new KeywardError('draft_not_found', 'That draft no longer exists.', { draftId: input.draftId });
    let draft: DraftRole;
    if (existing) {
      draft =
        existing.op === 'create' ? { ...existing, draft: content, editedAt } : { ...existing, op: 'update', draft: content, editedAt };
    } else if (input.roleId) {
      const role = this.#cachedRole(input.roleId);
      draft = { draftId: randomUUID(), op: 'update', roleId: role.id, base: snapshot(role), draft: content, editedAt };
    } else {
      draft = { draftId: randomUUID(), op: 'create', roleId: null, base: null, draft: content, editedAt };
    }
    this.#store([...drafts.filter((d) => d.draftId !== draft.draftId), draft]);
    return draft;
  }

  deleteRole(roleId: string): DraftRole {
    const drafts = this.#load();
    const existing = drafts.find((d) => d.roleId === roleId);
    // A role already edited here keeps the base its edit started from.
    const base = existing && existing.op !== 'create' ? existing.base : snapshot(this.#cachedRole(roleId));
    const draft: DraftRole = {
      draftId: existing?.draftId ?? randomUUID(),
      op: 'delete',
      roleId,
      base,
      draft: null,
      editedAt: new Date().toISOString(),
    };
    this.#store([...drafts.filter((d) => d.draftId !== draft.draftId), draft]);
    return draft;
  }

  discard(draftId?: string): DraftSet {
    const drafts = this.#load();
    if (draftId && !drafts.some((d) => d.draftId === draftId))
      throw new KeywardError('draft_not_found', 'That draft no longer exists.', { draftId });
    this.#store(draftId ? drafts.filter((d) => d.draftId !== draftId) : []);
    return this.list();
  }

  /** Fetches the server's roles and catalog and merges every draft onto them. */
  async plan(): Promise<Plan> {
    const [roles, catalog] = await Promise.all([this.#session.call('listRoles'), this.#session.call('getCatalog')]);
    this.#session.saveCache({ roles: roles.items, catalog, syncedAt: new Date().toISOString() });
    const catalogActions = new Set(catalog.groups.flatMap((g) => g.actions.map((a) => a.id)));
    return this.#compute(roles.items, catalogActions);
  }

  #compute(server: Role[], catalogActions: Set<string> | null): Plan {
    const items = this.#load().map((d) => planDraft(d, server, catalogActions));
    const plan: Plan = {
      planId: randomUUID(),
      profileId: this.#session.profileId,
      computedAt: new Date().toISOString(),
      items,
      conflictCount: items.filter((i) => i.conflicts.length > 0).length,
    };
    this.#last = { plan, server, catalogActions, revision: this.#revision };
    return plan;
  }

  #current(planId: string): PlanState {
    const last = this.#last;
    if (!last || last.plan.planId !== planId || last.plan.profileId !== this.#session.profileId) {
      throw new KeywardError('plan_outdated', 'This plan is no longer current. Review the changes again.', { planId });
    }
    return last;
  }

  resolveConflict(input: { planId: string; draftId: string; kind: ConflictKind; choice: ConflictChoice; name?: string }): Plan {
    const last = this.#current(input.planId);
    const drafts = this.#load();
    const draft = drafts.find((d) => d.draftId === input.draftId);
    const item = last.plan.items.find((i) => i.draftId === input.draftId);
    if (!draft || !item) throw new KeywardError('draft_not_found', 'That draft no longer exists.', { draftId: input.draftId });
    const next = resolveDraft(draft, item, input.kind, input.choice, input.name);
    this.#store(
      next
        ? drafts.map((d) => (d.draftId === draft.draftId ? { ...next, editedAt: new Date().toISOString() } : d))
        : drafts.filter((d) => d.draftId !== draft.draftId),
    );
    return this.#compute(last.server, last.catalogActions);
  }

  /** Applies the reviewed plan atomically; a server that moved on gets the plan recomputed, nothing written. */
  async apply(planId: string): Promise<ApplyResult> {
    const last = this.#current(planId);
    if (last.revision !== this.#revision)
      throw new KeywardError('plan_outdated', 'The drafts changed after this plan was made. Review the changes again.', { planId });
    if (last.plan.conflictCount > 0) {
      throw new KeywardError(
        'unresolved_conflicts',
        `${last.plan.conflictCount} change(s) still have conflicts. Resolve them, then apply.`,
        { conflictCount: last.plan.conflictCount },
      );
    }
    const changes = changesOf(last.plan.items);
    let items: (Role | { id: string; deleted: true })[] = [];
    if (changes.length > 0) {
      try {
        items = (await this.#session.call('applyRoleChanges', { body: { changes } })).items;
      } catch (error) {
        if (error instanceof KeywardError && error.code === 'conflict') {
          this.#last = null;
          return { applied: false, plan: await this.plan() };
        }
        throw error;
      }
    }
    this.#last = null;
    this.#store([]);
    await this.#session.sync().catch(() => undefined);
    return { applied: true, items };
  }

  export(format: 'json' | 'yaml', server: { name: string; url: string }): DraftFile {
    return exportDrafts(this.#load(), format, server, new Date());
  }

  /** Adds the file's drafts; a draft for a role that already has one replaces it. */
  async import(content: string): Promise<DraftSet> {
    const { roles: incoming, warnings } = await importDrafts(content, new Date());
    const replaced = new Set(incoming.map((d) => d.roleId).filter((id): id is string => id !== null));
    this.#store([...this.#load().filter((d) => !d.roleId || !replaced.has(d.roleId)), ...incoming]);
    return warnings.length ? { ...this.list(), importWarnings: warnings } : this.list();
  }
}
