import { Alert, Box, Button, Card, CardContent, Chip, Stack, TextField, Typography } from '@mui/material';
import { useState } from 'react';
import type { ConflictChoice, PlanConflict, PlanItem } from '../../shared/ipc/types.ts';

const OP_LABEL = { create: 'Create', update: 'Update', delete: 'Delete', noop: 'No change' } as const;
const OP_COLOR = { create: 'success', update: 'primary', delete: 'error', noop: 'default' } as const;

interface Props {
  item: PlanItem;
  onResolve: (item: PlanItem, conflict: PlanConflict, choice: ConflictChoice, name?: string) => void;
  busy: boolean;
}

/** One role of the plan: what apply will do, and each conflict with its choices. */
export function PlanItemCard({ item, onResolve, busy }: Props) {
  return (
    <Card variant="outlined" data-testid={`plan-item-${item.name}`} component="article" aria-label={`${OP_LABEL[item.op]} ${item.name}`}>
      <CardContent>
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mb: 1 }}>
          <Chip size="small" color={OP_COLOR[item.op]} label={OP_LABEL[item.op]} />
          <Typography variant="h2" component="h3">
            {item.name}
          </Typography>
          {item.serverChanged && <Chip size="small" variant="outlined" color="warning" label="Changed on the server too — merged" />}
        </Stack>
        {item.nameChange && (
          <Typography variant="body2">
            Rename: {item.nameChange.from} → {item.nameChange.to}
          </Typography>
        )}
        {item.descriptionChanged && <Typography variant="body2">Description changes.</Typography>}
        <ActionDiff label="Added" ids={item.actionsAdded} sign="+" color="success" />
        <ActionDiff label="Removed" ids={item.actionsRemoved} sign="−" color="error" />
        {item.conflicts.map((c) => (
          <ConflictBox key={c.kind} conflict={c} onChoose={(choice, name) => onResolve(item, c, choice, name)} busy={busy} />
        ))}
      </CardContent>
    </Card>
  );
}

function ActionDiff({ label, ids, sign, color }: { label: string; ids: string[]; sign: string; color: 'success' | 'error' }) {
  if (ids.length === 0) return null;
  return (
    <Box sx={{ mt: 1 }}>
      <Typography variant="subtitle2" component="h4">
        {label} ({ids.length})
      </Typography>
      <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 0.5 }}>
        {ids.slice(0, 60).map((id) => (
          <Chip key={id} size="small" variant="outlined" color={color} label={`${sign} ${id}`} />
        ))}
        {ids.length > 60 && <Typography variant="body2">…and {ids.length - 60} more</Typography>}
      </Box>
    </Box>
  );
}

function ConflictBox({
  conflict,
  onChoose,
  busy,
}: {
  conflict: PlanConflict;
  onChoose: (choice: ConflictChoice, name?: string) => void;
  busy: boolean;
}) {
  const [rename, setRename] = useState(conflict.mine ?? '');
  const showValues = conflict.kind === 'name' || conflict.kind === 'description';
  return (
    <Alert severity="warning" sx={{ mt: 1.5 }} data-testid={`conflict-${conflict.kind}`}>
      <Typography variant="body2" sx={{ fontWeight: 600 }}>
        {conflict.message}
      </Typography>
      {showValues && (
        <Typography variant="body2" component="div" sx={{ mt: 0.5 }}>
          Was “{conflict.base}”; yours “{conflict.mine}”; on the server “{conflict.theirs}”.
        </Typography>
      )}
      {conflict.actions && <Typography variant="body2">Unknown actions: {conflict.actions.join(', ')}</Typography>}
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mt: 1 }}>
        {conflict.kind === 'name_taken' && <TextField label="New name" value={rename} onChange={(e) => setRename(e.target.value)} />}
        <Button
          size="small"
          variant="contained"
          disabled={busy}
          onClick={() => onChoose('mine', conflict.kind === 'name_taken' ? rename : undefined)}
        >
          {conflict.kind === 'name_taken' ? 'Use this name' : 'Keep mine'}
        </Button>
        <Button size="small" variant="outlined" disabled={busy} onClick={() => onChoose('theirs')}>
          {conflict.kind === 'name_taken' ? 'Drop my role' : 'Take the server’s'}
        </Button>
      </Stack>
    </Alert>
  );
}
