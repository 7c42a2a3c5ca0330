import type { GridColDef, GridColumnVisibilityModel } from '@mui/x-data-grid';
import { useCallback, useMemo, useState } from 'react';

// Which columns a table shows and how wide they are, chosen by the admin and kept per table in the
// page's localStorage (a UI preference: no secret, nothing the server needs). Electron's app://
// origin keeps it across launches; the browser host's origin includes its port, so there it lasts
// as long as the port does (a fixed `--port` keeps it too).

/** The narrowest a column can be dragged or stepped to. */
export const MIN_COLUMN_WIDTH = 60;
const KEY_PREFIX = 'keyward.columns.';

export interface ColumnPrefs {
  /** Column ids the admin hid. */
  hidden: readonly string[];
  /** Column widths in px the admin set by resizing. */
  widths: Readonly<Record<string, number>>;
}

/** Reads the stored choice; anything malformed (an older shape, a hand edit) counts as none. */
export function readColumnPrefs(tableId: string): ColumnPrefs | null {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(KEY_PREFIX + tableId) ?? 'null');
    if (!raw || typeof raw !== 'object') return null;
    const { hidden, widths } = raw as Record<string, unknown>;
    if (!Array.isArray(hidden) || !hidden.every((h) => typeof h === 'string')) return null;
    if (!widths || typeof widths !== 'object') return null;
    const kept = Object.entries(widths).filter(([, w]) => typeof w === 'number' && Number.isFinite(w) && w >= MIN_COLUMN_WIDTH);
    return { hidden, widths: Object.fromEntries(kept) as Record<string, number> };
  } catch {
    return null;
  }
}

function writeColumnPrefs(tableId: string, prefs: ColumnPrefs | null): void {
  try {
    if (prefs) localStorage.setItem(KEY_PREFIX + tableId, JSON.stringify(prefs));
    else localStorage.removeItem(KEY_PREFIX + tableId);
  } catch {
    // Storage refused (full, or turned off): the choice lasts until the screen closes.
  }
}

/**
 * The admin's columns for one table: what is hidden and how wide, starting from the stored choice
 * or else `defaultHidden`; every change is stored at once, `reset` goes back to the defaults.
 */
export function useColumnPrefs(tableId: string, defaultHidden: readonly string[] = []) {
  const [prefs, setPrefs] = useState<ColumnPrefs>(() => readColumnPrefs(tableId) ?? { hidden: defaultHidden, widths: {} });
  const update = useCallback(
    (next: (old: ColumnPrefs) => ColumnPrefs) =>
      setPrefs((old) => {
        const value = next(old);
        writeColumnPrefs(tableId, value);
        return value;
      }),
    [tableId],
  );
  const setHidden = useCallback(
    (id: string, hide: boolean) =>
      update((old) => ({ ...old, hidden: hide ? [...new Set([...old.hidden, id])] : old.hidden.filter((h) => h !== id) })),
    [update],
  );
  const replaceHidden = useCallback((ids: readonly string[]) => update((old) => ({ ...old, hidden: [...new Set(ids)] })), [update]);
  const setWidths = useCallback(
    (widths: Record<string, number>) =>
      update((old) => ({
        ...old,
        widths: {
          ...old.widths,
          ...Object.fromEntries(Object.entries(widths).map(([k, w]) => [k, Math.max(MIN_COLUMN_WIDTH, Math.round(w))])),
        },
      })),
    [update],
  );
  const reset = useCallback(() => {
    writeColumnPrefs(tableId, null);
    setPrefs({ hidden: defaultHidden, widths: {} });
    // defaultHidden is a literal per screen; its identity does not matter.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tableId]);
  return { ...prefs, setHidden, replaceHidden, setWidths, reset };
}

export type ColumnPrefsState = ReturnType<typeof useColumnPrefs>;

/**
 * The same choice for an MUI X DataGrid: its visibility model, the columns with the stored widths
 * (a resized flex column keeps its width), and the handlers that store the admin's changes.
 */
export function useGridColumnPrefs<R extends object>(
  tableId: string,
  columns: readonly GridColDef<R>[],
  defaultHidden?: readonly string[],
) {
  const { hidden, widths, replaceHidden, setWidths } = useColumnPrefs(tableId, defaultHidden);
  const sized = useMemo(
    () =>
      columns.map((c) => {
        const width = widths[c.field];
        if (width === undefined || c.resizable === false) return c;
        const { flex: _flex, ...rest } = c;
        return { ...rest, width };
      }),
    [columns, widths],
  );
  const columnVisibilityModel = useMemo<GridColumnVisibilityModel>(() => Object.fromEntries(hidden.map((id) => [id, false])), [hidden]);
  const onColumnVisibilityModelChange = useCallback(
    (model: GridColumnVisibilityModel) =>
      replaceHidden(columns.filter((c) => c.hideable !== false && model[c.field] === false).map((c) => c.field)),
    [columns, replaceHidden],
  );
  const onColumnWidthChange = useCallback(
    ({ colDef, width }: { colDef: GridColDef; width: number }) => setWidths({ [colDef.field]: width }),
    [setWidths],
  );
  return { columns: sized, columnVisibilityModel, onColumnVisibilityModelChange, onColumnWidthChange };
}
