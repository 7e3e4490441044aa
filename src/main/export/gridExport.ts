// A review grid's current view (filter, sort, period) as a file a person opens in a spreadsheet: CSV or XLSX, with
// the grid's own columns as people read them (business date, who, what, amounts in the display sign convention), ids
// last. Text cells a spreadsheet would run as a formula are neutralised (escapeFormula); numbers stay numbers.
import { PassThrough } from 'node:stream';
import type { LedgerDb } from '../ledger/database.ts';
import type {
  AwaitingRow,
  ExceptionRow,
  ExportFormat,
  MatchRow,
  ParsedRequestOf,
  Period,
  PayoutRow,
  RuleDiffRow,
} from '../../shared/api/contract.ts';
import { minorToDecimalString } from '../../shared/money/amountText.ts';
import { currencyExponent } from '../../shared/money/currencies.ts';
import { displayMinor } from '../../shared/review/displaySign.ts';
import { RESOLUTION_LABELS } from '../../shared/review/resolution.ts';
import { periodMonth } from '../../shared/time/period.ts';
import { exceptionsInView } from '../review/exceptionsQuery.ts';
import type { QueueContext } from '../owners/queues.ts';
import { matchesInView } from '../review/matchesQuery.ts';
import { payoutsInView } from '../review/payouts.ts';
import { awaitingInView } from '../review/awaitingQuery.ts';
import { csvQuote, escapeFormula } from './tableWriter.ts';

export type GridExportRequest = ParsedRequestOf<'export.grid'>;

export interface GridFile {
  fileName: string;
  mediaType: string;
  rows: number;
  bytes: Uint8Array;
}

type Cell =
  { kind: 'text'; value: string | null } | { kind: 'date'; value: string } | { kind: 'number'; value: number; decimals: number } | { kind: 'empty' };

interface GridColumn<Row> {
  header: string;
  width: number;
  cell(row: Row): Cell;
}

const text = (value: string | null | undefined): Cell => ({ kind: 'text', value: value ?? null });
const date = (value: string): Cell => ({ kind: 'date', value });
const count = (value: number): Cell => ({ kind: 'number', value, decimals: 0 });
/** An amount as a number of major units; its decimals are the currency's. */
const amount = (minor: number, currency: string): Cell => {
  try {
    return { kind: 'number', value: Number(minorToDecimalString(minor, currency)), decimals: currencyExponent(currency) };
  } catch {
    return { kind: 'number', value: minor, decimals: 0 };
  }
};
const days = (value: number): Cell => ({ kind: 'number', value: Math.round(value * 10) / 10, decimals: 1 });

/** "2026-10-05 14:03" in the workspace time zone: a point in time as the workspace reads it. */
function localDateTime(iso: string | null, timeZone: string): Cell {
  if (iso === null) return { kind: 'empty' };
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const p = (type: string) => parts.find((x) => x.type === type)?.value ?? '';
  return text(`${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}`);
}

function eventIds(row: { events: Array<{ externalId: string }>; eventCount: number }): string {
  const ids = row.events.map((e) => e.externalId).join(', ');
  const more = row.eventCount - row.events.length;
  return more > 0 ? `${ids} +${more} more` : ids;
}

