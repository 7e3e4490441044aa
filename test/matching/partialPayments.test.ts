// partial_payments: the bounded subset search among the payments sharing an order's key (fewest items, then score,
// ties → AMBIGUOUS_MATCH, the rest stay free), through the real pipeline and the pure computeOutcome().
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { makeTempDir } from '../support/tempDir.ts';
import { reconcile } from '../../src/main/matching/engine/engine.ts';
import { explain } from '../../src/main/matching/engine/explain.ts';
import {
  activeCodes,
  activeExceptionLines,
  activeMatchLines,
  charge,
  importMonth,
  newWorkspace,
  order,
  snapshot,
  type MonthFiles,
  type Txn,
} from './monthBuilder.ts';
import { ev, exceptionsOf, explanationOf, matchesOf, run, ruleSetOf } from './mevent.ts';

const dir = makeTempDir('tieout-partial-');
let n = 0;
const ws = () => newWorkspace(dir, `p${++n}`);
type W = ReturnType<typeof ws>;

const matchRows = (w: W): string[] => activeMatchLines(w, "m.rule_id || ' ' || m.status");
const exceptionRows = (w: W): string[] => activeExceptionLines(w, "x.code || ' ' || x.amount_minor");

/** Order #1 (30.00) paid in two instalments, plus a stray third charge naming the same order and payment intent. */
const twoOfThree: MonthFiles = {
  orders: [order(1, '30.00', '2026-10-01 09:00:00')],
  txns: [
    charge(1, '10.00', '2026-10-01 13:00:05'),
    charge(1, '20.00', '2026-10-02 13:00:05', { id: 'txn_p2', source: 'ch_p2' }),
    charge(1, '7.50', '2026-10-02 15:00:05', { id: 'txn_stray', source: 'ch_stray' }),
  ],
};

