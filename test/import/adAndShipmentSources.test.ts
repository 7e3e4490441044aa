// The growth sources (issue 15) through the real import pipeline on files shaped like the platforms' exports: Meta Ads
// Manager CSV and XLSX, both Google Ads report encodings, Meta and Google billing, ShipStation, a 3PL mapping and
// Shopify's own fulfillment; detection (one parser per file, earlier fixtures unchanged) and FILE:LINE:COLUMN errors.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, type Workspace } from '../../src/main/workspace/workspace.ts';
import { importFiles, ImportError } from '../../src/main/import/importFiles.ts';
import { DETECTABLE_PARSERS } from '../../src/main/import/formatRegistry.ts';
import { inspectFile, readTextHead } from '../../src/main/import/text/fileText.ts';
import { makeTempDir } from '../support/tempDir.ts';
import { previewImport } from '../../src/main/import/importPreview.ts';
import { FIXTURES_DIR, describeWithFixtures } from '../support/fixtures.ts';

const GROWTH = fileURLToPath(new URL('../fixtures/growth/', import.meta.url));
const SAMPLES = fileURLToPath(new URL('../../resources/samples/', import.meta.url));
const root = makeTempDir('tieout-growth-sources-');
let counter = 0;

function workspace(settings: { timeZone?: string } = {}): Workspace {
  return createWorkspace(join(root, `ws${++counter}`), { reportingCurrency: 'USD', timeZone: settings.timeZone ?? 'America/New_York' });
}

interface Ev {
  kind: string;
  external_id: string;
  amount_minor: number;
  currency: string;
  state: string | null;
  order_ref: string | null;
  trace_id: string | null;
  occurred_at: string;
  local_date: string | null;
  attributes: Record<string, unknown>;
  mapping_version: string;
}

function events(ws: Workspace, source: string): Ev[] {
  return (ws.db.prepare('SELECT * FROM events WHERE source = ? ORDER BY seq').all(source) as Array<Ev & { attributes: string }>).map((r) => ({
    ...r,
    attributes: JSON.parse(r.attributes as unknown as string) as Record<string, unknown>,
  }));
}

function importOne(ws: Workspace, source: string, file: string, extra: Partial<Parameters<typeof importFiles>[2]> = {}) {
  return importFiles(ws.db, ws.settings, { source, files: [file], actor: 'user:test', ...extra });
}

