import { Autocomplete, Box, Button, Chip, MenuItem, Stack, TextField, Tooltip } from '@mui/material';
import CancelIcon from '@mui/icons-material/Cancel';
import { useRef, useState } from 'react';
import {
  customRange,
  hasFilters,
  NO_FILTERS,
  presetRange,
  TIME_PRESETS,
  type ActorFilter,
  type AuditFilters,
  type TimePresetId,
} from './audit-filters.ts';
import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES } from './audit-names.ts';

export interface ActorOption extends ActorFilter {
  /** What tells two credentials of the same name apart (their prefix). */
  detail?: string;
}

const CUSTOM = 'custom';

/**
 * The audit log's filters: action, target type (or one target), actor and time range. A chosen
 * target, actor or time shows as a removable chip in place of its field; "Clear filters" drops all.
 */
export function AuditFilterBar({
  filters,
  onChange,
  actors,
  onOpenActors,
}: {
  filters: AuditFilters;
  onChange: (next: AuditFilters) => void;
  actors: readonly ActorOption[];
  /** The actor list opens: a chance to load credentials made since. */
  onOpenActors?: () => void;
}) {
  const [customOpen, setCustomOpen] = useState(false);
  const set = (change: Partial<AuditFilters>) => onChange({ ...filters, ...change });
  const chip = (testId: string, label: string, what: string, onDelete: () => void, title?: string) => (
    <Chip
      label={label}
      title={title}
      onDelete={onDelete}
      deleteIcon={<CancelIcon titleAccess={`Remove the ${what} filter`} />}
      slotProps={{ root: { 'data-testid': testId } as object }}
    />
  );
  return (
    <Box sx={{ mb: 2 }}>
      <Stack direction="row" spacing={2} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
        <Autocomplete
          freeSolo
          options={AUDIT_ACTIONS}
          value={filters.action || null}
          // Applied when picked from the list or confirmed with Enter, not on every keystroke.
          onChange={(_, v) => set({ action: (v ?? '').trim() })}
          sx={{ width: 220 }}
          renderInput={(p) => (
            <TextField
              {...p}
              label="Action"
              placeholder="Any action"
              slotProps={{ ...p.slotProps, inputLabel: { ...p.slotProps.inputLabel, shrink: true } }}
            />
          )}
        />
        {filters.target ? (
          chip('audit-target-filter', `Target: ${filters.target.type} ${filters.target.label}`, 'target', () => set({ target: null }))
        ) : (
          <TextField
            select
            label="Target type"
            value={filters.targetType}
            onChange={(e) => set({ targetType: e.target.value })}
            sx={{ width: 170 }}
            slotProps={{ select: { displayEmpty: true }, inputLabel: { shrink: true } }}
          >
            <MenuItem value="">Any target</MenuItem>
            {AUDIT_TARGET_TYPES.map((t) => (
              <MenuItem key={t} value={t}>
                {t}
              </MenuItem>
            ))}
          </TextField>
        )}
        {filters.actor ? (
          chip('audit-actor-filter', `Actor: ${filters.actor.label}`, 'actor', () => set({ actor: null }))
        ) : (
          <Autocomplete
            options={actors}
            value={null}
            onOpen={onOpenActors}
            onChange={(_, v) => v && set({ actor: { id: v.id, label: v.label } })}
            getOptionLabel={(o) => o.label}
            getOptionKey={(o) => o.id}
            isOptionEqualToValue={(a, b) => a.id === b.id}
            renderOption={({ key, ...props }, o) => (
              <Box component="li" key={key} {...props}>
                {o.label}
                {o.detail && (
                  <Box component="span" sx={{ ml: 1, color: 'text.secondary', fontFamily: 'monospace', fontSize: 13 }}>
                    {o.detail}
                  </Box>
                )}
              </Box>
            )}
            sx={{ width: 220 }}
            renderInput={(p) => (
              <TextField
                {...p}
                label="Actor"
                placeholder="Anyone"
                slotProps={{ ...p.slotProps, inputLabel: { ...p.slotProps.inputLabel, shrink: true } }}
              />
            )}
          />
        )}
        {filters.time ? (
          chip(
            'audit-time-filter',
            `Time: ${filters.time.label}`,
            'time',
            () => set({ time: null }),
            [filters.time.from && `from ${filters.time.from}`, filters.time.to && `until ${filters.time.to} (not included)`]
              .filter(Boolean)
              .join(', '),
          )
        ) : (
          <TextField
            select
            label="Time"
            value={customOpen ? CUSTOM : ''}
            onChange={(e) => {
              const v = e.target.value;
              if (v === CUSTOM) return setCustomOpen(true);
              setCustomOpen(false);
              if (v) set({ time: presetRange(v as TimePresetId, Date.now()) });
            }}
            sx={{ width: 190 }}
            slotProps={{ select: { displayEmpty: true }, inputLabel: { shrink: true } }}
          >
            <MenuItem value="">Any time</MenuItem>
            {TIME_PRESETS.map((p) => (
              <MenuItem key={p.id} value={p.id}>
                {p.label}
              </MenuItem>
            ))}
            <MenuItem value={CUSTOM}>Custom range…</MenuItem>
          </TextField>
        )}
        {hasFilters(filters) && (
          <Button
            onClick={() => {
              setCustomOpen(false);
              onChange(NO_FILTERS);
            }}
          >
            Clear filters
          </Button>
        )}
      </Stack>
      {customOpen && !filters.time && (
        <CustomRange
          onApply={(time) => {
            setCustomOpen(false);
            set({ time });
          }}
          onCancel={() => setCustomOpen(false)}
        />
      )}
    </Box>
  );
}

