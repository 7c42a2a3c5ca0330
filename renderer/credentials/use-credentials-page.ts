import type { GridPaginationModel, GridRowSelectionModel, GridSortModel } from '@mui/x-data-grid';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import type { CredentialSortKey } from '../../shared/api/schemas.ts';
import type { Credential, CredentialStatus } from '../../shared/domain/types.ts';
import { useApi } from '../app/api.ts';
import { useNavigation } from '../app/navigation.ts';
import { qk } from '../app/query-keys.ts';
import { useSession } from '../app/session.ts';
import { abandonOnAbort, useDebouncedValue } from '../common/use-debounced-value.ts';

/** How long the search field waits for typing to pause before it asks the server. */
export const SEARCH_DEBOUNCE_MS = 250;

/** The Status filter: a status, any status (''), or every status but revoked ('live'). */
export type StatusFilter = CredentialStatus | '' | 'live';

/** The columns GET /v1/credentials sorts by (the grid's field names are the API's sort keys). */
const SERVER_SORT: ReadonlySet<string> = new Set<CredentialSortKey>(['name', 'status', 'prefix', 'createdAt', 'expiresAt', 'lastUsedAt']);

/**
 * The page of credentials asked for: search, status, sort and page. The backend pages by cursor,
 * so we remember each page's; the search asks the server once typing pauses, and an older search
 * still in flight is dropped.
 */
export function useCredentialsPage() {
  const api = useApi();
  const session = useSession();
  // A link from another screen (a hygiene finding) opens the list already searched.
  const { search } = useNavigation();
  const [typed, setTyped] = useState(search);
  const q = useDebouncedValue(typed.trim(), SEARCH_DEBOUNCE_MS);
  // Revoked credentials are final and mostly noise: hidden unless asked for.
  const [status, setStatus] = useState<StatusFilter>('live');
  const [paging, setPaging] = useState<GridPaginationModel>({ page: 0, pageSize: 25 });
  // Sorted by the server (the list is paged): one column at a time; none is newest first.
  const [sortModel, setSortModel] = useState<GridSortModel>([]);
  const sorted = sortModel[0] && SERVER_SORT.has(sortModel[0].field) ? sortModel[0] : null;
  const sort = sorted ? { sort: sorted.field as CredentialSortKey, order: sorted.sort ?? 'asc' } : null;
  // A new search starts on its first page (reset when the debounced text changes, not per key).
  const [pagedFor, setPagedFor] = useState(q);
  if (pagedFor !== q) {
    setPagedFor(q);
    setPaging((p) => ({ ...p, page: 0 }));
  }
  const cursors = useRef<Record<string, (string | undefined)[]>>({});
  const filterKey = `${q}|${status}|${paging.pageSize}|${sort ? `${sort.sort}:${sort.order}` : ''}`;
  const pageCursors = (cursors.current[filterKey] ??= [undefined]);
  const cursor = pageCursors[paging.page];

  const page = useQuery({
    queryKey: qk.credentials(session.profileId, { q, status, sort, pageSize: paging.pageSize, cursor: cursor ?? null }),
    queryFn: ({ signal }) =>
      abandonOnAbort(
        api.credentials.list({
          limit: paging.pageSize,
          ...(q ? { q } : {}),
          ...(status === 'live' ? { hideRevoked: true } : status ? { status } : {}),
          ...(sort ?? {}),
          ...(cursor ? { cursor } : {}),
        }),
        signal,
      ),
    placeholderData: keepPreviousData,
  });
  if (page.data?.nextCursor && !page.isPlaceholderData) pageCursors[paging.page + 1] = page.data.nextCursor;

  // A new status or sort starts on the first page.
  const changeStatus = (next: StatusFilter) => {
    setStatus(next);
    setPaging((p) => ({ ...p, page: 0 }));
  };
  const changeSort = (model: GridSortModel) => {
    setSortModel(model);
    setPaging((p) => ({ ...p, page: 0 }));
  };
  return { typed, setTyped, q, status, changeStatus, paging, setPaging, sortModel, changeSort, page };
}

/** Selected rows stay selected across pages, searches and sorts until acted on or cleared. */
export function useCredentialSelection(rows: Credential[]) {
  const [selected, setSelected] = useState<ReadonlyMap<string, Credential>>(new Map());
  // The selection as the grid knows it, and as current as the page shown (a row's status changes).
  const shown = new Map(rows.map((r) => [r.id, r]));
  const selectedRows = [...selected.keys()].map((id) => shown.get(id) ?? selected.get(id)!);
  const selectionModel: GridRowSelectionModel = { type: 'include', ids: new Set(selected.keys()) };
  const select = (model: GridRowSelectionModel) => {
    const next = new Map<string, Credential>();
    // "Select all" answers an exclude model: every row of this page but those named.
    const picked =
      model.type === 'include'
        ? model.ids
        : new Set([...[...selected.keys()].filter((id) => !shown.has(id)), ...rows.filter((r) => !model.ids.has(r.id)).map((r) => r.id)]);
    for (const id of picked) {
      const row = shown.get(String(id)) ?? selected.get(String(id));
      if (row) next.set(row.id, row);
    }
    setSelected(next);
  };
  const keepOnly = (ids: string[]) => setSelected(new Map(ids.flatMap((id) => (selected.has(id) ? [[id, selected.get(id)!]] : []))));
  return { selectedRows, selectionModel, select, keepOnly };
}
