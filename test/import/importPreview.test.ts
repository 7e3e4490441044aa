import { describe, it, expect } from 'vitest';
import iconv from 'iconv-lite';
import { join } from 'node:path';
import { readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createWorkspace } from '../../src/main/workspace/workspace.ts';
import { importFiles, type ImportRequest } from '../../src/main/import/importFiles.ts';
import { previewImport, PREVIEW_EVENTS, PREVIEW_ROWS, UNKNOWN_FORMAT_MESSAGE } from '../../src/main/import/importPreview.ts';
import { writeMonthFiles } from '../../src/main/synthetic/monthFiles.ts';
import { writeZip } from '../../src/main/synthetic/zipWriter.ts';
import { writeBankCsv } from '../../src/main/synthetic/bankCsvWriter.ts';
import { parseCsvMapping, type CsvMapping } from '../../src/shared/import/csvMapping.ts';
import { ImportPreviewSchema, type EventLine, type ImportPreview } from '../../src/shared/api/contract.ts';
import { eventText } from '../../src/shared/events/eventText.ts';
import type { WorkspaceSettings } from '../../src/shared/workspace/settings.ts';
import { FIXTURES_DIR, describeWithFixtures } from '../support/fixtures.ts';
import { makeTempDir } from '../support/tempDir.ts';
import { PROJECT_ROOT } from '../support/cli.ts';

const root = makeTempDir();
const month = writeMonthFiles(join(root, 'month'), { orders: 60, seed: 5 });
const samples = join(PROJECT_ROOT, 'resources/samples');
const settings: WorkspaceSettings = {
  format: 'tieout-workspace',
  version: 1,
  name: 'preview',
  reporting_currency: 'USD',
  time_zone: 'UTC',
  locale: 'en-US',
};
let n = 0;

function preview(
  path: string,
  options: { format?: string; mapping?: CsvMapping; source?: string } = {},
  fileName = path.split('/').pop() as string,
): ImportPreview {
  const result = previewImport(settings, path, fileName, { uploadId: 'up_test', ...options });
  // Whatever the file, the answer must be a valid contract response.
  expect(ImportPreviewSchema.parse(result)).toEqual(result);
  return result;
}

/** The first events a real import of the file stores, in the order it stores them. */
function imported(files: string[], source: string, extra: Partial<ImportRequest> = {}): EventLine[] {
  const ws = createWorkspace(join(root, `ws${n++}`));
  try {
    importFiles(ws.db, ws.settings, { source, files, actor: 'user:test', ...extra });
    const rows = ws.db
      .prepare(
        `SELECT event_id AS eventId, source, kind, external_id AS externalId, amount_minor AS amountMinor, currency, occurred_at AS occurredAt,
           local_date AS localDate, order_ref AS orderRef, customer_ref, attributes
         FROM events ORDER BY seq LIMIT ?`,
      )
      .all(PREVIEW_EVENTS) as Array<Omit<EventLine, 'counterparty' | 'description'> & { customer_ref: string | null; attributes: string }>;
    return rows.map(({ customer_ref, attributes, ...line }) => ({ ...line, ...eventText(attributes, customer_ref) }));
  } finally {
    ws.close();
  }
}

function file(name: string, content: string | Uint8Array): string {
  const path = join(root, `${n++}-${name}`);
  writeFileSync(path, content);
  return path;
}

