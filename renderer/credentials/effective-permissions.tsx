import { Box, Chip, Typography } from '@mui/material';
import { useMemo } from 'react';
import type { Catalog, Role } from '../../shared/domain/types.ts';

/** What the chosen roles permit together ("any role permits"), grouped by action group. */
export function EffectivePermissions({ catalog, roles }: { catalog: Catalog | undefined; roles: Role[] }) {
  const groups = useMemo(() => {
    const granted = new Set(roles.flatMap((r) => r.actions));
    return (catalog?.groups ?? [])
      .map((g) => ({ name: g.name, total: g.actions.length, ids: g.actions.filter((a) => granted.has(a.id)).map((a) => a.id) }))
      .filter((g) => g.ids.length > 0);
  }, [catalog, roles]);
  if (roles.length === 0) return <Typography color="text.secondary">No roles: this credential will be denied every action.</Typography>;
  if (groups.length === 0) return <Typography color="text.secondary">These roles permit no action yet.</Typography>;
  return (
    <Box
      sx={{ maxHeight: 220, overflow: 'auto', border: 1, borderColor: 'divider', borderRadius: 1, p: 1 }}
      data-testid="effective-permissions"
      tabIndex={0}
      aria-label="Effective permissions"
    >
      {groups.map((g) => (
        <Box key={g.name} sx={{ mb: 1 }}>
          <Typography variant="subtitle2" component="h4">
            {g.name} — {g.ids.length} of {g.total}
          </Typography>
          <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 0.5 }}>
            {g.ids.slice(0, 40).map((id) => (
              <Chip key={id} size="small" variant="outlined" label={id} />
            ))}
            {g.ids.length > 40 && <Typography variant="body2">…and {g.ids.length - 40} more</Typography>}
          </Box>
        </Box>
      ))}
    </Box>
  );
}
