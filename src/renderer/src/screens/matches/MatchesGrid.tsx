// The matches list: an infinite-row-model grid whose pages, sorting and filters are answered by
// `matches.query`. Sortable columns are named by the contract's sort fields. Enter or a click opens the detail.
import { useEffect, useMemo, useRef } from 'react';
import { AgGridReact, type CustomCellRendererProps } from 'ag-grid-react';
import type { ColDef } from 'ag-grid-community';
import type { MatchRow } from '../../../../shared/api/contract.ts';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { errorMessage } from '../../store/sliceTypes.ts';
import { serverDatasource } from '../../grid/serverDatasource.ts';
import { gridTheme, SINGLE_ROW_SELECTION, UNSORTED_COLUMNS } from '../../grid/gridSetup.ts';
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
  const theme = useApp((s) => s.theme);
  const filter = useApp((s) => s.matchesFilter);
  const refresh = useApp((s) => s.matchesRefresh);
  const matchesChanged = useApp((s) => s.changes.matches);
  const importsChanged = useApp((s) => s.changes.imports);
  const prefs = useDisplayPrefs();
  const gridRef = useRef<AgGridReact<MatchRow>>(null);

  // A new datasource (the filter changed) makes the grid start over from the first row.
  const datasource = useMemo(() => {
    void filter;
    return serverDatasource<MatchRow>(
      (startRow, endRow, sortModel) => store.getState().fetchMatchesPage(startRow, endRow, sortModel),
      (err) => store.getState().notify('error', `Could not load matches: ${errorMessage(err)}`),
    );
  }, [store, filter]);

  // Data changed (an unmatch here, a `changed` event from the backend): reload the loaded blocks in place.
  const seen = useRef({ refresh, matchesChanged, importsChanged });
  useEffect(() => {
    const now = { refresh, matchesChanged, importsChanged };
    if (JSON.stringify(now) === JSON.stringify(seen.current)) return;
    seen.current = now;
    gridRef.current?.api?.refreshInfiniteCache();
  }, [refresh, matchesChanged, importsChanged]);

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

  const open = (row: MatchRow | undefined) => {
    if (row !== undefined) void store.getState().openMatch(row.matchId);
  };

  return (
    <div className="grid-wrap" aria-label="Matches list" role="region">
      <AgGridReact<MatchRow>
        ref={gridRef}
        theme={gridTheme(theme)}
        rowModelType="infinite"
        datasource={datasource}
        cacheBlockSize={100}
        maxBlocksInCache={20}
        getRowId={(p) => p.data.matchId}
        columnDefs={columnDefs}
        defaultColDef={UNSORTED_COLUMNS}
        rowSelection={SINGLE_ROW_SELECTION}
        onRowClicked={(e) => open(e.data)}
        onCellKeyDown={(e) => {
          if ((e.event as KeyboardEvent | null)?.key === 'Enter' && 'data' in e) open(e.data);
        }}
      />
    </div>
  );
}
