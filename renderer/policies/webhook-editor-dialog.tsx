import { Checkbox, FormControl, FormControlLabel, FormGroup, FormHelperText, FormLabel, Stack, TextField } from '@mui/material';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { WEBHOOK_EVENTS, type WebhookEvent } from '../../shared/domain/lifecycle.ts';
import { isIpcError } from '../../shared/ipc/types.ts';
import { useApi } from '../app/api.ts';
import { errorMessage } from '../app/errors.ts';
import { qk } from '../app/query-keys.ts';
import { useSession } from '../app/session.ts';
import { DialogFooter, DialogFrame } from '../common/dialog-parts.tsx';
import { NameField } from '../common/form-fields.tsx';
import { useDialogs } from '../dialogs/dialog-context.ts';

const EVENT_HELP: Record<WebhookEvent, string> = {
  'credential.expiring': 'once, when a credential enters the warning window',
  'credential.expired': 'once, when a credential expires',
  'credential.revoked': 'revoked by an admin, with its owner, or after a leak report',
  'credential.leak_reported': 'someone reported the token as found in public',
  'role.changed': 'a role was created, edited or deleted',
  'policy.changed': 'the issuance or lifetime policy changed',
};

/** Checks the page can make before sending; the server checks again (and resolves hostnames). */
function urlProblem(url: string): string | null {
  if (url.trim() === '') return 'The receiver’s URL is required.';
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return 'Not a URL: start with https://';
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname) || parsed.hostname.startsWith('127.');
  if (parsed.protocol === 'http:' && !loopback) return 'Use https:// (plain http:// only reaches this machine).';
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'Use https://';
  return null;
}

/** What is wrong with the form's fields, each null when nothing (the URL also by the server's last refusal). */
function problemsOf(value: { name: string; url: string; events: WebhookEvent[] }, fieldError: { field: string; message: string } | null) {
  return {
    name: value.name.trim() === '' ? 'A name is required.' : value.name.length > 100 ? 'At most 100 characters.' : null,
    url: urlProblem(value.url) ?? (fieldError?.field === 'url' ? fieldError.message : null),
    events: value.events.length === 0 ? 'Choose at least one event.' : null,
  };
}

/** Create or edit a webhook; a new one ends in the one-time dialog with its signing secret. */
export function WebhookEditorDialog({ webhookId, onClose }: { webhookId: string | null; onClose: () => void }) {
  const api = useApi();
  const client = useQueryClient();
  const session = useSession();
  const { openDialog } = useDialogs();
  const existing = useQuery({ queryKey: qk.webhooks(session.profileId), queryFn: () => api.webhooks.list(), enabled: webhookId !== null });
  const hook = existing.data?.find((h) => h.id === webhookId) ?? null;
  const [name, setName] = useState<string | null>(null);
  const [url, setUrl] = useState<string | null>(null);
  const [events, setEvents] = useState<WebhookEvent[] | null>(null);
  const [touched, setTouched] = useState(false);
  const [fieldError, setFieldError] = useState<{ field: string; message: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const value = {
    name: name ?? hook?.name ?? '',
    url: url ?? hook?.url ?? '',
    events: events ?? hook?.events ?? ['credential.revoked', 'credential.leak_reported'],
  };
  const problems = problemsOf(value, fieldError);
  const invalid = Object.values(problems).some(Boolean);

  const save = async () => {
    setTouched(true);
    if (invalid) return;
    setBusy(true);
    setError(null);
    try {
      if (hook) {
        await api.webhooks.update({
          id: hook.id,
          expectedVersion: hook.version,
          set: { name: value.name.trim(), url: value.url.trim(), events: value.events },
        });
        await client.invalidateQueries({ queryKey: qk.webhooks(session.profileId) });
        onClose();
      } else {
        const issued = await api.webhooks.create({ name: value.name.trim(), url: value.url.trim(), events: value.events });
        await client.invalidateQueries({ queryKey: qk.webhooks(session.profileId) });
        onClose();
        openDialog({
          type: 'one-time-token',
          credentialName: issued.webhook.name,
          handle: issued.secretHandle,
          rolled: false,
          webhook: true,
        });
      }
    } catch (e) {
      const field = isIpcError(e) ? (e.details?.['field'] as string | undefined) : undefined;
      if (field === 'url') setFieldError({ field, message: errorMessage(e) });
      else setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const show = (p: string | null) => (touched ? p : null);
  return (
    // No `busy` on the frame: Escape and Cancel close the editor even while a save runs.
    <DialogFrame
      title={hook ? `Edit webhook “${hook.name}”` : 'New webhook'}
      onClose={onClose}
      dividers={false}
      testId="webhook-editor"
      error={error}
      footer={<DialogFooter okLabel={hook ? 'Save' : 'Create webhook'} onOk={() => void save()} onCancel={onClose} okDisabled={busy} />}
    >
      <Stack spacing={2} sx={{ mt: 1 }}>
        <NameField value={value.name} onChange={setName} error={show(problems.name)} required={false} />
        <UrlField
          value={value.url}
          onChange={(next) => {
            setUrl(next);
            setFieldError(null);
          }}
          problem={show(problems.url) ?? fieldError?.message ?? null}
        />
        <EventsField events={value.events} onChange={setEvents} problem={show(problems.events)} />
      </Stack>
    </DialogFrame>
  );
}

/** The receiver's URL, with the page's own check or the server's refusal under it. */
function UrlField({ value, onChange, problem }: { value: string; onChange: (url: string) => void; problem: string | null }) {
  return (
    <TextField
      label="Receiver URL"
      value={value}
      onChange={(e) => onChange(e.target.value)}
      error={problem !== null}
      helperText={problem ?? 'https:// to a public address; deliveries are signed, never redirected.'}
      placeholder="https://hooks.example.com/keyward"
    />
  );
}

/** One checkbox per event the webhook may be sent, each saying when it fires. */
function EventsField({
  events,
  onChange,
  problem,
}: {
  events: WebhookEvent[];
  onChange: (events: WebhookEvent[]) => void;
  problem: string | null;
}) {
  return (
    <FormControl error={problem !== null} component="fieldset">
      <FormLabel component="legend">Events</FormLabel>
      <FormGroup>
        {WEBHOOK_EVENTS.map((e) => (
          <FormControlLabel
            key={e}
            control={
              <Checkbox
                checked={events.includes(e)}
                onChange={(ev) => onChange(ev.target.checked ? [...events, e] : events.filter((x) => x !== e))}
              />
            }
            label={`${e} — ${EVENT_HELP[e]}`}
          />
        ))}
      </FormGroup>
      {problem && <FormHelperText>{problem}</FormHelperText>}
    </FormControl>
  );
}
