// Parses a Meta Ads Manager export (Reports → Export table data, CSV or XLSX) into one `ad_spend` event per row.
//
// The layout follows the user's column preset, so every column is found by name:
//   - spend is `Amount spent (USD)`: the account currency is inside the header;
//   - `Day` is present when the report is broken down by day: the row is that day (in the ad account's time zone);
//   - without `Day` each row covers `Reporting starts` .. `Reporting ends`: a one-day range is that day, a longer one
//     is a period total, imported as such with attributes.period_total = true (the growth table never spreads it
//     over days; it is shown as a period figure);
//   - conversions: `Purchases` and `Purchases conversion value` (one action type, never `Results`, which mixes
//     whatever each ad set optimises for); the older `Website purchases` pair when `Purchases` is absent;
//   - numbers as Meta writes them, thousands separated (`"3,084.40"`); empty metric cells are zero;
//   - the summary row Meta puts first (every name and id column empty) is the sum of the rows below it and is skipped;
//   - an export with nothing in it is the single row `No data available.` (alone, or under the header): no events.
// Dimensions that identify a row (account, campaign, ad set, ad, and breakdowns such as Age or Placement) make its id,
// see ads/adRecords.ts. The campaign name is kept as attributes.campaign for per-campaign views.
import type { FormatParser, ParseInput, RecordResult } from '../parserTypes.ts';
import { FormatError } from '../parserTypes.ts';
import { headerIndex, readCsvRows, type CsvRow } from '../text/csvReader.ts';
import { RowProblem, rejectionFor } from './csvRecords.ts';
import { countCell, KeyOccurrences, moneyCell, spendEvent, type SpendRow } from '../ads/adRecords.ts';
import { reportDate } from '../ads/reportDates.ts';
import { isCurrencyCode } from '../../../shared/money/currencies.ts';

const SPEND_RE = /^Amount spent \(([A-Z]{3})\)$/;
const NO_DATA_RE = /^\s*"?No data available\.?"?\s*$/i;
/** Columns that identify a row; the summary row has all of those present empty. */
const NAME_COLUMNS = ['Account name', 'Account ID', 'Campaign name', 'Campaign ID', 'Ad set name', 'Ad set ID', 'Ad name', 'Ad ID'];
/** Breakdown columns Ads Manager can add; each splits rows, so each is part of a row's identity. */
const BREAKDOWN_COLUMNS = [
  'Age',
  'Gender',
  'Country',
  'Region',
  'DMA region',
  'Platform',
  'Placement',
  'Device platform',
  'Impression device',
  'Business location',
  'Product ID',
  'Objective',
  'Attribution setting',
];
const CONVERSION_PAIRS: ReadonlyArray<[string, string]> = [
  ['Purchases', 'Purchases conversion value'],
  ['Website purchases', 'Website purchases conversion value'],
];

interface Layout {
  index: Map<string, number>;
  spendColumn: number;
  spendLabel: string;
  currency: string;
  day: number | undefined;
  starts: number | undefined;
  ends: number | undefined;
  names: number[];
  dimensions: Array<[string, number]>;
  conversions: [string, number, number | undefined] | null;
}

function readLayout(row: CsvRow): Layout {
  const index = headerIndex(row.fields);
  let spendColumn = -1;
  let currency = '';
  let spendLabel = '';
  for (const [name, i] of index) {
    const m = SPEND_RE.exec(name);
    if (m !== null) {
      spendColumn = i;
      currency = m[1] as string;
      spendLabel = name;
    }
  }
  if (spendColumn < 0) {
    throw new FormatError(
      'not a Meta Ads Manager export: no "Amount spent (CUR)" column (the currency must be in its header, as Ads Manager writes it)',
      { line: row.line, column: 1 },
    );
  }
  if (!isCurrencyCode(currency))
    throw new FormatError(`column "${spendLabel}": ${currency} is not a known currency`, { line: row.line, column: spendColumn + 1 });
  const day = index.get('Day');
  const starts = index.get('Reporting starts');
  const ends = index.get('Reporting ends');
  if (day === undefined && (starts === undefined || ends === undefined)) {
    throw new FormatError('not a Meta Ads Manager export: it has neither a "Day" column nor "Reporting starts" and "Reporting ends"', {
      line: row.line,
      column: 1,
    });
  }
  const names = NAME_COLUMNS.map((n) => index.get(n)).filter((i): i is number => i !== undefined);
  const dimensions = [...NAME_COLUMNS, ...BREAKDOWN_COLUMNS].flatMap((n): Array<[string, number]> => {
    const i = index.get(n);
    return i === undefined ? [] : [[n, i]];
  });
  let conversions: Layout['conversions'] = null;
  for (const [count, value] of CONVERSION_PAIRS) {
    const c = index.get(count);
    if (c !== undefined) {
      conversions = [count, c, index.get(value)];
      break;
    }
  }
  return { index, spendColumn, spendLabel, currency, day, starts, ends, names, dimensions, conversions };
}

function cell(row: CsvRow, i: number | undefined): string {
  return i === undefined ? '' : (row.fields[i] ?? '').trim();
}

function dateCell(row: CsvRow, i: number, label: string): string {
  const text = cell(row, i);
  const date = reportDate(text);
  if (date === null) throw new RowProblem(`column "${label}": "${text}" is not a date`, i + 1);
  return date;
}

function isNoData(row: CsvRow): boolean {
  const filled = row.fields.filter((f) => f.trim() !== '');
  return filled.length === 1 && NO_DATA_RE.test(filled[0] as string);
}

