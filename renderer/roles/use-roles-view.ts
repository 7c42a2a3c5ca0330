import { useState } from 'react';
import type { Role } from '../../shared/domain/types.ts';
import { useDrafts, useRoleUsage, useRoles } from '../app/data.ts';
import { textMatches, useListView } from '../common/list-view.tsx';
import { useDialogs } from '../dialogs/dialog-context.ts';
import { roleColumns } from './role-columns.tsx';
import { useConfirmRoleDelete } from './use-confirm-role-delete.ts';

export type RoleFilter = 'all' | 'unused' | 'used' | 'draft';

/** The Roles screen's data and list state: roles with their drafts, the Show filter, search, sort and the ticked roles. */
export function useRolesView() {
  const { openDialog } = useDialogs();
  const roles = useRoles();
  const usage = useRoleUsage();
  const drafts = useDrafts();
  const confirmDelete = useConfirmRoleDelete();
  const draftFor = new Map((drafts.data?.roles ?? []).filter((d) => d.roleId).map((d) => [d.roleId!, d]));
  const newDrafts = (drafts.data?.roles ?? []).filter((d) => d.op === 'create');

  const [chosen, setShow] = useState<RoleFilter>('all');
  // Offline there is no usage: a usage filter chosen online falls back to every role.
  const show: RoleFilter = usage.data || chosen === 'draft' ? chosen : 'all';
  const held = (r: Role) => usage.data?.[r.id] ?? 0;
  const columns = roleColumns({ draftFor, usage: usage.data, openDialog, onDelete: (r) => void confirmDelete(r) });
  const list = useListView({
    rows: roles.data ?? [],
    columns,
    text: (r) => [r.name, r.description, ...r.actions],
    filter: (r) => show === 'all' || (show === 'draft' ? draftFor.has(r.id) : (held(r) === 0) === (show === 'unused')),
    initialSort: { column: 'name', direction: 'asc' },
  });
  // Bulk actions: the ticked roles (ids of roles since deleted drop out on their own).
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const selectedRoles = (roles.data ?? []).filter((r) => picked.has(r.id));
  const shownDrafts = newDrafts.filter(
    (d) =>
      (show === 'all' || show === 'draft') &&
      textMatches([d.draft?.name ?? '', d.draft?.description ?? '', ...(d.draft?.actions ?? [])], list.query),
  );
  const clear = () => {
    list.setTyped('');
    setShow('all');
  };
  return { roles, hasUsage: !!usage.data, newDrafts, show, setShow, columns, list, picked, setPicked, selectedRoles, shownDrafts, clear };
}