describe('import preview of generated month files', () => {
  it.each([
    ['shopify-orders-csv', month.shopifyCsv, 'shopify:store'],
    ['stripe-balance-csv', month.stripeCsv, 'stripe:main'],
    ['camt', month.camtPath, 'bank:main'],
  ])('detects %s and shows the events the import creates, with the import’s ids when the source is known', (format, path, source) => {
    const p = preview(path, { source });
    expect(p).toMatchObject({ format, error: null, encoding: 'utf-8' });
    expect(p.formatDescription).toEqual(expect.any(String));
    expect(p.events).toHaveLength(PREVIEW_EVENTS);
    expect(p.events).toEqual(imported([path], source));
  });

  it('without a source, gives stable preview ids and the same amounts, kinds and times as the import', () => {
    const first = preview(month.stripeCsv);
    const again = preview(month.stripeCsv);
    expect(first.events.map((e) => e.eventId)).toEqual(again.events.map((e) => e.eventId));
    expect(first.events.every((e) => /^pv_[0-9a-f]{32}$/.test(e.eventId) && e.source === '')).toBe(true);
    const strip = ({ eventId: _id, source: _source, ...rest }: EventLine) => rest;
    expect(first.events.map(strip)).toEqual(imported([month.stripeCsv], 'stripe:main').map(strip));
  });

  it('shows the header and the first 20 rows of a CSV as cells, and no grid for XML', () => {
    const p = preview(month.stripeCsv);
    const lines = readFileSync(month.stripeCsv, 'utf8').split('\n');
    expect(p.columns).toEqual((lines[0] as string).split(','));
    expect(p.rows).toHaveLength(PREVIEW_ROWS);
    expect((p.rows[0] as string[])[0]).toBe((lines[1] as string).split(',')[0]);
    expect((p.rows[PREVIEW_ROWS - 1] as string[])[0]).toBe((lines[PREVIEW_ROWS] as string).split(',')[0]);
    const camt = preview(month.camtPath);
    expect(camt.columns).toEqual([]);
    expect(camt.rows).toEqual([]);
  });

  it('names the line and column of a bad row, keeping the events before it', () => {
    const lines = readFileSync(month.stripeCsv, 'utf8').split('\n');
    const bad = (lines[4] as string).split(',');
    const grossColumn = (lines[0] as string).split(',').indexOf('gross');
    bad[grossColumn] = '12.x';
    lines[4] = bad.join(',');
    const path = file('bad.csv', lines.join('\n'));
    const p = preview(path, {}, 'bad.csv');
    expect(p.format).toBe('stripe-balance-csv');
    expect(p.error).toMatch(new RegExp(`^bad\\.csv:5:${grossColumn + 1}: `));
    expect(p.events).toHaveLength(3);
    expect(() => imported([path], 'stripe:main')).toThrow(`bad.csv:5:${grossColumn + 1}:`);
  });

  it('previews the first member of a ZIP and says so; its events are the first the import creates', () => {
    const zip = file('statements.zip', new Uint8Array());
    writeZip(zip, [
      { name: 'october/bank.xml', data: readFileSync(month.camtPath) },
      { name: 'stripe.csv', data: readFileSync(month.stripeCsv) },
    ]);
    const p = preview(zip, { source: 'bank:main' }, 'statements.zip');
    expect(p.format).toBe('camt');
    expect(p.formatDescription).toContain('ZIP archive of 2 files; previewing the first, october/bank.xml');
    expect(p.events).toEqual(imported([month.camtPath], 'bank:main'));
  });

  it('reports an unknown format with the text as a grid, so the columns can be mapped', () => {
    const path = file('ledger.csv', 'When;What;Amount\n01.10.2026;Coffee;-3,50\n02.10.2026;Refund;12,00\n');
    const p = preview(path, {}, 'ledger.csv');
    expect(p).toMatchObject({ format: null, formatDescription: null, encoding: 'utf-8', events: [] });
    expect(p.error).toBe(`ledger.csv: ${UNKNOWN_FORMAT_MESSAGE}`);
    expect(p.columns).toEqual(['When', 'What', 'Amount']);
    expect(p.rows).toEqual([
      ['01.10.2026', 'Coffee', '-3,50'],
      ['02.10.2026', 'Refund', '12,00'],
    ]);
    const xml = preview(file('other.xml', '<?xml version="1.0"?>\n<Report><a>1,2,3</a></Report>\n'), {}, 'other.xml');
    expect(xml).toMatchObject({ format: null, columns: [], rows: [], error: `other.xml: ${UNKNOWN_FORMAT_MESSAGE}` });
  });

  it('refuses an unknown requested format, generic-csv without a mapping, and a mapping with another format', () => {
    expect(preview(month.stripeCsv, { format: 'excel' })).toMatchObject({
      format: null,
      events: [],
      error: expect.stringContaining('unknown format "excel"'),
    });
    const generic = preview(month.stripeCsv, { format: 'generic-csv' });
    expect(generic).toMatchObject({ format: 'generic-csv', events: [], error: expect.stringContaining('map the columns') });
    expect(generic.columns.length).toBeGreaterThan(5);
    const mapping = loadMapping(join(samples, 'bank-statement-mapping.json'));
    expect(preview(month.stripeCsv, { format: 'camt', mapping }).error).toContain('a column mapping reads the file as generic-csv, not camt');
  });

  it('reads a chosen format even when detection would not be asked', () => {
    const p = preview(month.stripeCsv, { format: 'stripe-balance-csv', source: 'stripe:main' });
    expect(p.format).toBe('stripe-balance-csv');
    expect(p.events).toEqual(imported([month.stripeCsv], 'stripe:main'));
    // A file read as the wrong format says why, at its position.
    expect(preview(month.stripeCsv, { format: 'camt' }).error).toMatch(/^stripe-balance\.csv:\d+:\d+: /);
  });

  it('cuts the grid by a layout (header line, delimiter, encoding) while the mapping is still incomplete', () => {
    const path = join(samples, 'bank-statement-2026-10.csv');
    const bare = preview(path, { format: 'generic-csv' });
    expect(bare.columns).not.toContain('Booking date');
    const cut = previewImport(settings, path, 'bank-statement-2026-10.csv', {
      uploadId: 'up_test',
      format: 'generic-csv',
      layout: { headerRow: 5, delimiter: ';', encoding: 'windows-1252' },
    });
    expect(cut.columns).toEqual(['Booking date', 'Value date', 'Description', 'Debit', 'Credit', 'Balance']);
    expect(cut.rows[0]?.slice(0, 3)).toEqual(['06.10.2026', '07.10.2026', 'STRIPE PAYOUT po_1Sb0001']);
    expect(cut).toMatchObject({ encoding: 'windows-1252', events: [], error: expect.stringContaining('map the columns') });
  });

  it('reads a bank CSV through a preset (preset:NAME) exactly as the import does', () => {
    const text = writeBankCsv(
      'chase-checking',
      [
        { date: '2025-03-01', amountMinor: 123456, description: 'STRIPE TRANSFER po_1' },
        { date: '2025-03-02', amountMinor: -4500, description: 'GOOGLE ADS' },
      ],
      { currency: 'USD', openingMinor: 10000 },
    );
    const path = file('chase.csv', text);
    const p = preview(path, { format: 'preset:chase-checking', source: 'bank:chase' });
    expect(p).toMatchObject({ format: 'generic-csv', error: null });
    expect(p.events.map((e) => e.amountMinor).sort((a, b) => a - b)).toEqual([-4500, 123456]);
    expect(p.events).toEqual(imported([path], 'bank:chase', { format: 'generic-csv', mappingPath: 'preset:chase-checking' }));
    expect(preview(path, { format: 'preset:no-such-bank' }).error).toContain('no-such-bank');
  });

  it('reads a generic CSV through a mapping: preamble skipped, declared encoding, the import’s events', () => {
    const csv = join(samples, 'bank-statement-2026-10.csv');
    const mapping = loadMapping(join(samples, 'bank-statement-mapping.json'));
    const p = preview(csv, { mapping, source: 'bank:main' });
    expect(p).toMatchObject({ format: 'generic-csv', encoding: 'windows-1252', error: null });
    expect(p.formatDescription).toContain('Example bank CSV export');
    expect(p.columns).toEqual(['Booking date', 'Value date', 'Description', 'Debit', 'Credit', 'Balance']);
    expect(p.rows.length).toBeGreaterThan(0);
    expect(p.events.length).toBeGreaterThan(0);
    expect(p.events).toEqual(
      imported([csv], 'bank:main', { format: 'generic-csv', mappingPath: join(samples, 'bank-statement-mapping.json') }).slice(0, p.events.length),
    );
  });

  it('reports an unreadable file instead of throwing', () => {
    expect(preview(join(root, 'missing.csv'), {}, 'missing.csv').error).toMatch(/^missing\.csv: cannot read file \(ENOENT\)/);
  });

  it('leaves no temporary files behind after a ZIP preview', () => {
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith('tieout-preview-')).length;
    const zip = file('one.zip', new Uint8Array());
    writeZip(zip, [{ name: 'stripe.csv', data: readFileSync(month.stripeCsv) }]);
    expect(preview(zip).format).toBe('stripe-balance-csv');
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('tieout-preview-')).length).toBe(before);
  });
});