describe('Meta Ads Manager exports', () => {
  it('reads the Day breakdown by column name, skips the summary row, keeps the currency from the header', () => {
    const ws = workspace();
    const r = importOne(ws, 'meta-ads:main', join(GROWTH, 'meta-ads-daily.csv'));
    expect(r.files[0]?.format).toBe('meta-ads-csv');
    const ev = events(ws, 'meta-ads:main');
    expect(ev).toHaveLength(5);
    expect(ev.every((e) => e.kind === 'ad_spend' && e.state === 'spent' && e.currency === 'USD')).toBe(true);
    // "1,024.15" with thousands separators, money out is negative.
    expect(ev.map((e) => e.amount_minor)).toEqual([-102415, -21000, -99825, 0, -85200]);
    expect(ev.map((e) => e.local_date)).toEqual(['2026-10-01', '2026-10-01', '2026-10-02', '2026-10-02', '2026-10-03']);
    const first = ev[0] as Ev;
    expect(first.attributes).toMatchObject({
      platform: 'meta',
      conversions: 14,
      conversion_value_minor: 153000,
      conversions_column: 'Purchases',
      period_total: false,
      campaign: 'Prospecting - Fall',
      impressions: 80100,
    });
    // The summary row's spend (3,084.40) equals the rows' sum and is not imported again.
    expect(-ev.reduce((s, e) => s + e.amount_minor, 0)).toBe(308440);
    ws.close();
  });

  it('imports rows without a Day column as flagged period totals', () => {
    const ws = workspace();
    importOne(ws, 'meta-ads:eu', join(GROWTH, 'meta-ads-period.csv'));
    const ev = events(ws, 'meta-ads:eu');
    expect(
      ev.map((e) => [e.amount_minor, e.currency, e.attributes.period_total, e.attributes.reporting_start, e.attributes.reporting_end, e.local_date]),
    ).toEqual([
      [-120000, 'EUR', true, '2026-10-01', '2026-10-31', null],
      [-30000, 'EUR', true, '2026-10-01', '2026-10-31', null],
    ]);
    ws.close();
  });

  it('takes an empty export ("No data available.", alone or under the header) as no rows, not an error', () => {
    const ws = workspace();
    const alone = importOne(ws, 'meta-ads:main', join(GROWTH, 'meta-ads-empty.csv'));
    expect(alone.files[0]).toMatchObject({ format: 'meta-ads-csv', eventsCreated: 0, rowsRejected: 0 });
    const underHeader = join(root, 'meta-empty-with-header.csv');
    writeFileSync(underHeader, '"Reporting starts","Reporting ends","Campaign name","Amount spent (USD)"\r\n"No data available."\r\n');
    expect(importOne(ws, 'meta-ads:main', underHeader).files[0]).toMatchObject({ eventsCreated: 0, rowsRejected: 0 });
    ws.close();
  });

  it('reads the XLSX export with exceljs into the same events as the CSV', async () => {
    const csv = readFileSync(join(GROWTH, 'meta-ads-daily.csv'), 'utf8')
      .trim()
      .split(/\r?\n/)
      .map((l) => l.slice(1, -1).split('","'));
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('Raw Data Report');
    csv.forEach((cells, i) => {
      if (i === 0) sheet.addRow(cells);
      else sheet.addRow(cells.map((c, j) => (j >= 6 && j <= 10 && c !== '' ? Number(c.replace(/,/g, '')) : c)));
    });
    const path = join(root, 'meta-ads-daily.xlsx');
    await wb.xlsx.writeFile(path);
    const ws = workspace();
    importOne(ws, 'meta-ads:main', join(GROWTH, 'meta-ads-daily.csv'));
    const r = importOne(ws, 'meta-ads:main', path);
    // Same rows, same ids, same figures: nothing new.
    expect(r.files[0]).toMatchObject({ format: 'meta-ads-xlsx', rowsRead: 6, eventsCreated: 0, duplicatesSkipped: 5 });
    // The import wizard's preview reads the workbook as a workbook too, never as a ZIP archive of files.
    const preview = previewImport(ws.settings, path, 'meta-ads-daily.xlsx', { uploadId: 'u1', source: 'meta-ads:main' });
    expect(preview).toMatchObject({ format: 'meta-ads-xlsx', error: null });
    expect(preview.columns).toContain('Amount spent (USD)');
    expect(preview.events.map((e) => e.amountMinor)).toEqual([-102415, -21000, -99825, 0, -85200]);
    ws.close();
  });

  it('names FILE:LINE:COLUMN for a bad cell and writes nothing', () => {
    const ws = workspace();
    const bad = join(root, 'meta-bad.csv');
    writeFileSync(bad, 'Day,Campaign name,Amount spent (USD)\n2026-10-01,A,12.50\n2026-10-02,B,"12,x"\n');
    expect(() => importOne(ws, 'meta-ads:main', bad)).toThrow(ImportError);
    expect(() => importOne(ws, 'meta-ads:main', bad)).toThrow(/meta-bad\.csv:3:3: column "Amount spent \(USD\)": "12,x" is not an amount/);
    expect(events(ws, 'meta-ads:main')).toHaveLength(0);
    ws.close();
  });
});

