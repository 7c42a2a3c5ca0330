import { ApiError } from '../../shared/api/errors.ts';
import type { BackendCreateBody, BackendPatchBody } from '../../shared/api/schemas.ts';
import { canonicalPath, isInvalidPath, PATH_PROBLEM_TEXT } from '../../shared/domain/canonical-path.ts';
import { nameKey, regexProblem } from '../../shared/domain/policy.ts';
import type { Backend, SubSetting } from '../../shared/domain/types.ts';
import { backendFromRow, newId, type Queryable } from '../storage/rows.ts';
import type { BackendsTable } from '../storage/schema.ts';
import { checkVersion, notFound, unique, type Actor, type ServiceContext } from './context.ts';
import { checkedName } from './names.ts';

// API backends and their sub-URL settings (DESIGN §3.4).

export async function listBackends(q: Queryable): Promise<Backend[]> {
  return (await q.selectFrom('backends').selectAll().orderBy('name_key').execute()).map(backendFromRow);
}

export async function getBackend(q: Queryable, id: string): Promise<Backend> {
  const row = await q.selectFrom('backends').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('backend', id);
  return backendFromRow(row);
}

async function checkRoleIds(q: Queryable, ids: readonly string[]): Promise<void> {
  const list = unique(ids);
  if (list.length === 0) return;
  const found = new Set((await q.selectFrom('roles').select('id').where('id', 'in', list).execute()).map((r) => r.id));
  const missing = list.filter((id) => !found.has(id));
  if (missing.length > 0)
    throw new ApiError('unknown_role', `No role with id ${missing.map((m) => `"${m}"`).join(', ')}.`, { roles: missing });
}

function normaliseSettings(settings: BackendCreateBody['subSettings']): SubSetting[] {
  return (settings ?? []).map((s, index) => {
    const problem = regexProblem(s.pathRegex);
    if (problem) throw new ApiError('invalid_regex', `Sub-URL setting ${index + 1}: ${problem}`, { index, pathRegex: s.pathRegex });
    return { method: s.method, pathRegex: s.pathRegex, requiredRoles: unique(s.requiredRoles), override: s.override ?? false };
  });
}

/**
 * The prefix in the canonical form request paths are matched in (DESIGN §3.4), so "/Caf%c3%a9"
 * and "/api//x" are stored as the paths they will be compared with; one no request could
 * canonicalise to ("/api/../x", "/a;b") is refused saying why.
 */
