// Parses Shopify's Orders export CSV (Admin → Orders → Export) into one `order` event per order.
//
// Shopify writes one row per line item. The first row of an order carries the order-level
// columns (Id, Financial Status, Currency, Total, …); further rows repeat Name (and Email,
// Created at) with those columns empty. Consecutive rows with the same Name are one order and
// one record, spanning all its lines. A row without order-level columns that does not follow
// its order's first row (its Name differs from the order above) is rejected: its order is
// unknown, and guessing would attach line items to the wrong order.
//
// Mapping decisions:
//   kind          'order'; amount_minor = Total (positive, money in), currency = Currency.
//   external_id   = Id (Shopify's numeric order id; stable across exports, unlike Name which a
//                 store can renumber with a prefix/suffix setting). An Id Excel rewrote in scientific
//                 notation (5.37518E+12: the file was opened and saved in a spreadsheet) names no order any
//                 more, and many orders would share it: the order's Name is its id then, the damaged text
//                 kept in attributes.id_damaged. Matching keys on the name (order_ref) either way.
//   order_ref     = Name as written (e.g. "#1001"); the matcher normalizes join keys.
//   state         = Financial Status, lowercased (paid, refunded, partially_refunded, pending, …).
//   customer_ref  = Email lowercased, null when empty.
//   trace_id      = Payment Reference, else the first id in Payment ID (it can list several).
//   occurred_at   = Paid at when present, else Created at; Shopify writes `2025-05-11 09:55:16 -0400`.
//   channel       = Source (web, pos, shopify_draft_order, …).
//   source_revision: an order is a mutable record. The revision is the first 16 hex digits of
//                 sha256 over the state-bearing fields, normalized so formatting does not count:
//                 "v1", financial status (lowercased), total, refunded and outstanding balance (as
//                 minor units) and cancelled at (as a UTC instant), NUL-separated. An identical
//                 re-export gives the same revision (a no-op); a later export after a refund,
//                 capture or cancellation gives a new one (a new event). Fulfillment, tags and
//                 other display fields are deliberately left out: they do not change money.
//   attribution   Note Attributes (the cart attributes a store's tracking writes, one `key: value` per line) are kept
//                 as note_attributes; the marketing keys among them (utm_source, utm_medium, utm_campaign, fbclid,
//                 gclid, gbraid, wbraid) also as attributes of those names, for the growth tie-out's channel.
//   fulfillment   the store's own fulfillment is a fulfillment source (the orders ↔ shipments tie-out reads it beside
//                 ShipStation's): an order whose Fulfillment Status is fulfilled or partial and that has a Fulfilled at
//                 also yields a `fulfillment` event: external_id = Id, order_ref = Name, occurred_at = Fulfilled at,
//                 state = the status, amount 0 in the order's currency, attributes fulfilled_quantity (line items whose
//                 Lineitem fulfillment status is fulfilled) and items_quantity. Its revision hashes status, time and
//                 quantity, so a later export after more fulfilment is a new revision while the order event is unchanged.
import { hash } from 'node:crypto';
import type { EventDraftInput } from '../../../shared/events/canonicalEvent.ts';
import { parseAmount } from '../../../shared/money/amountText.ts';
import type { NumberStyle } from '../../../shared/money/amountText.ts';
import { isCurrencyCode } from '../../../shared/money/currencies.ts';
import { parseDateTimeToUtc } from '../../../shared/time/dateText.ts';
import { FormatError } from '../parserTypes.ts';
import type { FormatParser, ParseInput, RecordResult, RejectedRecord } from '../parserTypes.ts';
import { headerIndex, readCsvRows } from '../text/csvReader.ts';
import type { CsvRow } from '../text/csvReader.ts';
import { commaHeaderNames } from './csvRecords.ts';
import { isExcelScientific } from './csvCells.ts';

const REQUIRED = ['Name', 'Id', 'Financial Status', 'Currency', 'Total', 'Created at'] as const;
const DETECT_COLUMNS = ['Name', 'Financial Status', 'Lineitem quantity', 'Total', 'Currency'];
/** Columns that only the first row of an order fills; a row with all of them empty continues an order. */
const ORDER_LEVEL = ['Id', 'Financial Status', 'Currency', 'Total'] as const;

/** Shopify writes plain major units ("1659.95"), never grouped. */
const SHOPIFY_NUMBERS: NumberStyle = { decimal: '.', group: '' };

