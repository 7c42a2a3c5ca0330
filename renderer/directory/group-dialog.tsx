import { TextField } from '@mui/material';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../app/api.ts';
import { useGroups, useRoles } from '../app/data.ts';
import { useSession } from '../app/session.ts';
import { EntityDialog } from './entity-dialog.tsx';
import { MultiPicker } from './multi-picker.tsx';

export function GroupDialog({ groupId, onClose }: { groupId: string | null; onClose: () => void }) {
  const api = useApi();
  const client = useQueryClient();
  const session = useSession();
  const group = useGroups().data?.find((g) => g.id === groupId) ?? null;
  const roles = useRoles().data ?? [];
  const [name, setName] = useState(group?.name ?? '');
  const [description, setDescription] = useState(group?.description ?? '');
  const [roleIds, setRoleIds] = useState<string[]>(group?.defaultRoles ?? []);
  const save = async () => {
    const fields = { name: name.trim(), description, defaultRoles: roleIds };
    if (group) await api.groups.update({ id: group.id, expectedVersion: group.version, set: fields });
    else await api.groups.create(fields);
    await client.invalidateQueries({ queryKey: [session.profileId] });
  };
  return (
    <EntityDialog title={group ? `Edit group — ${group.name}` : 'New group'} canSave={name.trim() !== ''} onSave={save} onClose={onClose}>
      <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} required autoFocus />
      <TextField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} multiline minRows={2} />
      <MultiPicker
        label="Default roles"
        options={roles}
        value={roleIds}
        onChange={setRoleIds}
        helperText="Keys that members obtain themselves get these roles."
      />
    </EntityDialog>
  );
}
