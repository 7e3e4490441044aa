// Parses Amazon's settlement report flat file (tab-separated, V1 and V2 columns) into payments, refunds, fees, adjustments and the settlement's payout.
//
// Layout (Seller Central → Reports → Payments → All statements → Download flat file; SP-API report types
// GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE, the "V1" columns, and …_FLAT_FILE_V2):
//   - a header row; then one summary row: settlement-id, settlement-start-date, settlement-end-date, deposit-date,
//     total-amount, currency, everything else empty;
//   - then one row per amount: transaction-type (Order, Refund, Chargeback Refund, A-to-z Guarantee Claim,
//     other-transaction, ServiceFee, …), order-id, merchant-order-id, adjustment-id, shipment-id, marketplace-name,
//     fulfillment-id, posted-date, sku, quantity-purchased, and the amount: in V2 one `amount` with its
//     `amount-type` (ItemPrice, ItemFees, ItemWithheldTax, Promotion, other-transaction, …) and
//     `amount-description` (Principal, Tax, Shipping, Commission, FBAPerUnitFulfillmentFee, …); in V1 one of the
//     typed columns price-amount, item-related-fee-amount, order-fee-amount, shipment-fee-amount, misc-fee-amount,
//     other-fee-amount, promotion-amount, direct-payment-amount, other-amount (a row may carry none).
//   Amounts are major units as Amazon signs them (money to the seller positive), a decimal comma in European
//   marketplaces ("-4,05"); dates are ISO (`2024-03-01T08:00:00+00:00`), `2024-03-01 08:00:00 UTC` or
//   `01.03.2024 08:00:00 UTC`, in UTC.
//
// Mapping decisions:
//   payout        the summary row: kind payout, external_id = payout_ref = trace_id = settlement-id, amount =
//                 −total-amount (it leaves the Amazon balance for the bank; a negative total, which Amazon takes
//                 from the seller, is a positive payout and pairs with a bank debit), occurred_at and local_date
//                 from deposit-date.
//   items         consecutive rows with the same transaction-type, order-id, shipment-id, adjustment-id and posted
//                 date are one record and one event (an order's principal, tax, shipping, promotions and fees),
//                 payout_ref = settlement-id, order_ref = order-id (Amazon's 123-1234567-1234567).
//                 Order → payment, Refund → refund, Chargeback / A-to-z / guarantee claims → dispute, each with
//                 amount = what the buyer paid or got back (ItemPrice + Promotion; V1 price, promotion and direct
//                 payment amounts), fee_minor = −(everything else: Amazon's fees, withheld tax, other), so
//                 net = the rows' sum. Rows without an order: a fee (negative, named as a fee, subscription,
//                 storage or advertising charge) or an adjustment (reserves, reimbursements, …), amount = the sum.
//                 external_id = `SETTLEMENT/TYPE/ORDER/SHIPMENT-OR-ADJUSTMENT/POSTED` (no-order rows: the
//                 description instead of the order), `#2`… when the same key comes back later in the file.
//   check         the settlement balances like a bank statement: 0 + the items' nets must equal total-amount (a
//                 truncated or partial file fails the import naming the summary line, unless --accept-unbalanced).
import type { EventDraftInput, EventKind } from '../../../shared/events/canonicalEvent.ts';
import { normalizeRef } from '../../../shared/events/canonicalEvent.ts';
import { parseDateTimeToUtc, parseLocalDate } from '../../../shared/time/dateText.ts';
import { FormatError } from '../parserTypes.ts';
import type { FormatParser, ParseInput, RecordResult, RejectedRecord } from '../parserTypes.ts';
import { readCsvRows } from '../text/csvReader.ts';
import type { CsvRow } from '../text/csvReader.ts';
import { ContentIds, CsvCells, csvHeader, headerNamesOf, requireColumns, ungroupedStyle } from './csvCells.ts';
import type { CsvHeader } from './csvCells.ts';
import { RowProblem } from './csvRecords.ts';

const REQUIRED = ['settlement-id', 'total-amount', 'currency', 'transaction-type', 'order-id', 'posted-date'] as const;

/** V1's typed amount columns and what each holds: what the buyer paid (`price`) or a deduction (`fee`). */
const V1_AMOUNTS: ReadonlyArray<[string, 'price' | 'promotion' | 'fee' | 'other']> = [
  ['price-amount', 'price'],
  ['direct-payment-amount', 'price'],
  ['promotion-amount', 'promotion'],
  ['item-related-fee-amount', 'fee'],
  ['order-fee-amount', 'fee'],
  ['shipment-fee-amount', 'fee'],
  ['misc-fee-amount', 'fee'],
  ['other-fee-amount', 'fee'],
  ['other-amount', 'other'],
];

