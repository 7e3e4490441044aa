import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { makeTempDir } from '../support/tempDir.ts';
import { createWorkspace } from '../../src/main/workspace/workspace.ts';
import { importFiles } from '../../src/main/import/importFiles.ts';
import { syncSource } from '../../src/main/connectors/syncRunner.ts';
import { writePaypalActivityCsv } from '../../src/main/synthetic/paypalActivityWriter.ts';
import { seededRandom } from '../../src/main/synthetic/stripeBalanceCsvWriter.ts';
import { FakePaypal, type PaypalEntry } from './support/fakePaypal.ts';
import { connectedWorkspace, FAST_HTTP } from './support/connectorWorkspace.ts';
import { latestEvents } from './support/eventCompare.ts';

const ID = 'AYSq3RDGsmBLJE-otTkBtM-jBRd1TCQwFf9RGfwddNXWz0uFU9ztymylOhRS';
const SECRET = 'EGnHDxD_qRPdaLdZz8iCr8N7_MzF-YHPTkjs6NKYQvQSBngp4PTTVWkPZRbL';
const CREDS = { client_id: ID, client_secret: SECRET };

/** A month of PayPal activity: payments with fees, refunds, a withdrawal, a conversion pair, a hold and its release, a chargeback. */
function monthEntries(count: number, seed: number): PaypalEntry[] {
  const rnd = seededRandom(seed);
  const out: PaypalEntry[] = [];
  const base = Date.parse('2026-10-01T08:00:00Z');
  let n = 0;
  const id = () => `${String(1000 + n++).padStart(4, '0')}ABCD${String(Math.floor(rnd() * 1e9)).padStart(9, '0')}`;
  const entry = (t: number, eventCode: string, type: string, gross: number, fee: number, extra: Partial<PaypalEntry> = {}): PaypalEntry => ({
    transactionId: id(),
    occurredAt: new Date(t).toISOString().replace('.000Z', 'Z'),
    timeZone: 'PDT',
    name: 'Ana Lopez',
    type,
    status: 'Completed',
    currency: 'USD',
    grossMinor: gross,
    feeMinor: fee,
    fromEmail: gross >= 0 ? `buyer${n}@example.com` : 'store@ridge.example',
    toEmail: gross >= 0 ? 'store@ridge.example' : `buyer${n}@example.com`,
    referenceTxnId: '',
    invoiceNumber: '',
    receiptId: '',
    balanceMinor: null,
    subject: '',
    note: '',
    eventCode,
    ...extra,
  });
  for (let i = 0; i < count; i++) {
    const t = base + Math.floor((i * 29 * 86_400_000) / count);
    const amount = 1000 + Math.floor(rnd() * 20_000);
    const pay = entry(t, 'T0006', 'Express Checkout Payment', amount, -(Math.round(amount * 0.0349) + 49), { invoiceNumber: `R${2000 + i}` });
    out.push(pay);
    if (i % 10 === 3)
      out.push(
        entry(t + 86_400_000, 'T1107', 'Payment Refund', -Math.floor(amount / 2), 0, {
          referenceTxnId: pay.transactionId,
          invoiceNumber: pay.invoiceNumber,
        }),
      );
  }
  const mid = base + 14 * 86_400_000;
  out.push(entry(mid, 'T0400', 'General Withdrawal', -150_000, 0));
  const eur = entry(mid + 3600_000, 'T0006', 'Express Checkout Payment', 5000, -220, { currency: 'EUR' });
  out.push(eur);
  out.push(entry(mid + 3601_000, 'T0200', 'General Currency Conversion', -4780, 0, { currency: 'EUR', referenceTxnId: eur.transactionId }));
  out.push(entry(mid + 3601_000, 'T0200', 'General Currency Conversion', 5160, 0, { referenceTxnId: eur.transactionId }));
  out.push(entry(mid + 7200_000, 'T1501', 'Account Hold for Open Authorization', -2500, 0));
  out.push(entry(mid + 9000_000, 'T1502', 'Reversal of General Account Hold', 2500, 0));
  out.push(entry(mid + 86_400_000, 'T1201', 'Chargeback', -3300, -2000, { referenceTxnId: (out[0] as PaypalEntry).transactionId }));
  out.push(entry(mid + 2 * 86_400_000, 'T0006', 'Express Checkout Payment', 4200, -196, { status: 'Pending', invoiceNumber: 'R9999' }));
  return out;
}

