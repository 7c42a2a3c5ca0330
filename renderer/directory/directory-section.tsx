import { Box, Button, Stack, Typography } from '@mui/material';
import type { ReactNode } from 'react';

/** A Directory list (users, groups): its heading with a New button, and a search scope of its own. */
export function DirectorySection({
  title,
  newLabel,
  onNew,
  children,
}: {
  title: string;
  newLabel: string;
  onNew: () => void;
  children: ReactNode;
}) {
  return (
    <Box data-search-scope="">
      <Stack direction="row" sx={{ justifyContent: 'space-between', alignItems: 'center', mb: 1 }}>
        <Typography variant="h2" component="h2">
          {title}
        </Typography>
        <Button variant="outlined" onClick={onNew}>
          {newLabel}
        </Button>
      </Stack>
      {children}
    </Box>
  );
}
