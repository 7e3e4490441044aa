// The one grid shape the review screens share: AG Grid's infinite row model over a paged API method, so only the
// blocks on screen are held. A new `restartKey` (the filter changed) gives it a new datasource and it starts from
// the first row; a new `refreshKey` (the data changed) reloads the loaded blocks in place. A click on a row, or
// Enter on one of its cells, opens that row.
import { useEffect, useMemo, useRef } from 'react';
import { AgGridReact, type AgGridReactProps } from 'ag-grid-react';
import type { GridApi, SortModelItem } from 'ag-grid-community';
import { useApp, useAppStore } from '../store/storeContext.tsx';
import { errorMessage } from '../store/sliceTypes.ts';
import { serverDatasource, type Page } from './serverDatasource.ts';
import { gridTheme } from './gridSetup.ts';

export const GRID_BLOCK_SIZE = 100;

export interface ServerGridProps<Row> {
  /** The accessible name of the grid's region. */
  label: string;
  fetchPage(startRow: number, endRow: number, sortModel: SortModelItem[]): Promise<Page<Row>>;
  /** "Could not load matches": the start of the notice when a page fails. */
  failure: string;
  restartKey: unknown;
  refreshKey: unknown;
  rowId(row: Row): string;
  onOpen(row: Row): void;
  /** Clicks the row must not treat as "open" (a selection checkbox). */
  ignoreClick?(event: Event | null | undefined): boolean;
  onApi?(api: GridApi<Row>): void;
  /** Column definitions, selection and the options a screen adds (they must be stable: module constants or memoized). */
  options: Omit<AgGridReactProps<Row>, 'datasource' | 'rowModelType' | 'theme' | 'getRowId' | 'onRowClicked' | 'onCellKeyDown' | 'onGridReady'>;
}

export function ServerGrid<Row>({
  label,
  fetchPage,
  failure,
  restartKey,
  refreshKey,
  rowId,
  onOpen,
  ignoreClick,
  onApi,
  options,
}: ServerGridProps<Row>) {
  const store = useAppStore();
  const theme = useApp((s) => s.theme);
  const api = useRef<GridApi<Row> | null>(null);
  // The latest callbacks, read when the grid asks: the datasource itself changes only with restartKey.
  const latest = useRef({ fetchPage, onOpen });
  latest.current = { fetchPage, onOpen };

  const datasource = useMemo(() => {
    void restartKey;
    return serverDatasource<Row>(
      (startRow, endRow, sortModel) => latest.current.fetchPage(startRow, endRow, sortModel),
      (err) => store.getState().notify('error', `${failure}: ${errorMessage(err)}`),
    );
  }, [store, failure, restartKey]);

  const seenRefresh = useRef(refreshKey);
  useEffect(() => {
    if (Object.is(seenRefresh.current, refreshKey)) return;
    seenRefresh.current = refreshKey;
    api.current?.refreshInfiniteCache();
  }, [refreshKey]);

  const open = (row: Row | undefined) => {
    if (row !== undefined) latest.current.onOpen(row);
  };

  return (
    <div className="grid-wrap" role="region" aria-label={label}>
      <AgGridReact<Row>
        cacheBlockSize={GRID_BLOCK_SIZE}
        maxBlocksInCache={20}
        {...options}
        theme={gridTheme(theme)}
        rowModelType="infinite"
        datasource={datasource}
        getRowId={(p) => rowId(p.data)}
        onGridReady={(e) => {
          api.current = e.api;
          onApi?.(e.api);
        }}
        onRowClicked={(e) => {
          if (ignoreClick?.(e.event) !== true) open(e.data);
        }}
        onCellKeyDown={(e) => {
          if ((e.event as KeyboardEvent | null | undefined)?.key === 'Enter') open(e.data);
        }}
      />
    </div>
  );
}
