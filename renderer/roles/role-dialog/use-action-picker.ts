import { useCallback, useDeferredValue, useLayoutEffect, useMemo, useReducer, useState } from 'react';
import { countByGroup, searchActions, type CatalogIndex } from './catalog-index.ts';
import { endInteraction, startInteraction } from './perf.ts';
import { selectionReducer } from './selection.ts';

const initSelection = (ids: readonly string[]): ReadonlySet<string> => new Set(ids);

/**
 * The role dialog's action picking: the selection, the group on view, the search and "selected
 * only", and the actions they leave to show. Toggles and searches are timed (perf.ts).
 */
export function useActionPicker(index: CatalogIndex, initialActions: readonly string[]) {
  const [selected, dispatch] = useReducer(selectionReducer, initialActions, initSelection);
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  const [selectedOnly, setSelectedOnly] = useState(false);
  const [groupId, setGroupId] = useState<string | null>(index.groups[0]?.id ?? null);

  useLayoutEffect(() => endInteraction('toggle'), [selected]);
  useLayoutEffect(() => endInteraction('search'), [deferredQuery]);

  const onToggle = useCallback((id: string) => {
    startInteraction('toggle');
    dispatch({ type: 'toggle', id });
  }, []);
  const onSearch = useCallback((value: string) => {
    startInteraction('search');
    setQuery(value);
  }, []);
  const onSelectGroup = useCallback((id: string) => {
    setGroupId(id);
    setQuery('');
  }, []);

  const counts = useMemo(() => countByGroup(index, selected), [index, selected]);
  const group = index.groups.find((g) => g.id === groupId) ?? null;
  const searching = deferredQuery.trim() !== '';
  const baseItems = useMemo(
    () => (searching ? searchActions(index, deferredQuery) : (group?.actions ?? [])),
    [searching, index, deferredQuery, group],
  );
  const items = useMemo(
    () => (selectedOnly ? baseItems.filter((a) => selected.has(a.id)) : baseItems),
    [selectedOnly, baseItems, selected],
  );

  return {
    selected,
    dispatch,
    onToggle,
    query,
    deferredQuery,
    onSearch,
    selectedOnly,
    setSelectedOnly,
    groupId,
    onSelectGroup,
    counts,
    group,
    searching,
    items,
  };
}

export type ActionPicker = ReturnType<typeof useActionPicker>;
