// Parses the Stripe Dashboard Payments export (Payments → Export, `unified_payments.csv`) into payment, refund and dispute events.
//
// One row is one payment attempt (a charge `ch_…` or payment `py_…`). The export is the Dashboard's, not a report: its
// header is Title Case (`id`, `Created date (UTC)` — `Created (UTC)` in older exports —, `Amount`, `Amount Refunded`,
// `Currency`, `Converted Amount`, `Converted Amount Refunded`, `Converted Currency`, `Fee`, `Taxes On Fee`, `Status`,
// `Captured`, `Customer Email`, `PaymentIntent ID`, `Refunded date (UTC)`, `Disputed Amount`, `Dispute Status`,
// `Dispute Date (UTC)`, `Transfer`, card fields, and one `KEY (metadata)` column per metadata key), the user picks
// the columns, so only id, the created date, Amount, Currency and Status are required. Amounts are major units.
//
// Mapping decisions:
//   Which rows move money: Status Paid, Refunded, Partially refunded or Disputed with Captured not false. Failed,
//     Canceled, Pending, Uncaptured (and the API's requires_* states) moved nothing: the row is read, kept in the raw
//     file, and yields no event. Any other Status is rejected, naming it.
//   payment       external_id = id, source_revision 'succeeded' (the API's status for a captured charge, so the same
//                 charge from stripe-api-json is the same event). amount = Converted Amount in Converted Currency —
//                 what reached the Stripe balance, in which Fee is written — or Amount/Currency when the file has no
//                 converted columns; fee_minor = Fee + Taxes On Fee (Stripe shows the fee's tax apart; the balance
//                 takes both); net = amount − fee.
//                 presentment_amount_minor / presentment_currency = Amount / Currency (what the customer was
//                 charged) whenever that currency differs from the converted one.
//   refund        one event per refunded payment: external_id `id/refunds`, the refunded TOTAL (the export has no
//                 refund ids), negative, in the converted currency (Converted Amount Refunded), presentment as above;
//                 source_revision = the refunded total in minor units of Currency, so a later export after a further
//                 partial refund is a new revision. occurred_at = Refunded date (UTC), else the payment's date.
//                 No fee is returned on a refund (Stripe keeps it): fee 0.
//   dispute       one event when Disputed Amount > 0: external_id `id/dispute`, −Disputed Amount in Currency (the
//                 export gives no converted dispute amount), source_revision and state = Dispute Status,
//                 occurred_at = Dispute Date (UTC).
//   Join keys     trace_id = PaymentIntent ID, else id (as stripe-balance-csv: a charge and its refunds share it);
//                 order_ref = metadata order_id / order_number / order, else an order number in Description;
//                 customer_ref = Customer Email (lowercased), else Customer ID. payout_ref stays empty: the export
//                 names the payout (`Transfer`) of payments only, not of their refunds and fees, so a payout would
//                 never add up from it; Transfer is kept in attributes.
import type { EventDraftInput } from '../../../shared/events/canonicalEvent.ts';
import { normalizeRef } from '../../../shared/events/canonicalEvent.ts';
import { parseDateTimeToUtc } from '../../../shared/time/dateText.ts';
import { FormatError } from '../parserTypes.ts';
import type { FormatParser, ParseInput, RecordResult } from '../parserTypes.ts';
import { readCsvRows } from '../text/csvReader.ts';
import type { CsvRow } from '../text/csvReader.ts';
import { CsvCells, csvHeader, headerNamesOf, requireColumns, ungroupedStyle } from './csvCells.ts';
import type { CsvHeader } from './csvCells.ts';
import { RowProblem, rejectionFor } from './csvRecords.ts';
import { orderRefFromDescription } from './stripeBalanceCsv.ts';

const CREATED = ['Created date (UTC)', 'Created (UTC)'] as const;
const REQUIRED = ['id', 'Amount', 'Currency', 'Status'] as const;

const MOVED = new Set(['paid', 'succeeded', 'refunded', 'partially refunded', 'partially_refunded', 'disputed']);
const NOT_MOVED = new Set([
  'failed',
  'canceled',
  'cancelled',
  'pending',
  'uncaptured',
  'incomplete',
  'blocked',
  'expired',
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
  'requires_capture',
  'processing',
]);

