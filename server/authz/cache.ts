import type { Kysely } from 'kysely';
import { BackendIndex, type BackendView, type CredentialView, type RoleView } from '../../shared/domain/authorize.ts';
import { parseCidr, type ParsedCidr } from '../../shared/domain/cidr.ts';
import type { SubSetting } from '../../shared/domain/types.ts';
import type { ChangeEvent } from '../storage/change-feed.ts';
import { storedPathMatcher } from '../../shared/domain/path-regex.ts';
import { parseJson } from '../storage/rows.ts';
import type { CredentialsTable, Database } from '../storage/schema.ts';

// The authorization hot path answers from memory: token hash → credential view, whose roles are
// shared RoleView objects. A role edit mutates its one RoleView in place, so every credential
// holding it sees the change at once without touching credential entries. Entries are reloaded
// from the database after each committed write (change feed), never on the request path.

interface MutableRoleView extends RoleView {
  name: string;
  actions: Set<string>;
}

interface MutableCredentialView extends CredentialView {
  roles: MutableRoleView[];
}

/** Ids per `IN (…)` query when roles are reloaded together. */
const RELOAD_CHUNK = 500;

interface HashEntry {
  view: MutableCredentialView;
  /** For the previous secret after a roll with grace: when it stops working. */
  validUntilMs: number | null;
}

/**
 * A decision's answer, serialised once: the hot endpoints send the same bytes for the same
 * credential and request until something changes, so repeated requests skip building the
 * decision object and JSON.stringify. Keyed by credential id (never by token: DESIGN §6) and the
 * request (action, or method and URI); cleared on every change the cache takes in.
 */
export interface CachedAnswer {
  readonly status: number;
  /** Response headers including content type and length; shared, never mutated. */
  readonly headers: Readonly<Record<string, string | number>>;
  readonly body: Buffer;
  /** The answer stands until then (the credential's expiry), exclusive. */
  readonly untilMs: number;
  /** What the decision was, so a cached answer is still counted as usage (DESIGN §3.13). */
  readonly credentialId: string | null;
  readonly reason: string;
}

/** Entries over all credentials before the answer cache starts over (bounds its memory). */
const MAX_ANSWERS = 50_000;
/** Longer request keys (long URIs) are not cached. */
const MAX_KEY_LENGTH = 512;