/** [column, attribute]: optional money columns kept as minor units. */
const MONEY_ATTRIBUTES = [
  ['Refunded Amount', 'refunded_minor'],
  ['Outstanding Balance', 'outstanding_balance_minor'],
  ['Subtotal', 'subtotal_minor'],
  ['Shipping', 'shipping_minor'],
  ['Taxes', 'taxes_minor'],
  ['Discount Amount', 'discount_minor'],
  ['Duties', 'duties_minor'],
] as const;

/** [column, attribute]: order-level text kept as written when non-empty. */
const TEXT_ATTRIBUTES = [
  ['Payment Method', 'payment_method'],
  ['Payment ID', 'payment_id'],
  ['Payment Reference', 'payment_reference'],
  ['Payment References', 'payment_references'],
  ['Payment Terms Name', 'payment_terms_name'],
  ['Next Payment Due At', 'next_payment_due_at'],
  ['Fulfillment Status', 'fulfillment_status'],
  ['Source', 'source'],
  ['Discount Code', 'discount_code'],
  ['Shipping Method', 'shipping_method'],
  ['Tags', 'tags'],
  ['Risk Level', 'risk_level'],
  ['Location', 'location'],
  ['Receipt Number', 'receipt_number'],
  ['Billing Name', 'billing_name'],
  ['Billing Country', 'billing_country'],
] as const;

class RowProblem extends Error {
  readonly row: CsvRow;
  readonly column: number;
  constructor(message: string, row: CsvRow, column: number) {
    super(message);
    this.row = row;
    this.column = column;
  }
}

type Attributes = Record<string, string | number | boolean | null>;

interface Header {
  index: Map<string, number>;
  width: number;
}

function readHeader(row: CsvRow): Header {
  const index = headerIndex(row.fields);
  const missing = REQUIRED.filter((name) => !index.has(name));
  if (missing.length > 0) {
    throw new FormatError(
      `not a Shopify orders export: the header lacks required column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}`,
      { line: row.line, column: 1 },
    );
  }
  return { index, width: row.fields.length };
}

/** Reads cells of one row by column name; names and 1-based column numbers for messages. */
class RowReader {
  readonly row: CsvRow;
  readonly header: Header;
  constructor(row: CsvRow, header: Header) {
    this.row = row;
    this.header = header;
  }
  col(name: string): number {
    return (this.header.index.get(name) ?? this.header.width) + 1;
  }
  get(name: string): string {
    const i = this.header.index.get(name);
    return i === undefined ? '' : (this.row.fields[i] ?? '').trim();
  }
  required(name: string): string {
    const v = this.get(name);
    if (v === '') throw new RowProblem(`column "${name}" is empty on the order's first row`, this.row, this.col(name));
    return v;
  }
  amount(name: string, text: string, currency: string): number {
    const parsed = parseAmount(text, currency, SHOPIFY_NUMBERS);
    if (!parsed.ok) throw new RowProblem(`column "${name}": "${text}" is not an amount (${parsed.error})`, this.row, this.col(name));
    return parsed.minor;
  }
  instant(name: string, text: string, timeZone: string): string {
    const parsed = parseShopifyTime(text, timeZone);
    if (!parsed.ok) throw new RowProblem(`column "${name}": "${text}" is not a date and time (${parsed.error})`, this.row, this.col(name));
    return parsed.iso;
  }
}

/**
 * Shopify writes `2025-05-11 09:55:16 -0400`. Without an offset (hand-edited files) the
 * workspace zone applies; an ISO instant is accepted too, e.g. after a spreadsheet round trip.
 */
export function parseShopifyTime(text: string, timeZone: string): { ok: true; iso: string } | { ok: false; error: string } {
  const withOffset = parseDateTimeToUtc(text, 'YYYY-MM-DD HH:mm:ss Z', timeZone);
  if (withOffset.ok) return withOffset;
  const local = parseDateTimeToUtc(text, 'YYYY-MM-DD HH:mm:ss', timeZone);
  if (local.ok) return local;
  const iso = parseDateTimeToUtc(text, 'iso', timeZone);
  return iso.ok ? iso : withOffset;
}

function isContinuation(r: RowReader): boolean {
  return ORDER_LEVEL.every((name) => r.get(name) === '');
}

/** The order's source_revision; see the module comment for the rule. */
export function shopifyOrderRevision(fields: {
  financialStatus: string;
  totalMinor: number;
  refundedMinor: number | null;
  outstandingMinor: number | null;
  cancelledAt: string | null;
}): string {
  const parts = [
    'v1',
    fields.financialStatus,
    String(fields.totalMinor),
    fields.refundedMinor === null ? '' : String(fields.refundedMinor),
    fields.outstandingMinor === null ? '' : String(fields.outstandingMinor),
    fields.cancelledAt ?? '',
  ];
  return hash('sha256', parts.join('\u0000'), 'hex').slice(0, 16);
}

