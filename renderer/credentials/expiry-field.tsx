import { FormHelperText, Stack, TextField, ToggleButton, ToggleButtonGroup } from '@mui/material';
import { useId, useState } from 'react';
import { latestAllowedExpiryMs, type LifetimePolicy } from '../../shared/domain/lifecycle.ts';
import type { ExpiryChoice } from './expiry.ts';

/**
 * Expiry as presets (30 / 90 / 365 days / never) or an explicit date. Under a lifetime policy it
 * says the latest allowed expiry; `error` (the server's lifetime_exceeded message) shows below it.
 */
export function ExpiryField({
  choice,
  date,
  onChange,
  policy = null,
  error = null,
}: {
  choice: ExpiryChoice;
  date: string;
  onChange: (choice: ExpiryChoice, date: string) => void;
  policy?: LifetimePolicy | null;
  /** A problem with the expiry, shown under the date (or beside the presets). */
  error?: string | null;
}) {
  const helpId = useId();
  // The latest allowed day as of opening the editor (it moves on by a day only at midnight).
  const [openedAt] = useState(() => Date.now());
  const latest = policy ? latestAllowedExpiryMs(policy, openedAt) : null;
  const help =
    latest !== null
      ? `The lifetime policy allows at most ${policy!.maxLifetimeDays} days: the latest allowed expiry is ${new Date(latest).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' })}.`
      : policy?.requireExpiry
        ? 'The lifetime policy requires an expiry date.'
        : null;
  return (
    <div>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
        <ToggleButtonGroup
          size="small"
          exclusive
          value={choice}
          onChange={(_, v: ExpiryChoice | null) => v && onChange(v, date)}
          aria-label="Expiry"
          aria-describedby={help || error ? helpId : undefined}
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
            slotProps={{ inputLabel: { shrink: true } }}
          />
        )}
      </Stack>
      {(help || error) && (
        <FormHelperText id={helpId} error={Boolean(error)} data-testid="expiry-help" role={error ? 'alert' : undefined}>
          {error ?? help}
        </FormHelperText>
      )}
    </div>
  );
}
