import { Alert, Dialog, DialogContent, DialogTitle, Stack } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { mayObtainKey, nameKey } from '../../shared/domain/policy.ts';
import type { LifetimePolicy } from '../../shared/domain/lifecycle.ts';
import type { Credential, Role, User } from '../../shared/domain/types.ts';
import type { KeywardApi } from '../../shared/ipc/contract.ts';
import { useApi } from '../app/api.ts';
import { useAllCredentials, useCatalog, usePolicy, useRoles, useUsers } from '../app/data.ts';
import { errorMessage } from '../app/errors.ts';
import { ownLoss, useOwnCredential } from '../app/own-access.ts';
import { qk } from '../app/query-keys.ts';
import { useSession } from '../app/session.ts';
import { useWrite } from '../app/use-write.ts';
import { DialogError, DialogFooter } from '../common/dialog-parts.tsx';
import { DescriptionField, NameField } from '../common/form-fields.tsx';
import { OwnLossConfirm } from '../common/own-loss-confirm.tsx';
import { LoadingRows } from '../common/states.tsx';
import { useFieldErrors } from '../common/use-field-errors.ts';
import { useDialogs } from '../dialogs/dialog-context.ts';
import { useDiscardGuard } from '../dialogs/discard-guard.tsx';
import { CidrField, OwnerField, RolesField, Section } from './credential-editor-fields.tsx';
import { EffectivePermissions } from './effective-permissions.tsx';
import { ExpiryField } from './expiry-field.tsx';
import { checkCredentialFields, useCredentialFields } from './use-credential-form.ts';

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

interface EditorFormProps {
  credential: Credential | null;
  roles: Role[];
  users: User[];
  lifetime: LifetimePolicy | null;
  onDirtyChange: (dirty: boolean) => void;
  onCancel: () => void;
  onClose: () => void;
}

function EditorForm({ credential, roles, users, lifetime, onDirtyChange, onCancel, onClose }: EditorFormProps) {
  const catalog = useCatalog();
  const f = useCredentialFields(credential, roles, users, lifetime, onDirtyChange);
  const { name, description, owner, chosen } = f;
  const [typed, setTyped] = useState('');
  const { cidrs, cidrErrors, trimmed, nameError, expiresAt, expiryError } = checkCredentialFields(f, lifetime);
  const { sameName, allowed, ownerRefused, loss } = useCredentialChecks(credential, trimmed, owner, chosen);
  const values = { name: trimmed, description, ownerId: owner?.id ?? null, roles: chosen.map((r) => r.id), expiresAt, allowedCidrs: cidrs };
  const { errors, busy, submit } = useCredentialSave(credential, values, onClose);
  const canSave =
    !busy &&
    nameError === null &&
    cidrErrors.length === 0 &&
    expiryError === null &&
    ownerRefused === null &&
    (loss === null || typed === credential?.name);
  const save = () => {
    if (canSave) void submit();
  };

  return (
    <>
      <DialogContent dividers>
        <Stack spacing={2.5}>
          <Stack direction="row" spacing={2}>
            <NameField
              value={name}
              onChange={f.setName}
              error={errors.field('name') ?? (name !== '' ? nameError : null)}
              hint={sameName ? `Another credential is already called “${sameName.name}”; a distinct name tells them apart.` : null}
              sx={{ flex: 1 }}
            />
            <OwnerField
              users={users}
              owner={owner}
              onOwner={f.setOwner}
              allowed={allowed}
              refused={ownerRefused}
              serverError={errors.field('ownerId')}
            />
          </Stack>
          <DescriptionField
            value={description}
            onChange={f.setDescription}
            error={errors.field('description')}
            slotProps={{ htmlInput: { maxLength: 1000 } }}
          />
          <RolesField roles={roles} chosen={chosen} onChosen={f.setChosen} serverError={errors.field('roles')} />
          <Section title="Expiry">
            <ExpiryField
              choice={f.expiry.choice}
              date={f.expiry.date}
              onChange={(choice, date) => f.setExpiry({ choice, date })}
              policy={lifetime}
              error={errors.field('expiresAt') ?? expiryError}
            />
          </Section>
          <CidrField text={f.cidrText} onText={f.setCidrText} problems={cidrErrors} serverError={errors.field('allowedCidrs')} />
          <Section title="Effective permissions">
            <EffectivePermissions catalog={catalog.data} roles={chosen} />
          </Section>
          {loss && credential && (
            <div>
              <OwnLossConfirm loss={loss} name={credential.name} typed={typed} onTyped={setTyped} />
            </div>
          )}
        </Stack>
        <DialogError error={errors.other} />
      </DialogContent>
      <DialogFooter
        okLabel={credential ? 'Save' : 'Create and show token'}
        onOk={save}
        onCancel={onCancel}
        busy={busy}
        okDisabled={!canSave}
      />
    </>
  );
}

/** What the server would say no to, or the admin should know, about the owner, name and roles chosen. */
function useCredentialChecks(credential: Credential | null, trimmed: string, owner: User | null, chosen: Role[]) {
  const policy = usePolicy();
  const others = useAllCredentials();
  const own = useOwnCredential();
  const sameName = (others.data ?? []).find(
    (c) => c.id !== credential?.id && c.status !== 'revoked' && nameKey(c.name) === nameKey(trimmed),
  );
  const allowed = (u: User) => !policy.data || mayObtainKey(u.groups, policy.data);
  const ownerRefused = owner && !allowed(owner) ? `The issuance policy does not let ${owner.name} hold a key.` : null;
  const loss = credential
    ? ownLoss(own.own, own.roles, { kind: 're-role', credentialId: credential.id, roles: chosen.map((r) => r.id) })
    : null;
  return { sameName, allowed, ownerRefused, loss };
}

type CredentialValues = Parameters<KeywardApi['credentials']['create']>[0];

/** The save: create (then the one-time token dialog) or update, with the server's refusals on the fields. */
function useCredentialSave(credential: Credential | null, values: CredentialValues, onClose: () => void) {
  const api = useApi();
  const { openDialog } = useDialogs();
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
    { success: credential ? `Credential “${values.name}” saved.` : undefined },
  );
  const submit = async () => {
    try {
      const { issued } = await write.mutateAsync(undefined);
      onClose();
      if (issued)
        openDialog({ type: 'one-time-token', credentialName: issued.credential.name, handle: issued.secretHandle, rolled: false });
    } catch (e) {
      errors.report(e);
    }
  };
  return { errors, busy: write.isPending, submit };
}