interface Group {
  name: string;
  readers: RowReader[];
  /** The group began with a row lacking order-level columns. */
  orphan: boolean;
}

function mapOrder(group: Group, timeZone: string): EventDraftInput {
  const first = group.readers[0] as RowReader;
  if (group.orphan) {
    throw new RowProblem(
      `row for order "${group.name}" has no order-level columns (${ORDER_LEVEL.join(', ')}) and does not follow that order's first row`,
      first.row,
      first.col('Name'),
    );
  }
  const name = first.required('Name');
  const id = first.required('Id');
  const currencyText = first.required('Currency');
  const totalText = first.required('Total');
  const statusText = first.required('Financial Status');
  const createdText = first.required('Created at');

  const currency = currencyText.toUpperCase();
  if (!isCurrencyCode(currency)) {
    throw new RowProblem(`column "Currency": "${currencyText}" is not a known currency`, first.row, first.col('Currency'));
  }
  const total = first.amount('Total', totalText, currency);
  if (total < 0) throw new RowProblem(`column "Total": ${totalText} is negative; an order total cannot be`, first.row, first.col('Total'));
  const createdAt = first.instant('Created at', createdText, timeZone);
  const paidText = first.get('Paid at');
  const paidAt = paidText === '' ? null : first.instant('Paid at', paidText, timeZone);
  const cancelledText = first.get('Cancelled at');
  const cancelledAt = cancelledText === '' ? null : first.instant('Cancelled at', cancelledText, timeZone);
  const state = statusText.toLowerCase();

  const attrs: Attributes = { created_at: createdAt };
  if (isExcelScientific(id)) attrs.id_damaged = id;
  if (paidAt !== null) attrs.paid_at = paidAt;
  if (cancelledAt !== null) attrs.cancelled_at = cancelledAt;
  const money = new Map<string, number>();
  for (const [column, attribute] of MONEY_ATTRIBUTES) {
    const text = first.get(column);
    if (text === '') continue;
    const minor = first.amount(column, text, currency);
    attrs[attribute] = minor;
    money.set(column, minor);
  }
  for (const [column, attribute] of TEXT_ATTRIBUTES) {
    const text = first.get(column);
    if (text !== '') attrs[attribute] = text;
  }

  const notes = first.get('Note Attributes');
  if (notes !== '') {
    attrs.note_attributes = notes;
    Object.assign(attrs, marketingKeys(notes));
  }

  // Line items: every row of the group is one; quantities and vendors come from all of them.
  let quantity = 0;
  const vendors: string[] = [];
  for (const r of group.readers) {
    const q = r.get('Lineitem quantity');
    if (q !== '') {
      if (!/^\d{1,9}$/.test(q)) throw new RowProblem(`column "Lineitem quantity": "${q}" is not a whole number`, r.row, r.col('Lineitem quantity'));
      quantity += Number(q);
    }
    const vendor = r.get('Vendor');
    if (vendor !== '' && !vendors.includes(vendor)) vendors.push(vendor);
  }
  attrs.line_items = group.readers.length;
  attrs.items_quantity = quantity;
  if (vendors.length > 0) attrs.vendor = vendors.join(', ');

  const email = first.get('Email');
  const paymentReference = first.get('Payment Reference');
  const firstPaymentId = first.get('Payment ID').split(',')[0]?.trim() ?? '';
  const trace = paymentReference !== '' ? paymentReference : firstPaymentId;
  const source = first.get('Source');

  return {
    kind: 'order',
    external_id: isExcelScientific(id) ? name : id,
    source_revision: shopifyOrderRevision({
      financialStatus: state,
      totalMinor: total,
      refundedMinor: money.get('Refunded Amount') ?? null,
      outstandingMinor: money.get('Outstanding Balance') ?? null,
      cancelledAt,
    }),
    order_ref: name,
    customer_ref: email === '' ? null : email.toLowerCase(),
    payout_ref: null,
    trace_id: trace === '' ? null : trace,
    amount_minor: total,
    currency,
    fee_minor: null,
    net_minor: null,
    state,
    channel: source === '' ? null : source,
    occurred_at: paidAt ?? createdAt,
    local_date: null,
    attributes: attrs,
  };
}

const MARKETING_KEYS = ['utm_source', 'utm_medium', 'utm_campaign', 'fbclid', 'gclid', 'gbraid', 'wbraid'];

