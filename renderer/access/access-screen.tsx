import {
  Alert,
  AlertTitle,
  Autocomplete,
  Box,
  Button,
  Chip,
  MenuItem,
  Paper,
  Stack,
  TextField,
  ToggleButton,
  ToggleButtonGroup,
  Typography,
} from '@mui/material';
import { useMemo, useState } from 'react';
import { canonicalPath, PATH_PROBLEM_TEXT } from '../../shared/domain/canonical-path.ts';
import { HTTP_METHODS } from '../../shared/domain/types.ts';
import type { AccessCheck } from '../../shared/ipc/types.ts';
import { useApi } from '../app/api.ts';
import { useAllCredentials, useCatalog } from '../app/data.ts';
import { errorMessage } from '../app/errors.ts';
import { Page } from '../common/states.tsx';

const REASON: Record<AccessCheck['reason'], string> = {
  granted: 'Allowed.',
  unknown_token: 'Unknown credential.',
  disabled: 'The credential is disabled.',
  revoked: 'The credential is revoked.',
  expired: 'The credential has expired.',
  ip_not_allowed: 'The request address is outside the credential’s allowed networks.',
  no_roles: 'The credential holds no role, so it is denied everything.',
  not_permitted: 'None of the credential’s roles includes this action.',
  missing_roles: 'The credential lacks roles this route requires.',
  no_route: 'No backend’s prefix matches this path.',
  stale_cache: 'The server has lost contact with its database for too long to trust its cached permissions.',
  invalid_path: 'The path is refused whatever the credential, because servers could read it as a different route.',
} as Record<AccessCheck['reason'], string>;

