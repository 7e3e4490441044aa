// Parses Stripe's Itemised payouts report (Balance report → Payouts, API report type payouts.itemized.N) into payout events.
//
// One row is one payout's balance transaction (reporting_category payout, or payout_reversal when a payout failed and
// its money came back). Columns as documented for payouts.itemized.1–3: payout_id, effective_at_utc, effective_at
// (the requested time zone), currency, gross, fee, net, reporting_category, balance_transaction_id, description,
// payout_expected_arrival_date, payout_status, payout_reversed_at(_utc), payout_type, payout_description,
// payout_destination_id, regulatory_tag, trace_id, trace_id_status. There is no created_utc: that is how it is told
// apart from the itemized balance reports (stripe-balance-csv), which always have it.
//
// Mapping decisions:
//   kind          from reporting_category, as stripe-balance-csv does (payout and payout_reversal → payout).
//   amount_minor  = −gross. This report writes the amount sent to the bank as a positive number (the payout's own
//                 amount; a payout Stripe pulled from the bank is negative), where the canonical payout is the
//                 effect on the Stripe balance: negative when money goes to the bank. net is negated the same way
//                 and fee_minor = −fee, so amount − fee = net still holds; a row where gross − fee ≠ net is rejected.
//                 Stripe's column text calls gross "the transaction", so the sign is the one public point taken
//                 from real downloads rather than from the documentation.
//   external_id   = balance_transaction_id, source_revision '': the same payout in the balance change report, the
//                 payout reconciliation report or the API's balance history is the same event (imported twice, a
//                 no-op). A status change (paid → failed) is not a new revision: its money comes back as its own
//                 payout_reversal balance transaction.
//   payout_ref    = payout_id; trace_id = the bank's trace id (trace_id column, where Stripe has it) else payout_id;
//                 the bank trace is also kept as attributes.bank_trace_id.
//   occurred_at   = effective_at_utc (automatic payouts: the expected arrival date, when the balance is debited);
//                 without that column, effective_at in the zone the file name states (Stripe names downloads
//                 `…_UTC.csv` or `…_America-New_York.csv`), else the workspace zone.
//   local_date    = payout_expected_arrival_date (its calendar date).
//   state         = payout_status (paid, pending, in_transit, canceled, failed); reporting_category in attributes.
import type { EventDraftInput } from '../../../shared/events/canonicalEvent.ts';
import { normalizeRef } from '../../../shared/events/canonicalEvent.ts';
import { isValidTimeZone, parseDateTimeToUtc, parseLocalDate } from '../../../shared/time/dateText.ts';
import { FormatError } from '../parserTypes.ts';
import type { FormatParser, ParseInput, RecordResult } from '../parserTypes.ts';
import { readCsvRows } from '../text/csvReader.ts';
import { CsvCells, csvHeader, headerNamesOf, requireColumns, ungroupedStyle } from './csvCells.ts';
import type { CsvHeader } from './csvCells.ts';
import { rowRecord } from './csvRecords.ts';
import { kindForReportingCategory } from './stripeBalanceCsv.ts';

const REQUIRED = ['payout_id', 'balance_transaction_id', 'currency', 'gross', 'fee', 'net', 'reporting_category'] as const;

const TEXT_ATTRIBUTES = [
  'description',
  'payout_status',
  'payout_type',
  'payout_description',
  'payout_destination_id',
  'trace_id_status',
  'regulatory_tag',
] as const;

type Attributes = Record<string, string | number | boolean | null>;

/** The zone a Stripe download's name states (`…_UTC.csv`, `…_America-New_York.csv`), if it is a real zone. */
export function zoneFromStripeFileName(fileName: string): string | undefined {
  const m = /_([A-Za-z]+(?:-[A-Za-z_+-]+)?)\.csv$/i.exec(fileName);
  if (m?.[1] === undefined) return undefined;
  if (m[1].toUpperCase() === 'UTC') return 'UTC';
  const zone = m[1].replace('-', '/');
  return zone.includes('/') && isValidTimeZone(zone) ? zone : undefined;
}

interface Context {
  header: CsvHeader;
  /** Zone of `effective_at` when the file has no effective_at_utc. */
  zone: string;
}

/** Stripe writes `2024-03-01 14:05:09`; a date alone is midnight; an ISO instant (a re-export) is accepted too. */
function instant(cells: CsvCells, name: string, zone: string): string {
  const text = cells.required(name);
  const parsed = /^\d{4}-\d{2}-\d{2}$/.test(text)
    ? parseDateTimeToUtc(`${text} 00:00:00`, 'YYYY-MM-DD HH:mm:ss', zone)
    : text.includes('T')
      ? parseDateTimeToUtc(text, 'iso', zone)
      : parseDateTimeToUtc(text, 'YYYY-MM-DD HH:mm:ss', zone);
  if (!parsed.ok) throw cells.problem(name, `"${text}" is not a date and time (${parsed.error})`);
  return parsed.iso;
}