/** The marketing keys among Note Attributes lines (`utm_source: facebook`), lowercased keys, values as written. */
export function marketingKeys(notes: string): Attributes {
  const out: Attributes = {};
  for (const line of notes.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z_]+)\s*[:=]\s*(.*?)\s*$/.exec(line);
    if (m === null) continue;
    const key = (m[1] as string).toLowerCase();
    if (MARKETING_KEYS.includes(key) && m[2] !== '') out[key] = (m[2] as string).slice(0, 200);
  }
  return out;
}

/** A fulfillment event's source_revision: status, time and quantity fulfilled (the Shopify connector uses it too). */
export function shopifyFulfillmentRevision(status: string, fulfilledAt: string, fulfilledQuantity: number): string {
  return hash('sha256', ['v1', status, fulfilledAt, String(fulfilledQuantity)].join('\u0000'), 'hex').slice(0, 16);
}

/** The order's own fulfillment as a `fulfillment` event (see the module comment), or null when it has none dated. */
function mapFulfillment(group: Group, order: EventDraftInput, timeZone: string): EventDraftInput | null {
  const first = group.readers[0] as RowReader;
  const status = first.get('Fulfillment Status').toLowerCase();
  const fulfilledText = first.get('Fulfilled at');
  if ((status !== 'fulfilled' && status !== 'partial') || fulfilledText === '') return null;
  const fulfilledAt = first.instant('Fulfilled at', fulfilledText, timeZone);
  let fulfilled = 0;
  for (const r of group.readers) {
    if (r.get('Lineitem fulfillment status').toLowerCase() === 'fulfilled') fulfilled += Number(r.get('Lineitem quantity') || '0');
  }
  const revision = shopifyFulfillmentRevision(status, fulfilledAt, fulfilled);
  return {
    kind: 'fulfillment',
    external_id: order.external_id,
    source_revision: revision,
    order_ref: order.order_ref ?? null,
    amount_minor: 0,
    currency: order.currency,
    state: status,
    occurred_at: fulfilledAt,
    attributes: {
      fulfillment_source: 'store',
      fulfilled_at: fulfilledAt,
      fulfilled_quantity: fulfilled,
      items_quantity: (order.attributes?.items_quantity as number | undefined) ?? null,
    },
  };
}

function finish(group: Group, timeZone: string): RecordResult {
  const last = group.readers[group.readers.length - 1] as RowReader;
  const lineStart = (group.readers[0] as RowReader).row.line;
  try {
    const order = mapOrder(group, timeZone);
    const fulfillment = mapFulfillment(group, order, timeZone);
    return { ok: true, events: fulfillment === null ? [order] : [order, fulfillment], lineStart, lineEnd: last.row.endLine };
  } catch (err) {
    if (!(err instanceof RowProblem)) throw err;
    // The whole order is rejected as one record, so its continuation rows are not reported again as orphans.
    const rejected: RejectedRecord = {
      ok: false,
      position: { line: err.row.line, column: err.column },
      message: err.message,
      raw: group.readers.map((r) => r.row.raw).join('\n'),
      lineEnd: last.row.endLine,
    };
    return rejected;
  }
}

function* parseShopifyOrdersCsv(input: ParseInput): Generator<RecordResult> {
  let header: Header | null = null;
  let group: Group | null = null;
  for (const row of readCsvRows(input.chunks, { delimiter: ',' })) {
    if (header === null) {
      header = readHeader(row);
      continue;
    }
    const reader = new RowReader(row, header);
    const name = reader.get('Name');
    const continuation = isContinuation(reader);
    if (group !== null && continuation && name === group.name) {
      group.readers.push(reader);
      continue;
    }
    if (group !== null) yield finish(group, input.timeZone);
    group = { name, readers: [reader], orphan: continuation };
  }
  if (header === null) throw new FormatError('the file is empty: expected a Shopify orders export header', { line: 1, column: 1 });
  if (group !== null) yield finish(group, input.timeZone);
}

export const shopifyOrdersCsvParser: FormatParser = {
  kinds: ['order', 'fulfillment'],
  format: 'shopify-orders-csv',
  // 2: an Excel-damaged Id (5.37518E+12) no longer merges orders: the order name is the id then.
  // 3: an order's own fulfillment is a `fulfillment` event beside the order; Note Attributes are kept.
  version: 3,
  description: 'Shopify orders export CSV (one order event per order; line-item rows merged)',
  detect(head: string): boolean {
    const names = commaHeaderNames(head);
    return DETECT_COLUMNS.every((c) => names.has(c));
  },
  parse: parseShopifyOrdersCsv,
};
