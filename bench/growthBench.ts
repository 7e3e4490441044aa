// The demo month's growth side scored against what it injected (growth-truth.json): for each size, `tieout demo`'s
// workspace (createDemoWorkspace: the order-to-cash files and the Meta/Google exports and billing and ShipStation
// shipments, each imported with its run, then a full run), then
//   - the growth exceptions raised against the gaps injected, per code: found, missed, raised beyond them;
//   - the growth report's day × platform rows against each injected day's claim, duplicates and residual, and its
//     test-order part against the Meta test orders;
//   - the time the growth tie-out takes (computeGrowth) and its share of a run (deriveGrowthExceptions).
//   TIEOUT_BENCH_GROWTH_ORDERS=2000,20000 node bench/growthBench.ts     (default 2000,20000; the growth side keeps
//   every order in memory, so it is not run at the 1M-order size)
// Figures are printed as measured; nothing here fails on a target.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDemoWorkspace } from '../src/main/workflows/demoMonth.ts';
import { openWorkspace } from '../src/main/workspace/workspace.ts';
import { reconcile } from '../src/main/matching/engine/engine.ts';
import { computeGrowth } from '../src/main/growth/growthReport.ts';
import { deriveGrowthExceptions } from '../src/main/growth/growthExceptions.ts';
import { JournalWriter } from '../src/main/ledger/journal.ts';
import { DEFAULT_RULE_SET } from '../src/shared/rules/defaultRuleSet.ts';
import type { LedgerDb } from '../src/main/ledger/database.ts';
import type { GrowthTruth } from '../src/main/synthetic/growthMonth.ts';