type Bucket = 'price' | 'promotion' | 'fee' | 'withheld' | 'other';

/** Kind of an order-bound transaction type; undefined for the others (fees and adjustments by their text). */
function orderKind(type: string): EventKind | undefined {
  const t = type.toLowerCase();
  if (t === 'order') return 'payment';
  if (t === 'refund') return 'refund';
  if (/chargeback|a-to-z|guarantee|claim/.test(t)) return 'dispute';
  return undefined;
}

const FEE_TEXT = /fee|subscription|storage|advertising|commission|charge/i;

type Attributes = Record<string, string | number | boolean | null>;

interface Settlement {
  id: string;
  currency: string;
  total: number;
  line: number;
  entriesSum: number;
  entryCount: number;
}

/** A row problem inside a group of rows, with the row it is on. */
class LocatedProblem extends Error {
  readonly row: CsvRow;
  readonly column: number;
  constructor(row: CsvRow, problem: RowProblem) {
    super(problem.message);
    this.row = row;
    this.column = problem.column;
  }
}

function located<T>(cells: CsvCells, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RowProblem) throw new LocatedProblem(cells.row, err);
    throw err;
  }
}

interface Ctx {
  header: CsvHeader;
  v2: boolean;
  ids: ContentIds;
  settlement: Settlement | null;
}

/** Amazon dates: ISO with offset, `2024-03-01 08:00:00 UTC`, `01.03.2024 08:00:00 UTC`, `2024/03/01 …`, or a date alone, in UTC. */
function amazonInstant(cells: CsvCells, name: string): { iso: string; date: string } {
  const text = cells.required(name);
  const plain = text.replace(/\s+(UTC|GMT)$/i, '');
  const attempts: Array<[string, string]> = plain.includes('T')
    ? [[plain, 'iso']]
    : [
        [plain, 'YYYY-MM-DD HH:mm:ss'],
        [plain, 'DD.MM.YYYY HH:mm:ss'],
        [plain, 'YYYY/MM/DD HH:mm:ss'],
        [`${plain} 00:00:00`, 'YYYY-MM-DD HH:mm:ss'],
        [`${plain} 00:00:00`, 'DD.MM.YYYY HH:mm:ss'],
        [`${plain} 00:00:00`, 'YYYY/MM/DD HH:mm:ss'],
      ];
  for (const [value, format] of attempts) {
    const parsed = parseDateTimeToUtc(value, format, 'UTC');
    if (!parsed.ok) continue;
    // The calendar date as Amazon wrote it (an ISO offset other than +00:00 keeps its own day).
    const local = format === 'iso' ? plain.slice(0, 10) : parseLocalDate(value, format);
    const date = typeof local === 'string' ? local : local.ok ? local.date : parsed.iso.slice(0, 10);
    return { iso: parsed.iso, date };
  }
  throw cells.problem(name, `"${text}" is not a date (expected 2024-03-01T08:00:00+00:00, 2024-03-01 08:00:00 UTC or 01.03.2024 08:00:00 UTC)`);
}

function money(cells: CsvCells, name: string, currency: string): number {
  return cells.amount(name, currency, ungroupedStyle(cells.get(name)));
}

function bucketOfV2(amountType: string): Bucket {
  const t = amountType.toLowerCase();
  if (t === 'itemprice') return 'price';
  if (t === 'promotion') return 'promotion';
  if (t === 'itemwithheldtax') return 'withheld';
  if (/fee/.test(t)) return 'fee';
  return 'other';
}

/** The row's amounts by bucket (V2: one amount; V1: any of the typed columns). */
function rowAmounts(cells: CsvCells, v2: boolean, currency: string): Array<[Bucket, number]> {
  if (v2) return cells.get('amount') === '' ? [] : [[bucketOfV2(cells.get('amount-type')), money(cells, 'amount', currency)]];
  const out: Array<[Bucket, number]> = [];
  for (const [column, bucket] of V1_AMOUNTS) if (cells.get(column) !== '') out.push([bucket, money(cells, column, currency)]);
  return out;
}

function rowDescription(cells: CsvCells, v2: boolean): string {
  const parts = v2
    ? [cells.get('amount-type'), cells.get('amount-description')]
    : [
        cells.get('other-fee-reason-description'),
        cells.get('price-type'),
        cells.get('item-related-fee-type'),
        cells.get('order-fee-type'),
        cells.get('shipment-fee-type'),
        cells.get('promotion-type'),
        cells.get('direct-payment-type'),
      ];
  return parts.filter((p) => p !== '').join(' ');
}

