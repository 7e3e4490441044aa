// The matches list: an infinite-row-model grid whose pages, sorting and filters are answered by
// `matches.query`. Sortable columns are named by the contract's sort fields. Enter or a click opens the detail.
import { useMemo } from 'react';
import type { CustomCellRendererProps } from 'ag-grid-react';
import type { ColDef } from 'ag-grid-community';
import type { MatchRow } from '../../../../shared/api/contract.ts';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { SINGLE_ROW_SELECTION, UNSORTED_COLUMNS } from '../../grid/gridSetup.ts';
import { ServerGrid } from '../../grid/ServerGrid.tsx';
import { Amount } from '../../components/Amount.tsx';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { formatInstant } from '../../format/formatters.ts';
import { eventsText, ruleText, scoreText, STATUS_LABELS } from './matchText.ts';

function StatusCell({ data }: CustomCellRendererProps<MatchRow>) {
  return data ? <span className={`badge match-status match-${data.status}`}>{STATUS_LABELS[data.status]}</span> : null;
}

function AmountCell({ data }: CustomCellRendererProps<MatchRow>) {
  return data ? <Amount minor={data.amountMinor} currency={data.currency} /> : null;
}

export function MatchesGrid() {
  const store = useAppStore();
  const filter = useApp((s) => s.matchesFilter);
  const refresh = useApp((s) => s.matchesRefresh);
  const matchesChanged = useApp((s) => s.changes.matches);
  const importsChanged = useApp((s) => s.changes.imports);
  const prefs = useDisplayPrefs();

  const columnDefs = useMemo<ColDef<MatchRow>[]>(
    () => [
      { headerName: 'Link', colId: 'link', field: 'link', width: 125, sortable: true },
      { headerName: 'Status', colId: 'status', field: 'status', width: 125, sortable: true, cellRenderer: StatusCell },
      {
        headerName: 'Rule',
        colId: 'ruleId',
        width: 190,
        sortable: true,
        valueGetter: (p) => (p.data ? ruleText(p.data) : ''),
        tooltipValueGetter: (p) => (p.data ? ruleText(p.data) : null),
      },
      {
        headerName: 'Score',
        colId: 'score',
        field: 'score',
        width: 75,
        sortable: true,
        type: 'rightAligned',
        valueFormatter: (p) => (p.data ? scoreText(p.data.score) : ''),
      },
      { headerName: 'Amount', colId: 'amountMinor', field: 'amountMinor', width: 135, sortable: true, type: 'rightAligned', cellRenderer: AmountCell },
      {
        headerName: 'Events',
        colId: 'events',
        flex: 1,
        minWidth: 220,
        cellClass: 'mono',
        valueGetter: (p) => (p.data ? eventsText(p.data) : ''),
        tooltipValueGetter: (p) => (p.data ? eventsText(p.data) : null),
      },
      {
        headerName: 'Created',
        colId: 'createdAt',
        field: 'createdAt',
        width: 150,
        sortable: true,
        initialSort: 'desc',
        valueFormatter: (p) => (p.data ? formatInstant(p.data.createdAt, prefs) : ''),
      },
      { headerName: 'Created by', colId: 'createdBy', field: 'createdBy', width: 130 },
    ],
    [prefs],
  );

  const options = useMemo(() => ({ columnDefs, defaultColDef: UNSORTED_COLUMNS, rowSelection: SINGLE_ROW_SELECTION }), [columnDefs]);

  return (
    <ServerGrid<MatchRow>
      label="Matches list"
      fetchPage={(startRow, endRow, sortModel) => store.getState().fetchMatchesPage(startRow, endRow, sortModel)}
      failure="Could not load matches"
      restartKey={filter}
      // Data changed (an unmatch here, a `changed` event from the backend): reload the loaded blocks in place.
      refreshKey={`${refresh}:${matchesChanged}:${importsChanged}`}
      rowId={(row) => row.matchId}
      onOpen={(row) => void store.getState().openMatch(row.matchId)}
      options={options}
    />
  );
}
