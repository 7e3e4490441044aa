// Parses a Google Ads report as downloaded (Reports → Download) into one `ad_spend` event per row.
//
// Layout as Google writes it:
//   line 1   the report's name ("Campaign report");
//   line 2   its date range ("October 1, 2026 - October 31, 2026"; en-GB "1 October 2026 - 31 October 2026");
//   line 3   the header; then rows; then footer rows whose first cell starts `Total:` (one per network or account),
//            which repeat the rows' sums and are skipped.
// Two encodings of the same report: "CSV" is UTF-8, comma-separated, numbers with thousands separators quoted
// ("1,234.56"); "Excel CSV" is UTF-16LE with a BOM, tab-separated, still named .csv. The pipeline decodes by the BOM;
// the delimiter is the header line's. Nulls are written ` --` and read as zero. Columns are found by name, with the
// en-GB labels beside the en-US ones. Slashed dates follow the language of the date range line (day-first when it
// is written `1 October 2026`).
// Mapping: `Cost` in `Currency code` (required: the report must carry the currency), `Conversions` and `Conv. value`
// as the platform's claimed conversions (one conversion action set: whatever the account counts in Conversions);
// with `Day` a row is that day in the account's time zone, without it a row is the report's whole range, a period
// total flagged as such. Dimensions (account, campaign, ad group, network, device, …) make the row's id.
import type { FormatParser, ParseInput, RecordResult } from '../parserTypes.ts';
import { FormatError } from '../parserTypes.ts';
import { headerIndex, readCsvRows, type CsvRow } from '../text/csvReader.ts';
import { RowProblem, rejectionFor } from './csvRecords.ts';
import { countCell, KeyOccurrences, moneyCell, spendEvent, type SpendRow } from '../ads/adRecords.ts';
import { reportDate, reportDateRange, type DateRange } from '../ads/reportDates.ts';
import { isCurrencyCode } from '../../../shared/money/currencies.ts';

/** [role, labels]: en-US first, then en-GB and older labels. */
const COLUMN_LABELS = {
  day: ['Day', 'Date'],
  currency: ['Currency code', 'Currency'],
  cost: ['Cost'],
  conversions: ['Conversions', 'Conv.'],
  value: ['Conv. value', 'Conversion value', 'Conv. Value', 'Total conv. value'],
  impressions: ['Impr.', 'Impressions'],
  clicks: ['Clicks'],
  account: ['Customer ID', 'Account ID', 'Account'],
  campaign: ['Campaign', 'Campaign name'],
} as const;
/** Columns that split a report's rows; each is part of a row's identity. */
const DIMENSIONS = [
  'Customer ID',
  'Account ID',
  'Account',
  'Campaign',
  'Campaign ID',
  'Campaign name',
  'Campaign type',
  'Ad group',
  'Ad group ID',
  'Ad ID',
  'Keyword',
  'Search term',
  'Network',
  'Network (with search partners)',
  'Device',
  'Asset group',
  'Conversion action',
  'Hour of the day',
  'Country/Territory',
  'Region',
];

type Role = keyof typeof COLUMN_LABELS;

interface Layout {
  index: Map<string, number>;
  col: Partial<Record<Role, [string, number]>>;
  dimensions: Array<[string, number]>;
  range: DateRange;
}

function find(index: Map<string, number>, role: Role): [string, number] | undefined {
  for (const label of COLUMN_LABELS[role]) {
    const i = index.get(label);
    if (i !== undefined) return [label, i];
  }
  return undefined;
}

function readLayout(row: CsvRow, range: DateRange): Layout {
  const index = headerIndex(row.fields);
  const col: Layout['col'] = {};
  for (const role of Object.keys(COLUMN_LABELS) as Role[]) {
    const found = find(index, role);
    if (found !== undefined) col[role] = found;
  }
  const missing = (['cost', 'currency'] as const).filter((r) => col[r] === undefined).map((r) => `"${COLUMN_LABELS[r][0]}"`);
  if (missing.length > 0) {
    throw new FormatError(
      `not a Google Ads report this importer can read: the header lacks ${missing.join(' and ')} (add Currency code to the report's columns)`,
      { line: row.line, column: 1 },
    );
  }
  const dimensions = DIMENSIONS.flatMap((n): Array<[string, number]> => {
    const i = index.get(n);
    return i === undefined ? [] : [[n, i]];
  });
  return { index, col, dimensions, range };
}

const cell = (row: CsvRow, i: number | undefined): string => (i === undefined ? '' : (row.fields[i] ?? '').trim());

