// Parses the Shopify Payments transactions export (Finance → Payouts → Export transactions) into payment, refund, dispute, fee and adjustment events.
//
// One row is one Shopify Payments balance transaction. Header as Shopify writes it: Transaction Date, Type, Order,
// Card Brand, Card Source, Payout Status, Payout Date, [Payout ID], Available On, Amount, Fee, Net, Checkout,
// Payment Method Name, Presentment Amount, Presentment Currency, Currency, and in some stores VAT, Business Entity
// Name, Business Entity ID. Older exports have no Payout ID and no presentment columns.
//
// Mapping decisions:
//   kind          from Type: charge → payment; refund → refund; dispute, chargeback… → dispute; payout, transfer →
//                 payout; a type naming a fee → fee; everything else (adjustment, reserve, credit, debit,
//                 refund_failure, shipping labels, …) → adjustment. `state` keeps Type as written, lowercased.
//   amount_minor  = Amount, as Shopify signs it (charges positive, refunds and disputes negative); fee_minor = Fee
//                 (a positive cost); net_minor = Net; a row where Amount − Fee ≠ Net is rejected. In Currency, the
//                 payout currency.
//   presentment   presentment_amount_minor / presentment_currency = Presentment Amount / Presentment Currency (what
//                 the customer paid), when that currency differs from Currency. Shopify writes the presentment
//                 amount unsigned on refunds; it takes the sign of Amount.
//   order_ref     = Order, the order NAME (#1001): it is what the Shopify orders export and the order's payments
//                 share, and what survives a spreadsheet; the numeric order id is never used as a key.
//   payout_ref    = Payout ID. A value Excel rewrote in scientific notation (1.48157E+11) is no id any more: no
//                 payout_ref then, the text kept as attributes.payout_id_damaged.
//   external_id   the export has no transaction id: `TYPE ORDER TIME AMOUNT+CURRENCY` (the transaction time as a
//                 UTC instant, the amount in minor units), with `#2`… for an identical row later in the same file.
//                 Payout Status, Payout Date and Payout ID change as the money moves and are not part of it, so a
//                 later export of the same transactions is the same record. source_revision = Payout ID once the
//                 transaction is in a payout ('' before, and for an id Excel damaged): the export made after the payout
//                 is a new revision carrying payout_ref (the earlier one superseded), not a duplicate that loses it; a
//                 later export of a paid-out transaction is a no-op. The Shopify connector's balance transactions get
//                 the same ids (src/main/connectors/shopify/shopifyPages.ts).
//   occurred_at   = Transaction Date (`2024-03-01 10:15:00 -0400`; without an offset, the workspace zone).
//   trace_id      none: Checkout is kept in attributes.
import type { EventDraftInput, EventKind } from '../../../shared/events/canonicalEvent.ts';
import { normalizeRef } from '../../../shared/events/canonicalEvent.ts';
import type { NumberStyle } from '../../../shared/money/amountText.ts';
import { FormatError } from '../parserTypes.ts';
import type { FormatParser, ParseInput, RecordResult } from '../parserTypes.ts';
import { readCsvRows } from '../text/csvReader.ts';
import { ContentIds, CsvCells, csvHeader, headerNamesOf, isExcelScientific, requireColumns } from './csvCells.ts';
import type { CsvHeader } from './csvCells.ts';
import { rowRecord } from './csvRecords.ts';
import { parseShopifyTime } from './shopifyOrdersCsv.ts';

const REQUIRED = ['Transaction Date', 'Type', 'Order', 'Amount', 'Fee', 'Net', 'Currency'] as const;

const TEXT_ATTRIBUTES: ReadonlyArray<[string, string]> = [
  ['Card Brand', 'card_brand'],
  ['Card Source', 'card_source'],
  ['Payout Status', 'payout_status'],
  ['Payout Date', 'payout_date'],
  ['Available On', 'available_on'],
  ['Checkout', 'checkout'],
  ['Payment Method Name', 'payment_method'],
  ['Business Entity Name', 'business_entity_name'],
  ['Business Entity ID', 'business_entity_id'],
];

type Attributes = Record<string, string | number | boolean | null>;

/** Kind for a Shopify Payments transaction type (`charge`, `refund`, `dispute`, `chargeback_fee`, …). */
export function shopifyPaymentsKind(type: string): EventKind {
  const t = type
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  if (t === 'charge' || t === 'sale' || t === 'capture') return 'payment';
  if (t === 'refund') return 'refund';
  if (/fee/.test(t)) return 'fee';
  if (/dispute|chargeback/.test(t)) return 'dispute';
  if (t === 'payout' || t === 'transfer') return 'payout';
  return 'adjustment';
}

/** Shopify writes "21.83" (a currency symbol sometimes: "$21.83"); a lone decimal comma ("21,83") from a European spreadsheet is read as such. */
function shopifyStyle(text: string): NumberStyle {
  return /^[^.]*,\d{1,2}\D*$/.test(text) ? { decimal: ',', group: '.' } : { decimal: '.', group: ',' };
}

