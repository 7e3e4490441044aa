// Parses Shopify's order transaction histories export (Orders → Export → Transaction histories) into payment and refund events.
//
// One row is one transaction recorded on an order, whatever the gateway (Shopify Payments, PayPal, manual, gift
// card, cash on delivery, …): `Order` (the numeric order id), `Name` (the order name, #1001), `Kind` (sale,
// authorization, capture, void, refund, change), `Gateway`, `Created At`, `Status` (success, failure, pending,
// error), `Amount`, `Currency`, `Card Type`, sometimes `Payment Method`. It is the store's view of the money; the
// processor's own export (Shopify Payments, Stripe, PayPal) is the other side.
//
// Mapping decisions:
//   Which rows move money: Status success with Kind sale or capture (a payment), refund (a refund) or change (cash
//     change handed back at a POS: an adjustment, money out). Authorizations, voids, and failed, pending or errored
//     transactions moved nothing: the row is read, kept in the raw file, and yields no event. An unknown Kind or
//     Status is rejected, naming it.
//   amount_minor  Shopify writes every amount positive: payments positive, refunds and change negative.
//   order_ref     = Name, the order name: the numeric `Order` id is what Excel rewrites (5.37518E+12) and what the
//                 Shopify orders export writes in another column, so the name is the key; the id is kept in
//                 attributes.order_id when it is intact.
//   external_id   the export has no transaction id: `NAME KIND TIME AMOUNT+CURRENCY GATEWAY` (time as a UTC instant,
//                 amount in minor units), `#2`… for an identical row later in the same file; source_revision ''.
//   occurred_at   = Created At (`2024-03-01 10:15:00 -0400`; without an offset, the workspace zone).
//   state         = Kind; gateway, card type, payment method and status in attributes. No fee: this export has none.
import type { EventDraftInput, EventKind } from '../../../shared/events/canonicalEvent.ts';
import { normalizeRef } from '../../../shared/events/canonicalEvent.ts';
import { FormatError } from '../parserTypes.ts';
import type { FormatParser, ParseInput, RecordResult } from '../parserTypes.ts';
import { readCsvRows } from '../text/csvReader.ts';
import type { CsvRow } from '../text/csvReader.ts';
import { ContentIds, CsvCells, csvHeader, headerNamesOf, isExcelScientific, requireColumns } from './csvCells.ts';
import type { CsvHeader } from './csvCells.ts';
import { RowProblem, rejectionFor } from './csvRecords.ts';
import { parseShopifyTime } from './shopifyOrdersCsv.ts';

const REQUIRED = ['Name', 'Kind', 'Created At', 'Status', 'Amount', 'Currency'] as const;

/** Kinds that move money, and the event each becomes; the sign is −1 for money going back to the customer. */
const MONEY_KINDS: Record<string, { kind: EventKind; sign: 1 | -1 }> = {
  sale: { kind: 'payment', sign: 1 },
  capture: { kind: 'payment', sign: 1 },
  refund: { kind: 'refund', sign: -1 },
  change: { kind: 'adjustment', sign: -1 },
};
const NO_MONEY_KINDS = new Set(['authorization', 'void', 'emv_authorization', 'suggested_refund']);
const STATUSES = new Set(['success', 'failure', 'pending', 'error']);

type Attributes = Record<string, string | number | boolean | null>;

interface Context {
  header: CsvHeader;
  timeZone: string;
  ids: ContentIds;
}

function attributesOf(cells: CsvCells, status: string): Attributes {
  const attrs: Attributes = { status };
  for (const [column, key] of [
    ['Gateway', 'gateway'],
    ['Card Type', 'card_type'],
    ['Payment Method', 'payment_method'],
  ] as const) {
    const v = cells.get(column);
    if (v !== '') attrs[key] = v;
  }
  const orderId = cells.get('Order');
  if (orderId !== '') attrs[isExcelScientific(orderId) ? 'order_id_damaged' : 'order_id'] = orderId;
  return attrs;
}

function mapRow(cells: CsvCells, ctx: Context): EventDraftInput[] {
  cells.checkWidth();
  const name = cells.required('Name');
  const kindText = cells.required('Kind').toLowerCase();
  const status = cells.required('Status').toLowerCase();
  const money = MONEY_KINDS[kindText];
  if (money === undefined && !NO_MONEY_KINDS.has(kindText)) {
    throw cells.problem(
      'Kind',
      `"${cells.get('Kind')}" is not a transaction kind this importer knows (sale, capture, refund, change, authorization, void)`,
    );
  }
  if (!STATUSES.has(status))
    throw cells.problem('Status', `"${cells.get('Status')}" is not a transaction status this importer knows (success, failure, pending, error)`);
  if (money === undefined || status !== 'success') return [];
  const currency = cells.currency('Currency');
  const text = cells.get('Amount');
  const magnitude = Math.abs(
    cells.amount('Amount', currency, /^[^.]*,\d{1,2}$/.test(text) ? { decimal: ',', group: '.' } : { decimal: '.', group: ',' }),
  );
  const createdText = cells.required('Created At');
  const when = parseShopifyTime(createdText, ctx.timeZone);
  if (!when.ok) throw cells.problem('Created At', `"${createdText}" is not a date and time (${when.error})`);
  const amount = money.sign * magnitude;
  const gateway = cells.get('Gateway');
  return [
    {
      kind: money.kind,
      external_id: ctx.ids.idFor(`${name} ${kindText} ${when.iso} ${amount}${currency}${gateway === '' ? '' : ` ${gateway}`}`),
      source_revision: '',
      order_ref: normalizeRef(name),
      customer_ref: null,
      payout_ref: null,
      trace_id: null,
      amount_minor: amount,
      currency,
      fee_minor: null,
      net_minor: null,
      state: kindText,
      channel: null,
      occurred_at: when.iso,
      local_date: null,
      attributes: attributesOf(cells, status),
    },
  ];
}

function record(row: CsvRow, ctx: Context): RecordResult {
  try {
    return { ok: true, events: mapRow(new CsvCells(row, ctx.header), ctx), lineStart: row.line, lineEnd: row.endLine };
  } catch (err) {
    if (!(err instanceof RowProblem)) throw err;
    return rejectionFor(row, err);
  }
}

function* parseShopifyTransactionsCsv(input: ParseInput): Generator<RecordResult> {
  let ctx: Context | null = null;
  for (const row of readCsvRows(input.chunks, { delimiter: ',' })) {
    if (ctx === null) {
      const header = csvHeader(row);
      requireColumns(header, row, REQUIRED, 'a Shopify transaction histories export');
      ctx = { header, timeZone: input.timeZone, ids: new ContentIds() };
      continue;
    }
    yield record(row, ctx);
  }
  if (ctx === null) throw new FormatError('the file is empty: expected a Shopify transaction histories header', { line: 1, column: 1 });
}

export const shopifyTransactionsCsvParser: FormatParser = {
  kinds: ['payment', 'refund', 'adjustment'],
  format: 'shopify-transactions-csv',
  version: 1,
  description: 'Shopify order transaction histories export CSV (sales, captures and refunds per order, any gateway)',
  detect(head: string): boolean {
    const names = headerNamesOf(head);
    return ['name', 'kind', 'gateway', 'created at', 'status', 'amount', 'currency'].every((c) => names.has(c));
  },
  parse: parseShopifyTransactionsCsv,
};
