import { TextField } from '@mui/material';
import { useState } from 'react';
import { nameKey } from '../../shared/domain/policy.ts';
import { useApi } from '../app/api.ts';
import { useGroups, useUsers } from '../app/data.ts';
import { NameField } from '../common/form-fields.tsx';
import { useFieldErrors } from '../common/use-field-errors.ts';
import { EntityDialog } from './entity-dialog.tsx';
import { MultiPicker } from './multi-picker.tsx';

export function UserDialog({ userId, onClose }: { userId: string | null; onClose: () => void }) {
  const api = useApi();
  const users = useUsers().data ?? [];
  const user = users.find((u) => u.id === userId) ?? null;
  const groups = useGroups().data ?? [];
  const [name, setName] = useState(user?.name ?? '');
  const [email, setEmail] = useState(user?.email ?? '');
  const [password, setPassword] = useState('');
  const [groupIds, setGroupIds] = useState<string[]>(user?.groups ?? []);
  const trimmed = name.trim();
  // Checked before sending, as the server would: blank, too long, ":" (Basic sign-in), taken.
  const nameProblem =
    trimmed.length > 100
      ? 'Name: at most 100 characters'
      : trimmed.includes(':')
        ? 'Name: cannot contain “:” (HTTP Basic sign-in splits at it)'
        : users.some((u) => u.id !== userId && nameKey(u.name) === nameKey(trimmed))
          ? 'Name: another user already has this name (names are case-insensitive)'
          : null;
  const emailOk = email === '' || /^[^\s@]+@[^\s@]+$/.test(email);
  const passwordOk = password === '' || password.length >= 8;
  const values = { name: trimmed, email, groups: groupIds, password };
  const errors = useFieldErrors({ name: 'Name', email: 'Email', password: 'Password', groups: 'Groups' }, values);
  const save = async () => {
    const fields = { name: trimmed, email, groups: groupIds, ...(password ? { password } : {}) };
    if (user) await api.users.update({ id: user.id, expectedVersion: user.version, set: fields });
    else await api.users.create(fields);
  };
  const passwordHint = user
    ? 'For self-service key issuance; at least 8 characters. Leave empty to keep the current one.'
    : 'For self-service key issuance; at least 8 characters. Optional: without one, this user cannot issue keys themselves.';
  return (
    <EntityDialog
      title={user ? `Edit user — ${user.name}` : 'New user'}
      canSave={trimmed !== '' && nameProblem === null && emailOk && passwordOk}
      onSave={save}
      onClose={onClose}
      errors={errors}
      success={user ? `User “${trimmed}” saved.` : `User “${trimmed}” created.`}
    >
      <NameField value={name} onChange={setName} error={errors.field('name') ?? nameProblem} />
      <TextField
        label="Email"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={!emailOk || errors.field('email') !== null}
        helperText={errors.field('email') ?? (emailOk ? ' ' : 'Enter an address like name@example.com.')}
      />
      <TextField
        label={user ? 'New password' : 'Password'}
        type="password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={!passwordOk || errors.field('password') !== null}
        helperText={errors.field('password') ?? (passwordOk ? passwordHint : 'At least 8 characters.')}
        autoComplete="new-password"
      />
      <MultiPicker
        label="Groups"
        options={groups}
        value={groupIds}
        onChange={setGroupIds}
        helperText={errors.field('groups') ?? undefined}
      />
    </EntityDialog>
  );
}