function exceptionColumns(timeZone: string): GridColumn<ExceptionRow>[] {
  return [
    { header: 'Business date', width: 12, cell: (r) => date(r.businessDate) },
    { header: 'Code', width: 20, cell: (r) => text(r.code) },
    { header: 'Class', width: 6, cell: (r) => text(r.class) },
    { header: 'State', width: 14, cell: (r) => text(r.state.replace('_', ' ')) },
    { header: 'Counterparty / customer', width: 28, cell: (r) => text(r.counterparty) },
    { header: 'Description', width: 36, cell: (r) => text(r.description) },
    { header: 'Order', width: 12, cell: (r) => text(r.orderRef) },
    { header: 'At stake', width: 14, cell: (r) => amount(Math.abs(r.amountMinor), r.currency) },
    { header: 'Currency', width: 8, cell: (r) => text(r.currency) },
    { header: 'Age (days, since the business date)', width: 12, cell: (r) => days(r.ageDays) },
    { header: 'Raised (days ago)', width: 10, cell: (r) => days(r.raisedAgeDays) },
    { header: 'Owner', width: 16, cell: (r) => text(r.owner) },
    { header: 'Backup', width: 16, cell: (r) => text(r.backup) },
    { header: 'Domain', width: 12, cell: (r) => text(r.domain) },
    { header: 'SLA tier', width: 9, cell: (r) => text(r.slaTier) },
    { header: 'SLA due', width: 16, cell: (r) => localDateTime(r.slaDueAt, timeZone) },
    { header: 'Escalation level', width: 8, cell: (r) => count(r.escalationLevel) },
    { header: 'Due', width: 16, cell: (r) => localDateTime(r.dueAt, timeZone) },
    { header: 'Raised at', width: 16, cell: (r) => localDateTime(r.createdAt, timeZone) },
    { header: 'Summary', width: 60, cell: (r) => text(r.summary) },
    { header: 'Resolution', width: 20, cell: (r) => text(r.resolution?.category == null ? null : RESOLUTION_LABELS[r.resolution.category]) },
    { header: 'Resolution reason', width: 40, cell: (r) => text(r.resolution?.reason) },
    { header: 'Sources', width: 24, cell: (r) => text(r.sources.join(', ')) },
    { header: 'Event ids', width: 40, cell: (r) => text(eventIds(r)) },
    { header: 'Exception id', width: 38, cell: (r) => text(r.exceptionId) },
  ];
}

function matchColumns(timeZone: string): GridColumn<MatchRow>[] {
  return [
    { header: 'Business date', width: 12, cell: (r) => date(r.businessDate) },
    { header: 'Link', width: 14, cell: (r) => text(r.link) },
    { header: 'Status', width: 12, cell: (r) => text(r.status.replace('_', '-')) },
    { header: 'Counterparty / customer', width: 28, cell: (r) => text(r.counterparty) },
    { header: 'Description', width: 36, cell: (r) => text(r.description) },
    { header: 'Order', width: 12, cell: (r) => text(r.orderRef) },
    { header: 'Amount', width: 14, cell: (r) => amount(displayMinor(r.kind, r.amountMinor), r.currency) },
    { header: 'Currency', width: 8, cell: (r) => text(r.currency) },
    { header: 'Score (%)', width: 8, cell: (r) => (r.score === null ? { kind: 'empty' } : count(Math.round(r.score * 100))) },
    { header: 'Rule', width: 28, cell: (r) => text(r.ruleId === null ? null : `${r.ruleId}${r.ruleVersion === null ? '' : ` v${r.ruleVersion}`}`) },
    { header: 'Matched at', width: 16, cell: (r) => localDateTime(r.createdAt, timeZone) },
    { header: 'Matched by', width: 16, cell: (r) => text(r.createdBy) },
    { header: 'Summary', width: 60, cell: (r) => text(r.summary) },
    { header: 'Event ids', width: 40, cell: (r) => text(eventIds(r)) },
    { header: 'Match id', width: 38, cell: (r) => text(r.matchId) },
  ];
}

const BANK_WORDS: Record<PayoutRow['bank'], string> = { matched: 'in bank', missing: 'missing', pending: 'pending' };

function payoutColumns(): GridColumn<PayoutRow>[] {
  return [
    { header: 'Business date', width: 12, cell: (r) => date(r.businessDate) },
    { header: 'Payout', width: 24, cell: (r) => text(r.payoutRef ?? r.externalId) },
    { header: 'Description', width: 30, cell: (r) => text(r.description) },
    { header: 'Net to the bank', width: 14, cell: (r) => amount(r.netMinor, r.currency) },
    { header: 'Unexplained', width: 14, cell: (r) => amount(r.unexplainedMinor, r.currency) },
    { header: 'Currency', width: 8, cell: (r) => text(r.currency) },
    { header: 'Bank', width: 10, cell: (r) => text(BANK_WORDS[r.bank]) },
    { header: 'Items', width: 8, cell: (r) => count(r.itemCount) },
    { header: 'Source', width: 16, cell: (r) => text(r.source) },
    { header: 'Balance entry id', width: 28, cell: (r) => text(r.externalId) },
    { header: 'Payout event id', width: 38, cell: (r) => text(r.payoutEventId) },
    { header: 'Bank event id', width: 38, cell: (r) => text(r.bankEventId) },
  ];
}

