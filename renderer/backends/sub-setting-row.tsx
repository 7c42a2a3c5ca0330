import { Alert, Box, Checkbox, FormControlLabel, IconButton, MenuItem, Stack, TextField, Tooltip } from '@mui/material';
import DeleteIcon from '@mui/icons-material/DeleteOutlined';
import { useId } from 'react';
import { regexProblem } from '../../shared/domain/policy.ts';
import { HTTP_METHODS, type Role, type SubSetting } from '../../shared/domain/types.ts';
import { MultiPicker } from '../directory/multi-picker.tsx';

/** One sub-URL setting: method, regex (checked as you type), roles, override. */
export function SubSettingRow({
  index,
  value,
  roles,
  matched,
  onChange,
  onRemove,
}: {
  index: number;
  value: SubSetting;
  roles: Role[];
  matched: boolean;
  onChange: (v: SubSetting) => void;
  onRemove: () => void;
}) {
  const problem = regexProblem(value.pathRegex);
  const problemId = useId();
  return (
    <Box
      sx={{ p: 1, borderRadius: 1, border: 1, borderColor: problem ? 'error.main' : matched ? 'success.main' : 'divider' }}
      data-testid={`sub-setting-${index}`}
    >
      <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start' }}>
        <TextField
          select
          label="Method"
          value={value.method}
          onChange={(e) => onChange({ ...value, method: e.target.value as SubSetting['method'] })}
          sx={{ width: 110 }}
        >
          {['ANY', ...HTTP_METHODS].map((m) => (
            <MenuItem key={m} value={m}>
              {m}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          label="Path regex"
          value={value.pathRegex}
          onChange={(e) => onChange({ ...value, pathRegex: e.target.value })}
          error={problem !== null}
          // A refusal can be long (RE2 explains what it does not support), so it gets the row's full
          // width below; the field points to it for screen readers.
          helperText={
            problem ? 'Not accepted — see below' : matched ? 'Matches the test path' : 'Matched against the full path, prefix included'
          }
          sx={{ flex: 1 }}
          slotProps={{
            htmlInput: {
              style: { fontFamily: 'ui-monospace, monospace' },
              spellCheck: false,
              ...(problem ? { 'aria-describedby': problemId } : {}),
            },
          }}
        />
        <div style={{ flex: 1 }}>
          <MultiPicker
            label="Required roles"
            options={roles}
            value={value.requiredRoles}
            onChange={(ids) => onChange({ ...value, requiredRoles: ids })}
          />
        </div>
        <FormControlLabel
          control={<Checkbox checked={value.override} onChange={(e) => onChange({ ...value, override: e.target.checked })} />}
          label="Only these roles"
          title="On: a matching request needs only this setting's roles (it overrides the backend's). Off: the backend's roles and these."
        />
        <Tooltip title="Remove setting">
          <IconButton aria-label={`Remove sub-URL setting ${index + 1}`} onClick={onRemove}>
            <DeleteIcon />
          </IconButton>
        </Tooltip>
      </Stack>
      {problem && (
        <Alert severity="error" id={problemId} sx={{ mt: 1, py: 0 }} data-testid={`sub-setting-${index}-problem`}>
          {problem}
        </Alert>
      )}
    </Box>
  );
}