describe('Google Ads reports', () => {
  const enGb = [
    'Campaign report',
    '1 October 2026 - 3 October 2026',
    ['Day', 'Campaign', 'Campaign ID', 'Currency code', 'Cost', 'Impr.', 'Clicks', 'Conversions', 'Conv. value'].join('\t'),
    ['01/10/2026', 'Search - Brand', '17000000001', 'USD', '412.35', '3,120', '301', '12.50', '1,250.00'].join('\t'),
    ['01/10/2026', 'Shopping - All', '17000000002', 'USD', '1,105.60', '41,200', '1,240', '21.00', '2,310.75'].join('\t'),
    ['02/10/2026', 'Search - Brand', '17000000001', 'USD', '398.10', '2,980', '287', '11.00', '1,180.00'].join('\t'),
    ['02/10/2026', 'Shopping - All', '17000000002', 'USD', '1,020.00', '39,900', '1,101', ' --', ' --'].join('\t'),
    ['03/10/2026', 'Search - Brand', '17000000001', 'USD', ' --', '0', '0', '0.00', '0.00'].join('\t'),
    ['Total: Account', ' --', ' --', 'USD', '2,936.05', '87,200', '2,929', '44.50', '4,740.75'].join('\t'),
  ].join('\r\n');

  it('reads the UTF-8 download: report name, date range, header, Total: footers, " --" nulls, quoted thousands', () => {
    const ws = workspace();
    const r = importOne(ws, 'google-ads:main', join(GROWTH, 'google-ads-campaigns.csv'));
    expect(r.files[0]).toMatchObject({ format: 'google-ads-report', encoding: 'utf-8', rowsRead: 8, eventsCreated: 5 });
    const ev = events(ws, 'google-ads:main');
    expect(ev.map((e) => e.amount_minor)).toEqual([-41235, -110560, -39810, -102000, 0]);
    expect(ev.map((e) => [e.attributes.conversions, e.attributes.conversion_value_minor])).toEqual([
      [12.5, 125000],
      [21, 231075],
      [11, 118000],
      [0, 0],
      [0, 0],
    ]);
    ws.close();
  });

  it('reads the UTF-16LE, BOM, tab-separated en-GB download of the same report into the same events', () => {
    const path = join(root, 'google-ads-excel.csv');
    writeFileSync(path, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(enGb, 'utf16le')]));
    const ws = workspace();
    importOne(ws, 'google-ads:main', join(GROWTH, 'google-ads-campaigns.csv'));
    const r = importOne(ws, 'google-ads:main', path);
    // Day-first dates (the range line is day-first), tabs, UTF-16: the same five rows, so nothing new.
    expect(r.files[0]).toMatchObject({ format: 'google-ads-report', encoding: 'utf-16le', rowsRead: 6, eventsCreated: 0, duplicatesSkipped: 5 });
    ws.close();
  });

  it('names the line and column of a bad date', () => {
    const ws = workspace();
    const bad = join(root, 'google-bad.csv');
    writeFileSync(
      bad,
      'Campaign report\n"October 1, 2026 - October 3, 2026"\nDay,Campaign,Currency code,Cost\n2026-10-01,A,USD,1.00\nyesterday,B,USD,2.00\n',
    );
    expect(() => importOne(ws, 'google-ads:main', bad)).toThrow(/google-bad\.csv:5:1: column "Day": "yesterday" is not a date/);
    ws.close();
  });
});

describe('ad billing', () => {
  it('Meta: charges by transaction id (a failed one apart), the ad-credit table and the tax footer', () => {
    const ws = workspace();
    const r = importOne(ws, 'meta-ads:main', join(GROWTH, 'meta-billing.csv'));
    expect(r.files[0]?.format).toBe('meta-billing-csv');
    const ev = events(ws, 'meta-ads:main');
    expect(ev.map((e) => [e.state, e.amount_minor, e.trace_id])).toEqual([
      ['billed', -100000, '6021187744401-8822331'],
      ['billed', -100000, '6021187744402-8822332'],
      ['billing_failed', -100000, '6021187744403-8822333'],
      ['billed', -100000, '6021187744404-8822334'],
      ['billed', -41288, '6021187744405-8822335'],
      ['credit', 5000, null],
      ['tax', -3712, null],
    ]);
    // The charge at 20:15 on 18 October New York time is 00:15 UTC the next day; its day stays the account's.
    expect(ev[3]).toMatchObject({ occurred_at: '2026-10-19T00:15:00Z', local_date: '2026-10-18' });
    ws.close();
  });

  it('Google: payments, promotions, taxes and costs, always in Pacific Time whatever the workspace zone', () => {
    const ws = workspace({ timeZone: 'Europe/Berlin' });
    importOne(ws, 'google-ads:main', join(GROWTH, 'google-ads-billing.csv'));
    const ev = events(ws, 'google-ads:main');
    expect(ev.map((e) => [e.state, e.amount_minor, e.local_date])).toEqual([
      ['accrued', -81045, '2026-10-31'],
      ['accrued', -212560, '2026-10-31'],
      ['billed', -150000, '2026-10-09'],
      ['billed', -120000, '2026-10-24'],
      ['credit', 10000, '2026-10-31'],
      ['tax', 0, '2026-10-31'],
    ]);
    expect(ev[2]?.occurred_at).toBe('2026-10-09T07:00:00Z');
    expect(ev[0]?.attributes).toMatchObject({ period_start: '2026-10-01', period_end: '2026-10-31', account: '123-456-7890' });
    ws.close();
  });
});

