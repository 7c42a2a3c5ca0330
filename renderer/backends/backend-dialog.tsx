import { Alert, Button, Checkbox, FormControlLabel, FormHelperText, MenuItem, Stack, TextField, Typography } from '@mui/material';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { regexProblem } from '../../shared/domain/policy.ts';
import { HTTP_METHODS, type Backend, type Role, type SubSetting } from '../../shared/domain/types.ts';
import { useApi } from '../app/api.ts';
import { useBackends, useRoles } from '../app/data.ts';
import { useSession } from '../app/session.ts';
import { useToast } from '../app/toasts.tsx';
import { DialogFooter, DialogFrame } from '../common/dialog-parts.tsx';
import { NameField } from '../common/form-fields.tsx';
import { useFieldErrors } from '../common/use-field-errors.ts';
import { useDiscardGuard } from '../dialogs/discard-guard.tsx';
import { MultiPicker } from '../directory/multi-picker.tsx';
import { prefixProblem, testRoute, type RouteTestResult } from './route-test.ts';
import { SubSettingRow } from './sub-setting-row.tsx';

/** Creates or edits a backend; a "test a path" field shows which setting decides a request. */
export function BackendDialog({ backendId, onClose }: { backendId: string | null; onClose: () => void }) {
  const backend = useBackends().data?.find((b) => b.id === backendId) ?? null;
  const roles = useRoles().data ?? [];
  const [name, setName] = useState(backend?.name ?? '');
  const [prefix, setPrefix] = useState(backend?.frontendPrefix ?? '/');
  const [required, setRequired] = useState<string[]>(backend?.requiredRoles ?? []);
  const [settings, setSettings] = useState<SubSetting[]>(backend?.subSettings ?? []);
  const [caseSensitive, setCaseSensitive] = useState(backend?.caseSensitive ?? false);
  const [testMethod, setTestMethod] = useState('GET');
  const [testPath, setTestPath] = useState('');
  const errors = useFieldErrors(
    {
      name: 'Name',
      frontendPrefix: 'Frontend prefix',
      requiredRoles: 'Required roles',
      roles: 'Required roles',
      subSettings: 'Sub-URL settings',
    },
    { name: name.trim(), frontendPrefix: prefix, requiredRoles: required, roles: required, subSettings: settings },
  );
  // Escape, the backdrop and Cancel ask before throwing edits away ("test a path" is not an edit).
  const fieldsNow = JSON.stringify([name, prefix, required, settings, caseSensitive]);
  const [fieldsAtOpen] = useState(fieldsNow);
  const discard = useDiscardGuard(fieldsNow !== fieldsAtOpen, onClose, 'backend');

  const prefixIssue = prefixProblem(prefix);
  const prefixOk = prefixIssue === null;
  const regexOk = settings.every((s) => regexProblem(s.pathRegex) === null);
  const tested = testPath ? testRoute({ prefix, requiredRoles: required, settings, caseSensitive }, testMethod, testPath) : null;
  const match = tested?.kind === 'match' ? tested.requirement : null;

  const { busy, save } = useSaveBackend(backend, errors, onClose);
  const fields = () => ({ name: name.trim(), frontendPrefix: prefix, requiredRoles: required, subSettings: settings, caseSensitive });

  return (
    <DialogFrame
      title={backend ? `Edit backend — ${backend.name}` : 'New backend'}
      onClose={discard.requestClose}
      busy={busy}
      maxWidth="lg"
      error={errors.other}
      footer={
        <DialogFooter
          okLabel="Save"
          onOk={() => void save(fields())}
          onCancel={discard.requestClose}
          busy={busy}
          okDisabled={name.trim() === '' || !prefixOk || !regexOk}
        />
      }
      overlay={discard.prompt}
    >
      <Stack spacing={2}>
        <BackendFields
          name={name}
          setName={setName}
          prefix={prefix}
          setPrefix={setPrefix}
          required={required}
          setRequired={setRequired}
          caseSensitive={caseSensitive}
          setCaseSensitive={setCaseSensitive}
          roles={roles}
          errors={errors}
        />
        <SubSettingsList
          settings={settings}
          setSettings={setSettings}
          prefix={prefix}
          roles={roles}
          matchedIndex={match?.subSettingIndex}
        />
        <RouteTestFields method={testMethod} setMethod={setTestMethod} path={testPath} setPath={setTestPath} prefix={prefix} />
        {testPath && tested && <RouteTestAlert tested={tested} testPath={testPath} prefix={prefix} roles={roles} />}
        {errors.field('subSettings') && <Alert severity="error">{errors.field('subSettings')}</Alert>}
      </Stack>
    </DialogFrame>
  );
}

type FieldErrors = ReturnType<typeof useFieldErrors>;

