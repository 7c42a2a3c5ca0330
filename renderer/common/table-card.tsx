import { Card, CardContent, Stack, Table, TableBody, TableHead, TableRow, Typography } from '@mui/material';
import type { ReactNode } from 'react';

interface TableCardProps {
  /** The card's heading, and the table's accessible name. */
  title: string;
  /** A sentence under the heading: what the card is for. */
  intro?: ReactNode;
  /** A button at the heading's right (e.g. "New webhook"). */
  action?: ReactNode;
  /** An error or notice shown above the table. */
  notice?: ReactNode;
  /** Shown instead of the table while it has no rows. */
  empty: ReactNode | null;
  emptyTestId?: string;
  /** The header cells. */
  head: ReactNode;
  /** The table's rows. */
  children: ReactNode;
  testId?: string;
}

/** A card with a heading and a small table of its rows, or a sentence saying there are none (Policies' webhooks, Usage's top lists). */
export function TableCard({ title, intro, action, notice, empty, emptyTestId, head, children, testId }: TableCardProps) {
  // A card that explains itself leaves room between its sentence and the table.
  const gap = intro === undefined ? 0 : 1;
  return (
    <Card variant="outlined" data-testid={testId}>
      <CardContent>
        <Stack direction="row" sx={{ alignItems: 'flex-start', justifyContent: 'space-between', mb: gap }}>
          <div>
            <Typography variant="h2" component="h2" gutterBottom>
              {title}
            </Typography>
            {intro !== undefined && <Typography color="text.secondary">{intro}</Typography>}
          </div>
          {action}
        </Stack>
        {notice}
        {empty !== null ? (
          <Typography color="text.secondary" sx={{ mt: 2 * gap }} data-testid={emptyTestId}>
            {empty}
          </Typography>
        ) : (
          <Table size="small" aria-label={title} sx={{ mt: gap }}>
            <TableHead>
              <TableRow>{head}</TableRow>
            </TableHead>
            <TableBody>{children}</TableBody>
          </Table>
        )}
      </CardContent>
    </Card>
  );
}