function mapRow(row: CsvRow, l: Layout, timeZone: string): SpendRow {
  let start: string;
  let end: string;
  if (l.day !== undefined) {
    start = dateCell(row, l.day, 'Day');
    end = start;
  } else {
    start = dateCell(row, l.starts as number, 'Reporting starts');
    end = dateCell(row, l.ends as number, 'Reporting ends');
    if (end < start) throw new RowProblem(`"Reporting ends" ${end} is before "Reporting starts" ${start}`, (l.ends as number) + 1);
  }
  const spendMinor = moneyCell(cell(row, l.spendColumn), l.currency, l.spendColumn + 1, l.spendLabel);
  let conversions: number | null = null;
  let valueMinor: number | null = null;
  if (l.conversions !== null) {
    const [label, c, v] = l.conversions;
    conversions = countCell(cell(row, c), c + 1, label);
    if (v !== undefined) valueMinor = moneyCell(cell(row, v), l.currency, v + 1, `${label} conversion value`);
  }
  const account = cell(row, l.index.get('Account ID')) || cell(row, l.index.get('Account name'));
  const campaign = cell(row, l.index.get('Campaign name')) || cell(row, l.index.get('Campaign ID'));
  const extra: Record<string, string | number | boolean | null> = { campaign: campaign === '' ? null : campaign };
  for (const [label, key] of [
    ['Impressions', 'impressions'],
    ['Link clicks', 'clicks'],
    ['Reach', 'reach'],
  ] as const) {
    const i = l.index.get(label);
    if (i !== undefined) extra[key] = countCell(cell(row, i), i + 1, label);
  }
  if (l.day !== undefined && l.starts !== undefined && l.ends !== undefined) {
    extra.export_range = `${cell(row, l.starts)}..${cell(row, l.ends)}`;
  }
  return {
    platform: 'meta',
    account,
    start,
    end,
    periodTotal: start !== end,
    dimensions: l.dimensions.map(([n, i]) => [n, cell(row, i)]),
    spendMinor,
    currency: l.currency,
    conversions,
    conversionValueMinor: valueMinor,
    conversionsColumn: l.conversions?.[0] ?? null,
    campaign: campaign === '' ? null : campaign,
    timeZone,
    extra,
  };
}

/** The records of an export's rows, CSV or sheet alike (the first row is the header). */
export function* metaExportRecords(rows: Iterable<CsvRow>, timeZone: string): Generator<RecordResult> {
  let layout: Layout | null = null;
  const occurrences = new KeyOccurrences();
  let sawAny = false;
  for (const row of rows) {
    sawAny = true;
    if (layout === null) {
      if (isNoData(row)) {
        yield { ok: true, events: [], lineStart: row.line, lineEnd: row.endLine };
        continue;
      }
      layout = readLayout(row);
      continue;
    }
    if (row.fields.every((f) => f.trim() === '')) continue;
    if (isNoData(row)) {
      yield { ok: true, events: [], lineStart: row.line, lineEnd: row.endLine };
      continue;
    }
    const l = layout;
    // The summary row: every identifying column present and empty. It repeats the other rows' sum.
    if (l.names.length > 0 && l.names.every((i) => cell(row, i) === '')) {
      yield { ok: true, events: [], lineStart: row.line, lineEnd: row.endLine };
      continue;
    }
    try {
      const r = mapRow(row, l, timeZone);
      yield { ok: true, events: [spendEvent(r, occurrences.next(r))], lineStart: row.line, lineEnd: row.endLine };
    } catch (err) {
      if (!(err instanceof RowProblem)) throw err;
      yield rejectionFor(row, err);
    }
  }
  if (!sawAny) throw new FormatError('the file is empty: expected a Meta Ads Manager export', { line: 1, column: 1 });
}

/** Header names on the first line of a head (comma-separated, quotes removed). */
function firstLineNames(head: string): { names: string[]; firstLine: string } {
  const text = head.replace(/^\uFEFF/, '');
  const end = text.search(/[\r\n]/);
  const firstLine = end === -1 ? text : text.slice(0, end);
  const names = [...readCsvRows([firstLine])][0]?.fields.map((f) => f.trim()) ?? [];
  return { names, firstLine };
}

function detectMeta(head: string): boolean {
  const { names, firstLine } = firstLineNames(head);
  if (
    NO_DATA_RE.test(firstLine) &&
    head
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/).length === 1
  )
    return true;
  const hasSpend = names.some((n) => SPEND_RE.test(n));
  return hasSpend && (names.includes('Day') || (names.includes('Reporting starts') && names.includes('Reporting ends')));
}

const DESCRIPTION = 'Meta Ads Manager export (Export table data): spend per day (Day breakdown) or per period, Purchases and their value';

export const metaAdsCsvParser: FormatParser = {
  kinds: ['ad_spend'],
  format: 'meta-ads-csv',
  version: 1,
  description: `${DESCRIPTION}, CSV`,
  detect: detectMeta,
  parse(input: ParseInput): Iterable<RecordResult> {
    return metaExportRecords(readCsvRows(input.chunks, { delimiter: ',' }), input.timeZone);
  },
};

export const metaAdsXlsxParser: FormatParser = {
  kinds: ['ad_spend'],
  format: 'meta-ads-xlsx',
  version: 1,
  description: `${DESCRIPTION}, XLSX`,
  input: 'xlsx',
  detect: detectMeta,
  parse(input: ParseInput): Iterable<RecordResult> {
    if (input.rows === undefined) throw new FormatError('meta-ads-xlsx reads XLSX workbooks; this file is text (use meta-ads-csv)');
    return metaExportRecords(input.rows, input.timeZone);
  },
};
