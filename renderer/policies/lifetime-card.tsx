import { Alert, Button, Card, CardContent, FormControlLabel, Stack, Switch, TextField, Typography } from '@mui/material';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { LifetimePolicy } from '../../shared/domain/lifecycle.ts';
import { useApi } from '../app/api.ts';
import { errorMessage } from '../app/errors.ts';
import { qk } from '../app/query-keys.ts';
import { useSession } from '../app/session.ts';

/** The lifetime form: its fields as typed, their problems, the policy they make, and saving it. */
function useLifetimeForm(policy: LifetimePolicy) {
  const api = useApi();
  const client = useQueryClient();
  const session = useSession();
  const [limited, setLimited] = useState(policy.maxLifetimeDays !== null);
  const [maxDays, setMaxDays] = useState(String(policy.maxLifetimeDays ?? 90));
  const [requireExpiry, setRequireExpiry] = useState(policy.requireExpiry);
  const [warnDays, setWarnDays] = useState(String(policy.warnBeforeDays));
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const maxProblem =
    limited && !(/^\d+$/.test(maxDays) && Number(maxDays) >= 1 && Number(maxDays) <= 36_500)
      ? 'A whole number of days from 1 to 36,500.'
      : null;
  const warnProblem = !(/^\d+$/.test(warnDays) && Number(warnDays) <= 365) ? 'A whole number of days from 0 to 365.' : null;
  const next: LifetimePolicy = {
    maxLifetimeDays: limited ? Number(maxDays) : null,
    requireExpiry: limited || requireExpiry,
    warnBeforeDays: Number(warnDays),
  };
  const changed =
    JSON.stringify(next) !== JSON.stringify({ ...policy, requireExpiry: policy.maxLifetimeDays !== null || policy.requireExpiry });

  const save = async () => {
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      await api.policy.setLifetime(next);
      await client.invalidateQueries({ queryKey: qk.lifetime(session.profileId) });
      setSaved(true);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return {
    limited,
    setLimited,
    maxDays,
    setMaxDays,
    requireExpiry,
    setRequireExpiry,
    warnDays,
    setWarnDays,
    error,
    saved,
    busy,
    maxProblem,
    warnProblem,
    changed,
    save,
  };
}

/** The credential lifetime policy (DESIGN §3.12): maximum lifetime, required expiry, warning window. */
export function LifetimeCard({ policy }: { policy: LifetimePolicy }) {
  const form = useLifetimeForm(policy);
  return (
    <Card variant="outlined" data-testid="lifetime-card">
      <CardContent>
        <Typography variant="h2" component="h2" gutterBottom>
          Credential lifetime
        </Typography>
        <Typography color="text.secondary" sx={{ mb: 2 }}>
          Keys that must expire are keys that cannot be forgotten. A lower maximum does not shorten existing credentials; Hygiene lists the
          ones that now live too long.
        </Typography>
        <Stack spacing={2} sx={{ maxWidth: 520 }}>
          <FormControlLabel
            control={<Switch checked={form.limited} onChange={(e) => form.setLimited(e.target.checked)} />}
            label="Limit how long a credential may live"
          />
          {form.limited && (
            <TextField
              label="Maximum lifetime (days)"
              value={form.maxDays}
              onChange={(e) => form.setMaxDays(e.target.value.trim())}
              error={form.maxProblem !== null}
              helperText={form.maxProblem ?? 'New, imported and self-issued credentials, new expiry dates and rolls must fit.'}
              size="small"
              slotProps={{ htmlInput: { inputMode: 'numeric' } }}
            />
          )}
          <FormControlLabel
            control={
              <Switch
                checked={form.limited || form.requireExpiry}
                disabled={form.limited}
                onChange={(e) => form.setRequireExpiry(e.target.checked)}
              />
            }
            label={form.limited ? 'Every credential needs an expiry (implied by the maximum)' : 'Every credential needs an expiry'}
          />
          <TextField
            label="Warn before expiry (days)"
            value={form.warnDays}
            onChange={(e) => form.setWarnDays(e.target.value.trim())}
            error={form.warnProblem !== null}
            helperText={
              form.warnProblem ?? 'Hygiene lists credentials this close to expiring, and the credential.expiring webhook fires once.'
            }
            size="small"
            slotProps={{ htmlInput: { inputMode: 'numeric' } }}
          />
          {form.error && <Alert severity="error">{form.error}</Alert>}
          {form.saved && !form.changed && <Alert severity="success">Lifetime policy saved.</Alert>}
          <div>
            <Button
              variant="contained"
              disabled={!form.changed || form.busy || form.maxProblem !== null || form.warnProblem !== null}
              onClick={() => void form.save()}
            >
              Save lifetime policy
            </Button>
          </div>
        </Stack>
      </CardContent>
    </Card>
  );
}
