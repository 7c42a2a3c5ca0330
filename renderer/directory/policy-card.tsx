import {
  Alert,
  Autocomplete,
  Button,
  Card,
  CardContent,
  Chip,
  FormControl,
  FormControlLabel,
  FormLabel,
  Radio,
  RadioGroup,
  Stack,
  TextField,
  Typography,
} from '@mui/material';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { policyWidens } from '../../shared/domain/policy.ts';
import type { Group, IssuancePolicy } from '../../shared/domain/types.ts';
import { useApi } from '../app/api.ts';
import { errorMessage } from '../app/errors.ts';
import { qk } from '../app/query-keys.ts';
import { useSession } from '../app/session.ts';
import { useDialogs } from '../dialogs/dialog-context.ts';

type Choice = 'everyone' | 'nobody' | 'groups';

const choiceOf = (p: IssuancePolicy): Choice =>
  p.allowedGroups === null ? 'everyone' : p.allowedGroups.length === 0 ? 'nobody' : 'groups';

export function describePolicy(p: IssuancePolicy, groups: Group[]): string {
  if (p.allowedGroups === null) return 'Every user may obtain a key.';
  if (p.allowedGroups.length === 0) return 'Nobody may obtain a key.';
  const names = p.allowedGroups.map((id) => groups.find((g) => g.id === id)?.name ?? id);
  return `Members of ${names.join(', ')} may obtain a key.`;
}

/** The issuance policy as three explicit choices; widening the audience asks for confirmation. */
export function PolicyCard({ policy, groups }: { policy: IssuancePolicy; groups: Group[] }) {
  const api = useApi();
  const client = useQueryClient();
  const session = useSession();
  const { openDialog } = useDialogs();
  const [choice, setChoice] = useState<Choice>(choiceOf(policy));
  const [chosen, setChosen] = useState<Group[]>(groups.filter((g) => policy.allowedGroups?.includes(g.id)));
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  const next: IssuancePolicy = { allowedGroups: choice === 'everyone' ? null : choice === 'nobody' ? [] : chosen.map((g) => g.id) };
  const changed = JSON.stringify(next) !== JSON.stringify(policy);
  const write = async () => {
    await api.policy.set(next);
    await client.invalidateQueries({ queryKey: qk.policy(session.profileId) });
    setSaved(true);
  };
  const save = async () => {
    setError(null);
    setSaved(false);
    if (policyWidens(policy, next)) {
      openDialog({
        type: 'confirm',
        title: 'Let more people obtain keys?',
        body: `Now: ${describePolicy(policy, groups)}\nAfter: ${describePolicy(next, groups)}\n\nUsers who gain access can issue their own keys right away, with their groups' default roles.`,
        confirmLabel: 'Widen the policy',
        destructive: true,
        onConfirm: write,
      });
      return;
    }
    try {
      await write();
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <Card variant="outlined" data-testid="policy-card">
      <CardContent>
        <Typography variant="h2" component="h2" gutterBottom>
          Key issuance policy
        </Typography>
        <Typography color="text.secondary" gutterBottom data-testid="policy-summary">
          {describePolicy(policy, groups)}
        </Typography>
        <FormControl>
          <FormLabel id="policy-label">Who may obtain a key</FormLabel>
          <RadioGroup
            aria-labelledby="policy-label"
            value={choice}
            onChange={(e) => {
              setChoice(e.target.value as Choice);
              setSaved(false);
            }}
          >
            <FormControlLabel value="everyone" control={<Radio />} label="Everyone" />
            <FormControlLabel value="nobody" control={<Radio />} label="Nobody" />
            <FormControlLabel value="groups" control={<Radio />} label="Members of these groups" />
          </RadioGroup>
        </FormControl>
        {choice === 'groups' && (
          <Autocomplete
            multiple
            options={groups}
            value={chosen}
            onChange={(_, v) => setChosen(v)}
            getOptionLabel={(g) => g.name}
            isOptionEqualToValue={(a, b) => a.id === b.id}
            renderValue={(value, getItemProps) =>
              value.map((g, i) => <Chip size="small" label={g.name} {...getItemProps({ index: i })} key={g.id} />)
            }
            renderInput={(p) => (
              <TextField
                {...p}
                label="Allowed groups"
                helperText={chosen.length === 0 ? 'With no group chosen, nobody may obtain a key.' : ' '}
              />
            )}
            sx={{ maxWidth: 520, mt: 1 }}
          />
        )}
        <Stack direction="row" spacing={2} sx={{ alignItems: 'center', mt: 2 }}>
          <Button variant="contained" onClick={() => void save()} disabled={!changed}>
            Save policy
          </Button>
          {saved && !changed && <Typography role="status">Saved.</Typography>}
        </Stack>
        {error && (
          <Alert severity="error" sx={{ mt: 2 }}>
            {error}
          </Alert>
        )}
      </CardContent>
    </Card>
  );
}
