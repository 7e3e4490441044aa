// The exceptions grid: AG Grid's infinite row model over `exceptions.query`, so 100,000+ exceptions only ever
// hold the blocks on screen. Sorting happens in SQLite (column ids are the contract's sort fields); the filter
// lives in the store, and a new filter gives the grid a new datasource. Kept thin: the logic is in the slice.
import { useEffect, useMemo, useRef } from 'react';
import type { ColDef, GridApi, ICellRendererParams, RowSelectionOptions, SelectionChangedEvent } from 'ag-grid-community';
import type { ExceptionRow } from '../../../../shared/api/contract.ts';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { ServerGrid } from '../../grid/ServerGrid.tsx';
import { Amount } from '../../components/Amount.tsx';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { formatAge, formatInstant } from '../../format/formatters.ts';

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

  useEffect(() => {
    const api = gridApi.current;
    if (selectedCount === 0 && api !== null && api.getSelectedNodes().length > 0) api.deselectAll();
  }, [selectedCount, queryVersion]);

  const options = useMemo(
    () => ({
      columnDefs,
      defaultColDef,
      rowSelection,
      maxConcurrentDatasourceRequests: 2,
      blockLoadDebounceMillis: 60,
      onSelectionChanged: (e: SelectionChangedEvent<ExceptionRow>) => store.getState().setExceptionsSelected(e.api.getSelectedRows().map((r) => r.exceptionId)),
    }),
    [columnDefs, defaultColDef, store],
  );

  return (
    <ServerGrid<ExceptionRow>
      label="Exceptions grid"
      fetchPage={(startRow, endRow, sortModel) => store.getState().fetchExceptionsPage(startRow, endRow, sortModel)}
      failure="Could not load exceptions"
      // A new filter (queryVersion) is a new datasource: the grid drops its blocks and starts from the top.
      restartKey={queryVersion}
      refreshKey={refreshVersion}
      rowId={(row) => row.exceptionId}
      onOpen={(row) => void store.getState().openExceptionDetail(row.exceptionId)}
      ignoreClick={isCheckboxClick}
      onApi={(api) => {
        gridApi.current = api;
      }}
      options={options}
    />
  );
}