function awaitingColumns(timeZone: string): GridColumn<AwaitingRow>[] {
  return [
    { header: 'Business date', width: 12, cell: (r) => date(r.businessDate) },
    { header: 'Kind', width: 12, cell: (r) => text(r.kind.replace('_', ' ')) },
    { header: 'Source', width: 16, cell: (r) => text(r.source) },
    { header: 'Counterparty / customer', width: 28, cell: (r) => text(r.counterparty) },
    { header: 'Description', width: 36, cell: (r) => text(r.description) },
    { header: 'Order', width: 12, cell: (r) => text(r.orderRef) },
    { header: 'Amount', width: 14, cell: (r) => amount(displayMinor(r.kind, r.amountMinor), r.currency) },
    { header: 'Currency', width: 8, cell: (r) => text(r.currency) },
    { header: 'Would become', width: 20, cell: (r) => text(r.code) },
    { header: 'Waiting on', width: 28, cell: (r) => text(r.waitingOn.map((w) => w.source).join(', ')) },
    { header: 'Why', width: 40, cell: (r) => text(r.reason) },
    { header: 'Decided once delivered through', width: 16, cell: (r) => localDateTime(r.until, timeZone) },
    { header: 'External id', width: 24, cell: (r) => text(r.externalId) },
    { header: 'Event id', width: 38, cell: (r) => text(r.eventId) },
  ];
}

interface Table {
  headers: GridColumn<never>[];
  rows: Cell[][];
}

function table<Row>(columns: GridColumn<Row>[], rows: Iterable<Row>): Table {
  const cells: Cell[][] = [];
  for (const row of rows) cells.push(columns.map((c) => c.cell(row)));
  return { headers: columns as unknown as GridColumn<never>[], rows: cells };
}

const DIFF_WORDS: Record<RuleDiffRow['category'], string> = {
  newly_matched: 'newly matched',
  newly_unmatched: 'newly unmatched',
  other_counterpart: 'other counterpart',
  other_code_or_class: 'other code or class',
};

/** One side of a difference as the grid words it: unmatched or matched with N events, then its exceptions. */
function sideWords(matchId: string | null, withIds: string[], exceptions: string[]): string {
  const match = matchId === null ? 'unmatched' : `matched with ${withIds.join(' ') || '(itself)'}`;
  return exceptions.length === 0 ? match : `${match}; ${exceptions.join(', ')}`;
}

function ruleDiffColumns(timeZone: string): GridColumn<RuleDiffRow>[] {
  return [
    { header: 'When', width: 16, cell: (r) => localDateTime(r.occurredAt, timeZone) },
    { header: 'Kind', width: 12, cell: (r) => text(r.kind.replace('_', ' ')) },
    { header: 'Source', width: 18, cell: (r) => text(r.source) },
    { header: 'Amount', width: 14, cell: (r) => amount(displayMinor(r.kind, r.amountMinor), r.currency) },
    { header: 'Currency', width: 8, cell: (r) => text(r.currency) },
    { header: 'Difference', width: 20, cell: (r) => text(DIFF_WORDS[r.category]) },
    { header: 'Rule', width: 28, cell: (r) => text(r.ruleId ?? '(leftover)') },
    { header: 'Live', width: 40, cell: (r) => text(sideWords(r.activeMatchId, r.activeWith, r.activeExceptions)) },
    { header: 'This version', width: 40, cell: (r) => text(sideWords(r.shadowMatchId, r.shadowWith, r.shadowExceptions)) },
    { header: 'At stake', width: 14, cell: (r) => amount(r.stakeMinor, r.currency) },
    { header: 'Event id', width: 38, cell: (r) => text(r.eventId) },
  ];
}

/**
 * The view's rows, read in one transaction: the file is one consistent snapshot. A version's differences are read from
 * its lane (`differences`, read by the caller: the lane is another connection).
 */
