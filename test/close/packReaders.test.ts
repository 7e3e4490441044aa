// The audit pack read back by independent readers: its workbook by Debian's python3-openpyxl, which must agree with the
// pack's CSVs and with `tieout export`; its PDF rendered by poppler's pdftoppm (pages saved under test-results/close-pack/
// to look at). Text that a spreadsheet would run as a formula is neutralised in both; numbers stay numbers.
import { beforeAll, expect, it } from 'vitest';
import { join } from 'node:path';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { unzipSync } from 'fflate';
import { createWorkspace, type Workspace } from '../../src/main/workspace/workspace.ts';
import { importAndReconcile } from '../../src/main/workflows/importAndReconcile.ts';
import { closeMonth, writePack } from '../../src/main/close/closeService.ts';
import { resolveExceptions } from '../../src/main/matching/decisions.ts';
import { writeTable, type PackTable } from '../../src/main/close/pack/tableFiles.ts';
import { writeWorkbook } from '../../src/main/close/pack/workbookFile.ts';
import { PROJECT_ROOT, tieout } from '../support/cli.ts';
import { makeTempDir } from '../support/tempDir.ts';
import { DEBIAN_PYTHON, describeWithTool, hasOpenpyxl, hasPdftoppm } from '../support/debianTools.ts';

const dir = makeTempDir('tieout-pack-readers-');
const sample = (name: string): string => join(PROJECT_ROOT, 'resources/samples', name);
const SHOTS = join(PROJECT_ROOT, 'test-results', 'close-pack');
let ws: Workspace;
let members: Record<string, Uint8Array>;

