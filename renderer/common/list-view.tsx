import { Button, IconButton, InputAdornment, MenuItem, Stack, TextField, Tooltip, Typography } from '@mui/material';
import SearchIcon from '@mui/icons-material/Search';
import { useState, type ReactNode } from 'react';
import { useNavigation } from '../app/navigation.ts';
import { EmptyState } from './states.tsx';
import { useDebouncedValue } from './use-debounced-value.ts';

// The parts every list screen (roles, users, groups, backends) is built from: a toolbar with a
// search field and filters, icon row actions with tooltips, and the "nothing matches" state; the
// table whose headers sort is list-table.tsx. The lists are small and loaded whole, so they filter and sort here.

/** Typing pauses this long before the rows are filtered again. */
export const LIST_SEARCH_DEBOUNCE_MS = 150;

export interface ListColumn<T> {
  id: string;
  label: string;
  /** Sortable when given: the value the column sorts by. */
  sortValue?: (row: T) => string | number;
  /** `query` is the search in effect, for cells that show why a row matched. */
  render: (row: T, query: string) => ReactNode;
  align?: 'right';
  /** Operations: the header names the column for screen readers only. */
  hiddenLabel?: boolean;
  cellSx?: Record<string, unknown>;
  /** The admin may not hide it (the first column and an operations one never hide anyway). */
  hideable?: false;
  resizable?: false;
}

export interface ListSort {
  column: string;
  direction: 'asc' | 'desc';
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
const compare = (a: string | number, b: string | number) =>
  typeof a === 'number' && typeof b === 'number' ? a - b : collator.compare(String(a), String(b));

/** Whether any of the row's texts contains the (already trimmed) query, regardless of case. */
export function textMatches(texts: readonly string[], query: string): boolean {
  if (!query) return true;
  const q = query.toLocaleLowerCase();
  return texts.some((t) => t.toLocaleLowerCase().includes(q));
}

/**
 * Search, filter and sort state for one list. The search starts from the navigation's (a link
 * from another screen opens the list searched); ties in a sort keep the rows' own order.
 */
export function useListView<T>({
  rows,
  columns,
  text,
  filter,
  initialSort,
}: {
  rows: readonly T[];
  columns: readonly ListColumn<T>[];
  /** The texts a row is found by. */
  text: (row: T) => readonly string[];
  /** The screen's own filters; true keeps the row. */
  filter?: (row: T) => boolean;
  initialSort: ListSort;
}) {
  const { search } = useNavigation();
  const [typed, setTyped] = useState(search);
  const query = useDebouncedValue(typed.trim(), LIST_SEARCH_DEBOUNCE_MS);
  const [sort, setSort] = useState<ListSort>(initialSort);
  // A few hundred rows at most: filtered and sorted on each render, nothing to memoize.
  const kept = rows.filter((r) => textMatches(text(r), query) && (filter?.(r) ?? true));
  const by = columns.find((c) => c.id === sort.column)?.sortValue;
  const sign = sort.direction === 'asc' ? 1 : -1;
  const shown = by
    ? kept
        .map((row, i) => ({ row, i, key: by(row) }))
        .sort((a, b) => sign * compare(a.key, b.key) || a.i - b.i)
        .map((x) => x.row)
    : kept;
  return { typed, setTyped, query, sort, setSort, shown };
}

/**
 * The search field (reached with the "/" shortcut; Escape empties it), the screen's filters, and
 * how many rows are shown of how many.
 */
export function ListToolbar({
  label,
  placeholder,
  value,
  onChange,
  shown,
  total,
  noun,
  children,
}: {
  label: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
  shown: number;
  total: number;
  /** Plural, for the count: "roles". */
  noun: string;
  /** Filters (select fields). */
  children?: ReactNode;
}) {
  return (
    <Stack direction="row" spacing={2} sx={{ mb: 2, alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
      <SearchField label={label} placeholder={placeholder} value={value} onChange={onChange} size="small" />
      {children}
      <Typography variant="body2" color="text.secondary" role="status">
        {shown === total ? `${total} ${noun}` : `${shown} of ${total} ${noun}`}
      </Typography>
    </Stack>
  );
}

/**
 * The search field of a list screen: the `/` shortcut reaches it (data-shortcut="search"), and
 * Escape empties it before it would close anything else.
 */
export function SearchField({
  label,
  placeholder,
  value,
  onChange,
  size = 'medium',
}: {
  label: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
  size?: 'small' | 'medium';
}) {
  return (
    <TextField
      label={label}
      placeholder={placeholder}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && value) {
          e.stopPropagation();
          onChange('');
        }
      }}
      size={size}
      sx={{ width: 320 }}
      slotProps={{
        htmlInput: { 'data-shortcut': 'search' },
        input: {
          startAdornment: (
            <InputAdornment position="start">
              <SearchIcon fontSize="small" />
            </InputAdornment>
          ),
        },
      }}
    />
  );
}

/** A select filter sized for the toolbar. */
export function ListFilter<V extends string>({
  label,
  value,
  onChange,
  options,
  width = 200,
}: {
  label: string;
  value: V;
  onChange: (value: V) => void;
  options: readonly { value: V; label: string }[];
  width?: number;
}) {
  return (
    <TextField
      select
      size="small"
      label={label}
      value={value}
      onChange={(e) => onChange(e.target.value as V)}
      sx={{ width }}
      slotProps={{ select: { displayEmpty: true }, inputLabel: { shrink: true } }}
    >
      {options.map((o) => (
        <MenuItem key={o.value} value={o.value}>
          {o.label}
        </MenuItem>
      ))}
    </TextField>
  );
}

/** Shown instead of the table when a search or filter leaves no row; one click shows them all again. */
export function NoMatches({
  title,
  hint,
  onClear,
  clearLabel = 'Clear search and filters',
}: {
  title: string;
  hint: string;
  onClear: () => void;
  clearLabel?: string;
}) {
  return (
    <EmptyState
      title={title}
      hint={hint}
      action={
        <Button variant="outlined" onClick={onClear}>
          {clearLabel}
        </Button>
      }
    />
  );
}

/**
 * One row action: an icon button with its label as tooltip. The accessible name says what it
 * acts on ("Edit user Dana"); the span keeps the tooltip on a disabled button.
 */
export function RowAction({
  label,
  name,
  icon,
  onClick,
  disabled = false,
}: {
  label: string;
  name: string;
  icon: ReactNode;
  onClick: () => void;
  disabled?: boolean;
}) {
  return (
    <Tooltip title={label}>
      <span>
        <IconButton size="small" aria-label={name} onClick={onClick} disabled={disabled}>
          {icon}
        </IconButton>
      </span>
    </Tooltip>
  );
}
