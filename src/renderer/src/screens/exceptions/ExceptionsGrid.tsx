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
import { codeLabel, formatAge, formatInstant, personName } from '../../format/formatters.ts';

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

const TIER_SHORT: Record<NonNullable<ExceptionRow['slaTier']>, string> = { CRITICAL: 'Crit', HIGH: 'High', MEDIUM: 'Med', LOW: 'Low' };
const ESCALATED_TO = ['', 'backup', 'escalation contact'];

/** How far the SLA due time is from now, compact: "5 d" left, "3 h late" (the day and hour are in the tooltip). */
function dueIn(dueAt: string): string {
  const days = (Date.parse(dueAt) - Date.now()) / 86_400_000;
  const away = Math.abs(days);
  const text = away >= 1 ? formatAge(away, { compact: true }) : `${Math.max(1, Math.round(away * 24))} h`;
  return days < 0 ? `${text} late` : text;
}

/** The SLA at a glance: tier, time to due, an arrow per escalation step; red when overdue (the one date asking attention). */
function SlaCell({ data }: ICellRendererParams<ExceptionRow>) {
  if (data === undefined || data.slaTier === null) return <span className="muted">—</span>;
  const due = data.slaDueAt === null || data.slaState === 'none' ? '' : dueIn(data.slaDueAt);
  return (
    <span className={data.slaState === 'overdue' ? 'attention' : undefined}>
      <span className={`badge tier tier-${data.slaTier}`}>{TIER_SHORT[data.slaTier]}</span> {due}
      {data.escalationLevel > 0 ? (
        <span className="escalation-mark" aria-label={`escalated to the ${ESCALATED_TO[data.escalationLevel] ?? ''}`}>
          {' ' + '↑'.repeat(data.escalationLevel)}
        </span>
      ) : null}
    </span>
  );
}

function slaTooltip(row: ExceptionRow | undefined, prefs: ReturnType<typeof useDisplayPrefs>): string | null {
  if (row === undefined || row.slaTier === null) return null;
  const state = { overdue: 'overdue', due_today: 'due today', on_track: 'on track', none: 'no SLA running' }[row.slaState];
  const due = row.slaDueAt === null ? '' : `, due ${formatInstant(row.slaDueAt, prefs)}`;
  return `${row.slaTier}${due} (${state})${row.escalationLevel > 0 ? `; escalated to the ${ESCALATED_TO[row.escalationLevel] ?? ''}` : ''}`;
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
      {
        colId: 'code',
        field: 'code',
        headerName: 'Exception',
        flex: 1,
        minWidth: 152,
        cellRenderer: CodeCell,
        tooltipValueGetter: (p) => p.data?.summary ?? null,
      },
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
        tooltipValueGetter: (p) =>
          p.data === undefined ? null : `${formatAge(p.data.ageDays)} since the business date; raised ${formatAge(p.data.raisedAgeDays)} ago`,
      },
      {
        colId: 'owner',
        field: 'owner',
        headerName: 'Owner',
        width: 92,
        valueFormatter: (p) => (p.data === undefined ? '' : p.value === null ? '—' : personName(p.value as string)),
        tooltipValueGetter: (p) =>
          p.data === undefined ? null : `${p.data.owner ?? 'unassigned'}${p.data.backup === null ? '' : `; backup ${p.data.backup}`}`,
      },
      {
        colId: 'slaDueAt',
        field: 'slaDueAt',
        headerName: 'SLA',
        headerTooltip: 'Tier, time left until the SLA is due (red when late), an arrow per escalation step',
        width: 108,
        cellRenderer: SlaCell,
        tooltipValueGetter: (p) => slaTooltip(p.data, prefs),
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
      onSelectionChanged: (e: SelectionChangedEvent<ExceptionRow>) =>
        store.getState().setExceptionsSelected(e.api.getSelectedRows().map((r) => r.exceptionId)),
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
