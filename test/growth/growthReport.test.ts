// The growth tie-out on a small month computed by hand: seven orders around one Meta day, a Google day, Meta billing
// with a credit and tax against two card debits, and a few shipments. Every figure below is worked out in the comments.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, type Workspace } from '../../src/main/workspace/workspace.ts';
import { importFiles } from '../../src/main/import/importFiles.ts';
import { computeGrowth } from '../../src/main/growth/growthReport.ts';
import { formatGrowth } from '../../src/main/growth/growthText.ts';
import type { GrowthReport } from '../../src/shared/growth/growthReport.ts';
import { makeTempDir } from '../support/tempDir.ts';
import { runCli } from '../../src/main/cli/main.ts';
import { growthFindings } from '../../src/main/growth/growthFindings.ts';

const root = makeTempDir('tieout-growth-hand-');
let ws: Workspace;
let report: GrowthReport;

const SHOPIFY = [
  'Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Currency,Total,Created at,Lineitem quantity,Note Attributes,Cancelled at,Payment Method,Refunded Amount,Id,Tags,Source',
  // A: Meta, 100.00 on 5 Oct (10:00 New York = 07:00 Los Angeles: same day for both).
  '#1,a@example.com,paid,2026-10-05 10:00:00 -0400,fulfilled,2026-10-06 09:00:00 -0400,USD,100.00,2026-10-05 10:00:00 -0400,1,"utm_source: facebook\nfbclid: IwAR1",,Stripe,0.00,9001,,web',
  // B: Meta, 50.00 at 01:30 on 6 Oct in New York, which is 22:30 on 5 Oct in Los Angeles: Meta's 5 Oct, the store's 6 Oct.
  '#2,b@example.com,paid,2026-10-06 01:30:00 -0400,unfulfilled,,USD,50.00,2026-10-06 01:30:00 -0400,1,utm_source: facebook,,Stripe,0.00,9002,,web',
  // C: Meta, 80.00 of which 20.00 refunded: net 60.00.
  '#3,c@example.com,partially_refunded,2026-10-05 12:00:00 -0400,fulfilled,2026-10-06 09:00:00 -0400,USD,80.00,2026-10-05 12:00:00 -0400,1,utm_source: ig,,Stripe,20.00,9003,,web',
  // D: Meta, a test order (Bogus gateway): 30.00 Meta counts, the store never does.
  '#4,d@example.com,paid,2026-10-05 13:00:00 -0400,unfulfilled,,USD,30.00,2026-10-05 13:00:00 -0400,1,utm_source: facebook,,Bogus,0.00,9004,test,web',
  // E: Google (utm_source) with an fbclid too: Meta claims it as well (duplicates, 40.00).
  '#5,e@example.com,paid,2026-10-05 14:00:00 -0400,unfulfilled,,USD,40.00,2026-10-05 14:00:00 -0400,1,"utm_source: google\ngclid: Cj0K5\nfbclid: IwAR5",,Stripe,0.00,9005,,web',
  // F: no channel at all: not attributable, 25.00.
  '#6,f@example.com,paid,2026-10-05 15:00:00 -0400,unfulfilled,,USD,25.00,2026-10-05 15:00:00 -0400,1,,,Stripe,0.00,9006,,web',
  // G: Meta, 70.00, cancelled: net 0, and it still shipped.
  '#7,g@example.com,voided,2026-10-05 16:00:00 -0400,unfulfilled,,USD,70.00,2026-10-05 16:00:00 -0400,1,utm_source: facebook,2026-10-05 18:00:00 -0400,Stripe,0.00,9007,,web',
].join('\n');

