import { ApiError } from '../../shared/api/errors.ts';
import { HTTP_METHODS, type CatalogGroup, type HttpMethod } from '../../shared/domain/types.ts';

// Reads an OpenAPI 3 document into catalog groups (DESIGN §3.1): group = the operation's first
// tag, action id = operationId, routes = method + path.

const ACTION_ID = /^[A-Za-z0-9_.:\-/]{1,200}$/;

function slug(tag: string): string {
  const s = tag
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100);
  return s || 'default';
}

export function groupsFromOpenApi(document: Record<string, unknown>): CatalogGroup[] {
  const paths = document['paths'];
  if (typeof paths !== 'object' || paths === null || Array.isArray(paths))
    throw new ApiError('invalid_openapi', 'The document has no "paths" object.');
  const tagDescriptions = new Map<string, string>();
  const tags = document['tags'];
  if (Array.isArray(tags)) {
    for (const t of tags)
      if (t && typeof t.name === 'string')
        tagDescriptions.set(t.name, typeof t.description === 'string' ? t.description.slice(0, 1000) : '');
  }
  const groups = new Map<string, CatalogGroup>();
  const seen = new Set<string>();
  for (const [path, item] of Object.entries(paths as Record<string, unknown>)) {
    if (typeof item !== 'object' || item === null)
      throw new ApiError('invalid_openapi', `The path item "${path}" is not an object.`, { path });
    for (const method of HTTP_METHODS) {
      const op = (item as Record<string, unknown>)[method.toLowerCase()];
      if (op === undefined) continue;
      if (typeof op !== 'object' || op === null)
        throw new ApiError('invalid_openapi', `The operation ${method} ${path} is not an object.`, { path, method });
      const operation = op as { operationId?: unknown; tags?: unknown; summary?: unknown; description?: unknown };
      if (typeof operation.operationId !== 'string' || !ACTION_ID.test(operation.operationId)) {
        throw new ApiError(
          'invalid_openapi',
          `The operation ${method} ${path} needs an operationId of letters, digits and _ . : - / (it becomes the action id).`,
          { path, method },
        );
      }
      const id = operation.operationId;
      if (seen.has(id))
        throw new ApiError('invalid_openapi', `The operationId "${id}" is used by more than one operation.`, { operationId: id });
      seen.add(id);
      const tag =
        Array.isArray(operation.tags) && typeof operation.tags[0] === 'string' && operation.tags[0].trim()
          ? operation.tags[0].trim()
          : 'default';
      const groupId = slug(tag);
      let group = groups.get(groupId);
      if (!group) {
        group = { id: groupId, name: tag.slice(0, 100), description: tagDescriptions.get(tag) ?? '', actions: [] };
        groups.set(groupId, group);
      }
      const text =
        typeof operation.summary === 'string' ? operation.summary : typeof operation.description === 'string' ? operation.description : '';
      group.actions.push({ id, description: text.slice(0, 1000), routes: [{ method: method as HttpMethod, path: path.slice(0, 2000) }] });
    }
  }
  if (seen.size === 0) throw new ApiError('invalid_openapi', 'The document describes no operations.');
  return [...groups.values()];
}
