// Parses Stripe's itemized balance report CSVs (balance change from activity, payout reconciliation) into event drafts.
//
// One row is one balance transaction, so one event. Mapping decisions:
//   kind          from reporting_category: charge→payment, refund→refund, dispute and
//                 dispute_reversal→dispute, payout and payout_reversal→payout, fee→fee,
//                 everything else (transfer, other_adjustment, tax, topup, refund_failure, …)→adjustment.
//                 `state` keeps the exact reporting_category so e.g. dispute vs dispute_reversal stays visible.
//   amount_minor  = gross, with Stripe's sign: it is the effect on the Stripe balance, which matches
//                 the canonical convention (charges positive; refunds, disputes, fees and payouts negative).
//   fee_minor     = fee AS STRIPE WRITES IT: positive for a cost (a 0.59 processing fee is +59), negative
//                 for a fee refund. It is not flipped to the "money out is negative" sign, because
//                 then net = gross − fee, which every row is checked against, would no longer hold as written.
//   net_minor     = net; a row where gross − fee ≠ net is rejected.
//   Amounts are major units in the file ("-12.34") and become minor units with the currency's exponent.
//   external_id   = balance_transaction_id. source_revision = automatic_payout_id for an item of an automatic payout,
//                 '' otherwise (a payout's own row, an item not paid out yet): a balance transaction's figures never
//                 change, but its payout is only known once Stripe pays it out, and a later report (or the API's
//                 `payout=` listing) naming the payout must land as a new revision carrying payout_ref, not as a
//                 duplicate of the row that had none (src/main/import/revisions.ts supersedes the earlier one). The
//                 Stripe connector gives the same ids (src/main/connectors/stripe/stripePages.ts).
//   order_ref     = payment_metadata[order_id|order_number|order], else an order number in the description.
//   payout_ref    = automatic_payout_id; a payout row without one uses its own source_id (po_…).
//   customer_ref  = customer_email (lowercased) else customer_id.
//   trace_id      = payment_intent_id else charge_id else source_id (a refund row names its charge's
//                 payment intent, so a charge and its refunds share the key).
//   Join keys go through normalizeRef (ids keep Stripe's case; only the email is lowercased).
//   presentment   when customer_facing_currency differs from currency (a charge in EUR settled in USD),
//                 attributes.presentment_amount_minor (customer_facing_amount in minor units of that currency,
//                 signed like gross) and attributes.presentment_currency, the names every provider parser uses;
//                 the customer_facing_* columns are kept as written too.
import type { EventDraftInput, EventKind } from '../../../shared/events/canonicalEvent.ts';
import { normalizeRef } from '../../../shared/events/canonicalEvent.ts';
import { isCurrencyCode } from '../../../shared/money/currencies.ts';
import { parseAmount } from '../../../shared/money/amountText.ts';
import { parseDateTimeToUtc } from '../../../shared/time/dateText.ts';
import { FormatError } from '../parserTypes.ts';
import type { FormatParser, ParseInput, RecordResult } from '../parserTypes.ts';
import { headerIndex, readCsvRows } from '../text/csvReader.ts';
import { RowProblem, rowRecord, commaHeaderNames } from './csvRecords.ts';
import type { CsvRow } from '../text/csvReader.ts';

const REQUIRED = ['balance_transaction_id', 'created_utc', 'currency', 'gross', 'fee', 'net', 'reporting_category'] as const;
const DETECT_COLUMNS = ['balance_transaction_id', 'reporting_category', 'gross', 'net', 'created_utc'];

/** Columns copied into attributes under the same name when non-empty (dates and metadata are handled apart). */
const TEXT_ATTRIBUTES = [
  'description',
  'source_id',
  'charge_id',
  'payment_intent_id',
  'refund_id',
  'dispute_id',
  'invoice_id',
  'customer_id',
  'customer_email',
  'customer_name',
  'automatic_payout_id',
  'statement_descriptor',
  'card_brand',
  'payment_method_type',
  'customer_facing_amount',
  'customer_facing_currency',
] as const;

const KIND_BY_CATEGORY: Record<string, EventKind> = {
  charge: 'payment',
  refund: 'refund',
  dispute: 'dispute',
  dispute_reversal: 'dispute',
  payout: 'payout',
  payout_reversal: 'payout',
  fee: 'fee',
};

/** Kind for a Stripe reporting_category; shared with the API JSON parser so both sources agree. */
export function kindForReportingCategory(category: string): EventKind {
  return KIND_BY_CATEGORY[category.trim().toLowerCase()] ?? 'adjustment';
}

