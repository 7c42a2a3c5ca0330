import type { AuditListParams } from '../../shared/api/schemas.ts';
import type { AuditEntry } from '../../shared/domain/types.ts';
import { parseJson } from '../storage/rows.ts';
import type { ServiceContext } from './context.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

/** The audit log, newest first, filtered and paged with a signed cursor. */
export async function listAudit(ctx: ServiceContext, params: AuditListParams): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  const limit = params.limit ?? 50;
  let query = ctx.db.selectFrom('audit').selectAll();
  if (params.action) query = query.where('action', '=', params.action);
  if (params.actorId) query = query.where('actor_id', '=', params.actorId);
  if (params.targetType) query = query.where('target_type', '=', params.targetType);
  if (params.targetId) query = query.where('target_id', '=', params.targetId);
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
