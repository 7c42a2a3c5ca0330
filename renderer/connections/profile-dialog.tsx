import { Alert, Button, Checkbox, FormControlLabel, Stack, TextField, Typography } from '@mui/material';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ConnectionTest } from '../../shared/ipc/types.ts';
import { useApi } from '../app/api.ts';
import { errorMessage } from '../app/errors.ts';
import { DialogFooter, DialogFrame } from '../common/dialog-parts.tsx';
import { NameField } from '../common/form-fields.tsx';
import { useFieldErrors } from '../common/use-field-errors.ts';
import { qk } from '../app/query-keys.ts';
import { Fingerprint } from '../common/fingerprint.tsx';
import { TestResult } from './test-result.tsx';

/** Adds or edits a server profile. An https server's certificate must be confirmed by fingerprint. */
export function ProfileDialog({ profileId, onClose }: { profileId: string | null; onClose: () => void }) {
  const form = useProfileForm(profileId, onClose);
  const { existing, name, setName, url, setUrl, insecure, setInsecure, test, setTest, fingerprintOk, setFingerprintOk } = form;
  const { busy, error, errors, needsPin, runTest, save, canSave } = form;
  return (
    <DialogFrame
      title={existing ? `Edit ${existing.name}` : 'Add a server'}
      onClose={onClose}
      busy={busy}
      error={errors.other}
      footer={
        <DialogFooter
          okLabel={existing ? 'Save' : 'Add server'}
          onOk={() => void save()}
          onCancel={onClose}
          busy={busy}
          okDisabled={!canSave}
        />
      }
    >
      <Stack spacing={2}>
        <NameField value={name} onChange={setName} error={errors.field('name')} placeholder="Production" />
        <TextField
          label="Server URL"
          value={url}
          onChange={(e) => {
            setUrl(e.target.value);
            setTest(null);
          }}
          required
          error={errors.field('url') !== null}
          helperText={errors.field('url') ?? 'https:// — plain http only to this machine, or with the opt-in below.'}
        />
        <TokenField form={form} />
        <FormControlLabel
          control={<Checkbox checked={insecure} onChange={(e) => setInsecure(e.target.checked)} />}
          label="Allow plain HTTP to a remote host (tokens travel unencrypted)"
        />
        <div>
          <Button variant="outlined" onClick={() => void runTest()} disabled={busy || !/^https?:\/\/\S+/.test(url)}>
            Test connection
          </Button>
        </div>
        {test && <TestResult test={test} />}
        {needsPin && test?.certificate && (
          <PinConfirm fingerprint={test.certificate.fingerprint} confirmed={fingerprintOk} onConfirmed={setFingerprintOk} />
        )}
        {error && <Alert severity="error">{error}</Alert>}
      </Stack>
    </DialogFrame>
  );
}

/** The profile form's fields, its connection test and its save. */
function useProfileForm(profileId: string | null, onClose: () => void) {
  const api = useApi();
  const client = useQueryClient();
  const profiles = useQuery({ queryKey: qk.profiles, queryFn: () => api.profiles.list() });
  const existing = profiles.data?.find((p) => p.id === profileId) ?? null;
  const [name, setName] = useState(existing?.name ?? '');
  const [url, setUrl] = useState(existing?.url ?? 'https://');
  const [token, setToken] = useState('');
  const [insecure, setInsecure] = useState(existing?.allowInsecureHttp ?? false);
  const [test, setTest] = useState<ConnectionTest | null>(null);
  const [fingerprintOk, setFingerprintOk] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const errors = useFieldErrors({ name: 'Name', url: 'Server URL', token: 'Admin token' }, { name, url, token });

  const needsPin = test?.pin === 'unpinned' && !existing;
  // Main drops the stored token when a profile moves to another server (scheme, host or port).
  const movesServer = existing !== null && originOf(url) !== originOf(existing.url);
  const runTest = async () => {
    setBusy(true);
    setError(null);
    setFingerprintOk(false);
    try {
      setTest(await api.profiles.test({ url, ...(token ? { token } : {}), allowInsecureHttp: insecure }));
    } catch (e) {
      setError(errorMessage(e));
    }
    setBusy(false);
  };
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      if (existing) await api.profiles.update({ id: existing.id, name, url, allowInsecureHttp: insecure, ...(token ? { token } : {}) });
      else
        await api.profiles.add({
          name,
          url,
          token,
          allowInsecureHttp: insecure,
          fingerprint: needsPin ? test!.certificate!.fingerprint : null,
        });
      await client.invalidateQueries({ queryKey: qk.profiles });
      onClose();
    } catch (e) {
      errors.report(e);
      setBusy(false);
    }
  };
  const canSave =
    name.trim() !== '' &&
    /^https?:\/\/\S+/.test(url) &&
    ((existing !== null && !movesServer) || token !== '') &&
    (!needsPin || fingerprintOk);
  return {
    name,
    setName,
    url,
    setUrl,
    token,
    setToken,
    insecure,
    setInsecure,
    test,
    setTest,
    fingerprintOk,
    setFingerprintOk,
    busy,
    error,
    errors,
    needsPin,
    movesServer,
    runTest,
    save,
    canSave,
    existing,
  };
}

/** The admin token; what an empty field means depends on whether the profile is new or moves to another server. */
function TokenField({ form }: { form: ReturnType<typeof useProfileForm> }) {
  const { token, setToken, setTest, existing, movesServer, errors } = form;
  return (
    <TextField
      label="Admin token"
      type="password"
      value={token}
      onChange={(e) => {
        setToken(e.target.value);
        setTest(null);
      }}
      required={!existing || movesServer}
      error={errors.field('token') !== null}
      helperText={
        errors.field('token') ??
        (movesServer
          ? 'This is another server: enter its admin token. The stored token and the confirmed certificate belong to the old address and are removed.'
          : existing
            ? 'Leave empty to keep the token stored in the keychain.'
            : 'Stored in the OS keychain, never on disk.')
      }
      autoComplete="off"
    />
  );
}

/** An unpinned https server: its fingerprint must be confirmed before the profile can be added. */
function PinConfirm(p: { fingerprint: string; confirmed: boolean; onConfirmed: (v: boolean) => void }) {
  return (
    <Alert severity="warning">
      <Typography variant="body2" gutterBottom>
        Check this fingerprint with the server's administrator before trusting it. Keyward will refuse the server if it ever changes.
      </Typography>
      <Fingerprint value={p.fingerprint} />
      <FormControlLabel
        control={<Checkbox checked={p.confirmed} onChange={(e) => p.onConfirmed(e.target.checked)} />}
        label="This fingerprint is the server's"
      />
    </Alert>
  );
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
