// Parses Google Ads billing activity / transactions downloads (Billing → Transactions or Billing activity → Download)
// into `ad_spend` billing events (ads/adRecords.ts, AD_STATES).
//
// Google states that these pages are always in Pacific Time, whatever the account's time zone: every date here is
// read in America/Los_Angeles, never in the workspace's or the account's zone.
// Layout: optional preamble lines (account name and customer id `123-456-7890`, date range), then a header with
// `Date` and `Description` and either `Amount` (costs and taxes positive, payments and credits negative, as the
// Transactions page shows them) or `Debits` / `Credits`; optional `Type` and `Currency code`. Costs, adjustments and
// taxes carry a date range (`Oct 1 - 31, 2026`); the record is dated at the range's end, its start kept.
// A row's kind comes from Type when present, else from its Description: Payment → a charge (declined/failed →
// billing_failed), Taxes and fees / VAT → tax, Adjustments / Promotions / credits / invalid activity → credit,
// Costs / Campaigns / Shared budgets → the billing page's accrued cost; Starting/Ending balance lines are skipped.
import type { FormatParser, ParseInput, RecordResult } from '../parserTypes.ts';
import { FormatError } from '../parserTypes.ts';
import { headerIndex, readCsvRows, type CsvRow } from '../text/csvReader.ts';
import { RowProblem, rejectionFor } from './csvRecords.ts';
import { AD_STATES, billingEvent, moneyCell, type BillingRecord } from '../ads/adRecords.ts';
import { reportDateRange } from '../ads/reportDates.ts';
import { isCurrencyCode } from '../../../shared/money/currencies.ts';

export const GOOGLE_BILLING_TIME_ZONE = 'America/Los_Angeles';
const CUSTOMER_ID_RE = /\b\d{3}-\d{3}-\d{4}\b/;

interface Layout {
  index: Map<string, number>;
  amount: number | undefined;
  debits: number | undefined;
  credits: number | undefined;
}

function headerLayout(fields: string[]): Layout | null {
  const index = headerIndex(fields);
  if (!index.has('Date') || !index.has('Description')) return null;
  const amount = index.get('Amount');
  const debits = index.get('Debits') ?? index.get('Debit');
  const credits = index.get('Credits') ?? index.get('Credit');
  if (amount === undefined && debits === undefined && credits === undefined) return null;
  return { index, amount, debits, credits };
}

type Kind = 'charge' | 'tax' | 'credit' | 'cost' | 'skip';

function kindOf(type: string, description: string): Kind {
  const t = `${type} ${description}`.toLowerCase();
  if (/\bbalance\b/.test(t) && !/payment/.test(type.toLowerCase())) return 'skip';
  if (/payment|charged|prepayment/.test(t)) return 'charge';
  if (/\btax|\bvat\b|\bgst\b|fees?\b/.test(t)) return 'tax';
  if (/adjust|promot|credit|invalid|overdeliver|refund|coupon/.test(t)) return 'credit';
  if (/cost|campaign|budget|click|impression|view/.test(t)) return 'cost';
  return 'skip';
}

const cell = (row: CsvRow, i: number | undefined): string => (i === undefined ? '' : (row.fields[i] ?? '').trim());