// Meta's 5 Oct: 400.00 claimed for 120.00 spent.
const META = ['Day,Campaign name,Amount spent (USD),Purchases,Purchases conversion value', '2026-10-05,Prospecting,120.00,6,400.00'].join('\n');
// Google's 5 Oct: 45.00 claimed for 30.00.
const GOOGLE = ['Campaign report', '"October 1, 2026 - October 31, 2026"', 'Day,Campaign,Currency code,Cost,Conversions,Conv. value', '2026-10-05,Search,USD,30.00,1.00,45.00', 'Total: Account, --,USD,30.00,1.00,45.00'].join('\n');
const META_BILLING = [
  'Currency,USD',
  'Date,Transaction ID,Payment Method,Amount,Currency',
  '2026-10-06,T-1,Visa ending in 4242,100.00,USD',
  '2026-10-20,T-2,Visa ending in 4242,50.00,USD',
  '',
  'Ad credits',
  'Date,Description,Amount,Currency',
  '2026-10-10,Ad credit,10.00,USD',
  '',
  'Tax,2.00,USD',
].join('\n');
const BANK = ['Date,Description,Amount', '2026-10-07,FACEBK *ADS 8RT2,-100.00', '2026-10-09,GOOGLE *ADS1234567890,-75.00'].join('\n');
const BANK_MAPPING = {
  version: 1, kind_by_sign: { positive: 'bank_credit', negative: 'bank_debit' }, currency: 'USD', date_format: 'YYYY-MM-DD', decimal: '.', thousands: ',',
  sign: 'as_is', external_id_strategy: 'row_hash', columns: { occurred_at: 'Date', amount: 'Amount', description: 'Description' },
};
const SHIPSTATION = [
  'Order - Number,Date - Ship Date,Shipment - Tracking Number,Amount - Shipping Cost,Shipment - Voided,Item - SKU,Item - Qty',
  '#1,10/06/2026,T1,5.00,false,S,1',
  '#3,10/06/2026,T3a,5.00,true,S,1',
  '#3,10/06/2026,T3b,5.00,false,S,1',
  '#7,10/06/2026,T7,5.00,false,S,1',
  '#99,10/06/2026,T99,5.00,false,S,1',
].join('\n');

function file(name: string, text: string): string {
  const path = join(root, name);
  writeFileSync(path, text);
  return path;
}

beforeAll(() => {
  ws = createWorkspace(join(root, 'ws'), { reportingCurrency: 'USD', timeZone: 'America/New_York' });
  ws.settings.source_time_zones = { 'meta-ads:main': 'America/Los_Angeles' };
  const imp = (source: string, path: string, extra = {}): void => {
    importFiles(ws.db, ws.settings, { source, files: [path], actor: 'user:test', ...extra });
  };
  imp('shopify:store', file('orders.csv', SHOPIFY));
  imp('meta-ads:main', file('meta.csv', META));
  imp('google-ads:main', file('google.csv', GOOGLE));
  imp('meta-ads:main', file('meta-billing.csv', META_BILLING));
  imp('bank:card', file('bank.csv', BANK), { format: 'generic-csv', mappingPath: file('bank.json', JSON.stringify(BANK_MAPPING)) });
  imp('shipstation:main', file('shipments.csv', SHIPSTATION));
  report = computeGrowth(ws.db, ws.settings, { period: '2026-10' });
  return () => ws.close();
});

const row = (date: string, platform: string) => report.rows.find((r) => r.date === date && r.platform === platform);

describe('the day × platform table against a hand-computed month', () => {
  it('Meta, 5 Oct: store A + C + cancelled G = 160.00 net over 2 orders; gap 240.00 = 90 + 30 + 50 + 40 + residual 30', () => {
    expect(row('2026-10-05', 'meta')).toMatchObject({
      spendMinor: 12000,
      billedMinor: null,
      platformConversions: 6,
      platformValueMinor: 40000,
      storeOrders: 2,
      storeNetMinor: 16000,
      gapMinor: 24000,
      breakdown: {
        refundedOrCancelledMinor: 9000, // C's 20.00 refund + G's 70.00 cancellation
        testOrDraftMinor: 3000, // D
        timeZoneShiftMinor: 5000, // B: Meta's 5 Oct, the store's 6 Oct
        currencyMinor: 0,
        duplicatesMinor: 4000, // E: the store says Google
        residualMinor: 3000, // 400 − 160 − 90 − 30 − 50 − 40
      },
    });
    expect(row('2026-10-05', 'meta')?.events.duplicates).toHaveLength(1);
  });

  it('Meta, 6 Oct: B is the store’s, claimed the day before: gap −50.00, all of it time-zone shift', () => {
    expect(row('2026-10-06', 'meta')).toMatchObject({ billedMinor: 10000, storeOrders: 1, storeNetMinor: 5000, gapMinor: -5000, breakdown: { timeZoneShiftMinor: -5000, residualMinor: 0 } });
  });

  it('Google, 5 Oct: E is the store’s 40.00 against 45.00 claimed; F is not attributable', () => {
    expect(row('2026-10-05', 'google')).toMatchObject({ spendMinor: 3000, platformValueMinor: 4500, storeOrders: 1, storeNetMinor: 4000, gapMinor: 500, breakdown: { residualMinor: 500, duplicatesMinor: 0 } });
    expect(row('2026-10-05', 'not_attributable')).toMatchObject({ storeOrders: 1, storeNetMinor: 2500, gapMinor: null, breakdown: null });
  });
});

