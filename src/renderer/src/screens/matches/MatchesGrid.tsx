// The matches list: an infinite-row-model grid whose pages, sorting and filters are answered by
// `matches.query`. Sortable columns are named by the contract's sort fields. Enter or a click opens the detail.
import { useMemo } from 'react';
import type { CustomCellRendererProps } from 'ag-grid-react';
import type { ColDef } from 'ag-grid-community';
import type { MatchRow } from '../../../../shared/api/contract.ts';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { SINGLE_ROW_SELECTION, UNSORTED_COLUMNS } from '../../grid/gridSetup.ts';
import { ServerGrid } from '../../grid/ServerGrid.tsx';
import { businessDateColumn, idsColumn, readableColumns } from '../../grid/reviewColumns.ts';
import { Amount } from '../../components/Amount.tsx';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { formatInstant, formatScore, linkLabel } from '../../format/formatters.ts';
import { eventsText, ruleText, STATUS_LABELS } from './matchText.ts';

function StatusCell({ data }: CustomCellRendererProps<MatchRow>) {
  return data ? <span className={`badge match-status match-${data.status}`}>{STATUS_LABELS[data.status]}</span> : null;
}

function AmountCell({ data }: CustomCellRendererProps<MatchRow>) {
  return data ? <Amount minor={data.amountMinor} currency={data.currency} kind={data.kind} /> : null;
}

export function MatchesGrid() {
  const store = useAppStore();
  const filter = useApp((s) => s.matchesFilter);
  const periodVersion = useApp((s) => s.periodVersion);
  const refresh = useApp((s) => s.matchesRefresh);
  const matchesChanged = useApp((s) => s.changes.matches);
  const importsChanged = useApp((s) => s.changes.imports);
  const showIds = useApp((s) => s.showIds);
  const prefs = useDisplayPrefs();
  const period = useApp((s) => s.period);

  const columnDefs = useMemo<ColDef<MatchRow>[]>(() => {
    const readable = readableColumns<MatchRow>();
    return [
      businessDateColumn<MatchRow>(prefs.locale, null, period),
      {
        headerName: 'Link',
        colId: 'link',
        field: 'link',
        width: 150,
        sortable: true,
        valueFormatter: (p) => (typeof p.value === 'string' ? linkLabel(p.value) : ''),
      },
      // The amount right after who, so it stays in view beside the detail panel.
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
      { headerName: 'Status', colId: 'status', field: 'status', width: 112, sortable: true, cellRenderer: StatusCell },
      {
        headerName: 'Fit',
        headerTooltip: 'How well the events agree (keys, amount, time), as the rule scored them',
        colId: 'score',
        field: 'score',
        width: 64,
        sortable: true,
        type: 'rightAligned',
        valueFormatter: (p) => (p.data ? formatScore(p.data.score) : ''),
      },
      {
        headerName: 'Matched',
        colId: 'createdAt',
        field: 'createdAt',
        width: 132,
        sortable: true,
        initialSort: 'desc',
        valueFormatter: (p) => (p.data ? formatInstant(p.data.createdAt, prefs) : ''),
        tooltipValueGetter: (p) => (p.data ? `${formatInstant(p.data.createdAt, prefs)} by ${p.data.createdBy}, ${ruleText(p.data)}` : null),
      },
      idsColumn<MatchRow>('Match and event ids', eventsText, showIds),
    ];
  }, [prefs, showIds, period]);

  const options = useMemo(
    () => ({ columnDefs, defaultColDef: UNSORTED_COLUMNS, rowSelection: SINGLE_ROW_SELECTION, tooltipShowDelay: 400 }),
    [columnDefs],
  );

  return (
    <ServerGrid<MatchRow>
      label="Matches list"
      fetchPage={(startRow, endRow, sortModel) => store.getState().fetchMatchesPage(startRow, endRow, sortModel)}
      failure="Could not load matches"
      restartKey={`${JSON.stringify(filter)}:${periodVersion}`}
      // Data changed (an unmatch here, a `changed` event from the backend): reload the loaded blocks in place.
      refreshKey={`${refresh}:${matchesChanged}:${importsChanged}`}
      rowId={(row) => row.matchId}
      onOpen={(row) => void store.getState().openMatch(row.matchId)}
      options={options}
    />
  );
}
