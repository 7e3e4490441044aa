// The exceptions grid: AG Grid's infinite row model over `exceptions.query`, so 100,000+ exceptions only ever
// hold the blocks on screen. Sorting happens in SQLite (column ids are the contract's sort fields); the filter and
// the period live in the store, and a new one gives the grid a new datasource. Kept thin: the logic is in the slice.
// Columns read as a person reads a row: when, what code, who, what, which order, how much; ids last and hidden.
import { useEffect, useMemo, useRef } from 'react';
import type { ColDef, GridApi, ICellRendererParams, RowSelectionOptions, SelectionChangedEvent } from 'ag-grid-community';
import type { ExceptionRow } from '../../../../shared/api/contract.ts';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { ServerGrid } from '../../grid/ServerGrid.tsx';
import { businessDateColumn, idsColumn, readableColumns } from '../../grid/reviewColumns.ts';
import { Amount } from '../../components/Amount.tsx';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { codeLabel, formatAge, formatInstant } from '../../format/formatters.ts';

const rowSelection: RowSelectionOptions<ExceptionRow> = {
  mode: 'multiRow',
  checkboxes: true,
  // Select-all would mean rows the infinite model has not loaded; bulk actions work on what the user ticked.
  headerCheckbox: false,
  enableClickSelection: false,
};

function CodeCell({ data }: ICellRendererParams<ExceptionRow>) {
  if (data === undefined) return null;
  return (
    <span className="exceptions-code" title={data.code}>
      <span className={`badge class-${data.class}`} title={`Class ${data.class}`}>
        {data.class}
      </span>
      <span>{codeLabel(data.code)}</span>
    </span>
  );
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
  return <Amount minor={data.amountMinor} currency={data.currency} magnitude />;
}

function idsText(row: ExceptionRow): string {
  const ids = row.events.map((e) => e.externalId).join(', ');
  const more = row.eventCount - row.events.length;
  return `${row.exceptionId} · ${more > 0 ? `${ids} +${more} more` : ids}`;
}

function isCheckboxClick(event: Event | null | undefined): boolean {
  const target = event?.target;
  return target instanceof Element && target.closest('.ag-selection-checkbox, .ag-checkbox') !== null;
}

/** Overdue while still open: the one date on the row that asks for attention. */
function overdue(row: ExceptionRow | undefined): boolean {
  return row !== undefined && row.dueAt !== null && row.state !== 'resolved' && Date.parse(row.dueAt) < Date.now();
}

export function ExceptionsGrid() {
  const store = useAppStore();
  const queryVersion = useApp((s) => s.exceptionsQueryVersion);
  const periodVersion = useApp((s) => s.periodVersion);
  const refreshVersion = useApp((s) => s.exceptionsRefreshVersion);
  const selectedCount = useApp((s) => s.exceptionsSelectedIds.length);
  const showIds = useApp((s) => s.showIds);
  const prefs = useDisplayPrefs();
  const period = useApp((s) => s.period);
  const gridApi = useRef<GridApi<ExceptionRow> | null>(null);

  const columnDefs = useMemo<ColDef<ExceptionRow>[]>(() => {
    const readable = readableColumns<ExceptionRow>();
    return [
      businessDateColumn<ExceptionRow>(prefs.locale, 'businessDate', period),
      { colId: 'code', field: 'code', headerName: 'Exception', flex: 1, minWidth: 152, cellRenderer: CodeCell, tooltipValueGetter: (p) => p.data?.summary ?? null },
      // At stake right after who, so it stays in view beside the detail panel.
      ...readable.slice(0, 1),
      { colId: 'amountMinor', field: 'amountMinor', headerName: 'At stake', width: 116, type: 'rightAligned', cellRenderer: AmountCell },
      ...readable.slice(1),
      { colId: 'state', field: 'state', headerName: 'State', width: 132, cellRenderer: StateCell },
      {
        colId: 'ageDays',
        field: 'ageDays',
        headerName: 'Age',
        headerTooltip: 'Since the business date; the time since it was raised is in the detail',
        width: 60,
        type: 'rightAligned',
        valueFormatter: (p) => (typeof p.value === 'number' ? formatAge(p.value, { compact: true }) : ''),
        tooltipValueGetter: (p) => (p.data === undefined ? null : `${formatAge(p.data.ageDays)} since the business date; raised ${formatAge(p.data.raisedAgeDays)} ago`),
      },
      { colId: 'owner', field: 'owner', headerName: 'Owner', width: 80, valueFormatter: (p) => ((p.value as string | null) ?? '—').replace(/^user:/, '') },
      {
        colId: 'dueAt',
        field: 'dueAt',
        headerName: 'Due',
        width: 68,
        valueFormatter: (p) => (p.data?.dueAt == null ? '—' : formatInstant(p.data.dueAt, prefs, { time: false }).replace(/,? \d{4}$/, '')),
        tooltipValueGetter: (p) => (p.data?.dueAt == null ? null : formatInstant(p.data.dueAt, prefs)),
        cellClassRules: { attention: (p) => overdue(p.data) },
      },
      idsColumn<ExceptionRow>('Exception and event ids', idsText, showIds),
    ];
  }, [prefs, showIds, period]);

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
      tooltipShowDelay: 400,
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
      // A new filter or period is a new datasource: the grid drops its blocks and starts from the top.
      restartKey={`${queryVersion}:${periodVersion}`}
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
