import { Stack } from '@mui/material';
import { memo } from 'react';
import { DescriptionField, NameField } from '../../common/form-fields.tsx';

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
      {/* The check shows as you type but marks the field only once the name was changed. */}
      <NameField
        value={name}
        onChange={onName}
        error={showNameError ? nameError : null}
        hint={nameError}
        slotProps={{ htmlInput: { 'data-submit-on-enter': 'true' } }}
        sx={{ flex: 1 }}
      />
      <DescriptionField
        value={description}
        onChange={onDescription}
        error={null}
        hint=" "
        minRows={1}
        maxRows={3}
        sx={{ flex: 2 }}
        slotProps={{ htmlInput: { maxLength: 1000 } }}
      />
    </Stack>
  );
});