describeWithFixtures('import preview of real provider and bank files', () => {
  it.each([
    ['shopify-orders-csv', 'providers/shopify/orders_export.csv', 'shopify:store'],
    ['paypal-activity-csv', 'providers/paypal/activity_en.csv', 'paypal:main'],
    ['mt940', 'bank/mt940/betterplace_sepa_mt9401.sta', 'bank:mt'],
    ['ofx', 'bank/ofx/bank_medium.ofx', 'bank:ofx'],
  ])('detects %s (%s) and matches the import', (format, rel, source) => {
    const path = join(FIXTURES_DIR, rel);
    expect(existsSync(path)).toBe(true);
    const p = preview(path, { source });
    expect(p).toMatchObject({ format, error: null });
    expect(p.events.length).toBeGreaterThan(0);
    expect(p.events).toEqual(imported([path], source));
    if (format.endsWith('-csv')) expect(p.columns.length).toBeGreaterThan(5);
    else expect(p.columns).toEqual([]);
  });

  it('names the line and column of a bad OFX amount', () => {
    const p = preview(join(FIXTURES_DIR, 'bank/ofx/fail_nice/decimal_error.ofx'));
    expect(p.format).toBe('ofx');
    expect(p.error).toMatch(/^decimal_error\.ofx:36:21: .*TRNAMT "\$120" is not an amount/);
  });
});

