import { Autocomplete, Chip, TextField } from '@mui/material';

interface Named {
  id: string;
  name: string;
}

/** A searchable multi-select of named objects (roles, groups) shown as chips; value is ids. */
export function MultiPicker<T extends Named>({
  label,
  options,
  value,
  onChange,
  helperText,
}: {
  label: string;
  options: T[];
  value: string[];
  onChange: (ids: string[]) => void;
  helperText?: string;
}) {
  const selected = options.filter((o) => value.includes(o.id));
  return (
    <Autocomplete
      multiple
      options={options}
      value={selected}
      onChange={(_, v) => onChange(v.map((o) => o.id))}
      getOptionLabel={(o) => o.name}
      isOptionEqualToValue={(a, b) => a.id === b.id}
      renderValue={(items, getItemProps) =>
        items.map((o, i) => <Chip size="small" label={o.name} {...getItemProps({ index: i })} key={o.id} />)
      }
      renderInput={(p) => <TextField {...p} label={label} helperText={helperText} />}
    />
  );
}
