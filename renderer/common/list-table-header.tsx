import {
  Box,
  Checkbox,
  Divider,
  IconButton,
  ListItemIcon,
  ListItemText,
  Menu,
  MenuItem,
  TableCell,
  TableSortLabel,
  Tooltip,
} from '@mui/material';
import ViewColumnIcon from '@mui/icons-material/ViewColumnOutlined';
import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { MIN_COLUMN_WIDTH, type ColumnPrefsState } from './column-prefs.ts';
import type { ListColumn, useListView } from './list-view.tsx';

// The header cells of list-table.tsx: sorting, resizing and the "Columns" menu.

const RESIZE_STEP_PX = 16;
const MAX_COLUMN_WIDTH = 1200;

/** The first column names the row and a hidden-label one holds its actions: those always show. */
export const canHide = <T,>(c: ListColumn<T>, i: number) => i > 0 && !c.hiddenLabel && c.hideable !== false;

/** A column's header: its sort label, and its resize handle (or, on the last, the "Columns" menu). */
export function HeaderCell<T>(p: {
  column: ListColumn<T>;
  last: boolean;
  label: string;
  columns: readonly ListColumn<T>[];
  view: Pick<ReturnType<typeof useListView<T>>, 'sort' | 'setSort'>;
  prefs: ColumnPrefsState;
  /** Pins the row actions' header at the right when the table scrolls sideways. */
  pinSx: Record<string, unknown>;
  measured: () => Record<string, number>;
}) {
  const { column: c, last, prefs } = p;
  const { sort, setSort } = p.view;
  const active = sort.column === c.id;
  return (
    <TableCell
      data-column={c.id}
      align={c.align}
      sortDirection={active ? sort.direction : false}
      sx={{ position: 'relative', ...(last ? { whiteSpace: 'nowrap' } : {}), ...p.pinSx }}
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
        <ColumnMenu label={p.label} columns={p.columns} prefs={prefs} />
      ) : (
        c.resizable !== false && <ResizeHandle column={c} prefs={prefs} measured={p.measured} />
      )}
    </TableCell>
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
