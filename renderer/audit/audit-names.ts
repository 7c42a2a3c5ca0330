import type { AuditEntry } from '../../shared/domain/types.ts';

// What the server writes to its audit log (server/services/*: the `action` of each audit draft).
// Offered as suggestions in the Action filter; any other text can still be typed, so an action a
// newer server adds is still searchable.
export const AUDIT_ACTIONS: readonly string[] = [
  'backend.create',
  'backend.delete',
  'backend.update',
  'catalog.import_openapi',
  'catalog.replace',
  'credential.create',
  'credential.delete',
  'credential.disable',
  'credential.enable',
  'credential.import',
  'credential.revoke',
  'credential.roll',
  'credential.self_create',
  'credential.update',
  'group.create',
  'group.delete',
  'group.update',
  'policy.issuance.update',
  'role.create',
  'role.delete',
  'role.update',
  'server.bootstrap',
  'server.recover_admin',
  'user.create',
  'user.delete',
  'user.invalidate_tokens',
  'user.update',
];

export const AUDIT_TARGET_TYPES: readonly string[] = ['backend', 'catalog', 'credential', 'group', 'policy', 'role', 'user'];

function nameIn(value: unknown): string | undefined {
  return value && typeof value === 'object' && 'name' in value && typeof value.name === 'string' ? value.name : undefined;
}

/**
 * A readable name for an entry's target: the current name where the object still exists, else
 * the name the entry itself recorded (a deleted role keeps its name in `before`).
 */
export function entryName(entry: AuditEntry, names: { of: (type: string, id: string) => string | undefined }): string | undefined {
  if (!entry.target.id) return undefined;
  return names.of(entry.target.type, entry.target.id) ?? nameIn(entry.after) ?? nameIn(entry.before);
}