function groupKey(cells: CsvCells, v2: boolean): string {
  const order = cells.get('order-id');
  const posted = cells.get('posted-date-time') || cells.get('posted-date');
  const which = cells.get('shipment-id') || cells.get('adjustment-id');
  return [cells.get('transaction-type'), order === '' ? rowDescription(cells, v2) : order, which, posted].join('/');
}

function settlementOf(cells: CsvCells): Settlement {
  const currency = cells.currency('currency');
  return {
    id: cells.required('settlement-id'),
    currency,
    total: money(cells, 'total-amount', currency),
    line: cells.row.line,
    entriesSum: 0,
    entryCount: 0,
  };
}

function payoutEvent(cells: CsvCells, s: Settlement): EventDraftInput {
  const deposit = amazonInstant(cells, 'deposit-date');
  const attrs: Attributes = { deposit_date: deposit.date };
  for (const name of ['settlement-start-date', 'settlement-end-date']) {
    if (cells.get(name) !== '') attrs[name.replace(/-/g, '_')] = amazonInstant(cells, name).iso;
  }
  return {
    kind: 'payout',
    external_id: s.id,
    source_revision: '',
    order_ref: null,
    customer_ref: null,
    payout_ref: normalizeRef(s.id),
    trace_id: normalizeRef(s.id),
    amount_minor: -s.total,
    currency: s.currency,
    fee_minor: null,
    net_minor: null,
    state: 'settled',
    channel: null,
    occurred_at: deposit.iso,
    local_date: deposit.date,
    attributes: attrs,
  };
}

function itemEvent(group: CsvCells[], ctx: Ctx, s: Settlement): EventDraftInput {
  const first = group[0] as CsvCells;
  const sums: Record<Bucket, number> = { price: 0, promotion: 0, fee: 0, withheld: 0, other: 0 };
  const skus: string[] = [];
  let quantity = 0;
  for (const cells of group) {
    located(cells, () => {
      cells.checkWidth();
      const code = cells.get('currency');
      if (code !== '' && code.toUpperCase() !== s.currency)
        throw cells.problem('currency', `"${code}" differs from the settlement's currency ${s.currency}`);
      for (const [bucket, minor] of rowAmounts(cells, ctx.v2, s.currency)) sums[bucket] += minor;
      const sku = cells.get('sku');
      if (sku !== '' && !skus.includes(sku)) skus.push(sku);
      const q = cells.get('quantity-purchased');
      if (q !== '') {
        if (!/^-?\d{1,9}$/.test(q)) throw cells.problem('quantity-purchased', `"${q}" is not a whole number`);
        quantity += Number(q);
      }
    });
  }
  const total = sums.price + sums.promotion + sums.fee + sums.withheld + sums.other;
  const type = located(first, () => first.required('transaction-type'));
  const order = first.get('order-id');
  const bound = order === '' ? undefined : orderKind(type);
  const description = rowDescription(first, ctx.v2);
  const kind: EventKind = bound ?? (total < 0 && FEE_TEXT.test(`${type} ${description}`) ? 'fee' : 'adjustment');
  const gross = bound === undefined ? total : sums.price + sums.promotion;
  const posted = located(first, () => amazonInstant(first, first.get('posted-date-time') !== '' ? 'posted-date-time' : 'posted-date'));
  const attrs: Attributes = {
    transaction_type: type,
    price_minor: sums.price,
    promotion_minor: sums.promotion,
    fees_minor: sums.fee,
    withheld_tax_minor: sums.withheld,
    other_minor: sums.other,
  };
  const text: Array<[string, string]> = [
    ['marketplace-name', 'marketplace'],
    ['merchant-order-id', 'merchant_order_id'],
    ['shipment-id', 'shipment_id'],
    ['adjustment-id', 'adjustment_id'],
    ['fulfillment-id', 'fulfillment_id'],
  ];
  for (const [column, key] of text) if (first.get(column) !== '') attrs[key] = first.get(column);
  if (order === '' && description !== '') attrs.description = description;
  if (skus.length > 0) attrs.sku = skus.join(', ');
  if (quantity !== 0) attrs.quantity = quantity;
  const channel = first.get('marketplace-name');
  return {
    kind,
    external_id: ctx.ids.idFor(`${s.id}/${groupKey(first, ctx.v2)}`),
    source_revision: '',
    order_ref: normalizeRef(order),
    customer_ref: null,
    payout_ref: normalizeRef(s.id),
    trace_id: null,
    amount_minor: gross,
    currency: s.currency,
    fee_minor: gross - total,
    net_minor: total,
    state: type.toLowerCase(),
    channel: channel === '' ? null : channel,
    occurred_at: posted.iso,
    local_date: posted.date,
    attributes: attrs,
  };
}

