import { Stack, TextField, ToggleButton, ToggleButtonGroup } from '@mui/material';

export type ExpiryChoice = '30' | '90' | '365' | 'never' | 'date';

/** Expiry as presets (30 / 90 / 365 days / never) or an explicit date. */
export function ExpiryField({ choice, date, onChange }: { choice: ExpiryChoice; date: string; onChange: (choice: ExpiryChoice, date: string) => void }) {
  return (
    <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
      <ToggleButtonGroup size="small" exclusive value={choice} onChange={(_, v: ExpiryChoice | null) => v && onChange(v, date)} aria-label="Expiry">
        <ToggleButton value="30">30 days</ToggleButton>
        <ToggleButton value="90">90 days</ToggleButton>
        <ToggleButton value="365">365 days</ToggleButton>
        <ToggleButton value="never">Never</ToggleButton>
        <ToggleButton value="date">Date</ToggleButton>
      </ToggleButtonGroup>
      {choice === 'date' && <TextField type="date" label="Expires on" value={date} onChange={(e) => onChange('date', e.target.value)} slotProps={{ inputLabel: { shrink: true } }} />}
    </Stack>
  );
}

/** The ISO timestamp the choice means, or null for "never". */
export function expiryTimestamp(choice: ExpiryChoice, date: string, now = Date.now()): string | null {
  if (choice === 'never') return null;
  if (choice === 'date') return date ? new Date(`${date}T23:59:59Z`).toISOString() : null;
  return new Date(now + Number(choice) * 86_400_000).toISOString();
}
