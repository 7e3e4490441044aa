// The differences of a version from the live results whose events are in the review period: an infinite-row-model grid
// whose pages, sorting and category filter are answered by the services from the version's lane (100,000+ rows stay in
// SQLite). A row opens both sides.
import { useMemo } from 'react';
import type { CustomCellRendererProps } from 'ag-grid-react';
import type { ColDef } from 'ag-grid-community';
import type { RuleDiffRow } from '../../../../shared/api/contract.ts';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { SINGLE_ROW_SELECTION, UNSORTED_COLUMNS } from '../../grid/gridSetup.ts';
import { ServerGrid } from '../../grid/ServerGrid.tsx';
import { idsColumn } from '../../grid/reviewColumns.ts';
import { Amount } from '../../components/Amount.tsx';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { formatInstant } from '../../format/formatters.ts';
import { CATEGORY_WORDS } from './ComparisonPanel.tsx';

function AmountCell({ data }: CustomCellRendererProps<RuleDiffRow>) {
  return data ? <Amount minor={data.amountMinor} currency={data.currency} /> : null;
}

/** One side of a difference in words: unmatched, or matched with N events, then its exceptions. */
export function sideText(matchId: string | null, withIds: string[], exceptions: string[]): string {
  const match =
    matchId === null
      ? 'unmatched'
      : withIds.length === 0
        ? 'matched'
        : `matched with ${withIds.length === 1 ? '1 event' : `${withIds.length} events`}`;
  return exceptions.length === 0 ? match : `${match}; ${exceptions.join(', ').replace(/_/g, ' ').toLowerCase()}`;
}

export function DiffGrid() {
  const store = useAppStore();
  const version = useApp((s) => s.rulesSelected);
  const filter = useApp((s) => s.rulesDiffFilter);
  const periodVersion = useApp((s) => s.periodVersion);
  const refresh = useApp((s) => `${s.changes.imports}:${s.changes.matches}:${s.changes.exceptions}:${s.changes.rules}`);
  const showIds = useApp((s) => s.showIds);
  const prefs = useDisplayPrefs();

  const columnDefs = useMemo<ColDef<RuleDiffRow>[]>(
    () => [
      {
        headerName: 'When',
        colId: 'occurredAt',
        field: 'occurredAt',
        width: 112,
        sortable: true,
        initialSort: 'asc',
        valueFormatter: (p) => (typeof p.value === 'string' ? formatInstant(p.value, prefs, { time: false }) : ''),
      },
      {
        headerName: 'Kind',
        colId: 'kind',
        field: 'kind',
        width: 100,
        sortable: true,
        valueFormatter: (p) => (typeof p.value === 'string' ? p.value.replace('_', ' ') : ''),
      },
      { headerName: 'Source', colId: 'source', field: 'source', width: 120, sortable: true },
      {
        headerName: 'Amount',
        colId: 'amountMinor',
        field: 'amountMinor',
        width: 120,
        sortable: true,
        type: 'rightAligned',
        cellRenderer: AmountCell,
      },
      {
        headerName: 'Difference',
        colId: 'category',
        field: 'category',
        width: 150,
        sortable: true,
        valueFormatter: (p) => (typeof p.value === 'string' ? (CATEGORY_WORDS[p.value as RuleDiffRow['category']] ?? p.value) : ''),
      },
      {
        headerName: 'Rule',
        colId: 'ruleId',
        field: 'ruleId',
        width: 190,
        sortable: true,
        cellClass: 'mono',
        valueFormatter: (p) => (p.data === undefined ? '' : (p.data.ruleId ?? '(leftover)')),
      },
      {
        headerName: 'Live',
        colId: 'live',
        flex: 1,
        minWidth: 160,
        valueGetter: (p) => (p.data === undefined ? undefined : sideText(p.data.activeMatchId, p.data.activeWith, p.data.activeExceptions)),
        tooltipValueGetter: (p) => (typeof p.value === 'string' ? p.value : null),
      },
      {
        headerName: 'This version',
        colId: 'version',
        flex: 1,
        minWidth: 160,
        valueGetter: (p) => (p.data === undefined ? undefined : sideText(p.data.shadowMatchId, p.data.shadowWith, p.data.shadowExceptions)),
        tooltipValueGetter: (p) => (typeof p.value === 'string' ? p.value : null),
      },
      idsColumn<RuleDiffRow>('Event id', (r) => r.eventId, showIds),
    ],
    [prefs, showIds],
  );
  const options = useMemo(
    () => ({ columnDefs, defaultColDef: UNSORTED_COLUMNS, rowSelection: SINGLE_ROW_SELECTION, tooltipShowDelay: 400 }),
    [columnDefs],
  );

  return (
    <ServerGrid<RuleDiffRow>
      label="Differences"
      fetchPage={(startRow, endRow, sortModel) => store.getState().fetchDiffPage(startRow, endRow, sortModel)}
      failure="Could not load the differences"
      restartKey={`${version ?? ''}:${JSON.stringify(filter)}:${periodVersion}`}
      refreshKey={refresh}
      rowId={(row) => row.eventId}
      onOpen={(row) => void store.getState().openDiff(row.eventId)}
      options={options}
    />
  );
}
