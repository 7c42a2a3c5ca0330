import { Checkbox, Paper, Table, TableBody, TableCell, TableContainer, TableHead, TableRow } from '@mui/material';
import { useRef, type ReactNode } from 'react';
import { useColumnPrefs } from './column-prefs.ts';
import { canHide, HeaderCell } from './list-table-header.tsx';
import type { ListColumn, useListView } from './list-view.tsx';

// The table of the whole-list screens (roles, users, groups, backends): headers that sort, tick
// boxes for bulk actions, and columns the admin chooses ("Columns" in the last header) and resizes
// (dragging a header's right edge, or its arrow keys), both kept per table (column-prefs.ts), as
// on the Credentials and Audit grids.

/** The ticked rows of a list, by key, for bulk actions. */
export interface ListSelection<T> {
  picked: ReadonlySet<string>;
  onChange: (next: ReadonlySet<string>) => void;
  /** The accessible name of a row's checkbox ("Select role Billing"). */
  rowLabel: (row: T) => string;
  allLabel: string;
}

/** A row above the list (a new draft), its cells by column id; columns the admin hid are left out. */
export interface LeadingRow {
  key: string;
  cells: Partial<Record<string, ReactNode>>;
}

const CHECKBOX_COLUMN_PX = 48;
/** A column shown again after the others were sized starts this wide. */
const DEFAULT_COLUMN_PX = 150;

export interface ListTableProps<T> {
  label: string;
  /** Where the admin's column choice is kept ("roles", "users"). */
  tableId: string;
  columns: readonly ListColumn<T>[];
  view: Pick<ReturnType<typeof useListView<T>>, 'shown' | 'sort' | 'setSort' | 'query'>;
  rowKey: (row: T) => string;
  rowProps?: (row: T) => Record<string, string>;
  leading?: readonly LeadingRow[];
  /** Tick boxes for bulk actions: a column of checkboxes, "select all" ticking the rows shown. */
  selection?: ListSelection<T>;
}

/** A table whose sortable headers sort the view's rows; `leading` rows (drafts) stay on top. */
export function ListTable<T>({ label, tableId, columns, view, rowKey, rowProps, leading, selection }: ListTableProps<T>) {
  const layout = useColumnLayout(tableId, columns);
  const { visible, sized, widthOf } = layout;
  const headRow = useRef<HTMLTableRowElement>(null);
  const { shown, query } = view;
  const toggle = (ids: string[], on: boolean) => {
    if (!selection) return;
    const next = new Set(selection.picked);
    for (const id of ids) {
      if (on) next.add(id);
      else next.delete(id);
    }
    selection.onChange(next);
  };
  // The widths as laid out now, so a first resize changes only the column dragged.
  const measured = () =>
    Object.fromEntries(
      [...(headRow.current?.querySelectorAll<HTMLElement>('th[data-column]') ?? [])].map((th) => [th.dataset['column']!, th.offsetWidth]),
    );
  return (
    <TableContainer component={Paper} variant="outlined">
      <Table
        size="small"
        aria-label={label}
        sx={
          sized
            ? {
                tableLayout: 'fixed',
                width: visible.reduce((sum, c) => sum + widthOf(c), selection ? CHECKBOX_COLUMN_PX : 0),
              }
            : undefined
        }
      >
        {sized && (
          // Fixed layout takes the widths from these (header cells' own widths are not kept by Chromium).
          <colgroup>
            {selection && <col style={{ width: CHECKBOX_COLUMN_PX }} />}
            {visible.map((c) => (
              <col key={c.id} style={{ width: widthOf(c) }} />
            ))}
          </colgroup>
        )}
        <TableHead>
          <TableRow ref={headRow}>
            {selection && <SelectAllCell shown={shown} rowKey={rowKey} selection={selection} toggle={toggle} />}
            {visible.map((c, i) => (
              <HeaderCell
                key={c.id}
                column={c}
                last={i === visible.length - 1}
                label={label}
                columns={columns}
                view={view}
                prefs={layout.prefs}
                pinSx={layout.pinSx(c.id)}
                measured={measured}
              />
            ))}
          </TableRow>
        </TableHead>
        <ListBody
          rows={shown}
          query={query}
          rowKey={rowKey}
          rowProps={rowProps}
          leading={leading}
          selection={selection}
          layout={layout}
          toggle={toggle}
        />
      </Table>
    </TableContainer>
  );
}

