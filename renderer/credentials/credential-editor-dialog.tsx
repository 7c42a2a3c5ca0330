import {
  Alert,
  Autocomplete,
  Button,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Stack,
  TextField,
  Typography,
} from '@mui/material';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import { cidrProblem } from '../../shared/domain/cidr.ts';
import { latestAllowedExpiryMs, type LifetimePolicy } from '../../shared/domain/lifecycle.ts';
import type { Credential, Role, User } from '../../shared/domain/types.ts';
import { isIpcError } from '../../shared/ipc/types.ts';
import { useApi } from '../app/api.ts';
import { useCatalog, useRoles, useUsers } from '../app/data.ts';
import { errorMessage } from '../app/errors.ts';
import { qk } from '../app/query-keys.ts';
import { useSession } from '../app/session.ts';
import { LoadingRows } from '../common/states.tsx';
import { useDialogs } from '../dialogs/dialog-context.ts';
import { useDiscardGuard } from '../dialogs/discard-guard.tsx';
import { EffectivePermissions } from './effective-permissions.tsx';
import { expiryTimestamp, initialExpiry, type ExpiryChoice } from './expiry.ts';
import { ExpiryField } from './expiry-field.tsx';

/** Creates or edits a credential; a create ends in the one-time token dialog. */
export function CredentialEditorDialog({ credentialId, onClose }: { credentialId: string | null; onClose: () => void }) {
  const api = useApi();
  const session = useSession();
  const existing = useQuery({
    queryKey: [session.profileId, 'credential', credentialId],
    queryFn: () => api.credentials.get({ id: credentialId! }),
    enabled: credentialId !== null,
  });
  const roles = useRoles();
  const users = useUsers();
  // The lifetime policy decides the pre-selected expiry; a server without one (or an error) means none.
  const lifetime = useQuery({ queryKey: qk.lifetime(session.profileId), queryFn: () => api.policy.getLifetime() });
  const titleId = useId();
  const ready = roles.data && !lifetime.isPending && (credentialId === null || existing.data);
  // Escape, the backdrop and Cancel ask before throwing edits away; a clean editor closes at once.
  const [dirty, setDirty] = useState(false);
  const discard = useDiscardGuard(dirty, onClose, 'credential');
  return (
    <Dialog open onClose={discard.requestClose} aria-labelledby={titleId} maxWidth="md" fullWidth>
      <DialogTitle id={titleId}>{credentialId ? `Edit credential — ${existing.data?.name ?? ''}` : 'New credential'}</DialogTitle>
      {existing.error ? (
        <DialogContent>
          <Alert severity="error">{errorMessage(existing.error)}</Alert>
        </DialogContent>
      ) : ready ? (
        <EditorForm
          credential={existing.data ?? null}
          roles={roles.data!}
          users={users.data ?? []}
          lifetime={lifetime.data ?? null}
          onDirtyChange={setDirty}
          onCancel={discard.requestClose}
          onClose={onClose}
        />
      ) : (
        <DialogContent>
          <LoadingRows rows={6} label="Loading credential" />
        </DialogContent>
      )}
      {discard.prompt}
    </Dialog>
  );
}

