// Watermarks (DESIGN §5): a missing counterpart is awaited while its feed has not delivered past the event's window,
// released when it has, and awaited again when a new source that could hold it appears behind the event.
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/tempDir.ts';
import { reconcile } from '../../src/main/matching/engine/engine.ts';
import { reconciliationStatus } from '../../src/main/matching/status.ts';
import { importFiles } from '../../src/main/import/importFiles.ts';
import { activeCodes, charge, importMonth, newWorkspace, order, shopifyCsv, stripeCsv } from './monthBuilder.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = makeTempDir('tieout-awaiting-');
let n = 0;
const ws = () => newWorkspace(dir, `a${++n}`);
const awaiting = (w: ReturnType<typeof ws>): string[] =>
  w.db
    .prepare(
      "SELECT e.external_id || ' ' || a.code || ' until ' || a.until || ' [' || a.waits_on || ']' FROM awaiting a JOIN events e ON e.seq = a.event_seq ORDER BY 1",
    )
    .pluck()
    .all() as string[];

describe('awaiting a counterpart feed', () => {
  it('orders with no payment feed yet are awaiting: counted in status, never exceptions nor journal entries', () => {
    const w = ws();
    importMonth(w, dir, { orders: [order(1, '10.00', '2026-10-01 09:00:00'), order(2, '12.00', '2026-10-02 09:00:00')] }, { periodEnd: null });
    reconcile(w.db, w.settings, { mode: 'incremental' });
    expect(activeCodes(w)).toEqual([]);
    expect(awaiting(w)).toEqual(['9001 MISSING_PAYMENT until 2026-10-04T13:00:00.000Z []', '9002 MISSING_PAYMENT until 2026-10-05T13:00:00.000Z []']);
    expect(w.db.prepare("SELECT count(*) FROM journal WHERE entry_type LIKE 'exception.%'").pluck().get()).toBe(0);
    const s = reconciliationStatus(w.db, w.settings);
    expect(s).toMatchObject({ awaiting_total: 2, events_awaiting: 2, open_exceptions_total: 0, awaiting_rate: 1 });
    expect(s.awaiting.map((g) => g.summary)).toEqual(['2 orders awaiting payments: no source of payments has delivered yet']);
  });

  it('opens only what the feed has passed; the rest waits, and is released when the feed moves on', () => {
    const w = ws();
    importMonth(
      w,
      dir,
      { orders: [order(1, '10.00', '2026-10-01 09:00:00'), order(2, '12.00', '2026-10-10 09:00:00'), order(3, '13.00', '2026-10-10 10:00:00')] },
      { periodEnd: null },
    );
    // Stripe's export reaches Oct 12: order 1's 3-day window is past, order 2's (Oct 13) is not.
    importMonth(w, dir, { txns: [charge(3, '13.00', '2026-10-12 08:00:00')] }, { periodEnd: null });
    reconcile(w.db, w.settings, { mode: 'incremental' });
    expect(activeCodes(w)).toEqual(['MISSING_PAYMENT']);
    expect(awaiting(w)).toEqual(['9002 MISSING_PAYMENT until 2026-10-13T13:00:00.000Z [stripe:main]']);
    expect(reconciliationStatus(w.db, w.settings).awaiting.map((g) => g.summary)).toEqual([
      '1 order awaiting payments: no stripe:main data after 2026-10-12',
    ]);
    // A later export that has nothing for order 2 releases it: now it is missing.
    importMonth(w, dir, { txns: [charge(77, '1.00', '2026-10-20 08:00:00', { order: '' })] }, { periodEnd: null });
    const r = reconcile(w.db, w.settings, { mode: 'incremental' });
    expect(r.owed).toMatchObject({ new_events: 1, released: 1 });
    expect(activeCodes(w)).toEqual(['MISSING_PAYMENT', 'MISSING_PAYMENT']);
    // The stray charge in turn waits for the store's orders, which reach only Oct 10.
    expect(awaiting(w)).toEqual(['txn_c77 MISSING_ORDER until 2026-10-21T08:00:00.000Z [shopify:store]']);
  });

  it('a file stating its period (--period-end) counts to the end of that day', () => {
    const w = ws();
    importMonth(w, dir, { orders: [order(1, '10.00', '2026-10-28 09:00:00')], txns: [] }, { periodEnd: null });
    reconcile(w.db, w.settings, { mode: 'incremental' });
    expect(awaiting(w)).toHaveLength(1);
    importMonth(w, dir, { txns: [] }, { periodEnd: '2026-10-31' });
    reconcile(w.db, w.settings, { mode: 'incremental' });
    expect(awaiting(w)).toEqual([]);
    expect(activeCodes(w)).toEqual(['MISSING_PAYMENT']);
  });

  it('a newly delivering source that could hold the counterpart, behind the event, makes it wait again', () => {
    const w = ws();
    importMonth(
      w,
      dir,
      { orders: [order(1, '10.00', '2026-10-05 09:00:00')], txns: [charge(77, '1.00', '2026-10-20 08:00:00', { order: '' })] },
      { periodEnd: '2026-10-31' },
    );
    reconcile(w.db, w.settings, { mode: 'incremental' });
    expect(activeCodes(w)).toEqual(['MISSING_ORDER', 'MISSING_PAYMENT']);
    // A PayPal download that ends on Oct 3: the order's payment could still be in PayPal's later data.
    const paypal = join(dir, `paypal-${n}.csv`);
    writeFileSync(
      paypal,
      '"Date","Time","TimeZone","Name","Type","Status","Currency","Gross","Fee","Net","Transaction ID","Reference Txn ID","Balance"\n"10/03/2026","10:00:00","UTC","Ann","Express Checkout Payment","Completed","USD","5.00","0.00","5.00","PP1","","5.00"\n',
    );
    importFiles(w.db, w.settings, { source: 'paypal:main', files: [paypal], actor: 'user:test' });
    const r = reconcile(w.db, w.settings, { mode: 'incremental' });
    expect(r.owed?.reconsidered).toBeGreaterThan(0);
    expect(activeCodes(w)).toEqual(['MISSING_ORDER', 'MISSING_ORDER']);
    expect(awaiting(w)).toEqual(['9001 MISSING_PAYMENT until 2026-10-08T13:00:00.000Z [paypal:main stripe:main]']);
  });

  it('shopifyCsv and stripeCsv helpers stay importable as files with no rows', () => {
    expect(shopifyCsv([]).split('\n')[0]).toContain('Financial Status');
    expect(stripeCsv([]).split('\n')[0]).toContain('balance_transaction_id');
  });
});