function normalisePrefix(prefix: string): string {
  const trimmed = prefix.trim();
  if (!trimmed.startsWith('/') || /[?#\s]/.test(trimmed)) {
    throw new ApiError('invalid_request', `The frontend prefix "${prefix}" must be a path starting with "/", without spaces, "?" or "#".`, {
      frontendPrefix: prefix,
    });
  }
  const canonical = canonicalPath(trimmed);
  if (isInvalidPath(canonical)) {
    throw new ApiError('invalid_request', `The frontend prefix "${prefix}" is not a usable path: ${PATH_PROBLEM_TEXT[canonical.invalid]}`, {
      frontendPrefix: prefix,
      pathProblem: canonical.invalid,
    });
  }
  return canonical.length > 1 ? canonical.replace(/\/+$/, '') || '/' : canonical;
}

async function checkUnique(q: Queryable, name: string, prefix: string, selfId: string | null): Promise<string> {
  const key = nameKey(name);
  const sameName = await q.selectFrom('backends').select(['id', 'name']).where('name_key', '=', key).executeTakeFirst();
  if (sameName && sameName.id !== selfId)
    throw new ApiError('name_taken', `A backend named "${sameName.name}" already exists.`, { name, backendId: sameName.id });
  // Prefixes that differ only in case would both match the same requests (matching ignores case
  // by default), leaving the choice between them to chance.
  const prefixes = await q.selectFrom('backends').select(['id', 'name', 'frontend_prefix']).execute();
  const samePrefix = prefixes.find((b) => b.id !== selfId && b.frontend_prefix.toLowerCase() === prefix.toLowerCase());
  if (samePrefix)
    throw new ApiError(
      'prefix_taken',
      `The backend "${samePrefix.name}" already uses the frontend prefix "${samePrefix.frontend_prefix}".`,
      { frontendPrefix: prefix, backendId: samePrefix.id },
    );
  return key;
}

export function createBackend(ctx: ServiceContext, actor: Actor, body: BackendCreateBody): Promise<Backend> {
  const subSettings = normaliseSettings(body.subSettings);
  const prefix = normalisePrefix(body.frontendPrefix);
  return ctx.write(actor, async (tx) => {
    const requiredRoles = unique(body.requiredRoles ?? []);
    await checkRoleIds(tx, [...requiredRoles, ...subSettings.flatMap((s) => s.requiredRoles)]);
    const name = checkedName(body.name, 'backend');
    const row: BackendsTable = {
      id: newId('be', ctx.now()),
      name,
      name_key: await checkUnique(tx, name, prefix, null),
      frontend_prefix: prefix,
      required_roles: JSON.stringify(requiredRoles),
      sub_settings: JSON.stringify(subSettings),
      case_sensitive: body.caseSensitive ? 1 : 0,
      version: 1,
    };
    await tx.insertInto('backends').values(row).execute();
    const backend = backendFromRow(row);
    return {
      value: backend,
      audit: [{ action: 'backend.create', target: { type: 'backend', id: backend.id }, after: backend }],
      events: [{ kind: 'backends' }],
    };
  });
}

export function updateBackend(ctx: ServiceContext, actor: Actor, id: string, patch: BackendPatchBody, ifMatch?: number): Promise<Backend> {
  const subSettings = patch.subSettings === undefined ? undefined : normaliseSettings(patch.subSettings);
  const prefixInput = patch.frontendPrefix === undefined ? undefined : normalisePrefix(patch.frontendPrefix);
  return ctx.write(actor, async (tx) => {
    const row = await tx.selectFrom('backends').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('backend', id);
    checkVersion(ifMatch, Number(row.version), 'backend');
    const before = backendFromRow(row);
    const requiredRoles = patch.requiredRoles === undefined ? before.requiredRoles : unique(patch.requiredRoles);
    const settings = subSettings ?? before.subSettings;
    await checkRoleIds(tx, [...requiredRoles, ...settings.flatMap((s) => s.requiredRoles)]);
    const name = patch.name === undefined ? row.name : checkedName(patch.name, 'backend');
    const prefix = prefixInput ?? row.frontend_prefix;
    const next: BackendsTable = {
      ...row,
      name,
      name_key: await checkUnique(tx, name, prefix, id),
      frontend_prefix: prefix,
      required_roles: JSON.stringify(requiredRoles),
      sub_settings: JSON.stringify(settings),
      case_sensitive: patch.caseSensitive === undefined ? Number(row.case_sensitive) : patch.caseSensitive ? 1 : 0,
      version: Number(row.version) + 1,
    };
    await tx
      .updateTable('backends')
      .set({
        name: next.name,
        name_key: next.name_key,
        frontend_prefix: next.frontend_prefix,
        required_roles: next.required_roles,
        sub_settings: next.sub_settings,
        case_sensitive: next.case_sensitive,
        version: next.version,
      })
      .where('id', '=', id)
      .execute();
    const after = backendFromRow(next);
    return {
      value: after,
      audit: [{ action: 'backend.update', target: { type: 'backend', id }, before, after }],
      events: [{ kind: 'backends' }],
    };
  });
}

export function deleteBackend(ctx: ServiceContext, actor: Actor, id: string, ifMatch?: number): Promise<void> {
  return ctx.write(actor, async (tx) => {
    const row = await tx.selectFrom('backends').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('backend', id);
    checkVersion(ifMatch, Number(row.version), 'backend');
    await tx.deleteFrom('backends').where('id', '=', id).execute();
    return {
      value: undefined,
      audit: [{ action: 'backend.delete', target: { type: 'backend', id }, before: backendFromRow(row) }],
      events: [{ kind: 'backends' }],
    };
  });
}
