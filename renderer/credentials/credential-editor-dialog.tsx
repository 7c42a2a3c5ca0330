import { Alert, Autocomplete, Box, Chip, Dialog, DialogContent, DialogTitle, Stack, TextField, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import { cidrProblem } from '../../shared/domain/cidr.ts';
import { mayObtainKey, nameKey } from '../../shared/domain/policy.ts';
import { latestAllowedExpiryMs, type LifetimePolicy } from '../../shared/domain/lifecycle.ts';
import type { Credential, Role, User } from '../../shared/domain/types.ts';
import { useApi } from '../app/api.ts';
import { useAllCredentials, useCatalog, usePolicy, useRoles, useUsers } from '../app/data.ts';
import { errorMessage } from '../app/errors.ts';
import { lossSentence, ownLoss, useOwnCredential } from '../app/own-access.ts';
import { qk } from '../app/query-keys.ts';
import { useSession } from '../app/session.ts';
import { useWrite } from '../app/use-write.ts';
import { DialogError, DialogFooter } from '../common/dialog-parts.tsx';
import { DescriptionField, NameField } from '../common/form-fields.tsx';
import { LoadingRows } from '../common/states.tsx';
import { useFieldErrors } from '../common/use-field-errors.ts';
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
  const catalog = useCatalog();
  const policy = usePolicy();
  const others = useAllCredentials();
  const own = useOwnCredential();
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
  const [cidrText, setCidrText] = useState((credential?.allowedCidrs ?? []).join('\n'));
  const [typed, setTyped] = useState('');
  const [openedAt] = useState(() => Date.now());
  const fieldsNow = JSON.stringify([name, description, owner?.id ?? null, chosen.map((r) => r.id), expiry, cidrText]);
  const [fieldsAtOpen] = useState(fieldsNow);
  const dirty = fieldsNow !== fieldsAtOpen;
  useEffect(() => onDirtyChange(dirty), [dirty, onDirtyChange]);

  // Checked here before anything is sent; the server's own refusals land on the same fields.
  const cidrs = cidrText.split(/[\s,]+/).filter(Boolean);
  const cidrErrors = cidrs.map((c) => cidrProblem(c)).filter((p): p is string => p !== null);
  const trimmed = name.trim();
  const nameError = trimmed === '' ? 'Give the credential a name.' : trimmed.length > 100 ? 'Name: at most 100 characters.' : null;
  const sameName = (others.data ?? []).find(
    (c) => c.id !== credential?.id && c.status !== 'revoked' && nameKey(c.name) === nameKey(trimmed),
  );
  // The last allowed day means the latest allowed moment, not the end of that day (DESIGN §3.12).
  const expiresAt = expiryTimestamp(expiry.choice, expiry.date, undefined, lifetime ? latestAllowedExpiryMs(lifetime, openedAt) : null);
  const expiryError =
    expiry.choice === 'date' && !expiry.date
      ? 'Pick a date, or another choice.'
      : expiresAt !== null && Date.parse(expiresAt) <= openedAt
        ? 'Expiry: must be in the future.'
        : null;
  const allowed = (u: User) => !policy.data || mayObtainKey(u.groups, policy.data);
  const ownerRefused = owner && !allowed(owner) ? `The issuance policy does not let ${owner.name} hold a key.` : null;
  const loss = credential
    ? ownLoss(own.own, own.roles, { kind: 're-role', credentialId: credential.id, roles: chosen.map((r) => r.id) })
    : null;

  const values = { name: trimmed, description, ownerId: owner?.id ?? null, roles: chosen.map((r) => r.id), expiresAt, allowedCidrs: cidrs };
  const errors = useFieldErrors(
    {
      name: 'Name',
      description: 'Description',
      ownerId: 'Owner',
      roles: 'Access Roles',
      expiresAt: 'Expiry',
      allowedCidrs: 'Allowed networks',
    },
    values,
  );
  const write = useWrite(
    async () => {
      if (credential)
        return {
          issued: null,
          saved: await api.credentials.update({ id: credential.id, expectedVersion: credential.version, set: values }),
        };
      return { issued: await api.credentials.create(values), saved: null };
    },
    { success: credential ? `Credential “${trimmed}” saved.` : undefined },
  );
  const busy = write.isPending;
  const canSave =
    !busy &&
    nameError === null &&
    cidrErrors.length === 0 &&
    expiryError === null &&
    ownerRefused === null &&
    (loss === null || typed === credential?.name);

  const save = async () => {
    if (!canSave) return;
    try {
      const { issued } = await write.mutateAsync(undefined);
      onClose();
      if (issued)
        openDialog({ type: 'one-time-token', credentialName: issued.credential.name, handle: issued.secretHandle, rolled: false });
    } catch (e) {
      errors.report(e);
    }
  };
  const fieldText = (key: string, fallback: string) => errors.field(key) ?? fallback;

  return (
    <>
      <DialogContent dividers>
        <Stack spacing={2.5}>
          <Stack direction="row" spacing={2}>
            <NameField
              value={name}
              onChange={setName}
              error={errors.field('name') ?? (name !== '' ? nameError : null)}
              hint={sameName ? `Another credential is already called “${sameName.name}”; a distinct name tells them apart.` : null}
              sx={{ flex: 1 }}
            />
            <Autocomplete
              options={users}
              value={owner}
              onChange={(_, v) => setOwner(v)}
              getOptionLabel={(u) => (u.email ? `${u.name} <${u.email}>` : u.name)}
              getOptionDisabled={(u) => !allowed(u)}
              renderOption={(props, u) => (
                <li {...props} key={u.id}>
                  <Box>
                    {u.email ? `${u.name} <${u.email}>` : u.name}
                    {!allowed(u) && (
                      <Typography variant="caption" component="div" color="text.secondary">
                        The issuance policy does not let this user hold a key.
                      </Typography>
                    )}
                  </Box>
                </li>
              )}
              isOptionEqualToValue={(a, b) => a.id === b.id}
              renderInput={(p) => (
                <TextField
                  {...p}
                  label="Owner"
                  error={ownerRefused !== null || errors.field('ownerId') !== null}
                  helperText={errors.field('ownerId') ?? ownerRefused ?? 'Optional; the issuance policy must allow them.'}
                />
              )}
              sx={{ flex: 1 }}
            />
          </Stack>
          <DescriptionField
            value={description}
            onChange={setDescription}
            error={errors.field('description')}
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
                error={errors.field('roles') !== null}
                helperText={fieldText(
                  'roles',
                  chosen.length === 0
                    ? 'No role yet: a credential without roles is denied every action.'
                    : 'The credential may do what any of its roles permits.',
                )}
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
              onChange={(choice, date) => setExpiry({ choice, date })}
              policy={lifetime}
              error={errors.field('expiresAt') ?? expiryError}
            />
          </div>
          <TextField
            label="Allowed networks (CIDR)"
            value={cidrText}
            onChange={(e) => setCidrText(e.target.value)}
            multiline
            minRows={2}
            placeholder={'10.0.0.0/8\n2001:db8::/32'}
            error={cidrErrors.length > 0 || errors.field('allowedCidrs') !== null}
            helperText={
              errors.field('allowedCidrs') ??
              (cidrErrors.length
                ? cidrErrors.length === 1
                  ? cidrErrors[0]
                  : `${cidrErrors.length} lines are not valid: ${cidrErrors.join(' ')}`
                : 'One per line; leave empty to allow any address.')
            }
            slotProps={{ formHelperText: { 'data-testid': 'cidr-help' } as object }}
          />
          <div>
            <Typography variant="subtitle2" component="h3" gutterBottom>
              Effective permissions
            </Typography>
            <EffectivePermissions catalog={catalog.data} roles={chosen} />
          </div>
          {loss && credential && (
            <div>
              <Alert severity="warning" data-testid="lockout-warning">
                Your own access: {lossSentence(loss)}
              </Alert>
              <TextField
                label={`Type “${credential.name}” to confirm`}
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
                fullWidth
                autoComplete="off"
                sx={{ mt: 2 }}
                slotProps={{ htmlInput: { 'data-testid': 'type-to-confirm', spellCheck: false } }}
              />
            </div>
          )}
        </Stack>
        <DialogError error={errors.other} />
      </DialogContent>
      <DialogFooter
        okLabel={credential ? 'Save' : 'Create and show token'}
        onOk={() => void save()}
        onCancel={onCancel}
        busy={busy}
        okDisabled={!canSave}
      />
    </>
  );
}