/** Every sheet's cells as openpyxl reads them: {sheet name: rows of values}. */
function readWorkbook(path: string): Record<string, unknown[][]> {
  const script = [
    'import json, sys, openpyxl',
    'wb = openpyxl.load_workbook(sys.argv[1])',
    'print(json.dumps({ws.title: [[c for c in row] for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets}))',
  ].join('\n');
  const r = spawnSync(DEBIAN_PYTHON, ['-c', script, path], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`openpyxl could not read ${path}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown[][]>;
}

/** RFC 4180 CSV (quoted fields may hold commas, quotes and line breaks) into rows of text. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

/** A sheet's rows as the CSV writes them: null as empty, numbers as their digits. */
function asCsvText(rows: unknown[][]): string[][] {
  return rows.map((r) => r.map((v) => (v === null || v === undefined ? '' : String(v))));
}

const member = (name: string): string => Buffer.from(members[name] as Uint8Array).toString('utf8');

beforeAll(() => {
  ws = createWorkspace(join(dir, 'books'), { name: 'Ridge Outfitters', reportingCurrency: 'USD', timeZone: 'America/New_York' });
  const run = (source: string, file: string, extra: Record<string, unknown> = {}): void => {
    importAndReconcile(ws, { source, files: [sample(file)], actor: 'user:test', ...extra });
  };
  run('stripe:main', 'stripe-balance-2026-10.csv', { periodEnd: '2026-10-31' });
  run('shopify:store', 'shopify-orders-2026-10.csv', { periodEnd: '2026-10-31' });
  run('bank:ridge-usd', 'bank-statement-2026-10.csv', { format: 'generic-csv', mappingPath: sample('bank-statement-mapping.json') });
  const open = ws.db.prepare("SELECT exception_id FROM exceptions WHERE class = 'C' ORDER BY exception_id").pluck().all() as string[];
  // Text a spreadsheet would run: a resolution reason and a sign-off reason starting with = and @.
  resolveExceptions(ws.db, { exceptionIds: [open[0] as string], actor: 'user:test', reason: '=HYPERLINK("http://example.invalid","click")' });
  closeMonth(ws, { month: '2026-10', by: 'Dana Reyes', reason: '@SUM(A1:A9) checked', acceptOpen: true });
  const pack = join(dir, 'pack.zip');
  writePack(ws, { month: '2026-10', outPath: pack, withSources: false });
  members = unzipSync(readFileSync(pack));
  writeFileSync(join(dir, 'workbook.xlsx'), members['workbook.xlsx'] as Uint8Array);
  writeFileSync(join(dir, 'summary.pdf'), members['summary.pdf'] as Uint8Array);
});

describeWithTool('the pack workbook read by openpyxl', 'python3-openpyxl', hasOpenpyxl(), () => {
  it('holds every table, each sheet equal to its CSV', () => {
    const book = readWorkbook(join(dir, 'workbook.xlsx'));
    expect(Object.keys(book)).toEqual([
      'Summary',
      'Rollforward',
      'In transit',
      'Straddling settlements',
      'Matches',
      'Exceptions',
      'Exception history',
      'Journal',
      'Rules',
      'Sign-offs',
      'Adjustments',
      'Carried forward',
    ]);
    const files: Record<string, string> = {
      Summary: 'summary',
      Rollforward: 'rollforward',
      'In transit': 'in_transit',
      'Straddling settlements': 'straddling',
      Matches: 'matches',
      Exceptions: 'exceptions',
      'Exception history': 'exception_history',
      Journal: 'journal',
      Rules: 'rules',
      'Sign-offs': 'signoffs',
      Adjustments: 'adjustments',
      'Carried forward': 'carried_forward',
    };
    for (const [sheet, file] of Object.entries(files)) {
      expect(asCsvText(book[sheet] ?? []), sheet).toEqual(parseCsv(member(`csv/${file}.csv`)));
    }
  });

  it('agrees with tieout export for matches and exceptions', () => {
    const book = readWorkbook(join(dir, 'workbook.xlsx'));
    const matches = parseCsv(tieout('export', join(dir, 'books'), '--what', 'matches', '--format', 'csv').stdout);
    expect(asCsvText(book.Matches ?? []).map((r) => r.slice(0, 10))).toEqual(matches);
    const exceptions = parseCsv(tieout('export', join(dir, 'books'), '--what', 'exceptions', '--format', 'csv').stdout);
    expect(asCsvText(book.Exceptions ?? []).map((r) => r.slice(0, 19))).toEqual(exceptions);
  });

  it('neutralises formulas in text cells and keeps numbers numbers', () => {
    const book = readWorkbook(join(dir, 'workbook.xlsx'));
    const history = (book['Exception history'] ?? []).flat();
    expect(history).toContain('\'=HYPERLINK("http://example.invalid","click")');
    expect(member('csv/exception_history.csv')).toContain('"\'=HYPERLINK(""http://example.invalid"",""click"")"');
    expect((book['Sign-offs'] ?? [])[1]?.[2]).toBe("'@SUM(A1:A9) checked");
    const amount = (book.Matches ?? [])[1]?.[8];
    expect(typeof amount).toBe('number');
    const bank = (book.Rollforward ?? []).find((r) => r[0] === 'bank');
    expect(bank?.[11]).toBe(-44089);
  });

  it('continues a table past a sheet’s last row on a second sheet', async () => {
    const t: PackTable = {
      name: 'long',
      sheet: 'Long',
      columns: [
        { name: 'n', type: 'number' },
        { name: 'text', type: 'text' },
      ],
      rows: function* () {
        for (let i = 1; i <= 7; i++) yield [i, `-row ${i}`];
      },
    };
    const sheets = join(dir, 'long');
    mkdirSync(sheets, { recursive: true });
    const w = writeTable(t, join(sheets, 'long.csv'), (n) => join(sheets, `s${n}.xml`), undefined, 5);
    expect(w.sheets.map((s) => s.name)).toEqual(['Long', 'Long (2)']);
    await writeWorkbook(join(sheets, 'long.xlsx'), w.sheets, 'long', '2026-11-01T00:00:00.000Z');
    const book = readWorkbook(join(sheets, 'long.xlsx'));
    expect(book.Long).toEqual([
      ['n', 'text'],
      [1, "'-row 1"],
      [2, "'-row 2"],
      [3, "'-row 3"],
      [4, "'-row 4"],
    ]);
    expect(book['Long (2)']).toEqual([
      ['n', 'text'],
      [5, "'-row 5"],
      [6, "'-row 6"],
      [7, "'-row 7"],
    ]);
  });
});

describeWithTool('the pack summary rendered by pdftoppm', 'poppler-utils', hasPdftoppm(), () => {
  it('renders every page (saved under test-results/close-pack/) and reads as the month it summarises', () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    const r = spawnSync('pdftoppm', ['-r', '80', '-png', join(dir, 'summary.pdf'), join(SHOTS, 'summary')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const pages = readdirSync(SHOTS)
      .filter((f) => f.endsWith('.png'))
      .sort();
    expect(pages).toEqual(['summary-1.png', 'summary-2.png', 'summary-3.png', 'summary-4.png']);
    for (const p of pages) expect(statSync(join(SHOTS, p)).size).toBeGreaterThan(10_000);
    const text = spawnSync('pdftotext', ['-layout', join(dir, 'summary.pdf'), '-'], { encoding: 'utf8' }).stdout;
    for (const words of [
      'Audit pack',
      'Ridge Outfitters',
      'Closed by Dana Reyes',
      'Processor clearing rollforward',
      'stripe:main',
      '788.49',
      'Exceptions by code',
      'UNKNOWN_BANK_LINE',
      '@SUM(A1:A9) checked',
    ]) {
      expect(text).toContain(words);
    }
  });
});