// "Order #1001", "order no. 1001", "Order: A-1001": the word "order" makes any token with a digit safe to take.
const ORDER_WORD_RE = /\border\s*(?:no\.?|number|num\.?|id)?\s*[:#]?\s*#?\s*([A-Za-z0-9][A-Za-z0-9_-]*)/i;
// A bare "#1001" (Shopify order names) only when it is not an invoice/receipt/ticket number.
const HASH_RE = /(?:^|[^A-Za-z0-9_])#([A-Za-z0-9][A-Za-z0-9_-]*)/g;
const NOT_ORDER_BEFORE_HASH_RE = /\b(?:invoice|inv|receipt|ticket|case|ref|reference|statement)\s*$/i;

/** An order number mentioned in a free-text description, normalized; null when there is none or it is doubtful. */
export function orderRefFromDescription(description: string): string | null {
  const word = ORDER_WORD_RE.exec(description);
  if (word?.[1] !== undefined && /\d/.test(word[1])) return normalizeRef(word[1]);
  for (const m of description.matchAll(HASH_RE)) {
    const token = m[1];
    if (token === undefined || !/\d/.test(token)) continue;
    if (NOT_ORDER_BEFORE_HASH_RE.test(description.slice(0, m.index))) continue;
    return normalizeRef(token);
  }
  return null;
}

const STRIPE_DATETIME = 'YYYY-MM-DD HH:mm:ss';

/** Stripe writes `2024-03-01 14:05:09` (UTC); an ISO instant with T/Z is accepted too, e.g. after a re-export. */
function parseUtc(text: string): { ok: true; iso: string } | { ok: false; error: string } {
  const t = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return parseDateTimeToUtc(`${t} 00:00:00`, STRIPE_DATETIME, 'UTC');
  if (t.includes('T')) return parseDateTimeToUtc(t, 'iso', 'UTC');
  return parseDateTimeToUtc(t, STRIPE_DATETIME, 'UTC');
}

type Attributes = Record<string, string | number | boolean | null>;

/** presentment_amount_minor / presentment_currency from customer_facing_*, when the customer paid in another currency. */
function addPresentment(attrs: Attributes, currency: string, gross: number, column: number): void {
  const text = attrs.customer_facing_amount;
  const code = attrs.customer_facing_currency;
  if (typeof text !== 'string' || typeof code !== 'string' || code === currency || !isCurrencyCode(code)) return;
  const parsed = parseAmount(text, code, { decimal: '.', group: '' });
  if (!parsed.ok) throw new RowProblem(`column "customer_facing_amount": "${text}" is not an amount (${parsed.error})`, column);
  const minor = Math.abs(parsed.minor);
  attrs.presentment_amount_minor = gross < 0 ? -minor : minor;
  attrs.presentment_currency = code;
}

interface Header {
  index: Map<string, number>;
  width: number;
  /** [column index, attribute name] for payment_metadata[KEY] and the other *_metadata[KEY] columns. */
  metadata: Array<[number, string]>;
}

function readHeader(row: CsvRow): Header {
  const index = headerIndex(row.fields);
  const missing = REQUIRED.filter((name) => !index.has(name));
  if (missing.length > 0) {
    throw new FormatError(
      `not a Stripe itemized balance report: the header lacks required column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}`,
      { line: row.line, column: 1 },
    );
  }
  const metadata: Array<[number, string]> = [];
  for (const [name, i] of index) {
    const m = /^([a-z_]*metadata)\[(.+)\]$/.exec(name);
    if (m === null) continue;
    // payment_metadata is the one the brief and DESIGN care about; keep the others distinguishable.
    const prefix = m[1] === 'payment_metadata' ? 'metadata' : m[1];
    metadata.push([i, `${prefix}.${m[2]}`]);
  }
  return { index, width: row.fields.length, metadata };
}

function mapRow(row: CsvRow, header: Header): EventDraftInput {
  const { index } = header;
  if (row.fields.length > header.width) {
    throw new RowProblem(`the row has ${row.fields.length} fields but the header has ${header.width}`, header.width + 1);
  }
  const col = (name: string): number => (index.get(name) ?? -1) + 1;
  const get = (name: string): string => {
    const i = index.get(name);
    return i === undefined ? '' : (row.fields[i] ?? '').trim();
  };
  const required = (name: string): string => {
    const v = get(name);
    if (v === '') throw new RowProblem(`column "${name}" is empty`, col(name));
    return v;
  };
  const date = (name: string, value: string): string => {
    const parsed = parseUtc(value);
    if (!parsed.ok) throw new RowProblem(`column "${name}": "${value}" is not a date and time (${parsed.error})`, col(name));
    return parsed.iso;
  };

  const id = required('balance_transaction_id');
  const createdText = required('created_utc');
  const currencyText = required('currency');
  const grossText = required('gross');
  const feeText = required('fee');
  const netText = required('net');
  const category = required('reporting_category').toLowerCase();

  const occurredAt = date('created_utc', createdText);
  const currency = currencyText.toUpperCase();
  if (!isCurrencyCode(currency)) throw new RowProblem(`column "currency": "${currencyText}" is not a known currency`, col('currency'));
  const amount = (name: string, text: string): number => {
    // Stripe writes plain major units: an optional minus, digits, a dot; never a thousands separator.
    const parsed = parseAmount(text, currency, { decimal: '.', group: '' });
    if (!parsed.ok) throw new RowProblem(`column "${name}": "${text}" is not an amount (${parsed.error})`, col(name));
    return parsed.minor;
  };
  const gross = amount('gross', grossText);
  const fee = amount('fee', feeText);
  const net = amount('net', netText);
  if (gross - fee !== net) {
    throw new RowProblem(`gross ${grossText} − fee ${feeText} ≠ net ${netText}: the row does not add up`, col('net'));
  }

  const attrs: Attributes = { reporting_category: category };
  for (const name of TEXT_ATTRIBUTES) {
    const v = get(name);
    if (v !== '') attrs[name] = v;
  }
  if (typeof attrs.customer_facing_currency === 'string') attrs.customer_facing_currency = attrs.customer_facing_currency.toUpperCase();
  addPresentment(attrs, currency, gross, col('customer_facing_amount'));
  const availableOn = get('available_on_utc');
  if (availableOn !== '') attrs.available_on = date('available_on_utc', availableOn);
  const payoutEffective = get('automatic_payout_effective_at');
  if (payoutEffective !== '') attrs.automatic_payout_effective_at = date('automatic_payout_effective_at', payoutEffective);
  const metaValue = new Map<string, string>();
  for (const [i, key] of header.metadata) {
    const v = (row.fields[i] ?? '').trim();
    if (v === '') continue;
    attrs[key] = v;
    metaValue.set(key, v);
  }

  let orderRef: string | null = null;
  for (const key of ['order_id', 'order_number', 'order']) {
    orderRef = normalizeRef(metaValue.get(`metadata.${key}`));
    if (orderRef !== null) {
      attrs.order_ref_source = `metadata.${key}`;
      break;
    }
  }
  const description = get('description');
  if (orderRef === null && description !== '') {
    orderRef = orderRefFromDescription(description);
    if (orderRef !== null) attrs.order_ref_source = 'description';
  }

  const kind = kindForReportingCategory(category);
  const sourceId = get('source_id');
  const automaticPayout = get('automatic_payout_id');
  const payoutRef = automaticPayout !== '' ? automaticPayout : kind === 'payout' ? sourceId : '';
  const email = get('customer_email');
  const customer = email !== '' ? email.toLowerCase() : get('customer_id');
  const trace = get('payment_intent_id') || get('charge_id') || sourceId;

  return {
    kind,
    external_id: id,
    source_revision: kind === 'payout' ? '' : automaticPayout,
    order_ref: orderRef,
    customer_ref: normalizeRef(customer),
    payout_ref: normalizeRef(payoutRef),
    trace_id: normalizeRef(trace),
    amount_minor: gross,
    currency,
    fee_minor: fee,
    net_minor: net,
    state: category,
    channel: null,
    occurred_at: occurredAt,
    local_date: null,
    attributes: attrs,
  };
}

function* parseStripeBalanceCsv(input: ParseInput): Generator<RecordResult> {
  let header: Header | null = null;
  for (const row of readCsvRows(input.chunks, { delimiter: ',' })) {
    if (header === null) {
      header = readHeader(row);
      continue;
    }
    const h = header;
    yield rowRecord(row, (r) => mapRow(r, h));
  }
  if (header === null) throw new FormatError('the file is empty: expected a Stripe balance report header', { line: 1, column: 1 });
}

export const stripeBalanceCsvParser: FormatParser = {
  kinds: ['payment', 'refund', 'fee', 'payout', 'dispute', 'adjustment'],
  format: 'stripe-balance-csv',
  // 2: presentment_amount_minor / presentment_currency from the customer_facing_* columns.
  // 3: an item of an automatic payout is the revision named by its payout (source_revision = automatic_payout_id).
  version: 3,
  description: 'Stripe itemized balance report CSV (balance change from activity, payout reconciliation)',
  detect(head: string): boolean {
    const names = commaHeaderNames(head);
    return DETECT_COLUMNS.every((c) => names.has(c));
  },
  parse: parseStripeBalanceCsv,
};
