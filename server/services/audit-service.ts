import { ApiError } from '../../shared/api/errors.ts';
import type { AuditListParams } from '../../shared/api/schemas.ts';
import { SYSTEM_ACTOR_FILTER, type AuditEntry } from '../../shared/domain/types.ts';
import { parseJson } from '../storage/rows.ts';
import type { ServiceContext } from './context.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

/**
 * A date-time the schema admitted, in the form `at` is stored in (`toISOString()`: UTC, always
 * milliseconds), so a plain text comparison orders it correctly on SQLite and PostgreSQL alike.
 * 400 for one no clock has (a leap second :60).
 */
function storedForm(text: string, field: 'from' | 'to'): string {
  const ms = Date.parse(text);
  if (Number.isNaN(ms))
    throw new ApiError('invalid_request', `"${field}" (${text.slice(0, 40)}) is not a date-time the server can place.`, {
      field,
      problems: [{ field: `query.${field}`, problem: 'is not a date-time the server can place' }],
    });
  return new Date(ms).toISOString();
}

/** The audit log, newest first, filtered (action, actor, target, time range) and paged with a signed cursor. */
export async function listAudit(ctx: ServiceContext, params: AuditListParams): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  const limit = params.limit ?? 50;
  const from = params.from === undefined ? undefined : storedForm(params.from, 'from');
  const to = params.to === undefined ? undefined : storedForm(params.to, 'to');
  if (from !== undefined && to !== undefined && from >= to)
    throw new ApiError('invalid_request', 'The start of the range (from) must be earlier than its end (to).', {
      field: 'from',
      problems: [{ field: 'query.from', problem: 'must be earlier than to' }],
    });
  let query = ctx.db.selectFrom('audit').selectAll();
  if (params.action) query = query.where('action', '=', params.action);
  if (params.actorId === SYSTEM_ACTOR_FILTER) query = query.where('actor_id', 'is', null);
  else if (params.actorId) query = query.where('actor_id', '=', params.actorId);
  if (params.targetType) query = query.where('target_type', '=', params.targetType);
  if (params.targetId) query = query.where('target_id', '=', params.targetId);
  if (from !== undefined) query = query.where('at', '>=', from);
  if (to !== undefined) query = query.where('at', '<', to);
  if (params.cursor) {
    const [, id] = decodeCursor(ctx.hasher, params.cursor, 'audit');
    query = query.where('id', '<', id);
  }
  const rows = await query
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      id: r.id,
      at: r.at,
      actorId: r.actor_id,
      action: r.action,
      target: { type: r.target_type, id: r.target_id },
      before: parseJson<unknown>(r.before, null),
      after: parseJson<unknown>(r.after, null),
    })),
    nextCursor: rows.length > limit && last ? encodeCursor(ctx.hasher, ['', last.id], 'audit') : null,
  };
}