/** Which columns show and how wide, from the admin's choice kept for this table. */
function useColumnLayout<T>(tableId: string, columns: readonly ListColumn<T>[]) {
  const prefs = useColumnPrefs(tableId);
  const visible = columns.filter((c, i) => !canHide(c, i) || !prefs.hidden.includes(c.id));
  // Widths apply once the admin resized a column: then every column has one and the layout is fixed.
  const sized = Object.keys(prefs.widths).length > 0;
  const widthOf = (c: ListColumn<T>) => prefs.widths[c.id] ?? DEFAULT_COLUMN_PX;
  const cellSx: Record<string, unknown> = sized ? { overflow: 'hidden', textOverflow: 'ellipsis' } : {};
  // Sized wider than the window, the table scrolls sideways: the row actions stay pinned at the right.
  const lastColumn = visible[visible.length - 1];
  const pinned = sized && lastColumn?.hiddenLabel ? lastColumn.id : null;
  const pinSx = (id: string): Record<string, unknown> =>
    id === pinned
      ? { position: 'sticky', right: 0, zIndex: 1, bgcolor: 'background.paper', borderLeft: 1, borderLeftColor: 'divider' }
      : {};
  const bodySx = (c: ListColumn<T>) => ({ ...c.cellSx, ...cellSx, ...pinSx(c.id) });
  return { prefs, visible, sized, widthOf, pinSx, bodySx };
}

type ColumnLayout<T> = ReturnType<typeof useColumnLayout<T>>;

/** The draft rows on top, then the view's rows, each with its tick box when the list has bulk actions. */
function ListBody<T>(p: {
  rows: readonly T[];
  query: string;
  rowKey: (row: T) => string;
  rowProps: ListTableProps<T>['rowProps'];
  leading: ListTableProps<T>['leading'];
  selection: ListSelection<T> | undefined;
  layout: ColumnLayout<T>;
  toggle: (ids: string[], on: boolean) => void;
}) {
  const { rows, query, rowKey, rowProps, leading, selection } = p;
  const picked = selection?.picked;
  return (
    <TableBody>
      {leading?.map((row) => (
        <TableRow key={row.key} hover>
          {selection && <TableCell padding="checkbox" />}
          {p.layout.visible.map((c) => (
            <TableCell key={c.id} align={c.align} sx={p.layout.bodySx(c)}>
              {row.cells[c.id]}
            </TableCell>
          ))}
        </TableRow>
      ))}
      {rows.map((row) => (
        <TableRow key={rowKey(row)} hover selected={picked?.has(rowKey(row)) ?? false} {...rowProps?.(row)}>
          {selection && (
            <TableCell padding="checkbox">
              <Checkbox
                size="small"
                checked={picked?.has(rowKey(row)) ?? false}
                onChange={(e) => p.toggle([rowKey(row)], e.target.checked)}
                slotProps={{ input: { 'aria-label': selection.rowLabel(row) } }}
              />
            </TableCell>
          )}
          {p.layout.visible.map((c) => (
            <TableCell key={c.id} align={c.align} sx={p.layout.bodySx(c)}>
              {c.render(row, query)}
            </TableCell>
          ))}
        </TableRow>
      ))}
    </TableBody>
  );
}

/** "Select all": ticks (or unticks) the rows shown, indeterminate when only some are. */
function SelectAllCell<T>(p: {
  shown: readonly T[];
  rowKey: (row: T) => string;
  selection: ListSelection<T>;
  toggle: (ids: string[], on: boolean) => void;
}) {
  const { shown, rowKey, selection } = p;
  const shownPicked = shown.filter((row) => selection.picked.has(rowKey(row))).length;
  return (
    <TableCell padding="checkbox">
      <Checkbox
        size="small"
        checked={shown.length > 0 && shownPicked === shown.length}
        indeterminate={shownPicked > 0 && shownPicked < shown.length}
        onChange={(e) => p.toggle(shown.map(rowKey), e.target.checked)}
        slotProps={{ input: { 'aria-label': selection.allLabel } }}
      />
    </TableCell>
  );
}
