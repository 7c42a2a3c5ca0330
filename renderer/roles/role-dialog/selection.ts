// The role dialog's selection as an immutable Set in a reducer: every change makes a new Set, so
// memoized rows re-render only when their own `checked` flips.

export type SelectionAction =
  | { type: 'toggle'; id: string }
  | { type: 'set-many'; ids: readonly string[]; selected: boolean }
  | { type: 'reset'; ids: readonly string[] };

export function selectionReducer(state: ReadonlySet<string>, action: SelectionAction): ReadonlySet<string> {
  switch (action.type) {
    case 'toggle': {
      const next = new Set(state);
      if (next.has(action.id)) next.delete(action.id);
      else next.add(action.id);
      return next;
    }
    case 'set-many': {
      const next = new Set(state);
      for (const id of action.ids) {
        if (action.selected) next.add(id);
        else next.delete(id);
      }
      return next.size === state.size && action.ids.every((id) => state.has(id) === action.selected) ? state : next;
    }
    case 'reset':
      return new Set(action.ids);
  }
}

/** Actions added and removed going from `before` to `after`, sorted. */
export function diffSets(before: Iterable<string>, after: Iterable<string>): { added: string[]; removed: string[] } {
  const b = new Set(before);
  const a = new Set(after);
  return { added: [...a].filter((x) => !b.has(x)).sort(), removed: [...b].filter((x) => !a.has(x)).sort() };
}