function rejection(err: LocatedProblem, group: CsvCells[]): RejectedRecord {
  const last = group[group.length - 1]?.row ?? err.row;
  return {
    ok: false,
    position: { line: err.row.line, column: err.column },
    message: err.message,
    raw: group.map((c) => c.row.raw).join('\n'),
    lineEnd: last.endLine,
  };
}

/** One record from a group of rows; a problem in any row rejects the group, naming that row. */
function finishGroup(group: CsvCells[], ctx: Ctx): RecordResult {
  const first = group[0] as CsvCells;
  const last = group[group.length - 1] as CsvCells;
  try {
    const s = ctx.settlement;
    if (s === null)
      throw new LocatedProblem(
        first.row,
        new RowProblem('this row comes before the settlement summary row (settlement-id, deposit-date, total-amount, currency)', 1),
      );
    const event = itemEvent(group, ctx, s);
    s.entriesSum += event.net_minor ?? 0;
    s.entryCount++;
    return { ok: true, events: [event], lineStart: first.row.line, lineEnd: last.row.endLine };
  } catch (err) {
    if (!(err instanceof LocatedProblem)) throw err;
    return rejection(err, group);
  }
}

function statementRecord(s: Settlement, line: number): RecordResult {
  return {
    ok: true,
    events: [],
    lineStart: s.line,
    lineEnd: line,
    statement: {
      statementId: `settlement ${s.id}`,
      account: 'Amazon seller account',
      currency: s.currency,
      openingMinor: 0,
      closingMinor: s.total,
      entriesSumMinor: s.entriesSum,
      entryCount: s.entryCount,
    },
  };
}

function isSummary(cells: CsvCells): boolean {
  return cells.get('total-amount') !== '' && cells.get('transaction-type') === '' && cells.get('deposit-date') !== '';
}

function* parseAmazonSettlement(input: ParseInput): Generator<RecordResult> {
  let ctx: Ctx | null = null;
  let group: CsvCells[] = [];
  let key = '';
  let lastLine = 1;
  for (const row of readCsvRows(input.chunks, { delimiter: '\t' })) {
    lastLine = row.endLine;
    if (ctx === null) {
      const header = csvHeader(row);
      requireColumns(header, row, REQUIRED, 'an Amazon settlement report flat file');
      ctx = { header, v2: header.index.has('amount'), ids: new ContentIds(), settlement: null };
      continue;
    }
    const cells = new CsvCells(row, ctx.header);
    if (isSummary(cells)) {
      if (group.length > 0) yield finishGroup(group, ctx);
      group = [];
      if (ctx.settlement !== null) yield statementRecord(ctx.settlement, row.line - 1);
      try {
        ctx.settlement = settlementOf(cells);
        yield { ok: true, events: [payoutEvent(cells, ctx.settlement)], lineStart: row.line, lineEnd: row.endLine };
      } catch (err) {
        if (!(err instanceof RowProblem)) throw err;
        throw new FormatError(`the settlement summary row is not readable: ${err.message}`, { line: row.line, column: err.column });
      }
      continue;
    }
    const k = groupKey(cells, ctx.v2);
    if (group.length > 0 && k !== key) {
      yield finishGroup(group, ctx);
      group = [];
    }
    key = k;
    group.push(cells);
  }
  if (ctx === null) throw new FormatError('the file is empty: expected an Amazon settlement report header', { line: 1, column: 1 });
  if (group.length > 0) yield finishGroup(group, ctx);
  if (ctx.settlement === null)
    throw new FormatError('no settlement summary row (settlement-id, deposit-date, total-amount, currency) in the file', { line: 2, column: 1 });
  yield statementRecord(ctx.settlement, lastLine);
}

export const amazonSettlementTsvParser: FormatParser = {
  kinds: ['payment', 'refund', 'fee', 'payout', 'dispute', 'adjustment'],
  format: 'amazon-settlement-tsv',
  version: 1,
  description: 'Amazon settlement report flat file (tab-separated, V1 or V2 columns): orders, refunds, fees and the settlement payout',
  detect(head: string): boolean {
    const names = headerNamesOf(head, '\t');
    return (
      ['settlement-id', 'settlement-start-date', 'total-amount', 'transaction-type', 'order-id'].every((c) => names.has(c)) &&
      (names.has('amount-type') || names.has('price-type'))
    );
  },
  parse: parseAmazonSettlement,
};
