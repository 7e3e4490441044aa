// Dashboard, import history and the rule set in force over a real reconciled month.
import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { dashboard } from '../../src/main/review/dashboard.ts';
import { importHistory } from '../../src/main/review/importHistory.ts';
import { ruleSetInForce } from '../../src/main/matching/engine/ruleSetInForce.ts';
import { reconciliationStatus } from '../../src/main/matching/status.ts';
import { reconcile } from '../../src/main/matching/engine/engine.ts';
import { createWorkspace } from '../../src/main/workspace/workspace.ts';
import { DEFAULT_RULE_SET } from '../../src/shared/rules/defaultRuleSet.ts';
import { DashboardSchema, ImportBatchSchema } from '../../src/shared/api/contract.ts';
import type { WorkspaceSettings } from '../../src/shared/workspace/settings.ts';
import { useDemo, count } from './reviewDemo.ts';

const demo = useDemo('tieout-review-dashboard-');
const db = () => demo.current.workspace.db;
const DAY = 86_400_000;

describe('dashboard.get', () => {
  it('carries reconciliationStatus’s figures unchanged over the whole ledger (no period)', () => {
    const now = new Date('2026-12-01T00:00:00.000Z');
    const d = DashboardSchema.parse(dashboard(db(), demo.current.workspace.settings, now, null));
    const s = reconciliationStatus(db(), demo.current.workspace.settings);
    expect(d).toMatchObject({
      asOf: now.toISOString(),
      reportingCurrency: 'USD',
      eventsTotal: s.events_total,
      eventsMatchable: s.events_matchable,
      eventsMatched: s.events_matched,
      unmatchedRate: s.unmatched_rate,
      decisionsTotal: s.decisions_total,
      decisionsAutoResolved: s.decisions_auto_resolved,
      autoResolveRate: s.auto_resolve_rate,
      openExceptionsTotal: s.open_exceptions_total,
      lastRun: { runId: s.last_run?.run_id, mode: 'full', ruleSetId: 'default', ruleVersion: 4, finishedAt: s.last_run?.finished_at },
    });
    expect(d.openByCodeAndClass).toEqual(
      s.open_exceptions_by_code_and_class.map((g) => ({
        code: g.code,
        class: g.class,
        count: g.count,
        atStake: Object.entries(g.amount_minor_by_currency).map(([currency, amountMinor]) => ({ amountMinor, currency })),
      })),
    );
    expect(d.valueAtStake).toEqual(Object.entries(s.value_at_stake).map(([currency, amountMinor]) => ({ amountMinor, currency })));
    expect(d.sources.map((x) => [x.source, x.lastImportAt, x.lastEventAt, x.events])).toEqual(
      s.last_import_by_source.map((x) => [x.source, x.last_import_at, x.last_event_at, x.events]),
    );
    expect(d.openExceptionsTotal).toBeGreaterThan(5);
  });

  it('counts matchable and matched events per kind, adding up to the totals', () => {
    const d = dashboard(db(), demo.current.workspace.settings, new Date(), null);
    expect(d.matchedByKind.map((k) => k.kind)).toEqual(['order', 'payment', 'refund', 'dispute', 'fee', 'payout', 'bank_credit', 'bank_debit']);
    expect(d.matchedByKind.reduce((n, k) => n + k.matchable, 0)).toBe(d.eventsMatchable);
    expect(d.matchedByKind.reduce((n, k) => n + k.matched, 0)).toBe(d.eventsMatched);
    const orders = d.matchedByKind.find((k) => k.kind === 'order');
    expect(orders).toEqual({
      kind: 'order',
      matchable: count(db(), "SELECT count(*) FROM events WHERE kind = 'order'"),
      matched: count(
        db(),
        `SELECT count(DISTINCT me.event_id) FROM match_event_ids me JOIN matches m USING (match_id) JOIN events e USING (event_id)
         WHERE e.kind = 'order' AND m.ended_at IS NULL`,
      ),
    });
    expect(orders?.matched).toBe(199);
  });

  it('gives the oldest open exception and the open exceptions by age, both counted from the business time', () => {
    dashboard(db(), demo.current.workspace.settings, new Date(), null); // fills the business times
    const open = db()
      .prepare(
        `SELECT exception_id, code, business_at, created_at FROM exceptions WHERE ended_at IS NULL AND state IN ('open', 'in_remediation', 'assigned', 'reopened')
         ORDER BY business_at, exception_id`,
      )
      .all() as Array<{ exception_id: string; code: string; business_at: string; created_at: string }>;
    const oldest = open[0] as (typeof open)[number];
    const newest = open[open.length - 1] as (typeof open)[number];
    // The demo's exceptions were all raised in one run, seconds ago; their business times span the month.
    expect(Date.parse(newest.business_at) - Date.parse(oldest.business_at)).toBeGreaterThan(10 * DAY);
    // now = exactly 3 days after the oldest business time: it is 3 days old, so in 3–7d; anything later is younger.
    const now = new Date(Date.parse(oldest.business_at) + 3 * DAY);
    const d = dashboard(db(), demo.current.workspace.settings, now, null);
    expect(d.oldestOpen).toEqual({
      exceptionId: oldest.exception_id,
      code: oldest.code,
      businessAt: oldest.business_at,
      businessDate: expect.stringMatching(/^2026-\d\d-\d\d$/) as unknown as string,
      createdAt: oldest.created_at,
      ageDays: 3,
    });
    const age = (x: (typeof open)[number]) => (now.getTime() - Date.parse(x.business_at)) / DAY;
    const inBucket = (from: number, to: number) => open.filter((x) => Math.max(0, age(x)) >= from && Math.max(0, age(x)) < to).length;
    expect(d.openByAge).toEqual([
      { bucket: '<1d', fromDays: 0, toDays: 1, count: inBucket(0, 1) },
      { bucket: '1–3d', fromDays: 1, toDays: 3, count: inBucket(1, 3) },
      { bucket: '3–7d', fromDays: 3, toDays: 7, count: inBucket(3, 7) },
      { bucket: '7–30d', fromDays: 7, toDays: 30, count: 0 },
      { bucket: '>30d', fromDays: 30, toDays: null, count: 0 },
    ]);
    expect(inBucket(3, 7)).toBeGreaterThan(0);
    expect(d.openByAge.reduce((n, b) => n + b.count, 0)).toBe(open.length);
    const later = dashboard(db(), demo.current.workspace.settings, new Date(Date.parse(newest.business_at) + 45 * DAY), null);
    expect(later.openByAge.map((b) => b.count)).toEqual([0, 0, 0, 0, open.length]);
  });

  it('gives each source its declared cadence and whether its feed is missing', () => {
    const settings: WorkspaceSettings = {
      ...demo.current.workspace.settings,
      feeds: { 'shopify:demo-store': { expected_every_hours: 24 }, 'bank:demo-operating': { expected_every_hours: 72 } },
    };
    // The bank's last line is the ledger's as-of time; Shopify's last order is ten days older: FEED_MISSING.
    reconcile(db(), settings, { mode: 'incremental', newEventIds: [] });
    const d = dashboard(db(), settings, new Date(), null);
    expect(d.sources.map((s) => [s.source, s.expectedEveryHours, s.feedMissing])).toEqual([
      ['bank:demo-operating', 72, false],
      ['google-ads:demo', null, false],
      ['meta-ads:demo', null, false],
      ['shipstation:demo', null, false],
      ['shopify:demo-store', 24, true],
      ['stripe:demo', null, false],
    ]);
  });
});