describe('partial payments: subset search among the key-sharing payments', () => {
  it('2 of 3 key-sharing payments sum to the order: a match with those two; the third stays free (MISSING_ORDER)', () => {
    const w = ws();
    importMonth(w, dir, twoOfThree);
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(matchRows(w)).toEqual(['order-payment.partial matched: 9001 txn_c1 txn_p2']);
    expect(exceptionRows(w)).toEqual(['MISSING_ORDER 750: txn_stray']);
    const id = w.db.prepare('SELECT match_id FROM matches').pluck().get() as string;
    const e = explain(w.db, id).items[0]?.explanation;
    expect(e?.summary).toMatch(
      /^2 of 3 partial payments sharing the order's key sum to it \(delta 0; subset search over 3 candidates\); left out: txn_stray$/,
    );
    expect(e?.amount_delta_minor).toBe(0);
  });

  it('the same month imported in batches, reconciled incrementally, ends where the full run does', () => {
    const full = ws();
    importMonth(full, dir, twoOfThree);
    reconcile(full.db, full.settings, { mode: 'full' });
    for (const order3 of [
      [2, 0, 1],
      [0, 2, 1],
      [1, 2, 0],
    ]) {
      const w = ws();
      reconcile(w.db, w.settings, { mode: 'incremental', newEventIds: importMonth(w, dir, { orders: twoOfThree.orders ?? [] }) });
      for (const i of order3) {
        const t = (twoOfThree.txns ?? [])[i];
        if (t !== undefined) reconcile(w.db, w.settings, { mode: 'incremental', newEventIds: importMonth(w, dir, { txns: [t] }) });
      }
      expect(snapshot(w)).toEqual(snapshot(full));
    }
  });

  it('two different sets of the same size that fit equally well: AMBIGUOUS_MATCH over the order and every payment in them', () => {
    const w = ws();
    importMonth(w, dir, {
      orders: [order(1, '30.00', '2026-10-01 09:00:00')],
      txns: [
        charge(1, '10.00', '2026-10-01 13:00:05'),
        charge(1, '20.00', '2026-10-02 13:00:05', { id: 'txn_p2', source: 'ch_p2' }),
        // A retried charge of the second instalment one minute later: {10, 20} twice, not a coin flip.
        charge(1, '20.00', '2026-10-02 13:01:05', { id: 'txn_p2b', source: 'ch_p2b' }),
      ],
    });
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(matchRows(w)).toEqual([]);
    expect(exceptionRows(w)).toEqual(['AMBIGUOUS_MATCH 3000: 9001 txn_c1 txn_p2 txn_p2b']);
    const x = w.db.prepare("SELECT exception_id FROM exceptions WHERE code = 'AMBIGUOUS_MATCH'").pluck().get() as string;
    const e = explain(w.db, x).items[0]?.explanation;
    expect(e?.summary).toMatch(/^2 sets of 2 partial payments sharing the order's key each sum to it within the tie margin \(0\.05\); not guessing/);
    expect(e?.runners_up.map((r) => r.reason)).toEqual(['tied', 'tied', 'tied']);
  });

  it('fewest payments first: a pair beats a triple that also sums to the order', () => {
    const s = run(
      [
        ev('o', 'order', 3000, 0, { orderRef: '1' }),
        ev('p10', 'payment', 1000, 1, { orderRef: '1' }),
        ev('p20', 'payment', 2000, 2, { orderRef: '1' }),
        ev('p05', 'payment', 500, 3, { orderRef: '1' }),
        ev('p15', 'payment', 1500, 4, { orderRef: '1' }),
      ],
      ruleSetOf(['order-payment.partial']),
    );
    expect(matchesOf(s)).toEqual(['order-payment.partial: o | p10,p20']);
    expect(exceptionsOf(s)).toEqual(['MISSING_ORDER: p05', 'MISSING_ORDER: p15']);
  });

  it('same size, scores apart by more than the tie margin: the set closer in time wins, the other set is its runner-up', () => {
    const s = run(
      [
        ev('o', 'order', 3000, 0, { orderRef: '1' }),
        ev('p10', 'payment', 1000, 1, { orderRef: '1' }),
        ev('p20near', 'payment', 2000, 2, { orderRef: '1' }),
        ev('p20far', 'payment', 2000, 20 * 24, { orderRef: '1' }),
      ],
      ruleSetOf(['order-payment.partial']),
    );
    expect(matchesOf(s)).toEqual(['order-payment.partial: o | p10,p20near']);
    expect(exceptionsOf(s)).toEqual(['MISSING_ORDER: p20far']);
    const ex = explanationOf(s.matches[0]);
    expect(ex?.runners_up).toEqual([{ event_id: 'p20far', score: expect.any(Number), reason: 'lower score' }]);
    expect((ex?.score ?? 0) - (ex?.runners_up[0]?.score ?? 1)).toBeGreaterThan(0.05);
  });

  it('a set within rounding is a match with ROUNDING_DIFF of the delta', () => {
    const s = run(
      [
        ev('o', 'order', 3000, 0, { orderRef: '1' }),
        ev('a', 'payment', 1000, 1, { orderRef: '1' }),
        ev('b', 'payment', 2001, 2, { orderRef: '1' }),
        ev('c', 'payment', 999, 3, { orderRef: '1' }),
      ],
      ruleSetOf(['order-payment.partial']),
    );
    // {a, b} is 1 over, {b, c} exact: the exact set scores higher by 0.1 (A = 1 vs 1 − 1/3 at weight 0.3).
    expect(matchesOf(s)).toEqual(['order-payment.partial: o | b,c']);
    const s2 = run(
      [ev('o', 'order', 3000, 0, { orderRef: '1' }), ev('a', 'payment', 1000, 1, { orderRef: '1' }), ev('b', 'payment', 2001, 2, { orderRef: '1' })],
      ruleSetOf(['order-payment.partial']),
    );
    expect(matchesOf(s2)).toEqual(['order-payment.partial: o | a,b']);
    expect(s2.matches[0]?.status).toBe('auto_resolved');
    expect(s2.exceptions.map((x) => `${x.code} ${x.amount}`)).toEqual(['ROUNDING_DIFF 1']);
  });

  describe('the bound: subset_sum_max_candidates nearest in time, subsets of at most subset_sum_max_items', () => {
    const bounded = ruleSetOf(['order-payment.partial'], { subset_sum_max_items: 2, subset_sum_max_candidates: 3 });

    it('a payment beyond the nearest subset_sum_max_candidates is not considered: no match although it would complete a pair', () => {
      const events = [
        ev('o', 'order', 3000, 0, { orderRef: '1' }),
        ev('a10', 'payment', 1000, 1, { orderRef: '1' }),
        ev('b05', 'payment', 500, 2, { orderRef: '1' }),
        ev('c06', 'payment', 600, 3, { orderRef: '1' }),
        ev('d20', 'payment', 2000, 5 * 24, { orderRef: '1' }),
      ];
      const s = run(events, bounded);
      expect(matchesOf(s)).toEqual([]);
      expect(exceptionsOf(s)).toEqual(['MISSING_ORDER: a10', 'MISSING_ORDER: b05', 'MISSING_ORDER: c06', 'MISSING_ORDER: d20', 'MISSING_PAYMENT: o']);
      // With room for four candidates the same payments pair a10 + d20.
      const wider = ruleSetOf(['order-payment.partial'], { subset_sum_max_items: 2, subset_sum_max_candidates: 4 });
      expect(matchesOf(run(events, wider))).toEqual(['order-payment.partial: o | a10,d20']);
    });

    it('more payments than subset_sum_max_items that only all together pay the order: all of them, as before the subset search', () => {
      const parts = [1000, 500, 600, 900].map((a, i) => ev(`p${i}`, 'payment', a, i + 1, { orderRef: '1' }));
      const s = run([ev('o', 'order', 3000, 0, { orderRef: '1' }), ...parts], bounded);
      expect(matchesOf(s)).toEqual(['order-payment.partial: o | p0,p1,p2,p3']);
      expect(explanationOf(s.matches[0])?.summary).toBe(
        "4 of 4 partial payments sharing the order's key sum to it (delta 0; all 4 candidates together; no set of at most 2 among the 3 nearest fits)",
      );
      expect(exceptionsOf(s)).toEqual([]);
    });

    it('with the default bound (5 of 20) an order paid in six equal instalments still matches all six', () => {
      const parts = Array.from({ length: 6 }, (_, i) => ev(`p${i}`, 'payment', 500, (i + 1) * 24, { orderRef: '1' }));
      const s = run([ev('o', 'order', 3000, 0, { orderRef: '1' }), ...parts], ruleSetOf(['order-payment.partial']));
      expect(matchesOf(s)).toEqual(['order-payment.partial: o | p0,p1,p2,p3,p4,p5']);
    });

    it('the bound is per order: 25 key-sharing payments, the pair among the 20 nearest is found', () => {
      const parts = Array.from({ length: 25 }, (_, i) => ev(`p${String(i).padStart(2, '0')}`, 'payment', 101 + i, i + 1, { orderRef: '1' }));
      const pay = [ev('q1', 'payment', 1000, 0.5, { orderRef: '1' }), ev('q2', 'payment', 2000, 0.75, { orderRef: '1' })];
      const s = run([ev('o', 'order', 3000, 0, { orderRef: '1' }), ...parts, ...pay], ruleSetOf(['order-payment.partial']));
      expect(matchesOf(s)).toEqual(['order-payment.partial: o | q1,q2']);
      expect(explanationOf(s.matches[0])?.summary).toMatch(/subset search over 20 candidates \(the 7 farthest in time not considered\)/);
    });
  });

  it('a payment outside the window or in another currency is no candidate', () => {
    const s = run(
      [
        ev('o', 'order', 3000, 0, { orderRef: '1' }),
        ev('a', 'payment', 1000, 1, { orderRef: '1' }),
        ev('late', 'payment', 2000, 31 * 24, { orderRef: '1' }),
        ev('eur', 'payment', 2000, 2, { orderRef: '1', currency: 'EUR' }),
      ],
      ruleSetOf(['order-payment.partial']),
    );
    expect(matchesOf(s)).toEqual([]);
    expect(exceptionsOf(s)).toEqual(['MISSING_ORDER: a', 'MISSING_ORDER: eur', 'MISSING_ORDER: late', 'MISSING_PAYMENT: o']);
  });

  it('the default rule set: exact key first, then the partial subset; the exact-key AMOUNT_MISMATCH is not raised once the order is matched', () => {
    const w = ws();
    importMonth(w, dir, {
      orders: [order(1, '30.00', '2026-10-01 09:00:00'), order(2, '15.00', '2026-10-01 09:00:00')],
      txns: [
        charge(1, '10.00', '2026-10-01 13:00:05'),
        charge(1, '20.00', '2026-10-02 13:00:05', { id: 'txn_p2', source: 'ch_p2' }),
        charge(1, '4.00', '2026-10-02 13:30:05', { id: 'txn_p3', source: 'ch_p3' }),
        charge(2, '15.00', '2026-10-01 13:00:05'),
      ],
    });
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(matchRows(w)).toEqual(['order-payment.exact-key matched: 9002 txn_c2', 'order-payment.partial matched: 9001 txn_c1 txn_p2']);
    expect(activeCodes(w)).toEqual(['MISSING_ORDER']);
  });
});

/** Random small months of instalments, stray and retried charges, and unkeyed same-amount charges told apart (or not) by e-mail. */
const monthArb = fc
  .array(
    fc.record({
      cents: fc.integer({ min: 300, max: 900 }),
      day: fc.integer({ min: 1, max: 8 }),
      plan: fc.constantFrom('split', 'splitStray', 'retry', 'six', 'tie', 'none'),
      email: fc.constantFrom('ana.lopez@example.com', 'ana.lopes@example.com', 'zed@other.org', 'john@gmail.com'),
      mine: fc.constantFrom('ana.lopez@example.com', 'john@gmail.com', 'kim@else.net', ''),
      other: fc.constantFrom('ana.lopez@example.com', 'zed@other.org', 'joan@gmail.com', ''),
    }),
    { minLength: 1, maxLength: 5 },
  )
  .map((list): MonthFiles => {
    const d = (day: number, h: string): string => `2026-10-${String(day).padStart(2, '0')} ${h}`;
    const money = (c: number): string => (c / 100).toFixed(2);
    const orders = list.map((o, i) =>
      order(200 + i, money(o.cents), d(o.day, '09:00:00'), { email: o.email, ...(o.plan === 'tie' ? { ref: '' } : {}) }),
    );
    const txns: Txn[] = [];
    list.forEach((o, i) => {
      const k = 200 + i;
      const part = (j: number, cents: number, day: number, extra: Partial<Txn> = {}): void => {
        txns.push(charge(k, money(cents), d(day, `1${j}:00:00`), { id: `txn_${k}_${j}`, source: `ch_${k}_${j}`, ...extra }));
      };
      const first = Math.floor(o.cents / 3);
      if (o.plan === 'split' || o.plan === 'splitStray' || o.plan === 'retry') {
        part(0, first, o.day);
        part(1, o.cents - first, o.day + 1);
        if (o.plan === 'splitStray') part(2, 123, o.day + 1);
        if (o.plan === 'retry') part(3, o.cents - first, o.day + 1);
      }
      if (o.plan === 'six')
        for (let j = 0; j < 6; j++) part(j, j < 5 ? Math.floor(o.cents / 6) : o.cents - 5 * Math.floor(o.cents / 6), o.day + Math.floor(j / 3));
      if (o.plan === 'tie') {
        part(0, o.cents, o.day, { pi: '', order: '', email: o.mine });
        part(1, o.cents, o.day, { pi: '', order: '', email: o.other });
      }
    });
    return { orders, txns };
  });

describe('incremental = full with subset search and fuzzy tie-breaks (property)', () => {
  it('any split into batches, reconciled incrementally, gives the full run’s matches and exceptions', () => {
    fc.assert(
      fc.property(monthArb, fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 8 }), (month, assign) => {
        const full = ws();
        importMonth(full, dir, month);
        reconcile(full.db, full.settings, { mode: 'full' });
        const inc = ws();
        const parts: MonthFiles[] = [0, 1, 2].map(() => ({ orders: [], txns: [] }));
        (month.orders ?? []).forEach((o, i) => ((parts[(assign[i % assign.length] ?? 0) % 3] as MonthFiles).orders ??= []).push(o));
        (month.txns ?? []).forEach((t, i) => ((parts[(assign[(i + 1) % assign.length] ?? 0) % 3] as MonthFiles).txns ??= []).push(t));
        for (const part of parts) reconcile(inc.db, inc.settings, { mode: 'incremental', newEventIds: importMonth(inc, dir, part) });
        const a = snapshot(full);
        const b = snapshot(inc);
        full.close();
        inc.close();
        expect(b).toEqual(a);
      }),
      { numRuns: 40, seed: Number(process.env['TIEOUT_PROPERTY_SEED'] ?? 20261002) },
    );
  });
});
