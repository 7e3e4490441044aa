// Parses Meta's billing transactions download (Billing & payments → Payment activity → Download) into `ad_spend`
// billing events: one per charge, one per ad credit, one per tax line (ads/adRecords.ts, AD_STATES).
//
// Layout: a preamble (account, date range, currency lines: kept as context, never parsed as rows), then the
// transactions table `Date, Transaction ID, Payment Method, Amount, Currency` (more columns, such as Status or
// Reference number, are allowed), then optionally an ad-credit table (a title line naming credits, then a header with
// Date, Description and Amount) and a tax footer (a line starting `Tax`, `VAT`, `GST` or `Total tax` with an amount).
// Sections are found by their header rows, so the blank lines between them do not matter.
// Decisions: a charge's amount is what the payment method was charged, tax included where Meta charges tax; a charge
// whose Status says it failed or was declined is state `billing_failed` (no money moved). Dates are the ad account's
// (the source's time zone). The transaction id is the event's id and trace id, so a card line can name it.
import type { FormatParser, ParseInput, RecordResult } from '../parserTypes.ts';
import { FormatError } from '../parserTypes.ts';
import { headerIndex, readCsvRows, type CsvRow } from '../text/csvReader.ts';
import { RowProblem, rejectionFor } from './csvRecords.ts';
import { AD_STATES, billingEvent, moneyCell, type BillingRecord } from '../ads/adRecords.ts';
import { reportDate, reportTime } from '../ads/reportDates.ts';
import { isCurrencyCode } from '../../../shared/money/currencies.ts';

const TXN_COLUMNS = ['Date', 'Transaction ID', 'Payment Method', 'Amount', 'Currency'];
const TAX_RE = /^(?:total\s+)?(?:tax|taxes|vat|gst|sales tax)\b/i;
const CREDIT_TITLE_RE = /credit/i;

type Section = { kind: 'transactions' | 'credits'; index: Map<string, number> } | null;

const cell = (row: CsvRow, index: Map<string, number>, name: string): string => {
  const i = index.get(name);
  return i === undefined ? '' : (row.fields[i] ?? '').trim();
};
const col = (index: Map<string, number>, name: string): number => (index.get(name) ?? 0) + 1;

function currencyOf(row: CsvRow, index: Map<string, number>, fallback: string | null): string {
  const text = cell(row, index, 'Currency').toUpperCase();
  if (text !== '') {
    if (!isCurrencyCode(text)) throw new RowProblem(`column "Currency": "${text}" is not a currency code`, col(index, 'Currency'));
    return text;
  }
  if (fallback === null) throw new RowProblem('column "Currency" is empty and the preamble names no currency', col(index, 'Currency'));
  return fallback;
}

function dateOf(row: CsvRow, index: Map<string, number>): { date: string; time: string | null } {
  const text = cell(row, index, 'Date');
  const date = reportDate(text);
  if (date === null) throw new RowProblem(`column "Date": "${text}" is not a date`, col(index, 'Date'));
  return { date, time: text.includes(':') ? reportTime(text) : null };
}

function charge(row: CsvRow, index: Map<string, number>, fallback: string | null, timeZone: string): BillingRecord {
  const id = cell(row, index, 'Transaction ID');
  if (id === '') throw new RowProblem('column "Transaction ID" is empty', col(index, 'Transaction ID'));
  const currency = currencyOf(row, index, fallback);
  const amount = moneyCell(cell(row, index, 'Amount'), currency, col(index, 'Amount'), 'Amount');
  const status = cell(row, index, 'Status');
  const { date, time } = dateOf(row, index);
  return {
    platform: 'meta',
    state: /fail|declin|unpaid|error/i.test(status) ? AD_STATES.failed : AD_STATES.billed,
    id,
    date,
    periodStart: null,
    time,
    magnitudeMinor: Math.abs(amount),
    currency,
    timeZone,
    description: null,
    paymentMethod: cell(row, index, 'Payment Method') || null,
    account: null,
    extra: { status: status === '' ? null : status },
  };
}

function credit(row: CsvRow, index: Map<string, number>, fallback: string | null, timeZone: string): BillingRecord {
  const currency = currencyOf(row, index, fallback);
  const amount = moneyCell(cell(row, index, 'Amount'), currency, col(index, 'Amount'), 'Amount');
  const { date, time } = dateOf(row, index);
  const id = cell(row, index, 'Transaction ID');
  return {
    platform: 'meta',
    state: AD_STATES.credit,
    id: id === '' ? null : id,
    date,
    periodStart: null,
    time,
    magnitudeMinor: Math.abs(amount),
    currency,
    timeZone,
    description: cell(row, index, 'Description') || null,
    paymentMethod: null,
    account: null,
  };
}

