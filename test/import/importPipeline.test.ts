import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { join } from 'node:path';
import { writeFileSync, readFileSync, openSync, closeSync } from 'node:fs';
import { createWorkspace, type Workspace } from '../../src/main/workspace/workspace.ts';
import { importFiles, ImportError } from '../../src/main/import/importFiles.ts';
import { verifyLedger } from '../../src/main/ledger/verify.ts';
import { readArtifactChunks } from '../../src/main/ledger/artifacts.ts';
import { exportEvents } from '../../src/main/export/eventsExport.ts';
import { FdWriter } from '../../src/main/export/tableWriter.ts';
import { makeTempDir } from '../support/tempDir.ts';
import { PROJECT_ROOT } from '../support/cli.ts';
import { CanonicalEventSchema } from '../../src/shared/events/canonicalEvent.ts';
import { writeZip } from '../../src/main/synthetic/zipWriter.ts';
import { writeCamt053, type CamtWriterStatement } from '../../src/main/synthetic/camtWriter.ts';
import { stripeCsv, stripeCsvRange, stripeRow, STRIPE_HEADER } from '../support/stripeCsv.ts';

const root = makeTempDir();
let n = 0;
let ws: Workspace;

beforeEach(() => {
  ws = createWorkspace(join(root, `ws${n++}`));
});
afterEach(() => ws.close());

function file(name: string, content: string | Uint8Array): string {
  const path = join(root, `${n}-${name}`);
  writeFileSync(path, content);
  return path;
}

const count = (sql: string): number => ws.db.prepare(sql).pluck().get() as number;
const run = (files: string[], extra: Partial<Parameters<typeof importFiles>[2]> = {}) =>
  importFiles(ws.db, ws.settings, { source: 'stripe:main', files, actor: 'user:test', ...extra });