function money(cells: CsvCells, currency: string): { gross: number; fee: number; net: number } {
  const amount = (name: string): number => cells.amount(name, currency, ungroupedStyle(cells.get(name)));
  const gross = amount('gross');
  const fee = amount('fee');
  const net = amount('net');
  if (gross - fee !== net)
    throw cells.problem('net', `gross ${cells.get('gross')} − fee ${cells.get('fee')} ≠ net ${cells.get('net')}: the row does not add up`);
  return { gross, fee, net };
}

function attributesOf(cells: CsvCells, category: string, zone: string): Attributes {
  const attrs: Attributes = { reporting_category: category };
  for (const name of TEXT_ATTRIBUTES) {
    const v = cells.get(name);
    if (v !== '') attrs[name] = v;
  }
  const trace = cells.get('trace_id');
  if (trace !== '') attrs.bank_trace_id = trace;
  const effectiveLocal = cells.get('effective_at');
  if (effectiveLocal !== '') attrs.effective_at = effectiveLocal;
  const reversed = cells.which('payout_reversed_at_utc') !== undefined ? 'payout_reversed_at_utc' : 'payout_reversed_at';
  if (cells.get(reversed) !== '') attrs.payout_reversed_at = instant(cells, reversed, reversed.endsWith('_utc') ? 'UTC' : zone);
  return attrs;
}

function arrivalDate(cells: CsvCells): string | null {
  const text = cells.get('payout_expected_arrival_date');
  if (text === '') return null;
  const parsed = parseLocalDate(text.slice(0, 10), 'YYYY-MM-DD');
  if (!parsed.ok || !/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$/.test(text)) {
    throw cells.problem('payout_expected_arrival_date', `"${text}" is not a date (YYYY-MM-DD)`);
  }
  return parsed.date;
}

function mapRow(cells: CsvCells, ctx: Context): EventDraftInput {
  cells.checkWidth();
  const id = cells.required('balance_transaction_id');
  const payoutId = cells.required('payout_id');
  const category = cells.required('reporting_category').toLowerCase();
  const currency = cells.currency('currency');
  const { gross, fee, net } = money(cells, currency);
  const occurredAt = cells.has('effective_at_utc') ? instant(cells, 'effective_at_utc', 'UTC') : instant(cells, 'effective_at', ctx.zone);
  const bankTrace = cells.get('trace_id');
  const status = cells.get('payout_status').toLowerCase();
  return {
    kind: kindForReportingCategory(category),
    external_id: id,
    source_revision: '',
    order_ref: null,
    customer_ref: null,
    payout_ref: normalizeRef(payoutId),
    trace_id: normalizeRef(bankTrace !== '' ? bankTrace : payoutId),
    amount_minor: -gross,
    currency,
    fee_minor: fee === 0 ? 0 : -fee,
    net_minor: -net,
    state: status === '' ? category : status,
    channel: null,
    occurred_at: occurredAt,
    local_date: arrivalDate(cells),
    attributes: attributesOf(cells, category, ctx.zone),
  };
}

function* parseStripePayoutsCsv(input: ParseInput): Generator<RecordResult> {
  let ctx: Context | null = null;
  for (const row of readCsvRows(input.chunks, { delimiter: ',' })) {
    if (ctx === null) {
      const header = csvHeader(row);
      requireColumns(header, row, REQUIRED, 'a Stripe Itemised payouts report');
      if (!header.index.has('effective_at_utc') && !header.index.has('effective_at')) {
        throw new FormatError('not a Stripe Itemised payouts report: the header has neither "effective_at_utc" nor "effective_at"', {
          line: row.line,
          column: 1,
        });
      }
      ctx = { header, zone: zoneFromStripeFileName(input.fileName) ?? input.timeZone };
      continue;
    }
    const c = ctx;
    yield rowRecord(row, (r) => mapRow(new CsvCells(r, c.header), c));
  }
  if (ctx === null) throw new FormatError('the file is empty: expected a Stripe Itemised payouts report header', { line: 1, column: 1 });
}

export const stripePayoutsCsvParser: FormatParser = {
  kinds: ['payout'],
  format: 'stripe-payouts-csv',
  version: 1,
  description: 'Stripe Itemised payouts report CSV (Balance report → Payouts; payouts.itemized): one payout per row',
  detect(head: string): boolean {
    const names = headerNamesOf(head);
    return (
      ['payout_id', 'balance_transaction_id', 'reporting_category', 'gross', 'net'].every((c) => names.has(c)) &&
      (names.has('effective_at_utc') || names.has('effective_at')) &&
      !names.has('created_utc')
    );
  },
  parse: parseStripePayoutsCsv,
};
