import { Box, ListItemButton, ListItemText, Typography } from '@mui/material';
import { memo, type KeyboardEvent } from 'react';
import type { IndexedGroup } from './catalog-index.ts';

interface ItemProps {
  group: IndexedGroup;
  count: number;
  active: boolean;
  onSelect: (id: string) => void;
}

const GroupItem = memo(function GroupItem({ group, count, active, onSelect }: ItemProps) {
  const total = group.actions.length;
  return (
    <ListItemButton
      dense
      selected={active}
      onClick={() => onSelect(group.id)}
      tabIndex={active ? 0 : -1}
      data-group-id={group.id}
      aria-current={active ? 'true' : undefined}
      title={group.name}
    >
      <ListItemText primary={group.name} sx={{ minWidth: 0, overflowWrap: 'anywhere' }} />
      <Typography
        variant="caption"
        sx={{
          ml: 1,
          flexShrink: 0,
          whiteSpace: 'nowrap',
          fontVariantNumeric: 'tabular-nums',
          color: count > 0 ? 'primary.main' : 'text.secondary',
          fontWeight: count > 0 ? 700 : 400,
        }}
      >
        {count} of {total}
      </Typography>
    </ListItemButton>
  );
});

interface Props {
  groups: readonly IndexedGroup[];
  counts: ReadonlyMap<string, number>;
  activeId: string | null;
  onSelect: (id: string) => void;
}

/** Action groups with selected/total counts; Up/Down move between groups. */
export function GroupSidebar({ groups, counts, activeId, onSelect }: Props) {
  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const i = groups.findIndex((g) => g.id === activeId);
    const next = groups[Math.max(0, Math.min(groups.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)))];
    if (!next) return;
    const nav = e.currentTarget;
    onSelect(next.id);
    requestAnimationFrame(() => nav.querySelector<HTMLElement>(`[data-group-id="${CSS.escape(next.id)}"]`)?.focus());
  };
  return (
    <Box
      component="nav"
      aria-label="Action groups"
      onKeyDown={onKeyDown}
      sx={{ width: 250, flexShrink: 0, overflow: 'auto', borderRight: 1, borderColor: 'divider' }}
      data-testid="group-sidebar"
    >
      {groups.map((g) => (
        <GroupItem key={g.id} group={g} count={counts.get(g.id) ?? 0} active={g.id === activeId} onSelect={onSelect} />
      ))}
    </Box>
  );
}
