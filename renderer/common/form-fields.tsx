import { TextField, type TextFieldProps } from '@mui/material';

// The Name and Description fields of the create/edit dialogs. Each takes the one error to show
// (the server's refusal placed on the field first, then the page's own check), so every form
// marks and explains a bad value the same way.

type Passed = Omit<TextFieldProps, 'label' | 'value' | 'onChange' | 'error' | 'helperText'>;

/**
 * "Name", required and focused on open. `error` marks the field and is its help text; without
 * one, `hint` (a note that is no error) or a blank line that keeps the layout from jumping.
 */
export function NameField({
  value,
  onChange,
  error,
  hint,
  required = true,
  ...rest
}: Passed & { value: string; onChange: (value: string) => void; error: string | null; hint?: string | null }) {
  return (
    <TextField
      label="Name"
      value={value}
      onChange={(e) => onChange(e.target.value)}
      required={required}
      autoFocus
      error={error !== null}
      helperText={error ?? hint ?? ' '}
      {...rest}
    />
  );
}

/**
 * A text box a few lines tall (two unless `minRows` says otherwise). `error` marks it and is its
 * help text; without one, `hint`, or no help text at all.
 */
export function TextAreaField({
  value,
  onChange,
  error,
  hint,
  ...rest
}: Passed & { label: string; value: string; onChange: (value: string) => void; error: string | null; hint?: string | null }) {
  return (
    <TextField
      value={value}
      onChange={(e) => onChange(e.target.value)}
      multiline
      minRows={2}
      error={error !== null}
      helperText={error ?? hint ?? undefined}
      {...rest}
    />
  );
}

/** "Description", a few lines tall; `error` marks it and is its help text, else `hint` if given. */
export function DescriptionField(
  props: Passed & { value: string; onChange: (value: string) => void; error: string | null; hint?: string | null },
) {
  return <TextAreaField label="Description" {...props} />;
}