function mapRow(row: CsvRow, l: Layout, timeZone: string): SpendRow {
  const [currencyLabel, ci] = l.col.currency as [string, number];
  const currency = cell(row, ci).toUpperCase();
  if (!isCurrencyCode(currency)) throw new RowProblem(`column "${currencyLabel}": "${cell(row, ci)}" is not a currency code`, ci + 1);
  let start = l.range.start;
  let end = l.range.end;
  if (l.col.day !== undefined) {
    const [label, di] = l.col.day;
    const date = reportDate(cell(row, di), l.range.slash);
    if (date === null) throw new RowProblem(`column "${label}": "${cell(row, di)}" is not a date`, di + 1);
    start = date;
    end = date;
  }
  const money = (role: 'cost' | 'value'): number | null => {
    const c = l.col[role];
    return c === undefined ? null : moneyCell(cell(row, c[1]), currency, c[1] + 1, c[0]);
  };
  const count = (role: 'conversions' | 'impressions' | 'clicks'): number | null => {
    const c = l.col[role];
    return c === undefined ? null : countCell(cell(row, c[1]), c[1] + 1, c[0]);
  };
  const campaign = l.col.campaign === undefined ? '' : cell(row, l.col.campaign[1]);
  const account = l.col.account === undefined ? '' : cell(row, l.col.account[1]);
  return {
    platform: 'google',
    account,
    start,
    end,
    periodTotal: start !== end,
    dimensions: l.dimensions.map(([n, i]) => [n, cell(row, i)]),
    spendMinor: money('cost') as number,
    currency,
    conversions: count('conversions'),
    conversionValueMinor: money('value'),
    conversionsColumn: l.col.conversions?.[0] ?? null,
    campaign: campaign === '' ? null : campaign,
    timeZone,
    extra: {
      campaign: campaign === '' ? null : campaign,
      impressions: count('impressions'),
      clicks: count('clicks'),
      report_range: `${l.range.start}..${l.range.end}`,
    },
  };
}

function isTotalRow(row: CsvRow): boolean {
  return row.fields.some((f, i) => i < 3 && /^\s*Total:/i.test(f));
}

/** Lines 1–3 of a head: name, range, header; the header's delimiter. Null when the head is not shaped so. */
function preamble(head: string): { range: DateRange; delimiter: string; header: string } | null {
  const lines = head
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\n|\r/)
    .slice(0, 3);
  if (lines.length < 3) return null;
  const [name, rangeLine, header] = lines as [string, string, string];
  const unq = (s: string): string =>
    s
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .replace(/[\t,]+$/, '')
      .trim();
  if (unq(name) === '' || /[\t]/.test(unq(name))) return null;
  const range = reportDateRange(unq(rangeLine));
  if (range === null) return null;
  const delimiter = header.includes('\t') ? '\t' : ',';
  return { range, delimiter, header };
}

function detectGoogle(head: string): boolean {
  const p = preamble(head);
  if (p === null) return false;
  const names = new Set([...readCsvRows([p.header], { delimiter: p.delimiter })][0]?.fields.map((f) => f.trim()) ?? []);
  return names.has('Cost') && (COLUMN_LABELS.currency.some((c) => names.has(c)) || COLUMN_LABELS.value.some((c) => names.has(c)));
}

function* parseGoogle(input: ParseInput): Generator<RecordResult> {
  // The first two lines are read as text (the name may hold a stray quote); the table starts on line 3.
  const all = [...input.chunks].join('');
  const p = preamble(all);
  if (p === null) {
    throw new FormatError('not a Google Ads report download: expected the report name on line 1, its date range on line 2 and the header on line 3', {
      line: 2,
      column: 1,
    });
  }
  const rest = all.replace(/^\uFEFF/, '').split(/(\r\n|\n|\r)/);
  // Drop lines 1 and 2 with their terminators; keep line numbers by re-adding them below.
  const table = rest.slice(4).join('');
  let layout: Layout | null = null;
  const occurrences = new KeyOccurrences();
  for (const parsed of readCsvRows([table], { delimiter: p.delimiter })) {
    const row: CsvRow = { ...parsed, line: parsed.line + 2, endLine: parsed.endLine + 2 };
    if (layout === null) {
      layout = readLayout(row, p.range);
      continue;
    }
    if (row.fields.every((f) => f.trim() === '')) continue;
    if (isTotalRow(row)) {
      yield { ok: true, events: [], lineStart: row.line, lineEnd: row.endLine };
      continue;
    }
    try {
      const r = mapRow(row, layout, input.timeZone);
      yield { ok: true, events: [spendEvent(r, occurrences.next(r))], lineStart: row.line, lineEnd: row.endLine };
    } catch (err) {
      if (!(err instanceof RowProblem)) throw err;
      yield rejectionFor(row, err);
    }
  }
  if (layout === null) throw new FormatError('the report has no header on line 3', { line: 3, column: 1 });
}

export const googleAdsReportParser: FormatParser = {
  kinds: ['ad_spend'],
  format: 'google-ads-report',
  version: 1,
  description: 'Google Ads report download (CSV, or the UTF-16 tab-separated "Excel CSV"): Cost, Conversions and Conv. value per day or period',
  detect: detectGoogle,
  parse: parseGoogle,
};
