// What the app shows of events awaiting a counterpart's feed (DESIGN §5), on a generated month imported as a user
// does: Shopify orders first (every order awaits its payment), then the first weeks of the Stripe report (the
// orders they cover are decided, the later ones still wait on Stripe past its latest row, its payouts on a bank). The summary, the grid (filters, sort, pages, period), one
// event's detail, the dashboard's figures and the export all read the same `awaiting` rows.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { createWorkspace, type Workspace } from '../../src/main/workspace/workspace.ts';
import { importAndReconcile } from '../../src/main/workflows/importAndReconcile.ts';
import { writeMonthFiles, type MonthFiles } from '../../src/main/synthetic/monthFiles.ts';
import { awaitingDetail, awaitingSummary, queryAwaiting } from '../../src/main/review/awaitingQuery.ts';
import { dashboard } from '../../src/main/review/dashboard.ts';
import { exportGridView } from '../../src/main/export/gridExport.ts';
import { reconciliationStatus, formatStatus } from '../../src/main/matching/status.ts';
import { parseRequest, type RequestOf } from '../../src/shared/api/contract.ts';
import { monthPeriod } from '../../src/shared/time/period.ts';
import { makeTempDir } from '../support/tempDir.ts';
import { count } from './reviewDemo.ts';

const TZ = 'UTC';
const NOW = new Date('2026-11-20T12:00:00.000Z');

