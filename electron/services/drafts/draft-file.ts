import { randomUUID } from 'node:crypto';
import Type from 'typebox';
import { Compile } from 'typebox/compile';
import YAML from 'yaml';
import * as S from '../../../shared/api/schemas.ts';
import { describeSchemaErrors } from '../../../shared/api/validation-errors.ts';
import type { DraftFile, DraftRole } from '../../../shared/ipc/types.ts';
import { RoleContentSchema } from '../../../shared/ipc/contract.ts';
import { KeywardError } from '../errors.ts';
import { parseLimited, type ParseLimits } from './parse-limited.ts';

// Drafts as a file ("roles as code"): a versioned JSON or YAML document, validated on import
// with the same schemas the server uses. It holds role definitions only — never a token.

export const DRAFT_FILE_VERSION = 1;

const Base = Type.Object({ ...RoleContentSchema.properties, version: S.Version }, { additionalProperties: false });
const DraftEntry = Type.Union([
  Type.Object({ op: Type.Literal('create'), role: RoleContentSchema }, { additionalProperties: false }),
  Type.Object({ op: Type.Literal('update'), roleId: S.Id, base: Base, role: RoleContentSchema }, { additionalProperties: false }),
  Type.Object({ op: Type.Literal('delete'), roleId: S.Id, base: Base }, { additionalProperties: false }),
]);
const FileSchema = Type.Object(
  {
    keywardDrafts: Type.Literal(DRAFT_FILE_VERSION),
    exportedAt: Type.Optional(S.Timestamp),
    server: Type.Optional(
      Type.Object({ name: Type.String({ maxLength: 200 }), url: Type.String({ maxLength: 2000 }) }, { additionalProperties: false }),
    ),
    roles: Type.Array(DraftEntry, { maxItems: 10000 }),
  },
  { additionalProperties: false },
);
const checker = Compile(FileSchema);

export function exportDrafts(
  drafts: readonly DraftRole[],
  format: 'json' | 'yaml',
  server: { name: string; url: string },
  now: Date,
): DraftFile {
  const doc = {
    keywardDrafts: DRAFT_FILE_VERSION,
    exportedAt: now.toISOString(),
    server,
    roles: drafts.map((d) =>
      d.op === 'create'
        ? { op: d.op, role: d.draft }
        : d.op === 'update'
          ? { op: d.op, roleId: d.roleId, base: d.base, role: d.draft }
          : { op: d.op, roleId: d.roleId, base: d.base },
    ),
  };
  const stamp = now.toISOString().slice(0, 10);
  return format === 'json'
    ? { fileName: `keyward-drafts-${stamp}.json`, mediaType: 'application/json', content: `${JSON.stringify(doc, null, 2)}\n` }
    : { fileName: `keyward-drafts-${stamp}.yaml`, mediaType: 'application/yaml', content: YAML.stringify(doc) };
}

/** Reads a drafts file (limits and parsing in parse-limited.ts); warnings carry no file content. */
export async function importDrafts(content: string, now: Date, limits?: ParseLimits): Promise<{ roles: DraftRole[]; warnings: string[] }> {
  const { value: doc, warnings } = await parseLimited(content, limits);
  if (!checker.Check(doc)) {
    const { message, problems } = describeSchemaErrors('file', 'The drafts file is not valid', checker.Errors(doc));
    const versionWrong = (doc as { keywardDrafts?: unknown } | null)?.keywardDrafts !== DRAFT_FILE_VERSION;
    throw new KeywardError(
      'invalid_file',
      versionWrong
        ? `This is not a Keyward drafts file of version ${DRAFT_FILE_VERSION} (the "keywardDrafts" field is missing or different).`
        : message,
      { problems },
    );
  }
  const editedAt = now.toISOString();
  const roles = doc.roles.map((entry): DraftRole => {
    const draftId = randomUUID();
    if (entry.op === 'create') return { draftId, op: 'create', roleId: null, base: null, draft: withDescription(entry.role), editedAt };
    if (entry.op === 'update')
      return { draftId, op: 'update', roleId: entry.roleId, base: entry.base, draft: withDescription(entry.role), editedAt };
    return { draftId, op: 'delete', roleId: entry.roleId, base: entry.base, draft: null, editedAt };
  });
  return { roles, warnings };
}

const withDescription = (r: { name: string; description: string; actions: string[] }) => ({
  name: r.name,
  description: r.description,
  actions: [...r.actions],
});