function readView(
  db: LedgerDb,
  request: GridExportRequest,
  now: Date,
  timeZone: string,
  queues: QueueContext | undefined,
  differences: RuleDiffRow[] | null,
): Table {
  if (request.grid === 'ruleDiffs') return table(ruleDiffColumns(timeZone), differences ?? []);
  return db.transaction(() => {
    if (request.grid === 'exceptions') return table(exceptionColumns(timeZone), exceptionsInView(db, request, now, timeZone, queues));
    if (request.grid === 'matches') return table(matchColumns(timeZone), matchesInView(db, request, timeZone));
    if (request.grid === 'awaiting') return table(awaitingColumns(timeZone), awaitingInView(db, request, timeZone));
    return table(payoutColumns(), payoutsInView(db, request, timeZone));
  })();
}

function csvText(cell: Cell): string {
  switch (cell.kind) {
    case 'empty':
      return '';
    case 'number':
      // Bare and exact: a negative amount is a number, not a formula.
      return cell.value.toFixed(cell.decimals);
    case 'date':
      return cell.value;
    case 'text':
      return cell.value === null ? '' : csvQuote(escapeFormula(cell.value));
  }
}

function toCsv(t: Table): Uint8Array {
  const lines = [t.headers.map((h) => csvQuote(escapeFormula(h.header))).join(',')];
  for (const row of t.rows) lines.push(row.map(csvText).join(','));
  // A byte-order mark, so Excel opens the UTF-8 file as UTF-8 (names with accents, €).
  return new TextEncoder().encode(`\uFEFF${lines.join('\r\n')}\r\n`);
}

function numberFormat(decimals: number): string {
  return decimals === 0 ? '#,##0' : `#,##0.${'0'.repeat(decimals)}`;
}

/** A calendar date as the UTC midnight an XLSX date cell stores (exceljs writes dates from UTC). */
function dateValue(text: string): Date {
  const [y, m, d] = text.split('-').map(Number);
  return new Date(Date.UTC(y as number, (m as number) - 1, d as number));
}

/** Rows are committed as they are written; the event loop is given back every few thousand so the zip stream drains. */
async function toXlsx(t: Table, sheetName: string): Promise<Uint8Array> {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  // exceljs is loaded by the first XLSX export, not when the services start: it is most of their heap at start.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = t.headers.map((h) => ({ header: escapeFormula(h.header), width: h.width }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  for (const [i, row] of t.rows.entries()) {
    const r = sheet.getRow(i + 2);
    row.forEach((cell, c) => {
      const target = r.getCell(c + 1);
      if (cell.kind === 'number') {
        target.value = cell.value;
        target.numFmt = numberFormat(cell.decimals);
      } else if (cell.kind === 'date') {
        target.value = dateValue(cell.value);
        target.numFmt = 'yyyy-mm-dd';
      } else if (cell.kind === 'text' && cell.value !== null) {
        target.value = escapeFormula(cell.value);
      }
    });
    r.commit();
    if (i % 5000 === 4999) await new Promise((resolve) => setImmediate(resolve));
  }
  sheet.commit();
  await workbook.commit();
  await done;
  return Buffer.concat(chunks);
}

function periodLabel(period: Period | undefined): string {
  if (period === undefined) return 'all';
  return periodMonth(period) ?? `${period.from}_${period.to}`;
}

const MEDIA_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** The grid's view as a CSV or XLSX file: what `export.grid` answers (the renderer only saves it). */
export async function exportGridView(
  db: LedgerDb,
  request: GridExportRequest,
  now: Date,
  timeZone: string,
  queues?: QueueContext,
  differences: RuleDiffRow[] | null = null,
): Promise<GridFile> {
  const t = readView(db, request, now, timeZone, queues, differences);
  const name =
    request.grid === 'ruleDiffs'
      ? `tieout-differences-${request.version.replace(/[^A-Za-z0-9_.-]/g, '-')}-${periodLabel(request.period)}`
      : `tieout-${request.grid}-${periodLabel(request.period)}`;
  const bytes = request.format === 'csv' ? toCsv(t) : await toXlsx(t, request.grid[0]?.toUpperCase() + request.grid.slice(1));
  return { fileName: `${name}.${request.format}`, mediaType: MEDIA_TYPES[request.format], rows: t.rows.length, bytes };
}
