// The growth tie-out on a small month computed by hand (handMonth.ts): every figure below is worked out in the comments.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Workspace } from '../../src/main/workspace/workspace.ts';
import { computeGrowth } from '../../src/main/growth/growthReport.ts';
import { formatGrowth } from '../../src/main/growth/growthText.ts';
import type { GrowthReport } from '../../src/shared/growth/growthReport.ts';
import { makeTempDir } from '../support/tempDir.ts';
import { runCli } from '../../src/main/cli/main.ts';
import { importHandMonth } from './handMonth.ts';

const root = makeTempDir('tieout-growth-hand-');
let ws: Workspace;
let report: GrowthReport;

beforeAll(() => {
  ws = importHandMonth(root);
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
    expect(row('2026-10-06', 'meta')).toMatchObject({
      billedMinor: 10000,
      storeOrders: 1,
      storeNetMinor: 5000,
      gapMinor: -5000,
      breakdown: { timeZoneShiftMinor: -5000, residualMinor: 0 },
    });
  });

  it('Google, 5 Oct: E is the store’s 40.00 against 45.00 claimed; F is not attributable', () => {
    expect(row('2026-10-05', 'google')).toMatchObject({
      spendMinor: 3000,
      platformValueMinor: 4500,
      storeOrders: 1,
      storeNetMinor: 4000,
      gapMinor: 500,
      breakdown: { residualMinor: 500, duplicatesMinor: 0 },
    });
    expect(row('2026-10-05', 'not_attributable')).toMatchObject({ storeOrders: 1, storeNetMinor: 2500, gapMinor: null, breakdown: null });
  });
});

describe('spend ↔ billing ↔ cash', () => {
  it('Meta: 120.00 spent − 10.00 credit + 2.00 tax = 112.00 to bill, 150.00 billed; T-1 paid by the 7 Oct debit, T-2 by nothing', () => {
    const meta = report.spendBilling.find((b) => b.platform === 'meta');
    expect(meta).toMatchObject({
      spendMinor: 12000,
      creditsMinor: 1000,
      taxMinor: 200,
      expectedBilledMinor: 11200,
      billedMinor: 15000,
      unbilledMinor: -3800,
      cashMinor: 10000,
      cashWithoutCharge: [],
    });
    expect(meta?.chargesWithoutCash).toEqual([expect.objectContaining({ date: '2026-10-20', amountMinor: 5000, transactionId: 'T-2' })]);
  });

  it('Google: a card debit with no billing record', () => {
    const google = report.spendBilling.find((b) => b.platform === 'google');
    // 30.00 + 12.00 spent in October; its charge of 2 Nov is November's.
    expect(google).toMatchObject({ spendMinor: 4200, billedMinor: 0, cashMinor: 0 });
    expect(google?.cashWithoutCharge).toEqual([expect.objectContaining({ date: '2026-10-09', amountMinor: 7500 })]);
  });
});

describe('orders ↔ shipments', () => {
  it('by order name: cancelled but shipped, a voided label, unshipped paid orders, an orphan', () => {
    const byName = new Map(report.shipments.problems.map((p) => [p.orderName, p]));
    expect(byName.get('7')?.status).toBe('refunded_or_cancelled_but_shipped');
    expect(byName.get('3')).toMatchObject({ status: 'shipped', voidedLabels: 1, voidedCostMinor: 500, shipments: 1 });
    expect(byName.has('1')).toBe(false);
    // B, E and F are paid and unshipped 14 days before the day the shipments export covers (20 Oct); D is a test order.
    expect(report.shipments).toMatchObject({ orders: 6, shipped: 3, notShipped: 3, paidNotShippedLate: 3 });
    expect(report.shipments.asOf?.slice(0, 10)).toBe('2026-10-21');
    expect(report.shipments.orphanShipments.map((o) => o.orderNumber)).toEqual(['99']);
  });
});

describe('front doors', () => {
  it('the text report shows the rows and the gap breakdown', () => {
    const text = formatGrowth(report);
    expect(text).toMatch(/2026-10-05 {2}meta .* 240\.00/);
    expect(text).toMatch(
      /gap = refunded\/cancelled 90\.00 \+ test\/draft 30\.00 \+ time-zone shift 50\.00 \+ duplicates 40\.00 \+ attribution window\/view-through 30\.00/,
    );
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