/** Name, prefix, required roles and case sensitivity: the backend's own fields. */
function BackendFields(p: {
  name: string;
  setName: (v: string) => void;
  prefix: string;
  setPrefix: (v: string) => void;
  required: string[];
  setRequired: (v: string[]) => void;
  caseSensitive: boolean;
  setCaseSensitive: (v: boolean) => void;
  roles: Role[];
  errors: FieldErrors;
}) {
  const { errors } = p;
  const prefixIssue = prefixProblem(p.prefix);
  return (
    <>
      <Stack direction="row" spacing={2}>
        <NameField value={p.name} onChange={p.setName} error={errors.field('name')} sx={{ flex: 1 }} />
        <TextField
          label="Frontend prefix"
          value={p.prefix}
          onChange={(e) => p.setPrefix(e.target.value)}
          error={prefixIssue !== null || errors.field('frontendPrefix') !== null}
          helperText={errors.field('frontendPrefix') ?? prefixIssue ?? 'e.g. /billing'}
          sx={{ flex: 1 }}
        />
      </Stack>
      <MultiPicker
        label="Required roles"
        options={p.roles}
        value={p.required}
        onChange={p.setRequired}
        helperText={errors.field('requiredRoles') ?? errors.field('roles') ?? 'A request must come with a credential holding all of these.'}
      />
      <div>
        <FormControlLabel
          control={<Checkbox checked={p.caseSensitive} onChange={(e) => p.setCaseSensitive(e.target.checked)} />}
          label="Case-sensitive matching"
        />
        <FormHelperText sx={{ mt: 0 }}>
          Leave off unless the API itself tells /Invoices from /invoices: many routers ignore case, so a case-sensitive rule could be
          stepped around by changing a letter’s case.
        </FormHelperText>
      </div>
    </>
  );
}

/** The ordered sub-URL settings; the one the tested path hits is marked. */
function SubSettingsList(p: {
  settings: SubSetting[];
  setSettings: (v: SubSetting[]) => void;
  prefix: string;
  roles: Role[];
  matchedIndex: number | null | undefined;
}) {
  const { settings, setSettings } = p;
  const setAt = (i: number, v: SubSetting) => setSettings(settings.map((s, j) => (j === i ? v : s)));
  return (
    <>
      <Typography variant="subtitle2" component="h3">
        Sub-URL settings (the first match applies)
      </Typography>
      {settings.length === 0 && <Typography color="text.secondary">None: every path under the prefix needs the roles above.</Typography>}
      {settings.map((s, i) => (
        <SubSettingRow
          key={i}
          index={i}
          value={s}
          roles={p.roles}
          matched={p.matchedIndex === i}
          onChange={(v) => setAt(i, v)}
          onRemove={() => setSettings(settings.filter((_, j) => j !== i))}
        />
      ))}
      <div>
        <Button
          onClick={() =>
            setSettings([...settings, { method: 'ANY', pathRegex: `^${p.prefix.replace(/\/$/, '')}/`, requiredRoles: [], override: false }])
          }
        >
          Add sub-URL setting
        </Button>
      </div>
    </>
  );
}

/** Method and path of the "test a path" probe. */
function RouteTestFields(p: {
  method: string;
  setMethod: (v: string) => void;
  path: string;
  setPath: (v: string) => void;
  prefix: string;
}) {
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start' }}>
      <TextField select label="Test method" value={p.method} onChange={(e) => p.setMethod(e.target.value)} sx={{ width: 120 }}>
        {HTTP_METHODS.map((m) => (
          <MenuItem key={m} value={m}>
            {m}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        label="Test a path"
        value={p.path}
        onChange={(e) => p.setPath(e.target.value)}
        placeholder={`${p.prefix.replace(/\/$/, '')}/invoices/42`}
        sx={{ flex: 1 }}
      />
    </Stack>
  );
}

/** Saves the fields as a new backend or over the open one; a refusal lands on the fields it names. */
function useSaveBackend(backend: Backend | null, errors: FieldErrors, onClose: () => void) {
  const api = useApi();
  const client = useQueryClient();
  const session = useSession();
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const save = async (fields: BackendFieldsInput) => {
    setBusy(true);
    try {
      if (backend) await api.backends.update({ id: backend.id, expectedVersion: backend.version, set: fields });
      else await api.backends.create(fields);
      void client.invalidateQueries({ queryKey: [session.profileId] });
      onClose();
      toast({ message: `Backend “${fields.name}” saved.`, severity: 'success' });
    } catch (e) {
      errors.report(e);
      setBusy(false);
    }
  };
  return { busy, save };
}

type BackendFieldsInput = Pick<Backend, 'name' | 'frontendPrefix' | 'requiredRoles' | 'subSettings' | 'caseSensitive'>;

/** Which setting decides the tested path, or why none does. */
function RouteTestAlert(p: { tested: RouteTestResult; testPath: string; prefix: string; roles: Role[] }) {
  const roleName = (id: string) => p.roles.find((r) => r.id === id)?.name ?? id;
  const { tested } = p;
  return (
    <Alert
      severity={tested.kind === 'match' ? 'info' : tested.kind === 'invalid_path' ? 'error' : 'warning'}
      data-testid="route-test-result"
    >
      {routeTestText(tested, p.testPath, p.prefix, roleName)}
    </Alert>
  );
}

function routeTestText(tested: RouteTestResult, testPath: string, prefix: string, roleName: (id: string) => string): string {
  if (tested.kind === 'invalid_path') return `Refused (invalid_path) whatever the credential: ${tested.message}`;
  if (tested.kind === 'no_route') return `${testPath} is not under ${prefix}, so this backend does not decide it.`;
  const match = tested.requirement;
  const which =
    match.subSettingIndex === null
      ? 'No sub-URL setting matches; the backend’s list applies.'
      : `Setting ${match.subSettingIndex + 1} matches.`;
  const roles = match.requiredRoleIds.length ? match.requiredRoleIds.map(roleName).join(', ') : 'none';
  const judged = tested.path === testPath.split(/[?#]/)[0] ? '' : ` (judged as ${tested.path})`;
  return `${which} Required roles: ${roles}.${judged}`;
}
