// export.grid over the demo month: the grid's view (filter, sort, period) as CSV and XLSX, read back the way a
// spreadsheet reads them; text that a spreadsheet would run as a formula is neutralised, numbers stay numbers.
import { describe, it, expect, beforeAll } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { exportGridView } from '../../src/main/export/gridExport.ts';
import { queryExceptions } from '../../src/main/review/exceptionsQuery.ts';
import { queryMatches } from '../../src/main/review/matchesQuery.ts';
import { importAndReconcile } from '../../src/main/workflows/importAndReconcile.ts';
import { GENERIC_CSV_FORMAT } from '../../src/main/import/formatRegistry.ts';
import { parseRequest, type RequestOf } from '../../src/shared/api/contract.ts';
import { monthPeriod } from '../../src/shared/time/period.ts';
import { PROJECT_ROOT } from '../support/cli.ts';
import { useDemo } from '../review/reviewDemo.ts';

const demo = useDemo('tieout-grid-export-');
const db = () => demo.current.workspace.db;
const tz = () => demo.current.workspace.settings.time_zone;
const NOW = new Date('2026-12-15T12:00:00.000Z');
const OCTOBER = monthPeriod('2026-10');

/** A minimal RFC 4180 reader: quoted fields, doubled quotes, CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (quoted) {
      field += c;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else {
      field += c;
    }
  }
  return rows;
}

/** The bytes as text, keeping the byte-order mark the file starts with. */
function decode(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
}

async function exported(request: RequestOf<'export.grid'>) {
  return exportGridView(db(), parseRequest('export.grid', request), NOW, tz());
}

beforeAll(() => {
  // Bank lines whose remittance texts a spreadsheet would run: unknown to the engine, so each is an exception.
  const lines = [
    'Account statement;Ridge Outfitters LLC - USD account',
    'Account;DE12 5001 0517 0648 4898 90',
    'Period;01.10.2026 - 31.10.2026',
    '',
    'Booking date;Value date;Description;Debit;Credit;Balance',
    `20.10.2026;20.10.2026;=HYPERLINK("http://evil.example","click");;1.111,11;1.111,11`,
    '21.10.2026;21.10.2026;-5 refund of fees;22,22;;1.088,89',
    '22.10.2026;22.10.2026;@SUM(A1:A9);;3,33;1.092,22',
  ];
  const file = join(demo.root, 'evil-bank.csv');
  writeFileSync(file, `${lines.join('\r\n')}\r\n`);
  importAndReconcile(demo.current.workspace, {
    source: 'bank:evil',
    files: [file],
    format: GENERIC_CSV_FORMAT,
    mappingPath: join(PROJECT_ROOT, 'resources/samples/bank-statement-mapping.json'),
    actor: 'user:test',
  });
});

describe('export.grid as CSV', () => {
  it('writes the exceptions of the view in the grid’s order, people’s columns first and ids last', async () => {
    const view = { period: OCTOBER, sort: [{ field: 'amountMinor' as const, dir: 'desc' as const }], filter: { states: ['open' as const] } };
    const file = await exported({ grid: 'exceptions', format: 'csv', ...view });
    expect(file.fileName).toBe('tieout-exceptions-2026-10.csv');
    expect(file.mediaType).toBe('text/csv; charset=utf-8');
    const text = decode(file.bytes);
    expect(text.startsWith('\uFEFF')).toBe(true);
    const [header, ...rows] = parseCsv(text.slice(1));
    expect(header?.slice(0, 8)).toEqual(['Business date', 'Code', 'Class', 'State', 'Counterparty / customer', 'Description', 'Order', 'At stake']);
    expect(header?.at(-1)).toBe('Exception id');
    const grid = queryExceptions(db(), parseRequest('exceptions.query', { startRow: 0, endRow: 10_000, ...view }), NOW, tz());
    expect(file.rows).toBe(grid.totalRows);
    expect(rows.map((r) => r.at(-1))).toEqual(grid.rows.map((r) => r.exceptionId));
    expect(rows.every((r) => (r[0] ?? '').startsWith('2026-10-'))).toBe(true);
    // At stake: a bare decimal number of the currency's major units.
    expect(rows.map((r) => r[7])).toEqual(grid.rows.map((r) => (Math.abs(r.amountMinor) / 100).toFixed(2)));
  });

  it('neutralises text a spreadsheet would run as a formula, and leaves negative amounts numbers', async () => {
    const file = await exported({ grid: 'exceptions', format: 'csv', filter: { search: 'evil', sources: ['bank:evil'] } });
    const all = await exported({ grid: 'exceptions', format: 'csv', filter: { sources: ['bank:evil'] } });
    expect(file.rows).toBe(1);
    const [, ...rows] = parseCsv(decode(all.bytes).slice(1));
    const descriptions = rows.map((r) => r[5]).sort();
    expect(descriptions).toEqual(["'-5 refund of fees", '\'=HYPERLINK("http://evil.example","click")', "'@SUM(A1:A9)"]);
    const matches = await exported({ grid: 'matches', format: 'csv', period: OCTOBER });
    const [header, ...matchRows] = parseCsv(decode(matches.bytes).slice(1));
    const amount = header?.indexOf('Amount') ?? -1;
    expect(matchRows.length).toBe(queryMatches(db(), parseRequest('matches.query', { startRow: 0, endRow: 1, period: OCTOBER }), tz()).totalRows);
    expect(matchRows.every((r) => /^-?\d+\.\d\d$/.test(r[amount] ?? ''))).toBe(true);
  });
});

describe('export.grid as XLSX', () => {
  it('writes typed cells: dates, amounts as numbers with the currency’s decimals, text as text', async () => {
    const file = await exported({ grid: 'payouts', format: 'xlsx', period: OCTOBER });
    expect(file.fileName).toBe('tieout-payouts-2026-10.xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(file.bytes) as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('Payouts');
    expect(sheet).toBeDefined();
    if (sheet === undefined) return;
    const first = sheet.getRow(2);
    expect(sheet.getRow(1).values).toEqual([
      undefined,
      'Business date',
      'Payout',
      'Description',
      'Net to the bank',
      'Unexplained',
      'Currency',
      'Bank',
      'Items',
      'Source',
      'Balance entry id',
      'Payout event id',
      'Bank event id',
    ]);
    expect(String(first.getCell(2).value)).toMatch(/^po_/);
    expect(sheet.rowCount).toBe(file.rows + 1);
    expect(first.getCell(1).value).toBeInstanceOf(Date);
    expect(first.getCell(1).numFmt).toBe('yyyy-mm-dd');
    expect(typeof first.getCell(4).value).toBe('number');
    expect(first.getCell(4).numFmt).toBe('#,##0.00');
    expect(typeof first.getCell(2).value).toBe('string');
  });

  it('neutralises formula text in XLSX too', async () => {
    const file = await exported({
      grid: 'exceptions',
      format: 'xlsx',
      filter: { sources: ['bank:evil'] },
      sort: [{ field: 'businessDate', dir: 'asc' }],
    });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(file.bytes) as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('Exceptions');
    const cells = [2, 3, 4].map((r) => sheet?.getRow(r).getCell(6).value);
    expect(cells).toEqual(['\'=HYPERLINK("http://evil.example","click")', "'-5 refund of fees", "'@SUM(A1:A9)"]);
    expect(cells.every((c) => typeof c === 'string')).toBe(true);
  });
});