/** An answer as bytes with its content headers (not cached: for answers about no credential). */
export function serialiseAnswer(
  status: number,
  headers: Record<string, string>,
  body: unknown,
  untilMs = Number.POSITIVE_INFINITY,
  decision: { credentialId: string | null; reason: string } = { credentialId: null, reason: 'unknown_token' },
): CachedAnswer {
  const bytes = Buffer.from(JSON.stringify(body), 'utf8');
  return {
    status,
    headers: Object.freeze({ ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': bytes.length }),
    body: bytes,
    untilMs,
    credentialId: decision.credentialId,
    reason: decision.reason,
  };
}

export class AnswerCache {
  #byCredential = new Map<string, Map<string, CachedAnswer>>();
  #size = 0;

  /** The answer for this credential and request key, if cached and still standing at nowMs. */
  get(view: CredentialView, key: string, nowMs: number): CachedAnswer | undefined {
    const answer = this.#byCredential.get(view.id)?.get(key);
    return answer !== undefined && nowMs < answer.untilMs ? answer : undefined;
  }

  /**
   * Serialises and keeps an answer. Only for decisions that depend on nothing but the
   * credential view and the key: callers must not cache when the credential has an address
   * allowlist (the decision then depends on the client's address).
   */
  put(
    view: CredentialView,
    key: string,
    nowMs: number,
    status: number,
    headers: Record<string, string>,
    body: unknown,
    /** The decision the answer states (counted as usage on every hit); the view's grant by default. */
    decision: { credentialId: string | null; reason: string } = { credentialId: view.id, reason: 'granted' },
  ): CachedAnswer {
    const answer = serialiseAnswer(
      status,
      headers,
      body,
      view.expiresAtMs !== null && view.expiresAtMs > nowMs ? view.expiresAtMs : undefined,
      decision,
    );
    if (key.length > MAX_KEY_LENGTH || view.cidrs !== null) return answer;
    if (this.#size >= MAX_ANSWERS) this.clear();
    let answers = this.#byCredential.get(view.id);
    if (!answers) this.#byCredential.set(view.id, (answers = new Map()));
    if (!answers.has(key)) this.#size += 1;
    answers.set(key, answer);
    return answer;
  }

  clear(): void {
    this.#byCredential = new Map();
    this.#size = 0;
  }

  get size(): number {
    return this.#size;
  }
}

export class AuthzCache {
  readonly #db: Kysely<Database>;
  /** Serialised answers; cleared whenever roles, credentials or backends change here. */
  readonly answers = new AnswerCache();
  #roles = new Map<string, MutableRoleView>();
  #byHash = new Map<string, HashEntry>();
  #byId = new Map<string, { view: MutableCredentialView; hashes: string[] }>();
  /** Indexed by prefix segment once per backend change, so a route decision does not scan them all. */
  #backends = new BackendIndex([]);

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** Resolves a secret's hash to its credential view, or null (unknown, or past its grace). */
  lookup(hash: string, nowMs: number): CredentialView | null {
    const entry = this.#byHash.get(hash);
    if (!entry) return null;
    if (entry.validUntilMs !== null && entry.validUntilMs <= nowMs) return null;
    return entry.view;
  }

  credential(id: string): CredentialView | null {
    return this.#byId.get(id)?.view ?? null;
  }

  get backends(): BackendIndex {
    return this.#backends;
  }

  roleName = (id: string): string => this.#roles.get(id)?.name ?? id;

  /** Whether any of the credential's roles permits the action (caller permission checks). */
  static permits(view: CredentialView, action: string): boolean {
    for (const role of view.roles) if (role.actions.has(action)) return true;
    return false;
  }

  async loadAll(): Promise<void> {
    const [roles, credentials, links, backends] = await Promise.all([
      this.#db.selectFrom('roles').select(['id', 'name', 'actions']).execute(),
      this.#db.selectFrom('credentials').selectAll().execute(),
      this.#db.selectFrom('credential_roles').select(['credential_id', 'role_id', 'position']).orderBy('position').execute(),
      this.#db.selectFrom('backends').selectAll().execute(),
    ]);
    this.#roles = new Map(roles.map((r) => [r.id, { id: r.id, name: r.name, actions: new Set(parseJson<string[]>(r.actions, [])) }]));
    const roleIdsByCredential = new Map<string, string[]>();
    for (const link of links) {
      const list = roleIdsByCredential.get(link.credential_id);
      if (list) list.push(link.role_id);
      else roleIdsByCredential.set(link.credential_id, [link.role_id]);
    }
    this.#byHash = new Map();
    this.#byId = new Map();
    for (const row of credentials) this.#putCredential(row, roleIdsByCredential.get(row.id) ?? []);
    this.#backends = new BackendIndex(
      backends.map((b) => backendView(b.id, b.name, b.frontend_prefix, b.required_roles, b.sub_settings, Number(b.case_sensitive) === 1)),
    );
    this.answers.clear();
  }

  async apply(events: readonly ChangeEvent[]): Promise<void> {
    if (events.some((e) => e.kind === 'all')) return this.loadAll();
    const roleIds = new Set<string>();
    const credentialIds = new Set<string>();
    let backends = false;
    for (const event of events) {
      if (event.kind === 'role') roleIds.add(event.id);
      else if (event.kind === 'credential') credentialIds.add(event.id);
      else backends = true;
    }
    // Credentials reload with two queries each: many of them are cheaper as one full reload.
    // Roles reload together in a few queries, so a change set of 1,000 roles does not reload
    // every credential (seconds at 100,000 credentials) before it is answered.
    if (credentialIds.size > 200) return this.loadAll();
    if (roleIds.size > 0) await this.#reloadRoles([...roleIds]);
    for (const id of credentialIds) await this.#reloadCredential(id);
    if (backends) await this.#reloadBackends();
  }

  async #reloadRoles(ids: readonly string[]): Promise<void> {
    const rows = new Map<string, { name: string; actions: string }>();
    for (let i = 0; i < ids.length; i += RELOAD_CHUNK) {
      const chunk = ids.slice(i, i + RELOAD_CHUNK);
      for (const row of await this.#db.selectFrom('roles').select(['id', 'name', 'actions']).where('id', 'in', chunk).execute())
        rows.set(row.id, row);
    }
    // Applied without an await in between, after every query has answered.
    this.answers.clear();
    const deleted = new Set<MutableRoleView>();
    for (const id of ids) {
      const row = rows.get(id);
      const existing = this.#roles.get(id);
      if (row && existing) {
        existing.name = row.name;
        existing.actions = new Set(parseJson<string[]>(row.actions, []));
      } else if (row) {
        this.#roles.set(id, { id, name: row.name, actions: new Set(parseJson<string[]>(row.actions, [])) });
      } else if (existing) {
        this.#roles.delete(id);
        deleted.add(existing);
      }
    }
    if (deleted.size === 0) return;
    for (const { view } of this.#byId.values()) {
      if (view.roles.some((r) => deleted.has(r))) view.roles = view.roles.filter((r) => !deleted.has(r));
    }
  }

  async #reloadCredential(id: string): Promise<void> {
    const row = await this.#db.selectFrom('credentials').selectAll().where('id', '=', id).executeTakeFirst();
    const links = row
      ? await this.#db.selectFrom('credential_roles').select('role_id').where('credential_id', '=', id).orderBy('position').execute()
      : [];
    // A role created in the same change may not be loaded yet; fetch any we do not know.
    const unknown = links.filter((l) => !this.#roles.has(l.role_id)).map((l) => l.role_id);
    if (unknown.length > 0) await this.#reloadRoles(unknown);
    // Swap without an await in between: a lookup during the reload sees the old or the new
    // entry, never none (which would answer unknown_token for a valid token).
    this.#dropCredential(id);
    this.answers.clear();
    if (row)
      this.#putCredential(
        row,
        links.map((l) => l.role_id),
      );
  }

  async #reloadBackends(): Promise<void> {
    const rows = await this.#db.selectFrom('backends').selectAll().execute();
    this.#backends = new BackendIndex(
      rows.map((b) => backendView(b.id, b.name, b.frontend_prefix, b.required_roles, b.sub_settings, Number(b.case_sensitive) === 1)),
    );
    this.answers.clear();
  }

  #dropCredential(id: string): void {
    const entry = this.#byId.get(id);
    if (!entry) return;
    for (const hash of entry.hashes) this.#byHash.delete(hash);
    this.#byId.delete(id);
  }

  #putCredential(row: CredentialsTable, roleIds: string[]): void {
    const cidrs = parseJson<string[]>(row.allowed_cidrs, []);
    const view: MutableCredentialView = {
      id: row.id,
      status: row.status,
      expiresAtMs: row.expires_at ? Date.parse(row.expires_at) : null,
      cidrs: cidrs.length > 0 ? cidrs.map(parseCidr).filter((c): c is ParsedCidr => c !== null) : null,
      roles: roleIds.map((id) => this.#roles.get(id)).filter((r): r is MutableRoleView => r !== undefined),
    };
    const hashes = [row.secret_hash];
    this.#byHash.set(row.secret_hash, { view, validUntilMs: null });
    if (row.previous_hash && row.previous_valid_until) {
      hashes.push(row.previous_hash);
      this.#byHash.set(row.previous_hash, { view, validUntilMs: Date.parse(row.previous_valid_until) });
    }
    this.#byId.set(row.id, { view, hashes });
  }
}

function backendView(
  id: string,
  name: string,
  prefix: string,
  requiredJson: string,
  settingsJson: string,
  caseSensitive: boolean,
): BackendView {
  return {
    id,
    name,
    frontendPrefix: prefix,
    requiredRoleIds: parseJson<string[]>(requiredJson, []),
    caseSensitive,
    subSettings: parseJson<SubSetting[]>(settingsJson, []).map((s) => ({
      method: s.method,
      regex: storedPathMatcher(s.pathRegex, { caseSensitive }),
      requiredRoleIds: s.requiredRoles,
      override: s.override,
    })),
  };
}
