import { Button, Checkbox, FormControlLabel, InputAdornment, Stack, Switch, TextField, Typography } from '@mui/material';
import SearchIcon from '@mui/icons-material/Search';
import type { Dispatch, RefObject } from 'react';
import type { IndexedAction, IndexedGroup } from './catalog-index.ts';
import type { SelectionAction } from './selection.ts';

interface Props {
  query: string;
  onSearch: (value: string) => void;
  searchRef: RefObject<HTMLInputElement | null>;
  selectedOnly: boolean;
  onSelectedOnly: (on: boolean) => void;
  searching: boolean;
  /** The group on view (null while searching). */
  group: IndexedGroup | null;
  groupCount: number;
  results: readonly IndexedAction[];
  selected: ReadonlySet<string>;
  dispatch: Dispatch<SelectionAction>;
}

/** Search, "selected only", and the bulk controls: tri-state "all in group" or select/clear results. */
export function SelectionToolbar({
  query,
  onSearch,
  searchRef,
  selectedOnly,
  onSelectedOnly,
  searching,
  group,
  groupCount,
  results,
  selected,
  dispatch,
}: Props) {
  const total = group?.actions.length ?? 0;
  const resultIds = () => results.map((a) => a.id);
  const resultsSelected = searching ? results.reduce((n, a) => n + (selected.has(a.id) ? 1 : 0), 0) : 0;
  return (
    <Stack direction="row" spacing={2} sx={{ alignItems: 'center', px: 3 }}>
      <TextField
        inputRef={searchRef}
        label="Search all actions"
        placeholder="Ctrl+F"
        value={query}
        onChange={(e) => onSearch(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && query) {
            e.stopPropagation();
            onSearch('');
          }
        }}
        sx={{ width: 340 }}
        slotProps={{
          input: {
            startAdornment: (
              <InputAdornment position="start">
                <SearchIcon fontSize="small" />
              </InputAdornment>
            ),
          },
          htmlInput: { 'data-testid': 'action-search' },
        }}
      />
      <FormControlLabel
        control={<Switch checked={selectedOnly} onChange={(e) => onSelectedOnly(e.target.checked)} />}
        label="Selected only"
      />
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flex: 1, justifyContent: 'flex-end' }}>
        {searching ? (
          <>
            <Typography variant="body2" color="text.secondary" data-testid="search-summary">
              {results.length} {results.length === 1 ? 'match' : 'matches'}, {resultsSelected} selected
            </Typography>
            <Button
              size="small"
              onClick={() => dispatch({ type: 'set-many', ids: resultIds(), selected: true })}
              disabled={resultsSelected === results.length}
            >
              Select all results
            </Button>
            <Button
              size="small"
              onClick={() => dispatch({ type: 'set-many', ids: resultIds(), selected: false })}
              disabled={resultsSelected === 0}
            >
              Clear results
            </Button>
          </>
        ) : (
          group && (
            <FormControlLabel
              label={`All in ${group.name} (${groupCount}/${total})`}
              control={
                <Checkbox
                  checked={total > 0 && groupCount === total}
                  indeterminate={groupCount > 0 && groupCount < total}
                  onChange={() => dispatch({ type: 'set-many', ids: group.actions.map((a) => a.id), selected: groupCount < total })}
                  slotProps={{ input: { 'data-testid': 'group-all' } as object }}
                />
              }
            />
          )
        )}
      </Stack>
    </Stack>
  );
}
