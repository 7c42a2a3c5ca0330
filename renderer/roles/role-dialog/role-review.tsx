import { Alert, Box, Chip, Stack, Typography } from '@mui/material';
import type { RoleContent } from '../../../shared/ipc/types.ts';
import { diffSets } from './selection.ts';

interface Props {
  /** The server's current version (null: a new role). */
  server: (RoleContent & { version?: number }) | null;
  /** Whether the server moved on since the dialog opened. */
  changedMeanwhile: boolean;
  edited: RoleContent;
  draftMode: boolean;
}

/** What saving will change compared with the server's version of the role. */
export function RoleReview({ server, changedMeanwhile, edited, draftMode }: Props) {
  const { added, removed } = diffSets(server?.actions ?? [], edited.actions);
  const renamed = server && server.name !== edited.name;
  const described = server && server.description !== edited.description;
  const nothing = server && !renamed && !described && added.length === 0 && removed.length === 0;
  return (
    <Stack spacing={2} data-testid="role-review">
      {draftMode && (
        <Alert severity="info">You are offline: saving stores a draft. Review and apply it from Drafts when you reconnect.</Alert>
      )}
      {changedMeanwhile && (
        <Alert severity="warning">
          Someone changed this role on the server after you opened it. Saving now is refused; close and reopen to edit the newest version.
        </Alert>
      )}
      {!server && (
        <Typography>
          A new role “{edited.name}” with {edited.actions.length} actions.
        </Typography>
      )}
      {nothing && <Typography>No changes compared with the server's version{draftMode ? '.' : ': there is nothing to save.'}</Typography>}
      {renamed && (
        <Typography>
          Name: <s>{server.name}</s> → <strong>{edited.name}</strong>
        </Typography>
      )}
      {described && <Typography>Description changed.</Typography>}
      <DiffList title={`Added (${added.length})`} ids={added} color="success" />
      <DiffList title={`Removed (${removed.length})`} ids={removed} color="error" />
    </Stack>
  );
}

function DiffList({ title, ids, color }: { title: string; ids: string[]; color: 'success' | 'error' }) {
  if (ids.length === 0) return null;
  const shown = ids.slice(0, 200);
  return (
    <Box>
      <Typography variant="subtitle2" component="h3" gutterBottom>
        {title}
      </Typography>
      <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 0.5 }}>
        {shown.map((id) => (
          <Chip key={id} size="small" variant="outlined" color={color} label={`${color === 'success' ? '+' : '−'} ${id}`} />
        ))}
        {ids.length > shown.length && <Typography variant="body2">…and {ids.length - shown.length} more</Typography>}
      </Box>
    </Box>
  );
}