/** `Tax,12.34,USD` or `Total tax: $12.34`: the amount is the first cell after the label that reads as one. */
function tax(row: CsvRow, fallback: string | null, lastDate: string | null, timeZone: string): BillingRecord {
  const cells = row.fields.map((f) => f.trim());
  const label = cells[0] as string;
  const code = cells.find((c) => /^[A-Z]{3}$/.test(c) && isCurrencyCode(c)) ?? /\b([A-Z]{3})\b/.exec(label)?.[1] ?? fallback;
  if (code === null || code === undefined || !isCurrencyCode(code))
    throw new RowProblem('the tax line names no currency and the preamble names none', 1);
  const inLabel = /[:\s]\s*([-$€£]?\s?[\d.,]+)\s*(?:[A-Z]{3})?$/.exec(label)?.[1];
  const text = cells.slice(1).find((c) => /\d/.test(c)) ?? inLabel;
  if (text === undefined) throw new RowProblem('the tax line has no amount', 2);
  const at = cells.indexOf(text);
  const amount = moneyCell(text, code, at < 0 ? 1 : at + 1, label);
  if (lastDate === null) throw new RowProblem('a tax line before any dated transaction: its period is unknown', 1);
  return {
    platform: 'meta',
    state: AD_STATES.tax,
    id: null,
    date: lastDate,
    periodStart: null,
    time: null,
    magnitudeMinor: Math.abs(amount),
    currency: code,
    timeZone,
    description: label,
    paymentMethod: null,
    account: null,
    extra: { included_in_charges: true },
  };
}

function isTxnHeader(names: Set<string>): boolean {
  return TXN_COLUMNS.every((c) => names.has(c));
}

/** The currency a preamble line states ("Currency,USD" or "Currency: USD"). */
function preambleCurrency(row: CsvRow): string | null {
  const text = row.fields.join(' ').trim();
  const m = /^currency\b[\s:,]*([A-Z]{3})\b/i.exec(text);
  return m !== null && isCurrencyCode((m[1] as string).toUpperCase()) ? (m[1] as string).toUpperCase() : null;
}

function* parseMetaBilling(input: ParseInput): Generator<RecordResult> {
  let section: Section = null;
  let creditTitle = false;
  let fallback: string | null = null;
  let lastDate: string | null = null;
  let sawTable = false;
  for (const row of readCsvRows(input.chunks, { delimiter: ',' })) {
    if (row.fields.every((f) => f.trim() === '')) continue;
    const names = new Set(row.fields.map((f) => f.trim()));
    if (isTxnHeader(names)) {
      section = { kind: 'transactions', index: headerIndex(row.fields) };
      sawTable = true;
      continue;
    }
    if (names.has('Date') && names.has('Amount') && (creditTitle || names.has('Description')) && section !== null) {
      section = { kind: 'credits', index: headerIndex(row.fields) };
      continue;
    }
    const first = (row.fields[0] ?? '').trim();
    const filled = row.fields.filter((f) => f.trim() !== '').length;
    if (TAX_RE.test(first) && sawTable) {
      try {
        yield { ok: true, events: [billingEvent(tax(row, fallback, lastDate, input.timeZone), 1)], lineStart: row.line, lineEnd: row.endLine };
      } catch (err) {
        if (!(err instanceof RowProblem)) throw err;
        yield rejectionFor(row, err);
      }
      continue;
    }
    if (section === null) {
      // Preamble: context only.
      fallback = preambleCurrency(row) ?? fallback;
      continue;
    }
    if (filled === 1 && reportDate(first) === null) {
      // A title line between tables ("Ad credits"): the next header row is that table's.
      creditTitle = CREDIT_TITLE_RE.test(first);
      if (!creditTitle) section = null;
      continue;
    }
    try {
      const record =
        section.kind === 'transactions' ? charge(row, section.index, fallback, input.timeZone) : credit(row, section.index, fallback, input.timeZone);
      if (lastDate === null || record.date > (lastDate as string)) lastDate = record.date;
      yield { ok: true, events: [billingEvent(record, 1)], lineStart: row.line, lineEnd: row.endLine };
    } catch (err) {
      if (!(err instanceof RowProblem)) throw err;
      yield rejectionFor(row, err);
    }
  }
  if (!sawTable) {
    throw new FormatError(`not a Meta billing transactions download: no header row with ${TXN_COLUMNS.map((c) => `"${c}"`).join(', ')}`, {
      line: 1,
      column: 1,
    });
  }
}

function detectMetaBilling(head: string): boolean {
  const lines = head
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\n|\r/)
    .slice(0, 30);
  return lines.some((line) => {
    const names = new Set([...readCsvRows([line])][0]?.fields.map((f) => f.trim()) ?? []);
    return isTxnHeader(names);
  });
}

export const metaBillingParser: FormatParser = {
  kinds: ['ad_spend'],
  format: 'meta-billing-csv',
  version: 1,
  description: 'Meta ads billing transactions download (charges by transaction id, ad credits, tax footer)',
  detect: detectMetaBilling,
  parse: parseMetaBilling,
};