describe('PayPal connector: a month by API and by the activity download', () => {
  const dir = makeTempDir('tieout-paypal-sync-');
  const entries = monthEntries(120, 4);
  const paypal = new FakePaypal(entries, ID, SECRET);
  let url = '';
  beforeAll(async () => {
    url = await paypal.start();
  });
  afterAll(() => paypal.close());

  it("gives the download's events, reading 31-day windows with fields=all from the backfill start to now", async () => {
    const csv = join(dir, 'Download.CSV');
    writeFileSync(csv, writePaypalActivityCsv(entries, { language: 'en' }));
    const byFile = createWorkspace(join(dir, 'by-file'), { timeZone: 'UTC' });
    importFiles(byFile.db, byFile.settings, { source: 'paypal:main', files: [csv], actor: 'user:test' });

    const byApi = await connectedWorkspace(join(dir, 'by-api'), { source: 'paypal:main', baseUrl: url, backfillDays: 90 }, CREDS);
    const report = await syncSource(byApi, 'paypal:main', CREDS, { trigger: 'test', http: FAST_HTTP });
    expect(report.error).toBeNull();
    const searches = paypal.server.requests.filter((r) => r.path === '/v1/reporting/transactions');
    for (const s of searches) {
      expect(s.query.get('fields')).toBe('all');
      expect(Date.parse(s.query.get('end_date') as string) - Date.parse(s.query.get('start_date') as string)).toBeLessThanOrEqual(31 * 86_400_000);
    }
    expect(searches.length).toBeGreaterThanOrEqual(3);

    const fromFile = latestEvents(byFile.db, 'paypal:main', ['customer_ref', 'local_date']);
    const fromApi = latestEvents(byApi.db, 'paypal:main', ['customer_ref', 'local_date']);
    expect(fromApi.size).toBe(entries.length);
    expect([...fromApi.keys()]).toEqual([...fromFile.keys()]);
    for (const [eventId, e] of fromFile) expect(fromApi.get(eventId)).toEqual(e);
    // The conversion legs carry their group, as the download's do (the FX basis reads it).
    const groups = byApi.db.prepare("SELECT count(*) FROM events WHERE json_extract(attributes, '$.conversion_group') IS NOT NULL").pluck().get();
    expect(groups).toBe(2);
    byFile.close();
    byApi.close();
  });

  it('halves a window PayPal finds too large, and obtains a new token when PayPal expires one', async () => {
    paypal.maxResults = 30;
    paypal.tokenUses = 2;
    const issuedBefore = paypal.tokensIssued;
    try {
      const ws = await connectedWorkspace(join(dir, 'large'), { source: 'paypal:main', baseUrl: url, backfillDays: 90 }, CREDS);
      const before = paypal.server.requests.length;
      const report = await syncSource(ws, 'paypal:main', CREDS, { trigger: 'test', http: FAST_HTTP });
      expect(report.error).toBeNull();
      expect(latestEvents(ws.db, 'paypal:main').size).toBe(entries.length);
      const tooLarge = paypal.server.requests.slice(before).filter((r) => r.path === '/v1/reporting/transactions').length;
      expect(tooLarge).toBeGreaterThan(6);
      expect(paypal.tokensIssued - issuedBefore).toBeGreaterThan(2);
      // No token answer is ever stored: pages only.
      expect(ws.db.prepare("SELECT count(*) FROM import_batches WHERE file_name LIKE '%oauth2%'").pluck().get()).toBe(0);
      ws.close();
    } finally {
      paypal.maxResults = 10_000;
      paypal.tokenUses = Number.POSITIVE_INFINITY;
    }
  });

  it("covers PayPal's three-hour lag: the watermark stops at the last refresh, and the next sync reads the late transaction", async () => {
    const ws = await connectedWorkspace(join(dir, 'lag'), { source: 'paypal:main', baseUrl: url, backfillDays: 90 }, CREDS);
    paypal.lagMs = 3 * 3_600_000;
    const late = {
      ...(entries[0] as PaypalEntry),
      transactionId: '9LATE000000000001',
      occurredAt: new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      invoiceNumber: 'R-LATE',
    };
    paypal.entries = [...entries, late];
    try {
      await syncSource(ws, 'paypal:main', CREDS, { trigger: 'test', http: FAST_HTTP });
      expect(ws.db.prepare('SELECT count(*) FROM events WHERE external_id = ?').pluck().get(late.transactionId)).toBe(0);
      const coversTo = ws.db.prepare("SELECT max(covers_to) FROM batch_coverage WHERE source = 'paypal:main'").pluck().get() as string;
      expect(Date.now() - Date.parse(coversTo)).toBeGreaterThan(3 * 3_600_000 - 60_000);
      // Three hours later PayPal lists it (here: the lag is gone); the next sync's window started before it.
      paypal.lagMs = 0;
      const again = await syncSource(ws, 'paypal:main', CREDS, { trigger: 'test', http: FAST_HTTP });
      expect(again.eventsCreated).toBe(1);
      expect(ws.db.prepare('SELECT order_ref FROM events WHERE external_id = ?').pluck().get(late.transactionId)).toBe('R-LATE');
    } finally {
      paypal.lagMs = 0;
      paypal.entries = entries;
    }
    ws.close();
  });

  it('fails when PayPal refuses the client id and secret, without showing them', async () => {
    const wrong = { client_id: ID, client_secret: 'EWRONGsecretWRONGsecretWRONG' };
    const ws = await connectedWorkspace(join(dir, 'refused'), { source: 'paypal:main', baseUrl: url, backfillDays: 90 }, wrong);
    const report = await syncSource(ws, 'paypal:main', wrong, { trigger: 'test', http: FAST_HTTP });
    expect(report.state).toBe('failed');
    expect(report.needsPerson).toBe(true);
    expect(report.error).toMatch(/PayPal refused the client id and secret \(Client Authentication failed\)/);
    expect(report.error).not.toContain('EWRONG');
    ws.close();
  });
});
