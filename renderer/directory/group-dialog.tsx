import { useState } from 'react';
import { useApi } from '../app/api.ts';
import { useGroups, useRoles } from '../app/data.ts';
import { DescriptionField, NameField } from '../common/form-fields.tsx';
import { useFieldErrors } from '../common/use-field-errors.ts';
import { EntityDialog } from './entity-dialog.tsx';
import { MultiPicker } from './multi-picker.tsx';

export function GroupDialog({ groupId, onClose }: { groupId: string | null; onClose: () => void }) {
  const api = useApi();
  const group = useGroups().data?.find((g) => g.id === groupId) ?? null;
  const roles = useRoles().data ?? [];
  const [name, setName] = useState(group?.name ?? '');
  const [description, setDescription] = useState(group?.description ?? '');
  const [roleIds, setRoleIds] = useState<string[]>(group?.defaultRoles ?? []);
  const trimmed = name.trim();
  const nameProblem = trimmed.length > 100 ? 'Name: at most 100 characters' : null;
  const values = { name: trimmed, description, defaultRoles: roleIds };
  const errors = useFieldErrors(
    { name: 'Name', description: 'Description', defaultRoles: 'Default roles', roles: 'Default roles' },
    values,
  );
  const save = async () => {
    if (group) await api.groups.update({ id: group.id, expectedVersion: group.version, set: values });
    else await api.groups.create(values);
  };
  return (
    <EntityDialog
      title={group ? `Edit group — ${group.name}` : 'New group'}
      canSave={trimmed !== '' && nameProblem === null}
      onSave={save}
      onClose={onClose}
      errors={errors}
      success={group ? `Group “${trimmed}” saved.` : `Group “${trimmed}” created.`}
    >
      <NameField value={name} onChange={setName} error={errors.field('name') ?? nameProblem} />
      <DescriptionField value={description} onChange={setDescription} error={errors.field('description')} />
      <MultiPicker
        label="Default roles"
        options={roles}
        value={roleIds}
        onChange={setRoleIds}
        helperText={errors.field('defaultRoles') ?? errors.field('roles') ?? 'Keys that members obtain themselves get these roles.'}
      />
    </EntityDialog>
  );
}