describe('spend ↔ billing ↔ cash', () => {
  it('Meta: 120.00 spent − 10.00 credit + 2.00 tax = 112.00 to bill, 150.00 billed; T-1 paid by the 7 Oct debit, T-2 by nothing', () => {
    const meta = report.spendBilling.find((b) => b.platform === 'meta');
    expect(meta).toMatchObject({ spendMinor: 12000, creditsMinor: 1000, taxMinor: 200, expectedBilledMinor: 11200, billedMinor: 15000, unbilledMinor: -3800, cashMinor: 10000, cashWithoutCharge: [] });
    expect(meta?.chargesWithoutCash).toEqual([expect.objectContaining({ date: '2026-10-20', amountMinor: 5000, transactionId: 'T-2' })]);
  });

  it('Google: a card debit with no billing record', () => {
    const google = report.spendBilling.find((b) => b.platform === 'google');
    expect(google).toMatchObject({ spendMinor: 3000, billedMinor: 0, cashMinor: 0 });
    expect(google?.cashWithoutCharge).toEqual([expect.objectContaining({ date: '2026-10-09', amountMinor: 7500 })]);
  });
});

describe('orders ↔ shipments', () => {
  it('by order name: cancelled but shipped, a voided label, unshipped paid orders, an orphan', () => {
    const byName = new Map(report.shipments.problems.map((p) => [p.orderName, p]));
    expect(byName.get('7')?.status).toBe('refunded_or_cancelled_but_shipped');
    expect(byName.get('3')).toMatchObject({ status: 'shipped', voidedLabels: 1, voidedCostMinor: 500, shipments: 1 });
    expect(byName.has('1')).toBe(false);
    // B, E and F are paid and unshipped 14 days before the ledger's last event (20 Oct); D is a test order.
    expect(report.shipments).toMatchObject({ orders: 6, shipped: 3, notShipped: 3, paidNotShippedLate: 3 });
    expect(report.shipments.orphanShipments.map((o) => o.orderNumber)).toEqual(['99']);
  });
});

describe('the exceptions the report deserves (derived, not raised)', () => {
  it('names each code with its class, amount and events, for a closed month', () => {
    const found = growthFindings(report, { closedMonth: true }).map((f) => [f.code, f.class, f.amountMinor, f.note.match(/order ([^\s:]+)/)?.[1] ?? f.note.match(/^(\w+)/)?.[1]]);
    expect(found).toEqual(
      expect.arrayContaining([
        ['BILLED_NOT_SPENT', 'C', 3800, 'meta'],
        ['SPEND_NOT_BILLED', 'B', 3000, 'google'],
        ['CARD_CHARGE_NO_BILLING', 'B', 7500, 'google'],
        ['REFUNDED_BUT_SHIPPED', 'C', 0, '7'],
        ['SHIPPED_NOT_PAID', 'C', 0, '7'],
        ['VOIDED_LABEL_CHARGED', 'C', 500, '3'],
        ['PAID_NOT_SHIPPED', 'B', 0, '2'],
        ['PAID_NOT_SHIPPED', 'B', 0, '5'],
        ['PAID_NOT_SHIPPED', 'B', 0, '6'],
      ]),
    );
    expect(found.filter((f) => f[0] === 'ORPHAN_SHIPMENT')).toHaveLength(1);
    expect(found.filter((f) => f[0] === 'CONVERSIONS_WITHOUT_ORDERS')).toHaveLength(0);
    // An open month's unbilled spend is not yet an exception.
    expect(growthFindings(report, { closedMonth: false }).some((f) => f.code === 'BILLED_NOT_SPENT')).toBe(false);
  });
});

describe('front doors', () => {
  it('the text report shows the rows and the gap breakdown', () => {
    const text = formatGrowth(report);
    expect(text).toMatch(/2026-10-05 {2}meta .* 240\.00/);
    expect(text).toMatch(/gap = refunded\/cancelled 90\.00 \+ test\/draft 30\.00 \+ time-zone shift 50\.00 \+ duplicates 40\.00 \+ attribution window\/view-through 30\.00/);
  });

  it('tieout growth prints JSON and refuses a bad period with exit 2', () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (s: string) => out.push(s), err: (s: string) => err.push(s), interactive: false };
    ws.close();
    expect(runCli(['growth', join(root, 'ws'), '--period', '2026-10', '--format', 'json'], io)).toBe(0);
    expect((JSON.parse(out.join('')) as GrowthReport).rows.length).toBe(31 * 3);
    expect(runCli(['growth', join(root, 'ws'), '--period', '2026-13'], io)).toBe(2);
    expect(err.join('')).toMatch(/not a month/);
  });
});