function EditorForm({
  credential,
  roles,
  users,
  lifetime,
  onDirtyChange,
  onCancel,
  onClose,
}: {
  credential: Credential | null;
  roles: Role[];
  users: User[];
  lifetime: LifetimePolicy | null;
  onDirtyChange: (dirty: boolean) => void;
  onCancel: () => void;
  onClose: () => void;
}) {
  const api = useApi();
  const client = useQueryClient();
  const session = useSession();
  const catalog = useCatalog();
  const { openDialog } = useDialogs();
  const [name, setName] = useState(credential?.name ?? '');
  const [description, setDescription] = useState(credential?.description ?? '');
  const [owner, setOwner] = useState<User | null>(users.find((u) => u.id === credential?.ownerId) ?? null);
  const [chosen, setChosen] = useState<Role[]>(roles.filter((r) => credential?.roles.includes(r.id)));
  const [expiry, setExpiry] = useState<{ choice: ExpiryChoice; date: string }>(() =>
    credential
      ? credential.expiresAt
        ? { choice: 'date', date: credential.expiresAt.slice(0, 10) }
        : { choice: 'never', date: '' }
      : initialExpiry(lifetime),
  );
  const [expiryError, setExpiryError] = useState<string | null>(null);
  const [cidrText, setCidrText] = useState((credential?.allowedCidrs ?? []).join('\n'));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fieldsNow = JSON.stringify([name, description, owner?.id ?? null, chosen.map((r) => r.id), expiry, cidrText]);
  const [fieldsAtOpen] = useState(fieldsNow);
  const dirty = fieldsNow !== fieldsAtOpen;
  useEffect(() => onDirtyChange(dirty), [dirty, onDirtyChange]);

  const cidrs = cidrText.split(/[\s,]+/).filter(Boolean);
  const cidrErrors = cidrs.map((c) => cidrProblem(c)).filter((p): p is string => p !== null);
  const nameError = name.trim() === '' ? 'Give the credential a name.' : null;

  const save = async () => {
    setBusy(true);
    setError(null);
    setExpiryError(null);
    const expiresAt = expiryTimestamp(
      expiry.choice,
      expiry.date,
      Date.now(),
      lifetime ? latestAllowedExpiryMs(lifetime, Date.now()) : null,
    );
    const fields = {
      name: name.trim(),
      description,
      ownerId: owner?.id ?? null,
      roles: chosen.map((r) => r.id),
      expiresAt,
      allowedCidrs: cidrs,
    };
    try {
      if (credential) {
        await api.credentials.update({ id: credential.id, expectedVersion: credential.version, set: fields });
        onClose();
      } else {
        const issued = await api.credentials.create(fields);
        onClose();
        openDialog({ type: 'one-time-token', credentialName: issued.credential.name, handle: issued.secretHandle, rolled: false });
      }
      await client.invalidateQueries({ queryKey: [session.profileId] });
    } catch (e) {
      // A lifetime_exceeded answer names the latest allowed date: show it where the date is chosen.
      if (isIpcError(e) && e.details?.['field'] === 'expiresAt') setExpiryError(errorMessage(e));
      else setError(errorMessage(e));
      setBusy(false);
    }
  };

  return (
    <>
      <DialogContent dividers>
        <Stack spacing={2.5}>
          <Stack direction="row" spacing={2}>
            <TextField
              label="Name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              required
              error={nameError !== null && name !== ''}
              helperText={nameError ?? ' '}
              autoFocus
              sx={{ flex: 1 }}
            />
            <Autocomplete
              options={users}
              value={owner}
              onChange={(_, v) => setOwner(v)}
              getOptionLabel={(u) => (u.email ? `${u.name} <${u.email}>` : u.name)}
              isOptionEqualToValue={(a, b) => a.id === b.id}
              renderInput={(p) => <TextField {...p} label="Owner" helperText="Optional; the issuance policy must allow them." />}
              sx={{ flex: 1 }}
            />
          </Stack>
          <TextField
            label="Description"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            multiline
            minRows={2}
            slotProps={{ htmlInput: { maxLength: 1000 } }}
          />
          <Autocomplete
            multiple
            options={roles}
            value={chosen}
            onChange={(_, v) => setChosen(v)}
            getOptionLabel={(r) => r.name}
            isOptionEqualToValue={(a, b) => a.id === b.id}
            renderValue={(value, getItemProps) =>
              value.map((r, i) => <Chip size="small" label={r.name} {...getItemProps({ index: i })} key={r.id} />)
            }
            renderInput={(p) => (
              <TextField
                {...p}
                label="Access Roles"
                placeholder={chosen.length ? '' : 'Search roles'}
                helperText="The credential may do what any of its roles permits."
              />
            )}
          />
          <div>
            <Typography variant="subtitle2" component="h3" gutterBottom>
              Expiry
            </Typography>
            <ExpiryField
              choice={expiry.choice}
              date={expiry.date}
              onChange={(choice, date) => {
                setExpiry({ choice, date });
                setExpiryError(null);
              }}
              policy={lifetime}
              error={expiryError}
            />
          </div>
          <TextField
            label="Allowed networks (CIDR)"
            value={cidrText}
            onChange={(e) => setCidrText(e.target.value)}
            multiline
            minRows={2}
            placeholder={'10.0.0.0/8\n2001:db8::/32'}
            error={cidrErrors.length > 0}
            helperText={cidrErrors[0] ?? 'One per line; leave empty to allow any address.'}
          />
          <div>
            <Typography variant="subtitle2" component="h3" gutterBottom>
              Effective permissions
            </Typography>
            <EffectivePermissions catalog={catalog.data} roles={chosen} />
          </div>
          {error && <Alert severity="error">{error}</Alert>}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
        <Button variant="contained" onClick={() => void save()} disabled={busy || nameError !== null || cidrErrors.length > 0}>
          {credential ? 'Save' : 'Create and show token'}
        </Button>
      </DialogActions>
    </>
  );
}