describe('events awaiting a counterpart feed, as the app shows them', () => {
  const root = makeTempDir('tieout-awaiting-');
  let ws: Workspace;
  let files: MonthFiles;
  const query = (r: Omit<RequestOf<'awaiting.query'>, 'startRow' | 'endRow'> & { startRow?: number; endRow?: number }) =>
    queryAwaiting(ws.db, parseRequest('awaiting.query', { startRow: 0, endRow: 1000, ...r }), TZ);

  beforeAll(() => {
    ws = createWorkspace(join(root, 'books'), { name: 'Waits', reportingCurrency: 'USD', timeZone: TZ });
    files = writeMonthFiles(join(root, 'month'), { orders: 120, seed: 7 });
    importAndReconcile(ws, { source: 'shopify:store', files: [files.shopifyCsv], actor: 'user:test' });
  });
  afterAll(() => ws.close());

  it('holds every order back while no payment source has delivered, saying so, and opens no exception for them', () => {
    const summary = awaitingSummary(ws.db, undefined, TZ);
    const orders = count(ws.db, "SELECT count(*) FROM events WHERE kind = 'order'");
    expect(summary.events).toBe(count(ws.db, 'SELECT count(DISTINCT event_seq) FROM awaiting'));
    const missingPayment = summary.groups.find((g) => g.code === 'MISSING_PAYMENT' && g.kind === 'order');
    expect(missingPayment?.count).toBeGreaterThan(orders * 0.9);
    expect(missingPayment?.waitingOn).toEqual([]);
    expect(missingPayment?.summary).toMatch(/^[\d,]+ orders awaiting payments: no source of payments has delivered yet$/);
    expect(count(ws.db, "SELECT count(*) FROM exceptions WHERE code = 'MISSING_PAYMENT' AND ended_at IS NULL")).toBe(0);
    // Its amount is the orders' own, per currency.
    const sum = count(
      ws.db,
      "SELECT sum(abs(e.amount_minor)) FROM awaiting a JOIN events e ON e.seq = a.event_seq WHERE a.code = 'MISSING_PAYMENT' AND e.kind = 'order'",
    );
    expect(missingPayment?.amount).toEqual([{ amountMinor: sum, currency: 'USD' }]);
  });

  describe('after the first weeks of the Stripe report', () => {
    beforeAll(() => {
      // The report's rows up to Oct 20 (created_utc is its second column), as an export run on that day gives them.
      const [header, ...rows] = readFileSync(files.stripeCsv, 'utf8').trimEnd().split('\n');
      const early = join(root, 'stripe-to-oct-20.csv');
      writeFileSync(early, [header, ...rows.filter((r) => (r.split(',')[1] ?? '') < '2026-10-20')].join('\n') + '\n');
      importAndReconcile(ws, { source: 'stripe:main', files: [early], actor: 'user:test' });
    });

    it('names Stripe and how far it has delivered for the orders still waiting, in the summary, the grid and the status', () => {
      const through = count(ws.db, "SELECT max(occurred_at) FROM events WHERE source = 'stripe:main'") as unknown as string;
      const summary = awaitingSummary(ws.db, undefined, TZ);
      const g = summary.groups.find((x) => x.code === 'MISSING_PAYMENT' && x.kind === 'order');
      expect(g).toBeDefined();
      expect(g?.waitingOn).toEqual([{ source: 'stripe:main', deliveredThrough: new Date(through).toISOString() }]);
      expect(g?.summary).toContain(`awaiting payments: no stripe:main data after ${through.slice(0, 10)}`);
      const rows = query({ filter: { codes: ['MISSING_PAYMENT'] } }).rows;
      expect(rows).toHaveLength(g?.count ?? -1);
      // The payouts of those weeks wait on a bank statement, of which none has been imported.
      expect(summary.groups.find((x) => x.code === 'PAYOUT_NOT_IN_BANK')?.summary).toMatch(
        /payouts? awaiting bank lines: no source of bank lines has delivered yet$/,
      );
      for (const r of rows) {
        expect(r.kind).toBe('order');
        expect(r.reason).toBe(`no stripe:main data after ${through.slice(0, 10)}`);
        // Each waits until Stripe has delivered past its time plus the window: still ahead of what Stripe delivered.
        expect(Date.parse(r.until)).toBeGreaterThan(Date.parse(through));
      }
      const status = reconciliationStatus(ws.db, ws.settings);
      expect(status.events_awaiting).toBe(summary.events);
      expect(formatStatus(status, 'en-US')).toContain(`${g?.summary} (`);
    });

    it('filters by code, kind, waited-on source and text, sorts and pages in SQL', () => {
      const all = query({});
      expect(all.totalRows).toBe(count(ws.db, 'SELECT count(*) FROM awaiting'));
      expect(query({ filter: { waitingOn: 'stripe:main' } }).totalRows).toBe(
        count(ws.db, "SELECT count(*) FROM awaiting WHERE (' ' || waits_on || ' ') LIKE '% stripe:main %'"),
      );
      expect(query({ filter: { waitingOn: 'stripe' } }).totalRows).toBe(0);
      expect(query({ filter: { kinds: ['bank_credit'] } }).totalRows).toBe(0);
      const first = all.rows.find((r) => r.orderRef !== null);
      if (first === undefined) throw new Error('no awaiting order');
      const byOrder = query({ filter: { search: `#${first.orderRef}` } }).rows;
      expect(byOrder.map((r) => r.eventId)).toContain(first.eventId);
      const byAmount = query({ sort: [{ field: 'amountMinor', dir: 'desc' }] }).rows.map((r) => Math.abs(r.amountMinor));
      expect(byAmount).toEqual([...byAmount].sort((a, b) => b - a));
      const byDate = all.rows.map((r) => r.occurredAt);
      expect(byDate).toEqual([...byDate].sort());
      const page = query({ startRow: 1, endRow: 3 });
      expect(page.rows.map((r) => r.eventId)).toEqual(all.rows.slice(1, 3).map((r) => r.eventId));
      expect(page.totalRows).toBe(all.totalRows);
    });

    it('cuts by the review period on the business date', () => {
      const all = query({}).rows;
      const october = query({ period: monthPeriod('2026-10') }).rows;
      const november = query({ period: monthPeriod('2026-11') }).rows;
      expect(october.length + november.length).toBe(all.length);
      for (const r of october) expect(r.businessDate.startsWith('2026-10')).toBe(true);
      expect(awaitingSummary(ws.db, monthPeriod('2026-10'), TZ).events + awaitingSummary(ws.db, monthPeriod('2026-11'), TZ).events).toBe(
        awaitingSummary(ws.db, undefined, TZ).events,
      );
    });

    it('opens one awaiting event with its source line and what it waits for; a decided event is not found', () => {
      const row = query({}).rows[0];
      if (row === undefined) throw new Error('nothing awaits');
      const detail = awaitingDetail(ws.db, row.eventId, TZ);
      expect(detail.event.eventId).toBe(row.eventId);
      expect(detail.event.raw.text.length).toBeGreaterThan(0);
      expect(detail.waits.map((w) => w.code)).toContain(row.code);
      const matched = ws.db
        .prepare("SELECT e.event_id FROM events e WHERE e.kind = 'order' AND e.seq NOT IN (SELECT event_seq FROM awaiting) LIMIT 1")
        .pluck()
        .get() as string;
      expect(() => awaitingDetail(ws.db, matched, TZ)).toThrow(/Awaiting event .* does not exist/);
    });

    it('gives the dashboard the same figures for its period', () => {
      const d = dashboard(ws.db, ws.settings, NOW, monthPeriod('2026-10'));
      expect(d.awaiting).toEqual(awaitingSummary(ws.db, monthPeriod('2026-10'), TZ));
    });

    it('exports the grid as it stands, one line per row', async () => {
      const view = { period: monthPeriod('2026-10'), filter: { codes: ['MISSING_PAYMENT' as const] } };
      const file = await exportGridView(ws.db, parseRequest('export.grid', { grid: 'awaiting', format: 'csv', ...view }), NOW, TZ);
      const rows = query(view).rows;
      expect(file.rows).toBe(rows.length);
      const lines = new TextDecoder()
        .decode(file.bytes)
        .replace(/^\uFEFF/, '')
        .trimEnd()
        .split('\r\n');
      expect(lines[0]).toMatch(/^Business date,Kind,Source,/);
      expect(lines).toHaveLength(rows.length + 1);
      expect(file.fileName).toBe('tieout-awaiting-2026-10.csv');
    });
  });
});