function loadMapping(path: string): CsvMapping {
  const parsed = parseCsvMapping(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.mapping;
}

describe('layout guess for a CSV of no known format', () => {
  it('finds the header line after a bank export’s preamble, its delimiter and its encoding', () => {
    const p = preview(join(samples, 'bank-statement-2026-10.csv'));
    expect(p.format).toBeNull();
    // The sample is plain ASCII, which reads the same in every encoding: detection says utf-8.
    expect(p.layoutGuess).toEqual({ headerRow: 5, delimiter: ';', encoding: 'utf-8' });
    const text = [
      'Kontoauszug;Girokonto',
      'Zeitraum;01.10.2026 - 31.10.2026',
      '',
      'Buchungstag;Verwendungszweck;Betrag',
      '01.10.2026;Überweisung Müller;-12,00',
    ];
    const cp1252 = file('sparkasse.csv', iconv.encode(`${text.join('\r\n')}\r\n`, 'windows-1252'));
    expect(preview(cp1252).layoutGuess).toEqual({ headerRow: 4, delimiter: ';', encoding: 'windows-1252' });
  });

  it('takes line 1 when the table starts there, and a tab or pipe delimiter as well as commas', () => {
    const rows = ['Date\tAmount\tText', '2026-10-01\t12.00\tCoffee', '2026-10-02\t-3.50\tTea'];
    expect(preview(file('tabs.csv', `${rows.join('\n')}\n`)).layoutGuess).toEqual({ headerRow: 1, delimiter: '\t', encoding: 'utf-8' });
    const piped = ['Report generated 2026-11-01', 'Booked|Value|Amount|Memo', '01.10.2026|01.10.2026|12,00|A', '02.10.2026|02.10.2026|-3,50|B'];
    expect(preview(file('pipes.csv', `${piped.join('\r\n')}\r\n`)).layoutGuess).toEqual({ headerRow: 2, delimiter: '|', encoding: 'utf-8' });
  });

  it('guesses nothing for a recognised format or for text that is not a table', () => {
    expect(preview(month.stripeCsv).layoutGuess).toBeNull();
    expect(preview(file('notes.json', '{"a": 1}\n')).layoutGuess).toBeNull();
    expect(preview(file('one.csv', 'just one column\nof text\n')).layoutGuess).toBeNull();
  });
});
