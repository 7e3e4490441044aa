// A payout's match and its PAYOUT_MISMATCH are identified by the payout: items arriving after it change their members
// (one row each, recorded in match_member_changes), not their ids.
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/tempDir.ts';
import { reconcile } from '../../src/main/matching/engine/engine.ts';
import { ensureExceptionBusinessTimes } from '../../src/main/review/businessTime.ts';
import { charge, importMonth, newWorkspace, snapshot, type Txn } from './monthBuilder.ts';

const dir = makeTempDir('tieout-payout-members-');
let n = 0;
const payout = (gross: string): Txn => ({
  id: 'txn_poX',
  at: '2026-10-10 02:00:00',
  gross,
  fee: '0.00',
  category: 'payout',
  source: 'po_X',
  po: 'po_X',
  pi: '',
  order: '',
});
const item = (k: number, gross: string, category = 'charge'): Txn => ({
  ...charge(k, gross, `2026-10-0${k} 13:00:00`, { order: '' }),
  po: 'po_X',
  category,
});

describe('a payout that gains items', () => {
  it('keeps its PAYOUT_MISMATCH until the items add up, then one match that a late zero item joins with one row', () => {
    const w = newWorkspace(dir, `p${++n}`);
    importMonth(w, dir, { txns: [payout('-30.00'), item(1, '10.00'), item(2, '10.00')] });
    reconcile(w.db, w.settings, { mode: 'incremental' });
    const mismatch = () =>
      w.db
        .prepare(
          "SELECT exception_id, amount_minor, (SELECT count(*) FROM exception_members xm WHERE xm.exception_seq = x.seq) AS events FROM exceptions x WHERE code = 'PAYOUT_MISMATCH' AND ended_at IS NULL",
        )
        .all();
    const [first] = mismatch() as Array<{ exception_id: string; amount_minor: number; events: number }>;
    expect(first).toMatchObject({ amount_minor: 1000, events: 3 });

    // A third item that still leaves the payout short: the same exception, now four events and 5.00 off.
    importMonth(w, dir, { txns: [item(3, '5.00')] });
    reconcile(w.db, w.settings, { mode: 'incremental' });
    expect(mismatch()).toEqual([{ exception_id: first?.exception_id, amount_minor: 500, events: 4 }]);

    // The last item: the payout nets to its items; the exception ends, one match holds the payout and its four items.
    importMonth(w, dir, { txns: [item(4, '5.00')] });
    reconcile(w.db, w.settings, { mode: 'incremental' });
    expect(mismatch()).toEqual([]);
    const match = () =>
      w.db
        .prepare(
          "SELECT m.seq, m.match_id, (SELECT count(*) FROM match_members mm WHERE mm.match_seq = m.seq) AS members FROM matches m WHERE link = 'payout_items' AND ended_at IS NULL",
        )
        .get() as { seq: number; match_id: string; members: number };
    const before = match();
    expect(before.members).toBe(5);

    // A late zero-amount adjustment naming the payout: it joins the same match, one member row and one change recorded.
    importMonth(w, dir, { txns: [{ ...item(5, '0.00', 'adjustment'), id: 'txn_adj5', source: 'adj_5' }] });
    reconcile(w.db, w.settings, { mode: 'incremental' });
    const after = match();
    expect(after).toMatchObject({ seq: before.seq, match_id: before.match_id, members: 6 });
    expect(w.db.prepare('SELECT change, side FROM match_member_changes WHERE match_seq = ?').all(before.seq)).toEqual([
      { change: 'added', side: 'right' },
    ]);
    expect(w.db.prepare("SELECT count(*) FROM matches WHERE link = 'payout_items'").pluck().get()).toBe(1);

    // A full run finds the same rows: nothing to change.
    const s = snapshot(w);
    const r = reconcile(w.db, w.settings, { mode: 'full' });
    expect([r.matches_created, r.matches_ended, r.exceptions_opened, r.exceptions_closed]).toEqual([0, 0, 0, 0]);
    expect(snapshot(w)).toEqual(s);
    w.close();
  });

  it("moves the mismatch's business time to its earliest event when an earlier item joins it", () => {
    const w = newWorkspace(dir, `p${++n}`);
    importMonth(w, dir, { txns: [payout('-30.00'), item(5, '10.00')] });
    reconcile(w.db, w.settings, { mode: 'incremental' });
    const businessAt = () => {
      ensureExceptionBusinessTimes(w.db);
      return w.db.prepare("SELECT business_at FROM exceptions WHERE code = 'PAYOUT_MISMATCH' AND ended_at IS NULL").pluck().get();
    };
    expect(businessAt()).toBe('2026-10-05T13:00:00Z');

    // An item from Oct 2 naming the payout: the same exception, now dated by that item (the review period counts it there).
    importMonth(w, dir, { txns: [item(2, '5.00')] });
    reconcile(w.db, w.settings, { mode: 'incremental' });
    expect(businessAt()).toBe('2026-10-02T13:00:00Z');
    w.close();
  });
});