const TEXT_ATTRIBUTES: ReadonlyArray<[string, string]> = [
  ['Description', 'description'],
  ['Seller Message', 'seller_message'],
  ['Statement Descriptor', 'statement_descriptor'],
  ['Customer ID', 'customer_id'],
  ['Customer Description', 'customer_description'],
  ['Card Brand', 'card_brand'],
  ['Card Last4', 'card_last4'],
  ['Card Funding', 'card_funding'],
  ['Card Issue Country', 'card_issue_country'],
  ['Invoice ID', 'invoice_id'],
  ['Invoice Number', 'invoice_number'],
  ['Payment Source Type', 'payment_source_type'],
  ['Transfer', 'transfer'],
  ['Destination', 'destination'],
  ['Mode', 'mode'],
  ['Dispute Reason', 'dispute_reason'],
];

type Attributes = Record<string, string | number | boolean | null>;

interface Header {
  csv: CsvHeader;
  created: string;
  /** [column name, metadata key] for every `KEY (metadata)` column. */
  metadata: Array<[string, string]>;
}

function readHeader(row: CsvRow): Header {
  const csv = csvHeader(row);
  requireColumns(csv, row, REQUIRED, 'a Stripe Payments export');
  const created = CREATED.find((c) => csv.index.has(c.toLowerCase()));
  if (created === undefined)
    throw new FormatError('not a Stripe Payments export: the header has no "Created date (UTC)" column', { line: row.line, column: 1 });
  const metadata: Array<[string, string]> = [];
  for (const name of csv.names) {
    const m = /^(.+) \(metadata\)$/.exec(name);
    if (m?.[1] !== undefined) metadata.push([name, m[1]]);
  }
  return { csv, created, metadata };
}

/** `2024-03-01 14:05:09` (UTC, as the header says), a date alone, or an ISO instant after a re-export. */
function utc(cells: CsvCells, name: string): string {
  const text = cells.required(name);
  const parsed = /^\d{4}-\d{2}-\d{2}$/.test(text)
    ? parseDateTimeToUtc(`${text} 00:00`, 'YYYY-MM-DD HH:mm', 'UTC')
    : text.includes('T')
      ? parseDateTimeToUtc(text, 'iso', 'UTC')
      : /^\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}$/.test(text)
        ? parseDateTimeToUtc(text, 'YYYY-MM-DD H:mm', 'UTC')
        : parseDateTimeToUtc(text, 'YYYY-MM-DD H:mm:ss', 'UTC');
  if (!parsed.ok) throw cells.problem(name, `"${text}" is not a date and time (${parsed.error})`);
  return parsed.iso;
}

function amountIn(cells: CsvCells, name: string, currency: string): number {
  return cells.amount(name, currency, ungroupedStyle(cells.get(name)));
}

function optionalAmountIn(cells: CsvCells, name: string, currency: string): number {
  return cells.get(name) === '' ? 0 : amountIn(cells, name, currency);
}

/** Whether the row moved money; throws for a Status this importer does not know. */
function movedMoney(cells: CsvCells): boolean {
  const status = cells.required('Status').toLowerCase();
  if (cells.get('Captured').toLowerCase() === 'false') return false;
  if (MOVED.has(status)) return true;
  if (NOT_MOVED.has(status)) return false;
  throw cells.problem(
    'Status',
    `"${cells.get('Status')}" is not a payment status this importer knows (Paid, Refunded, Partially refunded, Disputed, Failed, Pending, Canceled, Uncaptured)`,
  );
}

interface Money {
  currency: string;
  presentmentCurrency: string;
  /** Converted columns in use: the row was settled in another currency, or the file has them. */
  converted: boolean;
}

function moneyOf(cells: CsvCells): Money {
  const presentmentCurrency = cells.currency('Currency');
  const converted = cells.get('Converted Currency') !== '' && cells.get('Converted Amount') !== '';
  return { currency: converted ? cells.currency('Converted Currency') : presentmentCurrency, presentmentCurrency, converted };
}

function orderRef(cells: CsvCells, header: Header, attrs: Attributes): string | null {
  const meta = new Map(header.metadata.map(([column, key]) => [key.toLowerCase(), cells.get(column)]));
  for (const [column, key] of header.metadata) {
    const v = cells.get(column);
    if (v !== '') attrs[`metadata.${key}`] = v;
  }
  for (const key of ['order_id', 'order_number', 'order']) {
    const ref = normalizeRef(meta.get(key));
    if (ref !== null) {
      attrs.order_ref_source = `metadata.${key}`;
      return ref;
    }
  }
  const fromText = orderRefFromDescription(cells.get('Description'));
  if (fromText !== null) attrs.order_ref_source = 'description';
  return fromText;
}

function presentment(attrs: Attributes, m: Money, minor: number): Attributes {
  return m.currency === m.presentmentCurrency ? attrs : { ...attrs, presentment_amount_minor: minor, presentment_currency: m.presentmentCurrency };
}

