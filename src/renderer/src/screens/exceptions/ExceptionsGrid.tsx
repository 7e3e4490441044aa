// The exceptions grid: AG Grid's infinite row model over `exceptions.query`, so 100,000+ exceptions only ever
// hold the blocks on screen. Sorting happens in SQLite (column ids are the contract's sort fields); the filter
// lives in the store, and a new filter gives the grid a new datasource. Kept thin: the logic is in the slice.
import { useEffect, useMemo, useRef } from 'react';
import { AgGridReact } from 'ag-grid-react';
import type { CellKeyDownEvent, ColDef, GridApi, ICellRendererParams, RowClickedEvent, RowSelectionOptions } from 'ag-grid-community';
import type { ExceptionRow } from '../../../../shared/api/contract.ts';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { serverDatasource } from '../../grid/serverDatasource.ts';
import { gridTheme } from '../../grid/gridSetup.ts';
import { Amount } from '../../components/Amount.tsx';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { formatAge, formatInstant } from '../../format/formatters.ts';
import { errorMessage } from '../../store/sliceTypes.ts';

export const EXCEPTIONS_BLOCK_SIZE = 100;

const rowSelection: RowSelectionOptions<ExceptionRow> = {
  mode: 'multiRow',
  checkboxes: true,
  // Select-all would mean rows the infinite model has not loaded; bulk actions work on what the user ticked.
  headerCheckbox: false,
  enableClickSelection: false,
};

function ClassCell({ data }: ICellRendererParams<ExceptionRow>) {
  if (data === undefined) return null;
  return <span className={`badge class-${data.class}`}>{data.class}</span>;
}

function StateCell({ data }: ICellRendererParams<ExceptionRow>) {
  if (data === undefined) return null;
  return (
    <>
      {data.state.replace('_', ' ')}
      {data.policyGated && data.state !== 'resolved' ? (
        <span className="badge exceptions-gated" title="Above the policy gate: a person must sign off">
          sign-off
        </span>
      ) : null}
    </>
  );
}

function AmountCell({ data }: ICellRendererParams<ExceptionRow>) {
  if (data === undefined) return null;
  return <Amount minor={data.amountMinor} currency={data.currency} />;
}

function eventsText(row: ExceptionRow): string {
  const ids = row.events.map((e) => e.externalId).join(', ');
  const more = row.eventCount - row.events.length;
  return more > 0 ? `${ids} +${more} more` : ids;
}

function isCheckboxClick(event: Event | null | undefined): boolean {
  const target = event?.target;
  return target instanceof Element && target.closest('.ag-selection-checkbox, .ag-checkbox') !== null;
}

export function ExceptionsGrid() {
  const store = useAppStore();
  const theme = useApp((s) => s.theme);
  const queryVersion = useApp((s) => s.exceptionsQueryVersion);
  const refreshVersion = useApp((s) => s.exceptionsRefreshVersion);
  const selectedCount = useApp((s) => s.exceptionsSelectedIds.length);
  const prefs = useDisplayPrefs();
  const gridApi = useRef<GridApi<ExceptionRow> | null>(null);

  const columnDefs = useMemo<ColDef<ExceptionRow>[]>(
    () => [
      { colId: 'code', field: 'code', headerName: 'Code', width: 190 },
      { colId: 'class', field: 'class', headerName: 'Class', width: 80, cellRenderer: ClassCell },
      { colId: 'state', field: 'state', headerName: 'State', width: 150, cellRenderer: StateCell },
      { colId: 'amountMinor', field: 'amountMinor', headerName: 'At stake', width: 140, type: 'rightAligned', cellRenderer: AmountCell },
      { colId: 'sources', headerName: 'Sources', width: 170, sortable: false, valueGetter: (p) => p.data?.sources.join(', ') },
      { colId: 'events', headerName: 'Events', width: 220, sortable: false, valueGetter: (p) => (p.data ? eventsText(p.data) : undefined) },
      { colId: 'ageDays', field: 'ageDays', headerName: 'Age', width: 80, type: 'rightAligned', valueFormatter: (p) => (typeof p.value === 'number' ? formatAge(p.value) : '') },
      { colId: 'owner', field: 'owner', headerName: 'Owner', width: 140, valueFormatter: (p) => (p.value as string | null) ?? '—' },
      { colId: 'dueAt', field: 'dueAt', headerName: 'Due', width: 150, valueFormatter: (p) => (p.data ? formatInstant(p.data.dueAt, prefs) : '') },
      { colId: 'createdAt', field: 'createdAt', headerName: 'Created', width: 150, valueFormatter: (p) => (p.data ? formatInstant(p.data.createdAt, prefs) : '') },
    ],
    [prefs],
  );

  const defaultColDef = useMemo<ColDef<ExceptionRow>>(() => ({ sortable: true, resizable: true, suppressHeaderMenuButton: true }), []);

  const datasource = useMemo(
    () =>
      serverDatasource<ExceptionRow>(
        (startRow, endRow, sortModel) => store.getState().fetchExceptionsPage(startRow, endRow, sortModel),
        (err) => store.getState().notify('error', `Could not load exceptions: ${errorMessage(err)}`),
      ),
    // A new filter (queryVersion) is a new datasource: the grid drops its blocks and starts from the top.
    [store, queryVersion],
  );

  useEffect(() => {
    if (refreshVersion > 0) gridApi.current?.refreshInfiniteCache();
  }, [refreshVersion]);

  useEffect(() => {
    const api = gridApi.current;
    if (selectedCount === 0 && api !== null && api.getSelectedNodes().length > 0) api.deselectAll();
  }, [selectedCount, queryVersion]);

  const openRow = (row: ExceptionRow | undefined) => {
    if (row !== undefined) void store.getState().openExceptionDetail(row.exceptionId);
  };

  return (
    <div className="grid-wrap" role="region" aria-label="Exceptions grid">
      <AgGridReact<ExceptionRow>
        theme={gridTheme(theme)}
        rowModelType="infinite"
        datasource={datasource}
        cacheBlockSize={EXCEPTIONS_BLOCK_SIZE}
        maxBlocksInCache={20}
        maxConcurrentDatasourceRequests={2}
        blockLoadDebounceMillis={60}
        getRowId={(p) => p.data.exceptionId}
        columnDefs={columnDefs}
        defaultColDef={defaultColDef}
        rowSelection={rowSelection}
        onGridReady={(e) => {
          gridApi.current = e.api;
        }}
        onSelectionChanged={(e) => store.getState().setExceptionsSelected(e.api.getSelectedRows().map((r) => r.exceptionId))}
        onRowClicked={(e: RowClickedEvent<ExceptionRow>) => {
          if (!isCheckboxClick(e.event)) openRow(e.data);
        }}
        onCellKeyDown={(e) => {
          const key = (e.event as KeyboardEvent | null | undefined)?.key;
          if (key === 'Enter') openRow((e as CellKeyDownEvent<ExceptionRow>).data);
        }}
      />
    </div>
  );
}
