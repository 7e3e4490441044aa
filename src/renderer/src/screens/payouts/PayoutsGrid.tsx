// The payouts list: an infinite-row-model grid whose pages come from `payouts.query`, so thousands of payouts
// load a block at a time. Enter or a click opens the payout's waterfall.
import { useMemo } from 'react';
import type { CustomCellRendererProps } from 'ag-grid-react';
import type { ColDef } from 'ag-grid-community';
import type { PayoutRow } from '../../../../shared/api/contract.ts';
import { useApp, useAppStore } from '../../store/storeContext.tsx';
import { SINGLE_ROW_SELECTION, UNSORTED_COLUMNS } from '../../grid/gridSetup.ts';
import { ServerGrid } from '../../grid/ServerGrid.tsx';
import { businessDateColumn, idsColumn } from '../../grid/reviewColumns.ts';
import { Amount } from '../../components/Amount.tsx';
import { useDisplayPrefs } from '../../components/useDisplayPrefs.ts';

const BANK_LABELS: Record<PayoutRow['bank'], string> = { matched: 'in bank', missing: 'missing', pending: 'pending' };

function NetCell({ data }: CustomCellRendererProps<PayoutRow>) {
  return data ? <Amount minor={data.netMinor} currency={data.currency} /> : null;
}

/** A remainder the items do not explain is what needs attention on this screen. */
function UnexplainedCell({ data }: CustomCellRendererProps<PayoutRow>) {
  return data ? <Amount minor={data.unexplainedMinor} currency={data.currency} attention={data.unexplainedMinor !== 0} /> : null;
}

function BankCell({ data }: CustomCellRendererProps<PayoutRow>) {
  return data ? <span className={`badge payout-bank bank-${data.bank}`}>{BANK_LABELS[data.bank]}</span> : null;
}

export function PayoutsGrid() {
  const store = useAppStore();
  const filter = useApp((s) => s.payoutsFilter);
  const periodVersion = useApp((s) => s.periodVersion);
  const matchesChanged = useApp((s) => s.changes.matches);
  const importsChanged = useApp((s) => s.changes.imports);
  const showIds = useApp((s) => s.showIds);
  const prefs = useDisplayPrefs();
  const period = useApp((s) => s.period);

  const columnDefs = useMemo<ColDef<PayoutRow>[]>(
    () => [
      // The columns that answer "is this payout explained and banked?" come first, so they stay in view beside the panel.
      businessDateColumn<PayoutRow>(prefs.locale, null, period),
      {
        headerName: 'Payout',
        colId: 'externalId',
        flex: 1,
        minWidth: 140,
        cellClass: 'mono',
        valueGetter: (p) => (p.data === undefined ? undefined : (p.data.payoutRef ?? p.data.externalId)),
        tooltipValueGetter: (p) => (p.data === undefined ? null : `${p.data.payoutRef ?? '—'} (balance entry ${p.data.externalId})`),
      },
      { headerName: 'Net to the bank', field: 'netMinor', width: 130, type: 'rightAligned', cellRenderer: NetCell },
      { headerName: 'Unexplained', field: 'unexplainedMinor', width: 118, type: 'rightAligned', cellRenderer: UnexplainedCell },
      { headerName: 'Bank', field: 'bank', width: 92, cellRenderer: BankCell },
      { headerName: 'Items', field: 'itemCount', width: 70, type: 'rightAligned' },
      { headerName: 'Description', field: 'description', flex: 1, minWidth: 120, valueFormatter: (p) => (p.value as string | null) ?? '—' },
      { headerName: 'Source', field: 'source', width: 120 },
      idsColumn<PayoutRow>(
        'Balance entry and event ids',
        (r) => `${r.externalId} · ${r.payoutEventId}${r.bankEventId === null ? '' : ` · ${r.bankEventId}`}`,
        showIds,
      ),
    ],
    [prefs, showIds, period],
  );

  const options = useMemo(() => ({ columnDefs, defaultColDef: UNSORTED_COLUMNS, rowSelection: SINGLE_ROW_SELECTION }), [columnDefs]);

  return (
    <ServerGrid<PayoutRow>
      label="Payouts list"
      fetchPage={(startRow, endRow) => store.getState().fetchPayoutsPage(startRow, endRow)}
      failure="Could not load payouts"
      restartKey={`${JSON.stringify(filter)}:${periodVersion}`}
      // Data changed elsewhere: reload the loaded blocks in place, keeping the scroll position.
      refreshKey={`${matchesChanged}:${importsChanged}`}
      rowId={(row) => row.payoutEventId}
      onOpen={(row) => void store.getState().openPayout(row.payoutEventId)}
      options={options}
    />
  );
}
