import { useMemo, useState } from 'react';
import type { RoleContent } from '../../../shared/ipc/types.ts';

function roleNameError(trimmed: string, isNameTaken: (name: string) => boolean): string | null {
  if (trimmed === '') return 'Give the role a name.';
  if (trimmed.length > 100) return 'At most 100 characters.';
  return isNameTaken(trimmed) ? 'Another role already has this name.' : null;
}

/** The role's name and description as typed, the name's check, and whether anything was changed. */
export function useRoleText(initial: RoleContent, selected: ReadonlySet<string>, isNameTaken: (name: string) => boolean) {
  const [name, setName] = useState(initial.name);
  const [description, setDescription] = useState(initial.description);
  const trimmed = name.trim();
  const nameError = roleNameError(trimmed, isNameTaken);
  const dirty = useMemo(
    () =>
      name !== initial.name ||
      description !== initial.description ||
      selected.size !== initial.actions.length ||
      initial.actions.some((a) => !selected.has(a)),
    [name, description, selected, initial],
  );
  return { name, setName, description, setDescription, trimmed, nameError, dirty };
}

export type RoleText = ReturnType<typeof useRoleText>;
