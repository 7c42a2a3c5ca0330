import { ListTable, type ListTableProps } from './list-table.tsx';
import { NoMatches } from './list-view.tsx';

/**
 * What a whole-list screen shows under its toolbar: the table, or, when the search and filters
 * leave no row, what found nothing ("No user matches “x”") and the button that clears them.
 */
export function ListResults<T>({
  noun,
  hint,
  onClear,
  clearLabel,
  empty,
  ...table
}: ListTableProps<T> & {
  /** The singular the title names: "user" → "No user matches “x”". */
  noun: string;
  /** Where the search looks. */
  hint: string;
  onClear: () => void;
  clearLabel?: string;
  /** Nothing to show; by default when the view shows no row (Roles also counts its drafts). */
  empty?: boolean;
}) {
  const query = table.view.query;
  if (empty ?? table.view.shown.length === 0)
    return (
      <NoMatches
        title={query ? `No ${noun} matches “${query}”` : `No ${noun} matches these filters`}
        hint={hint}
        onClear={onClear}
        clearLabel={clearLabel}
      />
    );
  return <ListTable {...table} />;
}
