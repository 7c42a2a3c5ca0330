import { Stack, TextField, ToggleButton, ToggleButtonGroup, Typography } from '@mui/material';
import type { ExpiryChoice } from './expiry.ts';

/** Expiry as presets (30 / 90 / 365 days / never) or an explicit date. */
export function ExpiryField({
  choice,
  date,
  onChange,
  error,
}: {
  choice: ExpiryChoice;
  date: string;
  onChange: (choice: ExpiryChoice, date: string) => void;
  /** A problem with the expiry, shown under the date (or beside the presets). */
  error?: string | null;
}) {
  return (
    <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
      <ToggleButtonGroup
        size="small"
        exclusive
        value={choice}
        onChange={(_, v: ExpiryChoice | null) => v && onChange(v, date)}
        aria-label="Expiry"
      >
        <ToggleButton value="30">30 days</ToggleButton>
        <ToggleButton value="90">90 days</ToggleButton>
        <ToggleButton value="365">365 days</ToggleButton>
        <ToggleButton value="never">Never</ToggleButton>
        <ToggleButton value="date">Date</ToggleButton>
      </ToggleButtonGroup>
      {choice === 'date' && (
        <TextField
          type="date"
          label="Expires on"
          value={date}
          onChange={(e) => onChange('date', e.target.value)}
          error={Boolean(error)}
          helperText={error ?? ' '}
          slotProps={{ inputLabel: { shrink: true } }}
        />
      )}
      {choice !== 'date' && error && (
        <Typography color="error" variant="body2" role="alert">
          {error}
        </Typography>
      )}
    </Stack>
  );
}