function record(row: CsvRow, l: Layout, fallback: string | null, account: string | null): BillingRecord | null {
  const type = cell(row, l.index.get('Type'));
  const description = cell(row, l.index.get('Description'));
  const kind = kindOf(type, description);
  if (kind === 'skip') return null;
  const ci = l.index.get('Currency code') ?? l.index.get('Currency');
  const code = (cell(row, ci) || fallback || '').toUpperCase();
  if (!isCurrencyCode(code)) throw new RowProblem(`no currency: "Currency code" is "${cell(row, ci)}" and the preamble names none`, (ci ?? 0) + 1);
  let signed: number;
  if (l.amount !== undefined) {
    signed = moneyCell(cell(row, l.amount), code, l.amount + 1, 'Amount');
  } else {
    const debit = moneyCell(cell(row, l.debits), code, (l.debits ?? 0) + 1, 'Debits');
    const credit = moneyCell(cell(row, l.credits), code, (l.credits ?? 0) + 1, 'Credits');
    signed = debit - credit;
  }
  const di = l.index.get('Date') as number;
  const range = reportDateRange(cell(row, di));
  if (range === null) throw new RowProblem(`column "Date": "${cell(row, di)}" is not a date or date range`, di + 1);
  const state =
    kind === 'charge'
      ? /declin|fail|unsuccess/i.test(`${type} ${description}`)
        ? AD_STATES.failed
        : AD_STATES.billed
      : kind === 'tax'
        ? AD_STATES.tax
        : kind === 'credit'
          ? AD_STATES.credit
          : AD_STATES.accrued;
  const idMatch = /\b(?:ID|Transaction ID|Reference)[:#\s]+([A-Za-z0-9-]{6,})/i.exec(description);
  return {
    platform: 'google',
    state,
    id: kind === 'charge' && idMatch !== null ? (idMatch[1] as string) : null,
    date: range.end,
    periodStart: range.start === range.end ? null : range.start,
    time: null,
    magnitudeMinor: Math.abs(signed),
    currency: code,
    timeZone: GOOGLE_BILLING_TIME_ZONE,
    description: description === '' ? null : description,
    paymentMethod: kind === 'charge' ? description : null,
    account,
    extra: { type: type === '' ? null : type },
  };
}

function* parseGoogleBilling(input: ParseInput): Generator<RecordResult> {
  let layout: Layout | null = null;
  let account: string | null = null;
  let fallback: string | null = null;
  const occurrences = new Map<string, number>();
  for (const row of readCsvRows(input.chunks, { delimiter: ',' })) {
    if (row.fields.every((f) => f.trim() === '')) continue;
    if (layout === null) {
      layout = headerLayout(row.fields.map((f) => f.trim()));
      if (layout === null) {
        const text = row.fields.join(' ');
        account = CUSTOMER_ID_RE.exec(text)?.[0] ?? account;
        fallback = /\b(?:currency|currency code)\b[\s:,]*([A-Z]{3})\b/i.exec(text)?.[1]?.toUpperCase() ?? fallback;
      }
      continue;
    }
    try {
      const r = record(row, layout, fallback, account);
      if (r === null) {
        yield { ok: true, events: [], lineStart: row.line, lineEnd: row.endLine };
        continue;
      }
      const key = JSON.stringify([r.state, r.periodStart, r.date, r.description, r.magnitudeMinor]);
      const n = (occurrences.get(key) ?? 0) + 1;
      occurrences.set(key, n);
      yield { ok: true, events: [billingEvent(r, n)], lineStart: row.line, lineEnd: row.endLine };
    } catch (err) {
      if (!(err instanceof RowProblem)) throw err;
      yield rejectionFor(row, err);
    }
  }
  if (layout === null)
    throw new FormatError('not a Google Ads billing download: no header row with "Date", "Description" and "Amount" (or "Debits"/"Credits")', {
      line: 1,
      column: 1,
    });
}

function detectGoogleBilling(head: string): boolean {
  const lines = head
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\n|\r/)
    .slice(0, 20);
  let google = false;
  for (const line of lines) {
    if (/google ads/i.test(line) || CUSTOMER_ID_RE.test(line)) google = true;
    const fields = [...readCsvRows([line])][0]?.fields.map((f) => f.trim()) ?? [];
    if (headerLayout(fields) !== null) return google;
  }
  return false;
}

export const googleAdsBillingParser: FormatParser = {
  kinds: ['ad_spend'],
  format: 'google-ads-billing-csv',
  version: 1,
  description: 'Google Ads billing activity / transactions download (payments, adjustments, promotions, taxes; always Pacific Time)',
  detect: detectGoogleBilling,
  parse: parseGoogleBilling,
};
