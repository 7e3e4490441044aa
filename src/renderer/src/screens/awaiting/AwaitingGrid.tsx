// The awaiting events of the period: an infinite-row-model grid answered by `awaiting.query` (one row per event and
// the exception it would become). A click or Enter opens the event and what it waits for.
import { useMemo } from 'react';
import type { CustomCellRendererProps } from 'ag-grid-react';
import type { ColDef } from 'ag-grid-community';
import type { AwaitingRow } from '../../../../shared/api/contract.ts';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { SINGLE_ROW_SELECTION, UNSORTED_COLUMNS } from '../../grid/gridSetup.ts';
import { ServerGrid } from '../../grid/ServerGrid.tsx';
import { businessDateColumn, idsColumn, readableColumns } from '../../grid/reviewColumns.ts';
import { Amount } from '../../components/Amount.tsx';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { codeLabel, formatInstant } from '../../format/formatters.ts';

function AmountCell({ data }: CustomCellRendererProps<AwaitingRow>) {
  return data ? <Amount minor={data.amountMinor} currency={data.currency} kind={data.kind} /> : null;
}

export function AwaitingGrid() {
  const store = useAppStore();
  const filter = useApp((s) => s.awaitingFilter);
  const periodVersion = useApp((s) => s.periodVersion);
  const changed = useApp((s) => `${s.changes.imports}:${s.changes.matches}:${s.changes.exceptions}`);
  const showIds = useApp((s) => s.showIds);
  const period = useApp((s) => s.period);
  const prefs = useDisplayPrefs();

  const columnDefs = useMemo<ColDef<AwaitingRow>[]>(() => {
    const readable = readableColumns<AwaitingRow>();
    return [
      { ...businessDateColumn<AwaitingRow>(prefs.locale, 'businessDate', period), initialSort: 'asc' },
      { headerName: 'Kind', colId: 'kind', width: 96, sortable: false, valueGetter: (p) => p.data?.kind.replace('_', ' ') },
      ...readable.slice(0, 1),
      {
        headerName: 'Amount',
        colId: 'amountMinor',
        field: 'amountMinor',
        width: 120,
        sortable: true,
        type: 'rightAligned',
        cellRenderer: AmountCell,
      },
      ...readable.slice(1),
      { headerName: 'Source', colId: 'source', field: 'source', width: 130, sortable: true },
      {
        headerName: 'Would become',
        headerTooltip: 'The exception this event becomes if its counterpart never comes',
        colId: 'code',
        field: 'code',
        width: 150,
        sortable: true,
        valueFormatter: (p) => (typeof p.value === 'string' ? codeLabel(p.value) : ''),
      },
      {
        headerName: 'Waiting for',
        colId: 'reason',
        flex: 2,
        minWidth: 200,
        sortable: false,
        valueGetter: (p) => p.data?.reason,
        tooltipValueGetter: (p) => p.data?.reason ?? null,
      },
      {
        headerName: 'Decided after',
        headerTooltip: 'When every source that could hold the counterpart has delivered past this time, the event is matched or its exception opens',
        colId: 'until',
        field: 'until',
        width: 118,
        sortable: true,
        valueFormatter: (p) => (typeof p.value === 'string' ? formatInstant(p.value, prefs, { time: false }) : ''),
        tooltipValueGetter: (p) => (typeof p.value === 'string' ? formatInstant(p.value, prefs) : null),
      },
      idsColumn<AwaitingRow>('Event id', (r) => `${r.eventId} · ${r.externalId}`, showIds),
    ];
  }, [prefs, showIds, period]);

  const options = useMemo(
    () => ({ columnDefs, defaultColDef: UNSORTED_COLUMNS, rowSelection: SINGLE_ROW_SELECTION, tooltipShowDelay: 400 }),
    [columnDefs],
  );

  return (
    <ServerGrid<AwaitingRow>
      label="Awaiting events"
      fetchPage={(startRow, endRow, sortModel) => store.getState().fetchAwaitingPage(startRow, endRow, sortModel)}
      failure="Could not load the awaiting events"
      restartKey={`${JSON.stringify(filter)}:${periodVersion}`}
      refreshKey={changed}
      rowId={(row) => `${row.eventId}:${row.code}`}
      onOpen={(row) => void store.getState().openAwaiting(row.eventId)}
      options={options}
    />
  );
}
