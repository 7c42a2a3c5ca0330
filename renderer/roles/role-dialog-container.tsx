import { Dialog, DialogContent, DialogTitle } from '@mui/material';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { nameKey } from '../../shared/domain/policy.ts';
import type { RoleContent } from '../../shared/ipc/types.ts';
import { useApi } from '../app/api.ts';
import { useCatalog, useDrafts, useRoleUsage, useRoles } from '../app/data.ts';
import { ownLoss, useOwnCredential } from '../app/own-access.ts';
import { useToast } from '../app/toasts.tsx';
import { qk } from '../app/query-keys.ts';
import { useSession } from '../app/session.ts';
import { ErrorState, LoadingRows } from '../common/states.tsx';
import { buildCatalogIndex } from './role-dialog/catalog-index.ts';
import { RoleDialog, type ServerVersion } from './role-dialog/role-dialog.tsx';

interface Props {
  roleId: string | null;
  draftId?: string;
  copyOfRoleId?: string;
  onClose: () => void;
}

const EMPTY: RoleContent = { name: '', description: '', actions: [] };

/** Loads what the role dialog needs and decides where a save goes: the server, or a draft offline. */
export function RoleDialogContainer({ roleId, draftId, copyOfRoleId, onClose }: Props) {
  const api = useApi();
  const client = useQueryClient();
  const session = useSession();
  const catalog = useCatalog();
  const roles = useRoles();
  const drafts = useDrafts();
  const own = useOwnCredential();
  const usage = useRoleUsage();
  const toast = useToast();
  const index = useMemo(() => (catalog.data ? buildCatalogIndex(catalog.data) : null), [catalog.data]);

  if (catalog.error || roles.error) {
    return (
      <Dialog open onClose={onClose} aria-label="Role">
        <DialogContent>
          <ErrorState error={catalog.error ?? roles.error} />
        </DialogContent>
      </Dialog>
    );
  }
  if (!index || !roles.data || (draftId && !drafts.data)) {
    return (
      <Dialog open onClose={onClose} maxWidth="lg" fullWidth aria-labelledby="role-loading">
        <DialogTitle id="role-loading">Role</DialogTitle>
        <DialogContent>
          <LoadingRows rows={8} label="Loading the action catalog" />
        </DialogContent>
      </Dialog>
    );
  }

  const profileId = session.profileId;
  const role = roleId ? (roles.data.find((r) => r.id === roleId) ?? null) : null;
  const draft = draftId ? (drafts.data?.roles.find((d) => d.draftId === draftId) ?? null) : null;
  const copyOf = copyOfRoleId ? roles.data.find((r) => r.id === copyOfRoleId) : undefined;
  const initial: RoleContent = draft?.draft
    ? draft.draft
    : role
      ? { name: role.name, description: role.description, actions: role.actions }
      : copyOf
        ? { name: `${copyOf.name} (copy)`, description: copyOf.description, actions: copyOf.actions }
        : EMPTY;
  const draftMode = session.state !== 'online' || draft !== null;
  const editedId = role?.id ?? draft?.roleId ?? null;
  const title = draft
    ? `Edit draft — ${initial.name}`
    : role
      ? `Edit role — ${role.name}`
      : copyOf
        ? `Duplicate role — ${copyOf.name}`
        : 'New role';

  const isNameTaken = (name: string) => roles.data!.some((r) => r.id !== editedId && nameKey(r.name) === nameKey(name));

  const loadServerVersion = async (): Promise<ServerVersion> => {
    if (!editedId) return { content: null, changedMeanwhile: false };
    if (session.state !== 'online') {
      const cached =
        draft?.base ?? (role && { name: role.name, description: role.description, actions: role.actions, version: role.version });
      return { content: cached ?? null, changedMeanwhile: false };
    }
    const fresh = await api.roles.get({ id: editedId });
    const baseVersion = draft?.base?.version ?? role?.version ?? fresh.version;
    return { content: fresh, changedMeanwhile: !draftMode && fresh.version !== baseVersion };
  };

  const onSave = async (content: RoleContent) => {
    if (draftMode) {
      await api.drafts.saveRole({ ...(editedId ? { roleId: editedId } : {}), ...(draft ? { draftId: draft.draftId } : {}), role: content });
      await client.invalidateQueries({ queryKey: qk.drafts(profileId) });
      toast({ message: `Draft of “${content.name}” saved; review it under Drafts when you are online.`, severity: 'success' });
      return;
    }
    if (role) await api.roles.update({ id: role.id, expectedVersion: role.version, set: content });
    else await api.roles.create(content);
    const n = role ? (client.getQueryData<Record<string, number>>(qk.roleUsage(profileId))?.[role.id] ?? 0) : 0;
    toast({
      message: role
        ? `Role “${content.name}” saved${n ? `; ${n} credential${n === 1 ? '' : 's'} holding it changed at once` : ''}.`
        : `Role “${content.name}” created.`,
      severity: 'success',
    });
    await Promise.all([
      client.invalidateQueries({ queryKey: qk.roles(profileId) }),
      client.invalidateQueries({ queryKey: qk.roleUsage(profileId) }),
    ]);
  };

  return (
    <RoleDialog
      index={index}
      initial={initial}
      title={title}
      draftMode={draftMode}
      isNameTaken={isNameTaken}
      loadServerVersion={loadServerVersion}
      onSave={onSave}
      onClose={onClose}
      {...(role && usage.data ? { affects: usage.data[role.id] ?? 0 } : {})}
      {...(role ? { ownLossFor: (actions: string[]) => ownLoss(own.own, own.roles, { kind: 'edit-role', roleId: role.id, actions }) } : {})}
    />
  );
}
