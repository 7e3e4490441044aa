// A record delivered again with other figures is a new revision: only the latest takes part in matching, the earlier
// one's matches and exceptions end (DESIGN §3), in an incremental run as in a full one.
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/tempDir.ts';
import { reconcile } from '../../src/main/matching/engine/engine.ts';
import { charge, importMonth, newWorkspace, order, snapshot } from './monthBuilder.ts';

const dir = makeTempDir('tieout-revisions-');
let n = 0;

function month(w: ReturnType<typeof newWorkspace>, incremental: boolean): void {
  const run = (): void => void reconcile(w.db, w.settings, { mode: incremental ? 'incremental' : 'full' });
  importMonth(w, dir, {
    orders: [order(1, '40.00', '2026-10-01 09:00:00'), order(2, '25.00', '2026-10-02 09:00:00')],
    txns: [
      charge(1, '40.00', '2026-10-01 13:00:05'),
      { ...charge(1, '-15.00', '2026-10-04 10:00:00'), id: 'txn_r1', category: 'refund', source: 're_1' },
      charge(2, '25.00', '2026-10-02 13:00:00'),
    ],
  });
  if (incremental) run();
  // A later export of the store: order #1 now shows the refund (a new revision of the same order).
  importMonth(w, dir, { orders: [order(1, '40.00', '2026-10-01 09:00:00', { status: 'partially_refunded', refunded: '15.00' })] });
  run();
}

describe('revisions', () => {
  it('the later revision of an order replaces the earlier in every match, and the REFUND_UNMATCHED the earlier raised ends', () => {
    const w = newWorkspace(dir, `r${++n}`);
    importMonth(w, dir, {
      orders: [order(1, '40.00', '2026-10-01 09:00:00')],
      txns: [
        charge(1, '40.00', '2026-10-01 13:00:05'),
        { ...charge(1, '-15.00', '2026-10-04 10:00:00'), id: 'txn_r1', category: 'refund', source: 're_1' },
      ],
    });
    reconcile(w.db, w.settings, { mode: 'incremental' });
    const codes = () => w.db.prepare('SELECT code FROM exceptions WHERE ended_at IS NULL ORDER BY code').pluck().all();
    expect(codes()).toEqual(['REFUND_UNMATCHED']);
    importMonth(w, dir, { orders: [order(1, '40.00', '2026-10-01 09:00:00', { status: 'partially_refunded', refunded: '15.00' })] });
    reconcile(w.db, w.settings, { mode: 'incremental' });
    expect(w.db.prepare("SELECT count(*) FROM events WHERE kind = 'order'").pluck().get()).toBe(2);
    expect(w.db.prepare('SELECT count(*) FROM superseded_events').pluck().get()).toBe(1);
    expect(codes()).toEqual([]);
    const orderMatches = w.db
      .prepare(
        `SELECT m.link, e.state FROM matches m JOIN match_members mm ON mm.match_seq = m.seq JOIN events e ON e.seq = mm.event_seq
         WHERE m.ended_at IS NULL AND e.kind = 'order' ORDER BY m.link`,
      )
      .all();
    expect(orderMatches).toEqual([
      { link: 'order_payment', state: 'partially_refunded' },
      { link: 'order_refund', state: 'partially_refunded' },
    ]);
    w.close();
  });

  it('incremental runs after each file end where one full run ends', () => {
    const a = newWorkspace(dir, `r${++n}`);
    month(a, true);
    const b = newWorkspace(dir, `r${++n}`);
    month(b, false);
    expect(snapshot(a)).toEqual(snapshot(b));
    a.close();
    b.close();
  });
});