describe('imports.history', () => {
  it('lists the batches newest first, as stored, up to the limit', () => {
    const all = importHistory(db(), 200);
    // The demo month's growth side is imported after its order-to-cash files.
    expect(all.map((b) => b.fileName)).toEqual([
      'shipstation-shipments.csv',
      'google-ads-billing.csv',
      'google-ads-report.csv',
      'meta-billing.csv',
      'meta-ads-export.csv',
      'bank.camt053.xml',
      'stripe-balance.csv',
      'shopify-orders.csv',
    ]);
    for (const b of all) {
      ImportBatchSchema.parse(b);
      const row = db().prepare('SELECT * FROM import_batches WHERE batch_id = ?').get(b.batchId) as Record<string, unknown>;
      expect(b).toEqual({
        batchId: row.batch_id,
        source: row.source,
        format: row.format,
        fileName: row.file_name,
        startedAt: row.started_at,
        finishedAt: row.finished_at,
        rowsRead: row.rows_read,
        eventsCreated: row.events_created,
        duplicatesSkipped: row.duplicates_skipped,
        rowsRejected: row.rows_rejected,
        actor: row.actor,
      });
    }
    expect(importHistory(db(), 2)).toEqual(all.slice(0, 2));
  });
});

describe('rule set in force', () => {
  it('is the stored version of the latest run, and this build’s default before any run or after a default run', () => {
    expect(ruleSetInForce(db())).toEqual(DEFAULT_RULE_SET);
    const ws = createWorkspace(join(demo.root, 'rules'), { name: 'Rules' });
    try {
      expect(ruleSetInForce(ws.db)).toEqual(DEFAULT_RULE_SET);
      const custom = {
        ...DEFAULT_RULE_SET,
        rule_set_id: 'tighter',
        version: 41,
        name: 'Tighter bank window',
        rules: DEFAULT_RULE_SET.rules.slice(0, 3),
      };
      reconcile(ws.db, ws.settings, { mode: 'full', ruleSet: custom });
      expect(ruleSetInForce(ws.db)).toEqual(custom);
      // A run that names no rule set keeps the custom one in force …
      const again = reconcile(ws.db, ws.settings, { mode: 'full' });
      expect(ws.db.prepare('SELECT rule_set_id, rule_version FROM recon_runs WHERE run_id = ?').get(again.run_id)).toEqual({
        rule_set_id: 'tighter',
        rule_version: 41,
      });
      // … and an older version of the default is read as this build's default (a newer build's default takes over).
      const olderDefault = { ...DEFAULT_RULE_SET, version: DEFAULT_RULE_SET.version - 1 };
      reconcile(ws.db, ws.settings, { mode: 'full', ruleSet: olderDefault });
      expect(ruleSetInForce(ws.db)).toEqual(DEFAULT_RULE_SET);
    } finally {
      ws.close();
    }
  });
});
