import { TextField } from '@mui/material';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../app/api.ts';
import { useGroups, useUsers } from '../app/data.ts';
import { useSession } from '../app/session.ts';
import { EntityDialog } from './entity-dialog.tsx';
import { MultiPicker } from './multi-picker.tsx';

export function UserDialog({ userId, onClose }: { userId: string | null; onClose: () => void }) {
  const api = useApi();
  const client = useQueryClient();
  const session = useSession();
  const user = useUsers().data?.find((u) => u.id === userId) ?? null;
  const groups = useGroups().data ?? [];
  const [name, setName] = useState(user?.name ?? '');
  const [email, setEmail] = useState(user?.email ?? '');
  const [password, setPassword] = useState('');
  const [groupIds, setGroupIds] = useState<string[]>(user?.groups ?? []);
  const emailOk = email === '' || /^[^\s@]+@[^\s@]+$/.test(email);
  const passwordOk = password === '' || password.length >= 8;
  const save = async () => {
    const fields = { name: name.trim(), email, groups: groupIds, ...(password ? { password } : {}) };
    if (user) await api.users.update({ id: user.id, expectedVersion: user.version, set: fields });
    else await api.users.create(fields);
    await client.invalidateQueries({ queryKey: [session.profileId] });
  };
  return (
    <EntityDialog
      title={user ? `Edit user — ${user.name}` : 'New user'}
      canSave={name.trim() !== '' && emailOk && passwordOk}
      onSave={save}
      onClose={onClose}
    >
      <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} required autoFocus />
      <TextField
        label="Email"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={!emailOk}
        helperText={emailOk ? ' ' : 'Enter an address like name@example.com.'}
      />
      <TextField
        label={user ? 'New password' : 'Password'}
        type="password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={!passwordOk}
        helperText={passwordOk ? 'For self-service key issuance; at least 8 characters. Leave empty to keep.' : 'At least 8 characters.'}
        autoComplete="new-password"
      />
      <MultiPicker label="Groups" options={groups} value={groupIds} onChange={setGroupIds} />
    </EntityDialog>
  );
}
