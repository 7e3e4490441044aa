// The columns every review grid shares, in the order people read a row: when the business happened, who, what,
// which order, then amounts and states (each grid's own), and the ids last, hidden until "Show ids" is ticked.
import type { ColDef } from 'ag-grid-community';
import type { Period } from '../../../shared/api/contract.ts';
import { formatDate } from '../format/formatters.ts';

interface Readable {
  businessDate: string;
  counterparty: string | null;
  description: string | null;
  orderRef: string | null;
}

const DASH = '—';

/**
 * The business date (a bank line's booking date as written, else when the business happened, in the workspace time
 * zone). Inside a period of one calendar year the year goes without saying ("Oct 06"); the tooltip gives it whole.
 */
export function businessDateColumn<Row extends Pick<Readable, 'businessDate'>>(
  locale: string,
  sortField: string | null,
  period: Period | null,
): ColDef<Row> {
  const oneYear = period !== null && period.from.slice(0, 4) === period.to.slice(0, 4);
  return {
    colId: sortField ?? 'businessDate',
    headerName: 'Date',
    headerTooltip: 'Business date: when the business happened (a bank line’s booking date as the bank wrote it)',
    width: oneYear ? 80 : 112,
    sortable: sortField !== null,
    valueGetter: (p) => p.data?.businessDate,
    valueFormatter: (p) =>
      typeof p.value === 'string' ? formatDate(p.value, locale, { short: oneYear && p.value.slice(0, 4) === period?.from.slice(0, 4) }) : '',
    tooltipValueGetter: (p) => (typeof p.value === 'string' ? formatDate(p.value, locale) : null),
  };
}

/** Who, what and which order: read from the events, the first each has. */
export function readableColumns<Row extends Readable>(options: { minWhat?: number } = {}): ColDef<Row>[] {
  return [
    {
      colId: 'counterparty',
      headerName: 'Counterparty / customer',
      flex: 1,
      minWidth: 100,
      sortable: false,
      valueGetter: (p) => p.data?.counterparty ?? (p.data ? DASH : undefined),
      tooltipValueGetter: (p) => p.data?.counterparty ?? null,
    },
    {
      colId: 'description',
      headerName: 'Description',
      flex: 1.4,
      minWidth: options.minWhat ?? 120,
      sortable: false,
      valueGetter: (p) => p.data?.description ?? (p.data ? DASH : undefined),
      tooltipValueGetter: (p) => p.data?.description ?? null,
    },
    {
      colId: 'orderRef',
      headerName: 'Order',
      width: 72,
      sortable: false,
      valueGetter: (p) => (p.data === undefined ? undefined : p.data.orderRef === null ? DASH : `#${p.data.orderRef}`),
    },
  ];
}

/** The ids of a row, one column, shown only when asked for. */
export function idsColumn<Row>(headerName: string, ids: (row: Row) => string, showIds: boolean): ColDef<Row> {
  return {
    colId: 'ids',
    headerName,
    width: 320,
    hide: !showIds,
    sortable: false,
    cellClass: 'mono',
    valueGetter: (p) => (p.data === undefined ? undefined : ids(p.data)),
    tooltipValueGetter: (p) => (p.data === undefined ? null : ids(p.data)),
  };
}