describe('shipments', () => {
  it('ShipStation: item rows folded per shipment, split and voided shipments, a mangled order id never a join key', () => {
    const ws = workspace();
    const r = importOne(ws, 'shipstation:main', join(GROWTH, 'shipstation-shipments.csv'));
    expect(r.files[0]).toMatchObject({ format: 'shipstation-shipments-csv', rowsRead: 6, eventsCreated: 6 });
    const ev = events(ws, 'shipstation:main');
    expect(ev.map((e) => [e.order_ref, e.state, e.amount_minor, e.attributes.items_quantity, e.trace_id])).toEqual([
      ['1001', 'shipped', -845, 3, '1Z999AA10123456784'],
      ['1002', 'shipped', -710, 1, '9400111899223197428490'],
      ['1002', 'shipped', -620, 1, '9400111899223197428491'],
      ['1003', 'voided', -990, 1, '1Z999AA10123456800'],
      ['1003', 'shipped', -990, 1, '1Z999AA10123456801'],
      [null, 'shipped', -1125, 1, '794633071234'],
    ]);
    expect(ev[5]?.attributes).toMatchObject({ order_number: '5.37518E+12', order_ref_mangled: true });
    expect(ev[0]?.attributes).toMatchObject({ skus: 'RO-SOCK-01, RO-BEAN-02', line_items: 2, carrier: 'UPS' });
    ws.close();
  });

  it('a later export showing a label voided is a new revision of the same shipment', () => {
    const ws = workspace();
    const first = join(root, 'ss-1.csv');
    const later = join(root, 'ss-2.csv');
    const header = 'Order - Number,Date - Ship Date,Shipment - Tracking Number,Amount - Shipping Cost,Shipment - Voided,Item - SKU,Item - Qty\n';
    writeFileSync(first, `${header}#2001,10/05/2026,TRK1,5.00,false,A,1\n`);
    writeFileSync(later, `${header}#2001,10/05/2026,TRK1,5.00,true,A,1\n`);
    importOne(ws, 'shipstation:main', first);
    importOne(ws, 'shipstation:main', later);
    expect(events(ws, 'shipstation:main').map((e) => [e.external_id, e.state])).toEqual([
      ['tracking::TRK1', 'shipped'],
      ['tracking::TRK1', 'voided'],
    ]);
    ws.close();
  });

  it("any 3PL's shipment CSV through a saved fulfillment mapping", () => {
    const ws = workspace();
    const file = join(root, '3pl.csv');
    writeFileSync(
      file,
      'Ref;Shipped;Carrier;Tracking;SKU;Units\n#1001;05.10.2026;DHL;JD0001;RO-SOCK-01;2\n5,37518E+12;06.10.2026;DHL;JD0002;CF-MUG-01;1\n',
    );
    const mapping = join(root, '3pl.json');
    writeFileSync(
      mapping,
      JSON.stringify({
        version: 1,
        kind: 'fulfillment',
        currency: 'USD',
        date_format: 'DD.MM.YYYY',
        decimal: ',',
        thousands: '',
        sign: 'as_is',
        external_id_strategy: 'column',
        columns: {
          external_id: 'Tracking',
          occurred_at: 'Shipped',
          order_ref: 'Ref',
          tracking_number: 'Tracking',
          carrier: 'Carrier',
          sku: 'SKU',
          quantity: 'Units',
        },
      }),
    );
    importOne(ws, 'warehouse:3pl', file, { format: 'generic-csv', mappingPath: mapping });
    const ev = events(ws, 'warehouse:3pl');
    expect(ev.map((e) => [e.kind, e.order_ref, e.state, e.amount_minor, e.trace_id, e.attributes.items_quantity])).toEqual([
      ['fulfillment', '1001', 'shipped', 0, 'JD0001', 2],
      ['fulfillment', null, 'shipped', 0, 'JD0002', 1],
    ]);
    ws.close();
  });
});

