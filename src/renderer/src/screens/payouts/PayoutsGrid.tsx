// The payouts list: an infinite-row-model grid whose pages come from `payouts.query`, so thousands of payouts
// load a block at a time. Enter or a click opens the payout's waterfall.
import { useMemo } from 'react';
import type { CustomCellRendererProps } from 'ag-grid-react';
import type { ColDef } from 'ag-grid-community';
import type { PayoutRow } from '../../../../shared/api/contract.ts';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { SINGLE_ROW_SELECTION, UNSORTED_COLUMNS } from '../../grid/gridSetup.ts';
import { ServerGrid } from '../../grid/ServerGrid.tsx';
import { Amount } from '../../components/Amount.tsx';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';
import { formatInstant } from '../../format/formatters.ts';

const BANK_LABELS: Record<PayoutRow['bank'], string> = { matched: 'in bank', missing: 'missing', pending: 'pending' };

function AmountCell(field: 'netMinor' | 'unexplainedMinor') {
  return function Cell({ data }: CustomCellRendererProps<PayoutRow>) {
    return data ? <Amount minor={data[field]} currency={data.currency} /> : null;
  };
}
const NetCell = AmountCell('netMinor');
const UnexplainedCell = AmountCell('unexplainedMinor');

function BankCell({ data }: CustomCellRendererProps<PayoutRow>) {
  return data ? <span className={`badge payout-bank bank-${data.bank}`}>{BANK_LABELS[data.bank]}</span> : null;
}

export function PayoutsGrid() {
  const store = useAppStore();
  const filter = useApp((s) => s.payoutsFilter);
  const matchesChanged = useApp((s) => s.changes.matches);
  const importsChanged = useApp((s) => s.changes.imports);
  const prefs = useDisplayPrefs();

  const columnDefs = useMemo<ColDef<PayoutRow>[]>(
    () => [
      // The columns that answer "is this payout explained and banked?" come first, so they stay in view beside the panel.
      { headerName: 'Date', field: 'occurredAt', width: 110, valueFormatter: (p) => (p.value ? formatInstant(p.value as string, prefs, { time: false }) : '') },
      { headerName: 'Payout id', field: 'externalId', flex: 1, minWidth: 150, cellClass: 'mono', tooltipField: 'externalId' },
      { headerName: 'Net', field: 'netMinor', width: 125, type: 'rightAligned', cellRenderer: NetCell },
      {
        headerName: 'Unexplained',
        field: 'unexplainedMinor',
        width: 125,
        type: 'rightAligned',
        cellRenderer: UnexplainedCell,
        cellClassRules: { 'payout-unexplained': (p) => p.data !== undefined && p.data.unexplainedMinor !== 0 },
      },
      { headerName: 'Bank', field: 'bank', width: 95, cellRenderer: BankCell },
      { headerName: 'Items', field: 'itemCount', width: 75, type: 'rightAligned' },
      { headerName: 'Source', field: 'source', width: 130 },
    ],
    [prefs],
  );

  const options = useMemo(() => ({ columnDefs, defaultColDef: UNSORTED_COLUMNS, rowSelection: SINGLE_ROW_SELECTION }), [columnDefs]);

  return (
    <ServerGrid<PayoutRow>
      label="Payouts list"
      fetchPage={(startRow, endRow) => store.getState().fetchPayoutsPage(startRow, endRow)}
      failure="Could not load payouts"
      restartKey={filter}
      // Data changed elsewhere: reload the loaded blocks in place, keeping the scroll position.
      refreshKey={`${matchesChanged}:${importsChanged}`}
      rowId={(row) => row.payoutEventId}
      onOpen={(row) => void store.getState().openPayout(row.payoutEventId)}
      options={options}
    />
  );
}
