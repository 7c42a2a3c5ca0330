import { Box } from '@mui/material';
import { Fragment } from 'react';

/**
 * A certificate fingerprint ("AB:CD:…") that wraps only between byte pairs, so an admin comparing
 * it pair by pair with the operator's never meets a pair split across lines.
 */
export function Fingerprint({ value, testId }: { value: string; testId?: string }) {
  const pairs = value.split(':');
  return (
    <Box component="code" sx={{ fontFamily: 'ui-monospace, monospace' }} data-testid={testId}>
      {pairs.map((pair, i) => (
        <Fragment key={i}>
          {pair}
          {i < pairs.length - 1 && (
            <>
              :<wbr />
            </>
          )}
        </Fragment>
      ))}
    </Box>
  );
}