describeWithFixtures('Shopify orders as a fulfillment source', () => {
  it('an order with a Fulfillment Status and Fulfilled at also yields a fulfillment event', () => {
    const ws = workspace();
    const r = importOne(ws, 'shopify:store', join(FIXTURES_DIR, 'providers/shopify/orders_export.csv'));
    const ev = events(ws, 'shopify:store');
    const orders = ev.filter((e) => e.kind === 'order');
    const fulfillments = ev.filter((e) => e.kind === 'fulfillment');
    expect(r.files[0]?.rowsRead).toBe(orders.length);
    expect(fulfillments.length).toBeGreaterThan(0);
    const f1001 = fulfillments.find((e) => e.order_ref === '1001');
    expect(f1001).toMatchObject({ state: 'fulfilled', amount_minor: 0, occurred_at: '2025-05-11T13:57:05Z' });
    expect(f1001?.attributes).toMatchObject({ fulfillment_source: 'store', fulfilled_quantity: 4, items_quantity: 4 });
    // Partially fulfilled orders without a Fulfilled at time yield none (#1011).
    expect(fulfillments.find((e) => e.order_ref === '1011')).toBeUndefined();
    ws.close();
  });
});

function textFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...textFiles(p));
    else if (!/LICENSE|SOURCE|\.expected\.|golden|README/.test(name)) out.push(p);
  }
  return out;
}

function claims(path: string): string[] {
  const facts = inspectFile(path);
  const head = readTextHead(path, facts);
  return DETECTABLE_PARSERS.filter((p) => p.input !== 'xlsx' && p.detect(head)).map((p) => p.format);
}

describe('detection', () => {
  it('exactly one parser claims each new file', () => {
    const expected: Record<string, string> = {
      'meta-ads-daily.csv': 'meta-ads-csv',
      'meta-ads-period.csv': 'meta-ads-csv',
      'meta-ads-empty.csv': 'meta-ads-csv',
      'google-ads-campaigns.csv': 'google-ads-report',
      'meta-billing.csv': 'meta-billing-csv',
      'google-ads-billing.csv': 'google-ads-billing-csv',
      'shipstation-shipments.csv': 'shipstation-shipments-csv',
    };
    for (const [file, format] of Object.entries(expected)) expect(claims(join(GROWTH, file)), file).toEqual([format]);
  });

  const NEW_FORMATS = new Set([
    'meta-ads-csv',
    'meta-ads-xlsx',
    'google-ads-report',
    'meta-billing-csv',
    'google-ads-billing-csv',
    'shipstation-shipments-csv',
  ]);
  it('the project samples are claimed by no new parser', () => {
    for (const f of textFiles(SAMPLES))
      expect(
        claims(f).filter((c) => NEW_FORMATS.has(c)),
        f,
      ).toEqual([]);
  });
  describeWithFixtures('shared fixtures', () => {
    let files: string[] = [];
    beforeAll(() => {
      files = textFiles(FIXTURES_DIR);
    });
    it('are claimed by no new parser', () => {
      for (const f of files)
        expect(
          claims(f).filter((c) => NEW_FORMATS.has(c)),
          f,
        ).toEqual([]);
    });
  });
});