describe('import pipeline', () => {
  it('imports a file, journals the batch with its counts, and a second import creates nothing', () => {
    const f = file('a.csv', stripeCsvRange(1, 5));
    const first = run([f]);
    expect(first.files[0]).toMatchObject({ format: 'stripe-balance-csv', rowsRead: 5, eventsCreated: 5, duplicatesSkipped: 0, rowsRejected: 0 });
    const second = run([f]);
    expect(second.files[0]).toMatchObject({ rowsRead: 5, eventsCreated: 0, duplicatesSkipped: 5 });
    expect(count('SELECT count(*) FROM events')).toBe(5);
    expect(count('SELECT count(*) FROM artifacts')).toBe(1);
    const entries = ws.db.prepare("SELECT payload FROM journal WHERE entry_type = 'import.batch' ORDER BY seq").pluck().all() as string[];
    expect(entries).toHaveLength(2);
    const sealed = JSON.parse(entries[0] as string) as Record<string, unknown>;
    expect(sealed).toMatchObject({
      file_name: expect.stringMatching(/a\.csv$/),
      rows_read: 5,
      events_created: 5,
      duplicates_skipped: 0,
      rows_rejected: 0,
    });
    expect(sealed['sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyLedger(ws.db).ok).toBe(true);
  });

  it('every stored event satisfies the canonical event schema, for every importer', () => {
    const samples = join(PROJECT_ROOT, 'resources/samples');
    run([join(samples, 'stripe-balance-2026-10.csv')]);
    importFiles(ws.db, ws.settings, { source: 'shopify:store', files: [join(samples, 'shopify-orders-2026-10.csv')], actor: 'user:test' });
    importFiles(ws.db, ws.settings, {
      source: 'bank:main',
      files: [join(samples, 'bank-statement-2026-10.csv')],
      format: 'generic-csv',
      mappingPath: join(samples, 'bank-statement-mapping.json'),
      actor: 'user:test',
    });
    const rows = ws.db.prepare('SELECT * FROM events').all() as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(17);
    for (const { seq: _seq, ...row } of rows) {
      const parsed = CanonicalEventSchema.safeParse({ ...row, attributes: JSON.parse(row['attributes'] as string) });
      expect(parsed.success, `${String(row['external_id'])}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
  });

  it('two exports with overlapping date ranges create each record once', () => {
    const r = run([file('sep.csv', stripeCsvRange(1, 6)), file('oct.csv', stripeCsvRange(4, 9))]);
    expect(r.eventsCreated).toBe(9);
    expect(r.duplicatesSkipped).toBe(3);
    expect(count('SELECT count(DISTINCT external_id) FROM events')).toBe(9);
  });

  it('a bad row fails the whole import with FILE:LINE:COLUMN and writes nothing', () => {
    const good = file('good.csv', stripeCsvRange(1, 3));
    const bad = file('bad.csv', stripeCsv([stripeRow(4), stripeRow(5).replace('15.00', '15.x0'), stripeRow(6)]));
    let error: unknown;
    try {
      run([good, bad]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ImportError);
    expect((error as ImportError).message).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:5: .*gross`));
    expect(count('SELECT count(*) FROM events')).toBe(0);
    expect(count('SELECT count(*) FROM artifacts')).toBe(0);
    expect(count('SELECT count(*) FROM artifact_chunks')).toBe(0);
    expect(count('SELECT count(*) FROM journal')).toBe(0);
    expect(count('SELECT count(*) FROM import_batches')).toBe(0);
  });

  it('with skipInvalid imports the good rows and journals every rejected row with its reason', () => {
    const bad = file('bad.csv', stripeCsv([stripeRow(1), stripeRow(2).replace(',usd,', ',xyz,'), stripeRow(3).replace('13.00', 'abc')]));
    const r = run([bad], { skipInvalid: true });
    expect(r.files[0]).toMatchObject({ rowsRead: 3, eventsCreated: 1, rowsRejected: 2 });
    const rejected = ws.db
      .prepare("SELECT payload FROM journal WHERE entry_type = 'import.row_rejected' ORDER BY seq")
      .pluck()
      .all()
      .map((p) => JSON.parse(p as string) as { line: number; column: number; message: string; raw: string });
    expect(rejected.map((x) => [x.line, x.column])).toEqual([
      [3, 4],
      [4, 5],
    ]);
    expect(rejected[0]?.message).toMatch(/currency/i);
    expect(rejected[1]?.raw).toContain('txn_3');
    expect(verifyLedger(ws.db).ok).toBe(true);
  });

  it('reads UTF-8 with and without BOM, UTF-16 LE/BE with BOM and Windows-1252, CRLF or LF, to the same events', () => {
    const text = stripeCsv([stripeRow(1, 'Café crème – order 1001 €'), stripeRow(2)]);
    const utf16be = (s: string): Uint8Array => {
      const le = Buffer.from(s, 'utf16le');
      for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1] as number, le[i] as number];
      return Buffer.concat([Buffer.from([0xfe, 0xff]), le]);
    };
    const cp1252 = Buffer.from(text.replace('–', '\u0096').replace('€', '\u0080'), 'latin1');
    const variants: Array<[string, string | Uint8Array, string]> = [
      ['utf8.csv', text, 'utf-8'],
      ['utf8bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), 'utf-8'],
      ['utf16le.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), 'utf-16le'],
      ['utf16be.csv', utf16be(text), 'utf-16be'],
      ['cp1252.csv', cp1252, 'windows-1252'],
      ['crlf.csv', text.replace(/\n/g, '\r\n'), 'utf-8'],
    ];
    // cp1252 bytes 0x80/0x96 are € and – ; build them explicitly.
    variants[4] = ['cp1252.csv', Buffer.from(Array.from(text, (ch) => (ch === '€' ? 0x80 : ch === '–' ? 0x96 : ch.charCodeAt(0)))), 'windows-1252'];
    for (const [name, content, encoding] of variants) {
      const r = run([file(name, content)]);
      expect(r.files[0]?.encoding, name).toBe(encoding);
    }
    expect(count('SELECT count(*) FROM events')).toBe(2);
    expect(count('SELECT count(*) FROM import_batches')).toBe(6);
    const attrs = JSON.parse(ws.db.prepare("SELECT attributes FROM events WHERE external_id = 'txn_1'").pluck().get() as string) as Record<
      string,
      unknown
    >;
    expect(attrs['description']).toBe('Café crème – order 1001 €');
  });

  it('keeps quoted fields with embedded newlines and records the lines each event came from', () => {
    const f = file('multi.csv', stripeCsv([stripeRow(1), stripeRow(2, 'Order #1002\nleft at "back door", ring twice'), stripeRow(3)]));
    run([f]);
    const rows = ws.db.prepare('SELECT external_id, raw_line_start, raw_line_end, attributes FROM events ORDER BY seq').all() as Array<{
      external_id: string;
      raw_line_start: number;
      raw_line_end: number;
      attributes: string;
    }>;
    expect(rows.map((r) => [r.external_id, r.raw_line_start, r.raw_line_end])).toEqual([
      ['txn_1', 2, 2],
      ['txn_2', 3, 4],
      ['txn_3', 5, 5],
    ]);
    expect(JSON.parse(rows[1]?.attributes as string).description).toBe('Order #1002\nleft at "back door", ring twice');
  });

  it('verify catches an edited event and an edited artifact even with the triggers dropped', () => {
    run([file('a.csv', stripeCsvRange(1, 3))]);
    ws.db.exec('DROP TRIGGER event_rows_no_update; DROP TRIGGER artifact_chunks_no_update');
    ws.db.exec("UPDATE event_rows SET amount_minor = amount_minor + 1 WHERE external_id = 'txn_2'");
    let report = verifyLedger(ws.db);
    expect(report.checks.find((c) => c.name === 'import batches')).toMatchObject({ ok: false, detail: expect.stringMatching(/altered/) });
    ws.db.exec("UPDATE event_rows SET amount_minor = amount_minor - 1 WHERE external_id = 'txn_2'");
    ws.db.exec("UPDATE artifact_chunks SET bytes = CAST('tampered' AS BLOB)");
    report = verifyLedger(ws.db);
    expect(report.checks.find((c) => c.name === 'import batches')?.ok).toBe(true);
    expect(report.checks.find((c) => c.name === 'artifact hashes')?.ok).toBe(false);
    expect(report.ok).toBe(false);
  });

  it('stores the file byte-exact', () => {
    const content = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(stripeCsvRange(1, 2).replace(/\n/g, '\r\n'))]);
    const f = file('exact.csv', content);
    run([f]);
    const [artifact] = ws.db.prepare('SELECT artifact_id FROM artifacts').pluck().all() as string[];
    const bytes = Buffer.concat([...readArtifactChunks(ws.db, artifact as string)]);
    expect(bytes.equals(readFileSync(f))).toBe(true);
  });

  it('imports every file inside a ZIP as its own batch, storing the archive too', () => {
    const zip = join(root, `${n}-statements.zip`);
    writeZip(zip, [
      { name: 'sep.csv', data: stripeCsvRange(1, 4) },
      { name: 'oct/oct.csv', data: stripeCsvRange(3, 6) },
    ]);
    const r = run([zip]);
    expect(r.files.map((f) => f.file)).toEqual([`${zip}!sep.csv`, `${zip}!oct/oct.csv`]);
    expect(r.eventsCreated).toBe(6);
    expect(r.duplicatesSkipped).toBe(2);
    expect(count('SELECT count(*) FROM artifacts')).toBe(3);
    const sealed = JSON.parse(
      ws.db.prepare("SELECT payload FROM journal WHERE entry_type = 'import.batch' ORDER BY seq DESC").pluck().get() as string,
    );
    expect(sealed).toMatchObject({
      file_name: 'oct.csv',
      archive_file_name: expect.stringMatching(/statements\.zip$/),
      archive_sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(verifyLedger(ws.db).ok).toBe(true);
  });

  it('a bad row inside a ZIP member names ARCHIVE!MEMBER:LINE:COLUMN and writes nothing', () => {
    const zip = join(root, `${n}-bad.zip`);
    writeZip(zip, [
      { name: 'good.csv', data: stripeCsvRange(1, 2) },
      { name: 'bad.csv', data: stripeCsv([stripeRow(1), stripeRow(2).replace(',usd,', ',xyz,')]) },
    ]);
    expect(() => run([zip])).toThrow(`${zip}!bad.csv:3:4: `);
    expect(count('SELECT count(*) FROM artifacts')).toBe(0);
  });

  it('refuses a damaged ZIP with a clear message', () => {
    const zip = join(root, `${n}-damaged.zip`);
    writeZip(zip, [{ name: 'a.csv', data: stripeCsvRange(1, 50) }]);
    const bytes = readFileSync(zip);
    bytes[60] = (bytes[60] as number) ^ 0xff;
    writeFileSync(zip, bytes);
    expect(() => run([zip])).toThrow(/a\.csv: (cannot inflate|CRC or size mismatch)/);
  });

  const camtStatement = (id: string, closingMinor: number): CamtWriterStatement => ({
    id,
    account: 'DE89370400440532013000',
    currency: 'EUR',
    openingMinor: 100_000,
    closingMinor,
    entries: [
      { amountMinor: 70_911, bookingDate: '2026-10-06', reference: `${id}-1`, remittance: 'STRIPE PAYOUT po_1Sb0001' },
      { amountMinor: -240_000, bookingDate: '2026-10-08', reference: `${id}-2`, remittance: 'Office rent October' },
    ],
  });

  it('imports camt statements from a ZIP and checks each statement balances', () => {
    const zip = join(root, `${n}-camt.zip`);
    writeZip(zip, [
      { name: 'oct-1.xml', data: writeCamt053([camtStatement('S1', 100_000 + 70_911 - 240_000)]) },
      { name: 'oct-2.xml', data: writeCamt053([camtStatement('S2', 100_000 + 70_911 - 240_000)], { version: '08' }) },
    ]);
    const r = run([zip]);
    expect(r.files.map((f) => [f.format, f.eventsCreated, f.statements[0]?.differenceMinor])).toEqual([
      ['camt', 2, 0],
      ['camt', 2, 0],
    ]);
    const kinds = ws.db.prepare('SELECT kind, amount_minor FROM events ORDER BY seq').all();
    expect(kinds).toEqual([
      { kind: 'bank_credit', amount_minor: 70_911 },
      { kind: 'bank_debit', amount_minor: -240_000 },
      { kind: 'bank_credit', amount_minor: 70_911 },
      { kind: 'bank_debit', amount_minor: -240_000 },
    ]);
  });

  it('an unbalanced statement fails the import naming expected and actual closing balance; --accept-unbalanced journals it', () => {
    const f = file('unbalanced.xml', writeCamt053([camtStatement('S3', 100_000 + 70_911 - 240_000 + 5)]));
    expect(() => run([f])).toThrow(
      /statement S3 \(account DE89370400440532013000, EUR\) does not balance: .*= -69089, but the closing balance is -69084 \(difference 5/,
    );
    expect(count('SELECT count(*) FROM events')).toBe(0);
    const r = run([f], { acceptUnbalanced: true });
    expect(r.files[0]?.statements[0]?.differenceMinor).toBe(5);
    const entry = JSON.parse(ws.db.prepare("SELECT payload FROM journal WHERE entry_type = 'import.statement_unbalanced'").pluck().get() as string);
    expect(entry).toMatchObject({ statement_id: 'S3', expected_closing_minor: -69_089, closing_minor: -69_084, difference_minor: 5 });
    expect(verifyLedger(ws.db).ok).toBe(true);
  });

  it('refuses a file of no known format, naming the file', () => {
    const f = file('notes.txt', 'just some notes\nnothing to import\n');
    expect(() => run([f])).toThrow(new RegExp(`${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*no recognised format`));
    expect(() => run([file('x.xml', '<?xml version="1.0"?><Document/>')])).toThrow(/root <Document>/);
  });

  it('rejects a header that lacks required columns with line 1', () => {
    const f = file('hdr.csv', `${STRIPE_HEADER.replace('gross,', 'grossx,')}\n${stripeRow(1)}\n`);
    expect(() => run([f], { format: 'stripe-balance-csv' })).toThrow(/:1:\d+: .*gross/);
  });
});

describe('events export', () => {
  it('escapes formula-like text cells but keeps numbers as numbers', () => {
    const f = file('evil.csv', stripeCsv([stripeRow(1, '=HYPERLINK("http://evil","x")'), stripeRow(2, '@SUM(A1)'), stripeRow(3, '+1')]));
    run([f]);
    const out = join(root, `${n}-events.csv`);
    const fd = openSync(out, 'w');
    expect(exportEvents(ws.db, 'csv', new FdWriter(fd))).toBe(3);
    closeSync(fd);
    const csv = readFileSync(out, 'utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines[1]).toContain(`,"'=HYPERLINK(""http://evil"",""x"")",`);
    expect(lines[2]).toContain(`,'@SUM(A1),`);
    expect(lines[3]).toContain(`,'+1,`);
    expect(lines[0]).toMatch(/^event_id,source,kind,external_id,/);
    expect(lines).toHaveLength(4);
    expect(lines[1]).toContain(',11.00,1100,USD,');
  });

  it('escapes a hostile customer reference too', () => {
    run([file('cust.csv', stripeCsv([stripeRow(1).replace('buyer1@example.com', '=cmd|evil@example.com')]))]);
    const out = join(root, `${n}-cust.csv`);
    const fd = openSync(out, 'w');
    exportEvents(ws.db, 'csv', new FdWriter(fd));
    closeSync(fd);
    expect(readFileSync(out, 'utf8')).toContain(`,'=cmd|evil@example.com,`);
  });

  it('writes JSON with amounts in minor units and parsed attributes', () => {
    run([file('a.csv', stripeCsv([stripeRow(1, '-cmd|calc')]))]);
    const out = join(root, `${n}-events.json`);
    const fd = openSync(out, 'w');
    exportEvents(ws.db, 'json', new FdWriter(fd));
    closeSync(fd);
    const events = JSON.parse(readFileSync(out, 'utf8')) as Array<Record<string, unknown>>;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      source: 'stripe:main',
      kind: 'payment',
      external_id: 'txn_1',
      amount_minor: 1100,
      currency: 'USD',
      fee_minor: 50,
      net_minor: 1050,
      order_ref: '1001',
      payout_ref: 'po_1',
    });
    expect((events[0]?.['attributes'] as Record<string, unknown>)['description']).toBe('-cmd|calc');
  });
});