/** "May this credential do this?" with the reason, computed by main from server state or the offline cache. */
export function AccessScreen() {
  const api = useApi();
  const credentials = useAllCredentials();
  const catalog = useCatalog();
  const actions = useMemo(
    () => (catalog.data?.groups ?? []).flatMap((g) => g.actions.map((a) => ({ id: a.id, group: g.name }))),
    [catalog.data],
  );
  const [credentialId, setCredentialId] = useState<string | null>(null);
  const [mode, setMode] = useState<'action' | 'route'>('action');
  const [action, setAction] = useState<string | null>(null);
  const [method, setMethod] = useState('GET');
  const [path, setPath] = useState('/');
  const [ip, setIp] = useState('');
  const [result, setResult] = useState<AccessCheck | null>(null);
  const [checkedPath, setCheckedPath] = useState('');
  const [error, setError] = useState<string | null>(null);
  const chosen = credentials.data?.find((c) => c.id === credentialId) ?? null;
  // An answer belongs to the question asked: changing any part of it clears the old one.
  const question = JSON.stringify([credentialId, mode, action, method, path, ip]);
  const [answered, setAnswered] = useState(question);
  if (answered !== question) {
    setAnswered(question);
    setResult(null);
    setError(null);
  }

  const check = async () => {
    setError(null);
    setResult(null);
    setCheckedPath(mode === 'route' ? path : '');
    try {
      const extra = ip ? { ip } : {};
      setResult(
        await api.access.check(
          mode === 'action'
            ? { credentialId: credentialId!, action: action!, ...extra }
            : { credentialId: credentialId!, method, path, ...extra },
        ),
      );
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const ready = credentialId !== null && (mode === 'action' ? action !== null : path.startsWith('/'));

  return (
    <Page
      title="Access checker"
      intro="Pick a credential and a request to see whether it is allowed, and why. Works offline on the cached state."
    >
      <Paper variant="outlined" sx={{ p: 2 }}>
        <Stack spacing={2}>
          <Autocomplete
            options={credentials.data ?? []}
            loading={credentials.isPending}
            value={chosen}
            onChange={(_, v) => setCredentialId(v?.id ?? null)}
            getOptionLabel={(c) => `${c.name} (${c.prefix}, ${c.status})`}
            isOptionEqualToValue={(a, b) => a.id === b.id}
            renderInput={(p) => <TextField {...p} label="Credential" />}
          />
          <ToggleButtonGroup
            exclusive
            size="small"
            value={mode}
            onChange={(_, v: 'action' | 'route' | null) => v && setMode(v)}
            aria-label="Request kind"
          >
            <ToggleButton value="action">Action</ToggleButton>
            <ToggleButton value="route">Method + URL</ToggleButton>
          </ToggleButtonGroup>
          {mode === 'action' ? (
            <Autocomplete
              options={actions}
              groupBy={(a) => a.group}
              value={actions.find((a) => a.id === action) ?? null}
              onChange={(_, v) => setAction(v?.id ?? null)}
              getOptionLabel={(a) => a.id}
              renderInput={(p) => <TextField {...p} label="Action" />}
            />
          ) : (
            <Stack direction="row" spacing={1}>
              <TextField select label="Method" value={method} onChange={(e) => setMethod(e.target.value)} sx={{ width: 120 }}>
                {HTTP_METHODS.map((m) => (
                  <MenuItem key={m} value={m}>
                    {m}
                  </MenuItem>
                ))}
              </TextField>
              <TextField label="URL path" value={path} onChange={(e) => setPath(e.target.value)} sx={{ flex: 1 }} />
            </Stack>
          )}
          <TextField
            label="Client address (optional)"
            value={ip}
            onChange={(e) => setIp(e.target.value)}
            helperText="Needed for credentials bound to networks."
            sx={{ maxWidth: 320 }}
          />
          <div>
            <Button variant="contained" onClick={() => void check()} disabled={!ready}>
              Check access
            </Button>
          </div>
        </Stack>
      </Paper>
      {error && (
        <Alert severity="error" sx={{ mt: 2 }}>
          {error}
        </Alert>
      )}
      {result && <Decision result={result} path={checkedPath} allowedNetworks={chosen?.allowedCidrs ?? []} askedFrom={ip} />}
    </Page>
  );
}

/** Why the shared canonicaliser refused the checked path, in words, for an invalid_path decision. */
function pathProblemText(path: string): string | null {
  const canonical = canonicalPath(path);
  return typeof canonical === 'string' ? null : PATH_PROBLEM_TEXT[canonical.invalid];
}

function Decision({
  result,
  path,
  allowedNetworks,
  askedFrom,
}: {
  result: AccessCheck;
  path: string;
  allowedNetworks: string[];
  askedFrom: string;
}) {
  const pathProblem = result.reason === 'invalid_path' ? pathProblemText(path) : null;
  const reason =
    result.reason === 'ip_not_allowed'
      ? askedFrom
        ? `${askedFrom} is outside the credential’s allowed networks: ${allowedNetworks.join(', ')}.`
        : `This credential only works from ${allowedNetworks.join(', ')}. Enter a client address to check a request from one of them.`
      : (REASON[result.reason] ?? result.reason);
  return (
    <Alert severity={result.allowed ? 'success' : 'error'} sx={{ mt: 2 }} data-testid="access-result">
      <AlertTitle>{result.allowed ? 'Allowed' : 'Denied'}</AlertTitle>
      <Typography>{reason}</Typography>
      {pathProblem && <Typography>{pathProblem}</Typography>}
      {result.grantedBy.length > 0 && <Typography>Granted by: {result.grantedBy.join(', ')}</Typography>}
      {result.missingRoles.length > 0 && <Typography>Missing roles: {result.missingRoles.join(', ')}</Typography>}
      {result.route && (
        <Typography>
          Backend {result.route.backendName}
          {result.route.subSettingIndex !== null ? `, sub-URL setting ${result.route.subSettingIndex + 1}` : ''}; required:{' '}
          {result.route.requiredRoles.join(', ') || 'none'}
        </Typography>
      )}
      {result.breakdown.length > 0 && (
        <Box sx={{ mt: 1, display: 'flex', gap: 0.5, flexWrap: 'wrap' }}>
          {result.breakdown.map((b) => (
            <Chip
              key={b.roleId}
              size="small"
              variant="outlined"
              label={`${b.name}: ${b.includesAction === true ? 'includes it' : b.includesAction === false ? 'does not include it' : b.required ? 'required' : 'not required'}`}
            />
          ))}
        </Box>
      )}
      <Typography variant="body2" sx={{ mt: 1 }}>
        Based on {result.basis === 'server' ? 'the server’s current state' : 'the offline cache'}
        {result.stateAt ? ` from ${new Date(result.stateAt).toLocaleString()}` : ''}.
      </Typography>
    </Alert>
  );
}
