import { Button, Paper, Stack, Typography } from '@mui/material';
import type { ReactNode } from 'react';

/** The bar over a list while rows are ticked: how many, the bulk actions, and "Clear selection". */
export function SelectionBar({
  label,
  count,
  onClear,
  children,
}: {
  label: string;
  count: number;
  onClear: () => void;
  children: ReactNode;
}) {
  return (
    <Paper
      variant="outlined"
      data-testid="selection-bar"
      sx={{ px: 2, py: 0.5, mb: 1, display: 'flex', alignItems: 'center', gap: 1, bgcolor: 'action.selected' }}
      role="toolbar"
      aria-label={label}
    >
      <Typography variant="body2" sx={{ fontWeight: 600, mr: 1 }} aria-live="polite">
        {count} selected
      </Typography>
      <Stack direction="row" spacing={1} sx={{ flex: 1 }}>
        {children}
      </Stack>
      <Button size="small" onClick={onClear}>
        Clear selection
      </Button>
    </Paper>
  );
}