const sizes = (process.env['TIEOUT_BENCH_GROWTH_ORDERS'] ?? '2000,20000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);

/** The active growth exceptions of a code, by what they are about: an order's name (#1001), a platform, a shipment's order number. */
function raised(db: LedgerDb, code: string): Map<string, number> {
  const kind = code === 'ORPHAN_SHIPMENT' ? 'fulfillment' : code.includes('BILL') ? 'ad_spend' : 'order';
  const rows = db
    .prepare(
      `SELECT x.amount_minor AS amount, (SELECT CASE WHEN e.kind = 'ad_spend' THEN e.channel ELSE coalesce(e.order_ref, json_extract(e.attributes, '$.order_number')) END FROM exception_members xm JOIN events e ON e.seq = xm.event_seq
                 WHERE xm.exception_seq = x.seq AND e.kind = ? LIMIT 1) AS subject
         FROM exceptions x WHERE x.code = ? AND x.ended_at IS NULL`,
    )
    .all(kind, code) as Array<{ amount: number; subject: string | null }>;
  return new Map(
    rows.map((r) => [
      kind === 'ad_spend' ? (r.subject ?? '?') : `#${(r.subject ?? '?').replace(/^#/, '')}`.replace(/^#(\d\.\d+E\+\d+)$/, '$1'),
      r.amount,
    ]),
  );
}

function scoreCode(db: LedgerDb, code: string, injected: readonly string[]): string {
  const found = raised(db, code);
  const want = new Set(injected);
  const hit = [...want].filter((n) => found.has(n));
  const missed = [...want].filter((n) => !found.has(n));
  const extra = [...found.keys()].filter((n) => !want.has(n));
  const list = (names: string[]): string => (names.length === 0 ? '' : ` (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''})`);
  return `${code.padEnd(26)} injected ${String(want.size).padStart(4)}, found ${String(hit.length).padStart(4)}, missed ${missed.length}${list(missed)}, beyond them ${extra.length}${list(extra)}`;
}

function benchSize(orders: number): void {
  const dir = mkdtempSync(join(tmpdir(), 'tieout-growth-bench-'));
  try {
    const t0 = performance.now();
    const demo = createDemoWorkspace(join(dir, 'demo'), { orders, actor: 'system:bench' });
    const demoS = (performance.now() - t0) / 1000;
    const ws = demo.workspace;
    const truth = demo.files.growth?.truth as GrowthTruth;
    const events = ws.db.prepare('SELECT count(*) FROM events').pluck().get() as number;
    console.log(
      `\n${orders.toLocaleString('en-US')}-order demo month: ${events.toLocaleString('en-US')} events, written, imported (8 files, each with its run) and fully reconciled in ${demoS.toFixed(1)} s`,
    );

    // Exceptions: each injected gap against what the growth tie-out raised. Test orders are not store revenue: none is judged.
    const tests = new Set(truth.metaTestOrders.flatMap((t) => t.orders));
    const real = (names: readonly string[]): string[] => names.filter((n) => !tests.has(n));
    const s = truth.shipments;
    console.log('  exceptions against the injected gaps:');
    // An order fully refunded has nothing left to ship (its net is 0): the store marking it fulfilled with no label is
    // not PAID_NOT_SHIPPED. Its refund is read from the order record the Shopify file delivered.
    const refunded = new Set(
      (
        ws.db.prepare("SELECT order_ref FROM events WHERE kind = 'order' AND state = 'refunded' AND order_ref IS NOT NULL").pluck().all() as string[]
      ).map((r) => `#${r}`),
    );
    const lines: Array<[string, string[]]> = [
      ['PAID_NOT_SHIPPED', real([...s.storeFulfilledNoShipment, ...s.paidNotShipped]).filter((n) => !refunded.has(n))],
      ['VOIDED_LABEL_CHARGED', real(s.voided)],
      ['SHIPPED_QUANTITY_MISMATCH', real(s.quantityShort)],
      ['REFUNDED_BUT_SHIPPED', real(s.refundedButShipped)],
      ['ORPHAN_SHIPMENT', [...s.orphans, ...s.mangled]],
      ['SPEND_NOT_BILLED', truth.billing.filter((b) => b.unbilledMinor > 0).map((b) => b.platform)],
      ['BILLED_NOT_SPENT', truth.billing.filter((b) => b.unbilledMinor < 0).map((b) => b.platform)],
    ];
    for (const [code, injected] of lines) console.log(`    ${scoreCode(ws.db, code, injected)}`);
    for (const b of truth.billing) {
      const code = b.unbilledMinor >= 0 ? 'SPEND_NOT_BILLED' : 'BILLED_NOT_SPENT';
      const amount = raised(ws.db, code).get(b.platform);
      console.log(
        `    ${b.platform} unbilled ${b.unbilledMinor} injected, ${code} amount ${amount ?? 'none'}: ${amount === Math.abs(b.unbilledMinor) ? 'exact' : 'DIFFERS'}`,
      );
    }

    // The report: every injected day's claim, duplicates and residual; the Meta test orders in test/draft.
    const t1 = performance.now();
    const report = computeGrowth(ws.db, ws.settings, { period: truth.period });
    const reportS = (performance.now() - t1) / 1000;
    let exact = 0;
    for (const d of truth.days) {
      const row = report.rows.find((r) => r.date === d.date && r.platform === d.platform);
      if (
        row?.platformValueMinor === d.claimedMinor &&
        row.breakdown?.duplicatesMinor === d.duplicatesMinor &&
        row.breakdown.residualMinor === d.residualMinor
      )
        exact++;
    }
    const testsExact = truth.metaTestOrders.filter(
      (t) => report.rows.find((r) => r.date === t.date && r.platform === 'meta')?.breakdown?.testOrDraftMinor === t.grossMinor,
    ).length;
    const adding = report.rows.filter((r) => r.breakdown !== null && Object.values(r.breakdown).reduce((a, v) => a + v, 0) === r.gapMinor).length;
    const withGap = report.rows.filter((r) => r.breakdown !== null).length;
    console.log(
      `  gap breakdown: ${exact}/${truth.days.length} injected platform days exact (claim, duplicates, residual); ${testsExact}/${truth.metaTestOrders.length} ` +
        `days' Meta test orders exact in test/draft; ${adding}/${withGap} rows whose parts add up to their gap`,
    );

    // Cost: the report as the Growth screen asks for it, and the exceptions step every run takes: a full derivation
    // (the first run of a process: a fresh connection), then a run with nothing new (skipped: nothing it reads changed).
    const dirOf = ws.dir;
    ws.close();
    const fresh = openWorkspace(dirOf);
    const stepCtx = (): Parameters<typeof deriveGrowthExceptions>[2] => ({
      actor: 'system:bench',
      now: new Date().toISOString(),
      runId: null,
      journal: new JournalWriter(fresh.db),
      ruleSet: DEFAULT_RULE_SET,
    });
    const t2 = performance.now();
    const step = fresh.db.transaction(() => deriveGrowthExceptions(fresh.db, fresh.settings, stepCtx()))();
    const stepS = (performance.now() - t2) / 1000;
    const t3 = performance.now();
    const again = reconcile(fresh.db, fresh.settings, { mode: 'incremental', actor: 'system:bench' });
    const t4 = performance.now();
    reconcile(fresh.db, fresh.settings, { mode: 'incremental', actor: 'system:bench' });
    const quietS = (performance.now() - t4) / 1000;
    console.log(
      `  growth.report for ${truth.period}: ${(reportS * 1000).toFixed(0)} ms (${report.rows.length} rows); the growth exceptions step, derived in full: ` +
        `${(stepS * 1000).toFixed(0)} ms (opened ${step.opened}, changed ${step.changed}, closed ${step.closed} on a ledger already tied out); an incremental ` +
        `run with nothing new: ${((t4 - t3) / 1000).toFixed(2)} s the first in this process (${again.exceptions_opened} opened), ${quietS.toFixed(3)} s the next`,
    );
    fresh.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`Growth tie-out bench (node ${process.version}, ${new Date().toISOString()})`);
for (const orders of sizes) benchSize(orders);
