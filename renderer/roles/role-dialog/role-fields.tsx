import { Stack, TextField } from '@mui/material';
import { memo } from 'react';

interface Props {
  name: string;
  description: string;
  nameError: string | null;
  showNameError: boolean;
  onName: (value: string) => void;
  onDescription: (value: string) => void;
}

/** Name and description. Memoized: toggling a checkbox must not re-render the two MUI text fields. */
export const RoleFields = memo(function RoleFields({ name, description, nameError, showNameError, onName, onDescription }: Props) {
  return (
    <Stack direction="row" spacing={2} sx={{ px: 3, pt: 2 }}>
      <TextField
        label="Name"
        value={name}
        onChange={(e) => onName(e.target.value)}
        error={showNameError}
        helperText={nameError ?? ' '}
        slotProps={{ htmlInput: { 'data-submit-on-enter': 'true' } }}
        autoFocus
        required
        sx={{ flex: 1 }}
      />
      <TextField
        label="Description"
        value={description}
        onChange={(e) => onDescription(e.target.value)}
        multiline
        maxRows={3}
        helperText=" "
        sx={{ flex: 2 }}
        slotProps={{ htmlInput: { maxLength: 1000 } }}
      />
    </Stack>
  );
});
