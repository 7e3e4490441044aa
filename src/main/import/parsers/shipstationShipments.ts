// Parses a ShipStation shipments export (Shipments → Export, "Group - Field" column names) into one `fulfillment`
// event per shipment (label).
//
// ShipStation writes one row per item of a shipment, the shipment's own columns repeated on each; an order shipped in
// several parcels has several shipments, each with its tracking number. Consecutive rows with the same order number and
// tracking number are one shipment; the same pair appearing again further down is rejected (its items would be split).
// Mapping decisions (shared with every fulfillment source; docs/decisions/0005-ad-spend-and-fulfillment-events.md):
//   kind          'fulfillment'; amount_minor = −label cost (`Amount - Shipping Cost`, else `Shipment - Cost`), 0 when
//                 absent; currency = a currency column, else the workspace's reporting currency.
//   external_id   `tracking:<carrier>:<tracking number>`; a shipment without tracking (marked shipped by hand) gets
//                 `order:<order number>:<ship date>:<n>`.
//   order_ref     = `Order - Number` (the store's order name, e.g. "#1001"; normalized by the ledger). An id written by
//                 Excel in scientific notation ("5.37518E+12") is flagged order_ref_mangled: it is never a join key.
//   state         'shipped' or 'voided' (a `Voided`/`Shipment - Voided` cell that is true/yes, or a status that says void).
//                 source_revision = state, so a label voided after an earlier export is a new revision of the same shipment.
//   occurred_at   `Date - Ship Date` (else `Date - Shipped Date`) in the workspace's time zone; local_date = that date.
//   attributes    tracking_number, carrier, service, items_quantity (sum of `Item - Qty`), skus, line_items, voided.
import type { EventDraftInput } from '../../../shared/events/canonicalEvent.ts';
import { isCurrencyCode } from '../../../shared/money/currencies.ts';
import { parseDateTimeToUtc } from '../../../shared/time/dateText.ts';
import type { FormatParser, ParseInput, RecordResult, RejectedRecord } from '../parserTypes.ts';
import { FormatError } from '../parserTypes.ts';
import { headerIndex, readCsvRows, type CsvRow } from '../text/csvReader.ts';
import { commaHeaderNames, RowProblem } from './csvRecords.ts';
import { moneyCell } from '../ads/adRecords.ts';
import { reportDate, reportTime } from '../ads/reportDates.ts';

const ORDER = 'Order - Number';
const TRACKING = 'Shipment - Tracking Number';
const SHIP_DATES = ['Date - Ship Date', 'Date - Shipped Date', 'Shipment - Ship Date'];
const COSTS = ['Amount - Shipping Cost', 'Shipment - Cost', 'Amount - Label Cost'];
const CARRIERS = ['Shipment - Carrier', 'Carrier - Name', 'Carrier'];
const SERVICES = ['Shipment - Service', 'Service - Name', 'Service'];
const VOIDED = ['Shipment - Voided', 'Voided', 'Label - Voided'];
const STATUSES = ['Shipment - Status', 'Label - Status', 'Status'];
const CURRENCIES = ['Amount - Currency', 'Currency'];
const QTY = ['Item - Qty', 'Item - Quantity'];
const SKU = ['Item - SKU'];

/** Excel's rendering of a long number: `5.37518E+12`, or `5,37518E+12` where the decimal mark is a comma. */
export const MANGLED_ID_RE = /^\d(?:[.,]\d+)?E\+\d+$/i;

interface Layout {
  index: Map<string, number>;
  width: number;
}

const pick = (l: Layout, names: readonly string[]): [string, number] | undefined => {
  for (const n of names) {
    const i = l.index.get(n);
    if (i !== undefined) return [n, i];
  }
  return undefined;
};
const get = (row: CsvRow, c: [string, number] | undefined): string => (c === undefined ? '' : (row.fields[c[1]] ?? '').trim());

interface Group {
  key: string;
  rows: CsvRow[];
}

function truthy(text: string): boolean {
  return /^(true|yes|y|1|voided)$/i.test(text.trim());
}

