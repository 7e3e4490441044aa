// The synthetic month's growth side through the real imports and the growth tie-out: every gap the month injected
// (duplicates, test orders, the attribution residual, unbilled spend, missing, voided, short and orphan shipments) is
// found where it was put, and every row's parts add up to its gap.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeMonthFiles, type MonthFiles } from '../../src/main/synthetic/monthFiles.ts';
import { META_TIME_ZONE } from '../../src/main/synthetic/growthMonth.ts';
import { createWorkspace, type Workspace } from '../../src/main/workspace/workspace.ts';
import { importAndReconcile } from '../../src/main/workflows/importAndReconcile.ts';
import { computeGrowth } from '../../src/main/growth/growthReport.ts';
import type { GrowthReport } from '../../src/shared/growth/growthReport.ts';
import { makeTempDir } from '../support/tempDir.ts';

const root = makeTempDir('tieout-growth-month-');
let files: MonthFiles;
let ws: Workspace;
let report: GrowthReport;

beforeAll(() => {
  files = writeMonthFiles(join(root, 'files'), { orders: 900, seed: 5 }, { growth: true });
  ws = createWorkspace(join(root, 'ws'), { reportingCurrency: 'USD', timeZone: 'America/New_York' });
  ws.settings.source_time_zones = { 'meta-ads:demo': META_TIME_ZONE };
  const g = files.growth?.paths;
  if (g === undefined) throw new Error('no growth files');
  const imports: Array<[string, string]> = [
    ['shopify:demo-store', files.shopifyCsv],
    ['stripe:demo', files.stripeCsv],
    ['bank:demo-operating', files.camtPath],
    ['meta-ads:demo', g.metaAds],
    ['meta-ads:demo', g.metaBilling],
    ['google-ads:demo', g.googleAds],
    ['google-ads:demo', g.googleBilling],
    ['shipstation:demo', g.shipstation],
  ];
  for (const [source, file] of imports) {
    const r = importAndReconcile(ws, { source, files: [file], actor: 'user:test' });
    if (r.import.rowsRejected > 0) throw new Error(`${file}: rows rejected`);
  }
  report = computeGrowth(ws.db, ws.settings, { period: '2026-10' });
  return () => ws.close();
}, 120_000);

describe('growth tie-out on the synthetic month', () => {
  it('finds each platform day’s claimed value, duplicates and attribution residual exactly', () => {
    const truth = files.growth?.truth;
    expect(truth?.days.length).toBeGreaterThan(50);
    for (const d of truth?.days ?? []) {
      const row = report.rows.find((r) => r.date === d.date && r.platform === d.platform);
      expect(row, `${d.platform} ${d.date}`).toBeDefined();
      expect(row?.platformValueMinor, `${d.platform} ${d.date} value`).toBe(d.claimedMinor);
      expect(row?.breakdown?.duplicatesMinor, `${d.platform} ${d.date} duplicates`).toBe(d.duplicatesMinor);
      expect(row?.breakdown?.residualMinor, `${d.platform} ${d.date} residual`).toBe(d.residualMinor);
    }
    expect(truth?.days.some((d) => d.platform === 'meta' && d.duplicatesMinor > 0)).toBe(true);
  });

  it('puts the test orders Meta counted in test/draft, and the Los Angeles day in the time-zone shift', () => {
    const truth = files.growth?.truth;
    expect(truth?.metaTestOrders.length).toBeGreaterThan(0);
    for (const t of truth?.metaTestOrders ?? []) {
      const row = report.rows.find((r) => r.date === t.date && r.platform === 'meta');
      expect(row?.breakdown?.testOrDraftMinor, t.date).toBe(t.grossMinor);
    }
    const shifted = report.rows.filter((r) => r.platform === 'meta' && (r.breakdown?.timeZoneShiftMinor ?? 0) !== 0);
    expect(shifted.length).toBeGreaterThan(10);
    // The store and Google share a zone: nothing shifts there.
    expect(report.rows.filter((r) => r.platform === 'google' && (r.breakdown?.timeZoneShiftMinor ?? 0) !== 0)).toEqual([]);
    expect(report.platformTimeZones).toEqual({ google: 'America/New_York', meta: META_TIME_ZONE });
  });

  it('every row’s parts add up to its gap, and orders with no channel are in the not-attributable bucket', () => {
    for (const r of report.rows) {
      if (r.breakdown === null) continue;
      const parts = Object.values(r.breakdown).reduce((s, v) => s + v, 0);
      expect(parts, `${r.platform} ${r.date}`).toBe(r.gapMinor);
    }
    const unattributed = report.rows.filter((r) => r.platform === 'not_attributable').reduce((s, r) => s + r.storeOrders, 0);
    expect(unattributed).toBeGreaterThan(250);
  });

  it('states spend, ad credits and the unbilled month-end remainder per platform', () => {
    for (const b of files.growth?.truth.billing ?? []) {
      const row = report.spendBilling.find((s) => s.platform === b.platform && s.currency === 'USD');
      expect(row, b.platform).toMatchObject({
        spendMinor: b.spendMinor,
        creditsMinor: b.creditsMinor,
        billedMinor: b.billedMinor,
        unbilledMinor: b.unbilledMinor,
      });
      expect(b.unbilledMinor).toBeGreaterThan(0);
    }
  });

  it('finds the missing, voided, short, refunded-but-shipped and orphan shipments', () => {
    const s = files.growth?.truth.shipments;
    if (s === undefined) throw new Error('no truth');
    const tests = new Set(files.growth?.truth.metaTestOrders.flatMap((t) => t.orders));
    const byName = new Map(report.shipments.problems.map((p) => [`#${p.orderName}`, p]));
    const real = (names: string[]): string[] => names.filter((n) => !tests.has(n));
    for (const n of real(s.storeFulfilledNoShipment)) expect(byName.get(n)?.status, n).toBe('store_fulfilled_no_shipment');
    for (const n of real(s.voided)) expect(byName.get(n)?.voidedLabels, n).toBe(1);
    for (const n of real(s.quantityShort)) expect(byName.get(n)?.status, n).toBe('quantity_differs');
    for (const n of real(s.refundedButShipped)) expect(byName.get(n)?.status, n).toBe('refunded_or_cancelled_but_shipped');
    expect(real(s.voided).length + real(s.storeFulfilledNoShipment).length).toBeGreaterThan(5);
    const orphans = report.shipments.orphanShipments;
    expect(
      orphans
        .filter((o) => !o.mangledOrderId)
        .map((o) => `#${o.orderNumber}`)
        .sort(),
    ).toEqual(s.orphans);
    expect(orphans.filter((o) => o.mangledOrderId).map((o) => o.orderNumber)).toEqual(s.mangled);
    // Split parcels are not a problem: the units add up.
    for (const n of real(s.split)) expect(byName.get(n)?.status ?? 'shipped', n).not.toBe('quantity_differs');
  });

  it('reports the campaign-ready share of each day’s revenue tied out to cash', () => {
    const days = report.campaignReady.filter((c) => c.share !== null);
    expect(days.length).toBeGreaterThan(25);
    expect(days.every((c) => (c.share as number) >= 0 && (c.share as number) <= 1)).toBe(true);
    expect(days.filter((c) => (c.share as number) > 0.5).length).toBeGreaterThan(15);
    expect(report.yesterday).toBe('2026-10-31');
  });
});