/** The text a Shopify Payments transaction's id is made from (the export has no id): type, order name, time, amount. */
export function shopifyPaymentsContentKey(type: string, orderName: string, instant: string, grossMinor: number, currency: string): string {
  return `${type.toLowerCase()} ${orderName === '' ? '-' : orderName} ${instant} ${grossMinor}${currency}`;
}

interface Context {
  header: CsvHeader;
  timeZone: string;
  ids: ContentIds;
}

function amount(cells: CsvCells, name: string, currency: string): number {
  return cells.amount(name, currency, shopifyStyle(cells.get(name)));
}

function presentment(cells: CsvCells, currency: string, amountMinor: number, attrs: Attributes): void {
  const code = cells.get('Presentment Currency');
  if (code === '' || cells.get('Presentment Amount') === '') return;
  const presentmentCurrency = cells.currency('Presentment Currency');
  if (presentmentCurrency === currency) return;
  const minor = Math.abs(amount(cells, 'Presentment Amount', presentmentCurrency));
  attrs.presentment_amount_minor = amountMinor < 0 ? -minor : minor;
  attrs.presentment_currency = presentmentCurrency;
}

function payoutRef(cells: CsvCells, attrs: Attributes): string | null {
  const id = cells.get('Payout ID');
  if (id === '') return null;
  if (isExcelScientific(id)) {
    attrs.payout_id_damaged = id;
    return null;
  }
  return normalizeRef(id);
}

function mapRow(cells: CsvCells, ctx: Context): EventDraftInput {
  cells.checkWidth();
  const type = cells.required('Type');
  const order = cells.get('Order');
  const currency = cells.currency('Currency');
  const gross = amount(cells, 'Amount', currency);
  const fee = amount(cells, 'Fee', currency);
  const net = amount(cells, 'Net', currency);
  if (gross - fee !== net)
    throw cells.problem('Net', `Amount ${cells.get('Amount')} − Fee ${cells.get('Fee')} ≠ Net ${cells.get('Net')}: the row does not add up`);
  const dateText = cells.required('Transaction Date');
  const when = parseShopifyTime(dateText, ctx.timeZone);
  if (!when.ok) throw cells.problem('Transaction Date', `"${dateText}" is not a date and time (${when.error})`);
  const attrs: Attributes = { type };
  for (const [column, key] of TEXT_ATTRIBUTES) {
    const v = cells.get(column);
    if (v !== '') attrs[key] = v;
  }
  if (cells.get('VAT') !== '') attrs.vat_minor = amount(cells, 'VAT', currency);
  presentment(cells, currency, gross, attrs);
  if (isExcelScientific(order))
    throw cells.problem(
      'Order',
      `"${order}" is a number Excel rewrote in scientific notation, not an order name; export the transactions again and import the file without saving it from a spreadsheet`,
    );
  const kind = shopifyPaymentsKind(type);
  const payout = payoutRef(cells, attrs);
  return {
    kind,
    external_id: ctx.ids.idFor(shopifyPaymentsContentKey(type, order, when.iso, gross, currency)),
    source_revision: kind === 'payout' ? '' : (payout ?? ''),
    order_ref: normalizeRef(order),
    customer_ref: null,
    payout_ref: payout,
    trace_id: null,
    amount_minor: gross,
    currency,
    fee_minor: fee,
    net_minor: net,
    state: type.toLowerCase(),
    channel: null,
    occurred_at: when.iso,
    local_date: null,
    attributes: attrs,
  };
}

function* parseShopifyPaymentsCsv(input: ParseInput): Generator<RecordResult> {
  let ctx: Context | null = null;
  for (const row of readCsvRows(input.chunks, { delimiter: ',' })) {
    if (ctx === null) {
      const header = csvHeader(row);
      requireColumns(header, row, REQUIRED, 'a Shopify Payments transactions export');
      ctx = { header, timeZone: input.timeZone, ids: new ContentIds() };
      continue;
    }
    const c = ctx;
    yield rowRecord(row, (r) => mapRow(new CsvCells(r, c.header), c));
  }
  if (ctx === null) throw new FormatError('the file is empty: expected a Shopify Payments transactions export header', { line: 1, column: 1 });
}

export const shopifyPaymentsCsvParser: FormatParser = {
  kinds: ['payment', 'refund', 'fee', 'payout', 'dispute', 'adjustment'],
  format: 'shopify-payments-csv',
  // 2: a transaction in a payout is the revision named by its Payout ID.
  version: 2,
  description: 'Shopify Payments transactions export CSV (charges, refunds, disputes, adjustments with fee, net, payout and presentment currency)',
  detect(head: string): boolean {
    const names = headerNamesOf(head);
    return ['transaction date', 'type', 'order', 'amount', 'fee', 'net', 'currency', 'payout status'].every((c) => names.has(c));
  },
  parse: parseShopifyPaymentsCsv,
};