function mapShipment(g: Group, l: Layout, input: ParseInput, occurrence: number): EventDraftInput {
  const first = g.rows[0] as CsvRow;
  const order = get(first, pick(l, [ORDER]));
  const orderCol = (l.index.get(ORDER) ?? 0) + 1;
  if (order === '') throw new RowProblem(`column "${ORDER}" is empty`, orderCol);
  const dateCol = pick(l, SHIP_DATES);
  if (dateCol === undefined) throw new RowProblem(`no ship date column (${SHIP_DATES.join(', ')})`, 1);
  const dateText = get(first, dateCol);
  const date = reportDate(dateText);
  if (date === null) throw new RowProblem(`column "${dateCol[0]}": "${dateText}" is not a date`, dateCol[1] + 1);
  const time = dateText.includes(':') ? reportTime(dateText) : null;
  const instant = parseDateTimeToUtc(`${date} ${time ?? '00:00:00'}`, 'YYYY-MM-DD HH:mm:ss', input.timeZone);
  if (!instant.ok) throw new RowProblem(`column "${dateCol[0]}": ${instant.error}`, dateCol[1] + 1);
  const currencyCol = pick(l, CURRENCIES);
  const currency = (get(first, currencyCol) || input.currency || '').toUpperCase();
  if (!isCurrencyCode(currency))
    throw new RowProblem(`no currency for the shipping cost ("${get(first, currencyCol)}")`, (currencyCol?.[1] ?? 0) + 1);
  const costCol = pick(l, COSTS);
  const cost = costCol === undefined ? 0 : moneyCell(get(first, costCol), currency, costCol[1] + 1, costCol[0]);
  const tracking = get(first, pick(l, [TRACKING]));
  const carrier = get(first, pick(l, CARRIERS));
  const status = get(first, pick(l, STATUSES));
  const voided = truthy(get(first, pick(l, VOIDED))) || /void/i.test(status);
  let quantity = 0;
  const skus: string[] = [];
  const qtyCol = pick(l, QTY);
  for (const r of g.rows) {
    const q = get(r, qtyCol);
    if (q !== '') {
      if (!/^\d{1,9}$/.test(q)) throw new RowProblem(`column "${qtyCol?.[0]}": "${q}" is not a whole number`, (qtyCol?.[1] ?? 0) + 1);
      quantity += Number(q);
    }
    const sku = get(r, pick(l, SKU));
    if (sku !== '' && !skus.includes(sku)) skus.push(sku);
  }
  const mangled = MANGLED_ID_RE.test(order);
  const state = voided ? 'voided' : 'shipped';
  return {
    kind: 'fulfillment',
    external_id: tracking !== '' ? `tracking:${carrier.toLowerCase()}:${tracking}` : `order:${order}:${date}:${occurrence}`,
    source_revision: state,
    order_ref: mangled ? null : order,
    trace_id: tracking === '' ? null : tracking,
    amount_minor: cost === 0 ? 0 : -cost,
    currency,
    state,
    channel: null,
    occurred_at: instant.iso,
    local_date: date,
    attributes: {
      order_number: order,
      order_ref_mangled: mangled,
      tracking_number: tracking === '' ? null : tracking,
      carrier: carrier === '' ? null : carrier,
      service: get(first, pick(l, SERVICES)) || null,
      items_quantity: qtyCol === undefined ? null : quantity,
      skus: skus.length === 0 ? null : skus.join(', '),
      line_items: g.rows.length,
      voided,
      status: status === '' ? null : status,
      shipping_cost_minor: cost,
    },
  };
}

function rejection(g: Group, err: RowProblem): RejectedRecord {
  const first = g.rows[0] as CsvRow;
  const last = g.rows[g.rows.length - 1] as CsvRow;
  return {
    ok: false,
    position: { line: first.line, column: err.column },
    message: err.message,
    raw: g.rows.map((r) => r.raw).join('\n'),
    lineEnd: last.endLine,
  };
}

function* parseShipStation(input: ParseInput): Generator<RecordResult> {
  let layout: Layout | null = null;
  let group: Group | null = null;
  const finished = new Map<string, number>();
  const noTracking = new Map<string, number>();
  const finish = (g: Group): RecordResult => {
    const first = g.rows[0] as CsvRow;
    const last = g.rows[g.rows.length - 1] as CsvRow;
    try {
      const earlier = finished.get(g.key);
      if (earlier !== undefined && !g.key.endsWith('\u0000')) {
        throw new RowProblem(
          `shipment ${JSON.stringify(g.key.split('\u0000'))} already appeared on line ${earlier}: a shipment's item rows must be consecutive`,
          1,
        );
      }
      finished.set(g.key, first.line);
      const orderAndDate = `${get(first, pick(layout as Layout, [ORDER]))}\u0000${get(first, pick(layout as Layout, SHIP_DATES))}`;
      const n = (noTracking.get(orderAndDate) ?? 0) + 1;
      if (g.key.endsWith('\u0000')) noTracking.set(orderAndDate, n);
      return { ok: true, events: [mapShipment(g, layout as Layout, input, n)], lineStart: first.line, lineEnd: last.endLine };
    } catch (err) {
      if (!(err instanceof RowProblem)) throw err;
      return rejection(g, err);
    }
  };
  for (const row of readCsvRows(input.chunks, { delimiter: ',' })) {
    if (layout === null) {
      const index = headerIndex(row.fields);
      if (!index.has(ORDER)) throw new FormatError(`not a ShipStation shipments export: the header lacks "${ORDER}"`, { line: row.line, column: 1 });
      layout = { index, width: row.fields.length };
      continue;
    }
    if (row.fields.every((f) => f.trim() === '')) continue;
    const key = `${get(row, pick(layout, [ORDER]))}\u0000${get(row, pick(layout, [TRACKING]))}`;
    // Rows without tracking are one shipment per row: nothing ties them together.
    if (group !== null && group.key === key && !key.endsWith('\u0000')) {
      group.rows.push(row);
      continue;
    }
    if (group !== null) yield finish(group);
    group = { key, rows: [row] };
  }
  if (layout === null) throw new FormatError('the file is empty: expected a ShipStation shipments export header', { line: 1, column: 1 });
  if (group !== null) yield finish(group);
}

export const shipstationShipmentsParser: FormatParser = {
  kinds: ['fulfillment'],
  format: 'shipstation-shipments-csv',
  version: 1,
  description: 'ShipStation shipments export ("Order - Number", "Shipment - Tracking Number", item rows; voided labels)',
  detect(head: string): boolean {
    const names = commaHeaderNames(head);
    return names.has(ORDER) && names.has(TRACKING) && SHIP_DATES.some((d) => names.has(d));
  },
  parse: parseShipStation,
};
