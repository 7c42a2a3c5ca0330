import {
  Box,
  Checkbox,
  Divider,
  IconButton,
  ListItemIcon,
  ListItemText,
  Menu,
  MenuItem,
  Paper,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  TableSortLabel,
  Tooltip,
} from '@mui/material';
import ViewColumnIcon from '@mui/icons-material/ViewColumnOutlined';
import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import { MIN_COLUMN_WIDTH, useColumnPrefs, type ColumnPrefsState } from './column-prefs.ts';
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

const RESIZE_STEP_PX = 16;
const CHECKBOX_COLUMN_PX = 48;
const MAX_COLUMN_WIDTH = 1200;
/** A column shown again after the others were sized starts this wide. */
const DEFAULT_COLUMN_PX = 150;

/** The first column names the row and a hidden-label one holds its actions: those always show. */
const canHide = <T,>(c: ListColumn<T>, i: number) => i > 0 && !c.hiddenLabel && c.hideable !== false;

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
  const prefs = useColumnPrefs(tableId);
  const headRow = useRef<HTMLTableRowElement>(null);
  const visible = columns.filter((c, i) => !canHide(c, i) || !prefs.hidden.includes(c.id));
  // Widths apply once the admin resized a column: then every column has one and the layout is fixed.
  const sized = Object.keys(prefs.widths).length > 0;
  const widthOf = (c: ListColumn<T>) => prefs.widths[c.id] ?? DEFAULT_COLUMN_PX;
  const { shown, sort, setSort, query } = view;
  const picked = selection?.picked;
  const shownPicked = picked ? shown.filter((row) => picked.has(rowKey(row))).length : 0;
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
  const cellSx: Record<string, unknown> = sized ? { overflow: 'hidden', textOverflow: 'ellipsis' } : {};
  // Sized wider than the window, the table scrolls sideways: the row actions stay pinned at the right.
  const lastColumn = visible[visible.length - 1];
  const pinned = sized && lastColumn?.hiddenLabel ? lastColumn.id : null;
  const pinSx = (id: string): Record<string, unknown> =>
    id === pinned
      ? { position: 'sticky', right: 0, zIndex: 1, bgcolor: 'background.paper', borderLeft: 1, borderLeftColor: 'divider' }
      : {};
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
            {selection && (
              <TableCell padding="checkbox">
                <Checkbox
                  size="small"
                  checked={shown.length > 0 && shownPicked === shown.length}
                  indeterminate={shownPicked > 0 && shownPicked < shown.length}
                  onChange={(e) => toggle(shown.map(rowKey), e.target.checked)}
                  slotProps={{ input: { 'aria-label': selection.allLabel } }}
                />
              </TableCell>
            )}
            {visible.map((c, i) => {
              const active = sort.column === c.id;
              const last = i === visible.length - 1;
              return (
                <TableCell
                  key={c.id}
                  data-column={c.id}
                  align={c.align}
                  sortDirection={active ? sort.direction : false}
                  sx={{ position: 'relative', ...(last ? { whiteSpace: 'nowrap' } : {}), ...pinSx(c.id) }}
                >
                  {c.hiddenLabel ? (
                    <span className="visually-hidden">{c.label}</span>
                  ) : c.sortValue ? (
                    <TableSortLabel
                      active={active}
                      direction={active ? sort.direction : 'asc'}
                      onClick={() => setSort({ column: c.id, direction: active && sort.direction === 'asc' ? 'desc' : 'asc' })}
                    >
                      {c.label}
                    </TableSortLabel>
                  ) : (
                    c.label
                  )}
                  {last ? (
                    <ColumnMenu label={label} columns={columns} prefs={prefs} />
                  ) : (
                    c.resizable !== false && <ResizeHandle column={c} prefs={prefs} measured={measured} />
                  )}
                </TableCell>
              );
            })}
          </TableRow>
        </TableHead>
        <TableBody>
          {leading?.map((row) => (
            <TableRow key={row.key} hover>
              {selection && <TableCell padding="checkbox" />}
              {visible.map((c) => (
                <TableCell key={c.id} align={c.align} sx={{ ...c.cellSx, ...cellSx, ...pinSx(c.id) }}>
                  {row.cells[c.id]}
                </TableCell>
              ))}
            </TableRow>
          ))}
          {shown.map((row) => (
            <TableRow key={rowKey(row)} hover selected={picked?.has(rowKey(row)) ?? false} {...rowProps?.(row)}>
              {selection && (
                <TableCell padding="checkbox">
                  <Checkbox
                    size="small"
                    checked={picked?.has(rowKey(row)) ?? false}
                    onChange={(e) => toggle([rowKey(row)], e.target.checked)}
                    slotProps={{ input: { 'aria-label': selection.rowLabel(row) } }}
                  />
                </TableCell>
              )}
              {visible.map((c) => (
                <TableCell key={c.id} align={c.align} sx={{ ...c.cellSx, ...cellSx, ...pinSx(c.id) }}>
                  {c.render(row, query)}
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}

/**
 * The right edge of a header: drag it, or focus it and press ←/→, to resize the column. The first
 * resize fixes every column at its current width, so only the one dragged changes.
 */
function ResizeHandle<T>({
  column,
  prefs,
  measured,
}: {
  column: ListColumn<T>;
  prefs: ColumnPrefsState;
  measured: () => Record<string, number>;
}) {
  const drag = useRef<{ x: number; width: number } | null>(null);
  const handle = useRef<HTMLElement>(null);
  // A focusable separator states its value: the header's width as laid out.
  const [now, setNow] = useState(0);
  useEffect(() => {
    const header = handle.current?.parentElement;
    if (!header) return;
    const observer = new ResizeObserver(() => setNow(header.offsetWidth));
    observer.observe(header);
    return () => observer.disconnect();
  }, []);
  const current = () => prefs.widths[column.id] ?? measured()[column.id] ?? MIN_COLUMN_WIDTH;
  const resize = (width: number) => prefs.setWidths({ ...measured(), ...prefs.widths, [column.id]: Math.min(MAX_COLUMN_WIDTH, width) });
  const onPointerDown = (e: PointerEvent<HTMLElement>) => {
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { x: e.clientX, width: current() };
  };
  const onPointerMove = (e: PointerEvent<HTMLElement>) => {
    if (drag.current) resize(drag.current.width + e.clientX - drag.current.x);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    const step = e.key === 'ArrowRight' ? RESIZE_STEP_PX : e.key === 'ArrowLeft' ? -RESIZE_STEP_PX : 0;
    if (!step) return;
    e.preventDefault();
    resize(current() + step);
  };
  return (
    <Box
      role="separator"
      aria-orientation="vertical"
      aria-label={`Resize column ${column.label}`}
      ref={handle}
      aria-valuenow={now}
      aria-valuemin={MIN_COLUMN_WIDTH}
      aria-valuemax={MAX_COLUMN_WIDTH}
      tabIndex={0}
      data-testid={`resize-${column.id}`}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={() => (drag.current = null)}
      onKeyDown={onKeyDown}
      sx={{
        position: 'absolute',
        top: 8,
        bottom: 8,
        right: 0,
        width: 8,
        cursor: 'col-resize',
        touchAction: 'none',
        borderRight: 2,
        borderColor: 'divider',
        '&:hover, &:focus-visible': { borderColor: 'primary.main' },
        '&:focus-visible': { outline: 'none' },
      }}
    />
  );
}

/** "Columns": tick which columns show (Name and the row actions always do), or reset them and their widths. */
function ColumnMenu<T>({ label, columns, prefs }: { label: string; columns: readonly ListColumn<T>[]; prefs: ColumnPrefsState }) {
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const hideable = columns.filter(canHide);
  return (
    <>
      <Tooltip title="Columns">
        <IconButton
          size="small"
          aria-label={`Choose the columns of ${label}`}
          aria-haspopup="menu"
          aria-expanded={anchor ? 'true' : undefined}
          onClick={(e) => setAnchor(e.currentTarget)}
          sx={{ ml: 0.5, my: -0.5 }}
        >
          <ViewColumnIcon fontSize="small" />
        </IconButton>
      </Tooltip>
      <Menu
        anchorEl={anchor}
        open={anchor !== null}
        onClose={() => setAnchor(null)}
        slotProps={{ list: { 'aria-label': `Columns of ${label}` } }}
      >
        {hideable.map((c) => {
          const on = !prefs.hidden.includes(c.id);
          return (
            <MenuItem key={c.id} role="menuitemcheckbox" aria-checked={on} onClick={() => prefs.setHidden(c.id, on)} dense>
              <ListItemIcon>
                <Checkbox
                  size="small"
                  checked={on}
                  tabIndex={-1}
                  disableRipple
                  sx={{ p: 0 }}
                  slotProps={{ input: { 'aria-hidden': true } }}
                />
              </ListItemIcon>
              <ListItemText>{c.label}</ListItemText>
            </MenuItem>
          );
        })}
        <Divider />
        <MenuItem
          dense
          onClick={() => {
            prefs.reset();
            setAnchor(null);
          }}
        >
          Reset columns and widths
        </MenuItem>
      </Menu>
    </>
  );
}