function mapRow(cells: CsvCells, header: Header): EventDraftInput[] {
  cells.checkWidth();
  const id = cells.required('id');
  const createdAt = utc(cells, header.created);
  if (!movedMoney(cells)) return [];
  const m = moneyOf(cells);
  const charged = amountIn(cells, 'Amount', m.presentmentCurrency);
  const amount = m.converted ? amountIn(cells, 'Converted Amount', m.currency) : charged;
  const fee = optionalAmountIn(cells, 'Fee', m.currency) + optionalAmountIn(cells, 'Taxes On Fee', m.currency);
  const attrs: Attributes = { status: cells.get('Status') };
  for (const [column, key] of TEXT_ATTRIBUTES) {
    const v = cells.get(column);
    if (v !== '') attrs[key] = v;
  }
  const order = orderRef(cells, header, attrs);
  const email = cells.get('Customer Email');
  const base = {
    order_ref: order,
    customer_ref: normalizeRef(email !== '' ? email.toLowerCase() : cells.get('Customer ID')),
    payout_ref: null,
    trace_id: normalizeRef(cells.get('PaymentIntent ID') || id),
    channel: null,
    local_date: null,
  };
  const events: EventDraftInput[] = [
    {
      ...base,
      kind: 'payment',
      external_id: id,
      source_revision: 'succeeded',
      amount_minor: amount,
      currency: m.currency,
      fee_minor: fee,
      net_minor: amount - fee,
      state: 'paid',
      occurred_at: createdAt,
      attributes: presentment(attrs, m, charged),
    },
  ];
  const refundedCharged = optionalAmountIn(cells, 'Amount Refunded', m.presentmentCurrency);
  if (refundedCharged !== 0) {
    const refunded = m.converted ? optionalAmountIn(cells, 'Converted Amount Refunded', m.currency) : refundedCharged;
    if (refunded === 0) throw cells.problem('Converted Amount Refunded', `is empty or 0 but Amount Refunded is ${cells.get('Amount Refunded')}`);
    const at = cells.get('Refunded date (UTC)') === '' ? createdAt : utc(cells, 'Refunded date (UTC)');
    events.push({
      ...base,
      kind: 'refund',
      external_id: `${id}/refunds`,
      source_revision: String(refundedCharged),
      amount_minor: -refunded,
      currency: m.currency,
      fee_minor: 0,
      net_minor: -refunded,
      state: 'refunded',
      occurred_at: at,
      attributes: presentment({ ...attrs, refunds_of: id }, m, -refundedCharged),
    });
  }
  const disputed = optionalAmountIn(cells, 'Disputed Amount', m.presentmentCurrency);
  if (disputed !== 0) {
    const status = cells.get('Dispute Status').toLowerCase();
    const at = cells.get('Dispute Date (UTC)') === '' ? createdAt : utc(cells, 'Dispute Date (UTC)');
    events.push({
      ...base,
      kind: 'dispute',
      external_id: `${id}/dispute`,
      source_revision: status,
      amount_minor: -disputed,
      currency: m.presentmentCurrency,
      fee_minor: null,
      net_minor: null,
      state: status === '' ? 'disputed' : status,
      occurred_at: at,
      attributes: { ...attrs, disputed_payment: id },
    });
  }
  return events;
}

function* parseStripePaymentsCsv(input: ParseInput): Generator<RecordResult> {
  let header: Header | null = null;
  for (const row of readCsvRows(input.chunks, { delimiter: ',' })) {
    if (header === null) {
      header = readHeader(row);
      continue;
    }
    try {
      yield { ok: true, events: mapRow(new CsvCells(row, header.csv), header), lineStart: row.line, lineEnd: row.endLine };
    } catch (err) {
      if (!(err instanceof RowProblem)) throw err;
      yield rejectionFor(row, err);
    }
  }
  if (header === null) throw new FormatError('the file is empty: expected a Stripe Payments export header', { line: 1, column: 1 });
}

export const stripePaymentsCsvParser: FormatParser = {
  kinds: ['payment', 'refund', 'dispute'],
  format: 'stripe-payments-csv',
  version: 1,
  description: 'Stripe Dashboard Payments export CSV (unified_payments.csv): payments, refunded totals, disputes',
  detect(head: string): boolean {
    const names = headerNamesOf(head);
    return ['id', 'amount', 'amount refunded', 'currency', 'status'].every((c) => names.has(c)) && CREATED.some((c) => names.has(c.toLowerCase()));
  },
  parse: parseStripePaymentsCsv,
};