/** From / To in the computer's time zone, checked before anything is sent, each message at its field. */
function CustomRange({ onApply, onCancel }: { onApply: (time: NonNullable<AuditFilters['time']>) => void; onCancel: () => void }) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [errors, setErrors] = useState<{ from?: string; to?: string }>({});
  const fromRef = useRef<HTMLInputElement>(null);
  const toRef = useRef<HTMLInputElement>(null);
  const apply = () => {
    // A half-typed datetime-local value reads as "": only the field's validity tells it from empty.
    const checked = customRange(from, to, { from: fromRef.current?.validity.badInput, to: toRef.current?.validity.badInput });
    if (checked.errors) return setErrors(checked.errors);
    onApply(checked.range);
  };
  const field = (key: 'from' | 'to', label: string, value: string, setValue: (v: string) => void, ref: typeof fromRef) => (
    <TextField
      type="datetime-local"
      label={label}
      value={value}
      onChange={(e) => {
        setValue(e.target.value);
        setErrors((old) => ({ ...old, [key]: undefined, ...(key === 'from' ? { to: undefined } : {}) }));
      }}
      onKeyDown={(e) => e.key === 'Enter' && apply()}
      error={Boolean(errors[key])}
      helperText={errors[key] ?? ' '}
      inputRef={ref}
      sx={{ width: 250 }}
      slotProps={{ inputLabel: { shrink: true } }}
    />
  );
  return (
    <Stack
      direction="row"
      spacing={2}
      useFlexGap
      sx={{ mt: 2, mb: 0, mx: 0, p: 0, border: 0, minWidth: 0, alignItems: 'flex-start', flexWrap: 'wrap' }}
      component="fieldset"
      aria-label="Custom time range"
      data-testid="audit-custom-range"
    >
      {field('from', 'From', from, setFrom, fromRef)}
      {field('to', 'To (not included)', to, setTo, toRef)}
      <Tooltip title="Times are in this computer's time zone" describeChild>
        <Button variant="contained" onClick={apply} sx={{ mt: 1 }}>
          Apply range
        </Button>
      </Tooltip>
      <Button onClick={onCancel} sx={{ mt: 1 }}>
        Cancel
      </Button>
    </Stack>
  );
}
