// The amount at stake of the A-class findings beside a match: TIMING_DIFF is 0 (the amounts agree, only the timing
// differs; the matched amount and the delay are in its explanation), ROUNDING_DIFF is the delta. So a late bank credit
// or payment above the policy gate stays class A instead of waiting for a sign-off.
import { describe, it, expect } from 'vitest';
import { makeTempDir } from '../support/tempDir.ts';
import { reconcile } from '../../src/main/matching/engine/engine.ts';
import { explain } from '../../src/main/matching/engine/explain.ts';
import { charge, importMonth, newWorkspace, order, type Txn } from './monthBuilder.ts';

const dir = makeTempDir('tieout-timing-');
let n = 0;
const ws = (gate?: number) => newWorkspace(dir, `t${++n}`, gate);
type W = ReturnType<typeof ws>;

interface XRow {
  code: string;
  class: string;
  state: string;
  policy_gated: number;
  amount_minor: number;
  summary: string;
  amount_delta_minor: number | null;
  time_delta_hours: number | null;
}
/** Active exceptions with their explanation as `tieout explain` reads it. */
const exceptions = (w: W): XRow[] =>
  (
    w.db
      .prepare('SELECT exception_id, code, class, state, policy_gated, amount_minor FROM exceptions WHERE ended_at IS NULL ORDER BY code')
      .all() as Array<Omit<XRow, 'summary' | 'amount_delta_minor' | 'time_delta_hours'> & { exception_id: string }>
  ).map(({ exception_id, ...r }) => {
    const e = explain(w.db, exception_id).items[0]?.explanation;
    return { ...r, summary: e?.summary ?? '', amount_delta_minor: e?.amount_delta_minor ?? null, time_delta_hours: e?.time_delta_hours ?? null };
  });
const matchStatus = (w: W): string[] =>
  w.db.prepare("SELECT rule_id || ' ' || status FROM matches WHERE ended_at IS NULL ORDER BY 1").pluck().all() as string[];
const payout = (id: string, gross: string, at: string): Txn => ({
  id: `txn_${id}`,
  at,
  gross,
  fee: '0.00',
  category: 'payout',
  source: id,
  po: id,
  pi: '',
  order: '',
});

describe('TIMING_DIFF: amount at stake 0, above the policy gate too', () => {
  it('a payment 5 days after a 1,500.00 order: match + TIMING_DIFF class A resolved, not a gated class C', () => {
    const w = ws();
    importMonth(w, dir, {
      orders: [order(1, '1500.00', '2026-10-01 09:00:00', { ref: '' })],
      txns: [charge(91, '1500.00', '2026-10-06 13:00:00', { pi: '', order: '' })],
    });
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(matchStatus(w)).toEqual(['order-payment.amount-window auto_resolved']);
    const [x] = exceptions(w);
    expect(x).toMatchObject({
      code: 'TIMING_DIFF',
      class: 'A',
      state: 'resolved',
      policy_gated: 0,
      amount_minor: 0,
      amount_delta_minor: 0,
      time_delta_hours: 120,
    });
    expect(x?.summary).toBe(
      'TIMING_DIFF: order-payment.amount-window: amount and time agree; amount delta 0, 120 h apart; ' +
        'late: the payment of 1,500.00 USD came 5 d after the order, past the 3 d window, within the extended 10 d ' +
        '(TIMING_DIFF, amount at stake 0: the amounts agree, only the timing differs)',
    );
  });

  it('a 2,500.00 bank credit naming its payout 8.8 days later: TIMING_DIFF class A with amount 0, the amount and delay in its summary', () => {
    const w = ws();
    importMonth(w, dir, {
      txns: [payout('po_L', '-2500.00', '2026-10-05 02:00:00')],
      bank: [{ date: '14.10.2026', text: 'STRIPE PAYOUTS po_L', credit: '2500,00' }],
    });
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(matchStatus(w)).toEqual(['bank-payout.payout-id auto_resolved']);
    const [x] = exceptions(w);
    expect(x).toMatchObject({ code: 'TIMING_DIFF', class: 'A', state: 'resolved', policy_gated: 0, amount_minor: 0, amount_delta_minor: 0 });
    expect(x?.summary).toMatch(
      /^TIMING_DIFF: bank-payout\.payout-id: bank credit ↔ payout, amount delta 0, 212 h apart; late: the bank_credit of 2,500\.00 USD came 8\.8 d after the payout, past the 5 business days window, within the extended 10 business days/,
    );
  });

  it('late and off by a cent: ROUNDING_DIFF carries the delta, TIMING_DIFF 0; with a gate of 0 only the delta needs a person', () => {
    const w = ws(0);
    importMonth(w, dir, {
      txns: [payout('po_R', '-2500.00', '2026-10-05 02:00:00')],
      bank: [{ date: '14.10.2026', text: 'STRIPE PAYOUTS po_R', credit: '2500,01' }],
    });
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(matchStatus(w)).toEqual(['bank-payout.payout-id auto_resolved']);
    // The delta is in the payout's sign convention (compared credit −(250001) minus payout −250000).
    expect(exceptions(w).map((x) => `${x.code} ${x.amount_minor} ${x.class} ${x.state} gated=${x.policy_gated}`)).toEqual([
      'ROUNDING_DIFF -1 C open gated=1',
      'TIMING_DIFF 0 A resolved gated=0',
    ]);
  });
});

describe('ROUNDING_DIFF: the amount at stake is the delta (counterpart − order), whatever the order amount', () => {
  it('a 1,500.00 order paid 1,499.99 by key: ROUNDING_DIFF −1, class A, below any gate', () => {
    const w = ws();
    importMonth(w, dir, { orders: [order(1, '1500.00', '2026-10-01 09:00:00')], txns: [charge(1, '1499.99', '2026-10-01 13:00:05')] });
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(matchStatus(w)).toEqual(['order-payment.exact-key auto_resolved']);
    expect(exceptions(w)).toMatchObject([
      { code: 'ROUNDING_DIFF', class: 'A', state: 'resolved', policy_gated: 0, amount_minor: -1, amount_delta_minor: -1 },
    ]);
  });
});

describe('an active exception derived again with other figures', () => {
  it('takes the new amount and class, its resolution, and a journal entry saying what changed (a row from an older engine)', () => {
    const w = ws();
    importMonth(w, dir, {
      orders: [order(1, '1500.00', '2026-10-01 09:00:00', { ref: '' })],
      txns: [charge(91, '1500.00', '2026-10-06 13:00:00', { pi: '', order: '' })],
    });
    reconcile(w.db, w.settings, { mode: 'full' });
    // What an engine that put the whole amount at stake left behind: gated, class C, open, unresolved.
    w.db.exec(
      "UPDATE exceptions SET amount_minor = 150000, class = 'C', policy_gated = 1, state = 'open', resolved_at = NULL, resolved_by = NULL, resolution = NULL WHERE code = 'TIMING_DIFF'",
    );
    const run = reconcile(w.db, w.settings, { mode: 'full' });
    expect(run.exceptions_changed).toBe(1);
    const row = w.db
      .prepare("SELECT exception_id, class, state, policy_gated, amount_minor, resolved_by, resolution FROM exceptions WHERE code = 'TIMING_DIFF'")
      .get() as Record<string, unknown>;
    expect(row).toMatchObject({
      class: 'A',
      state: 'resolved',
      policy_gated: 0,
      amount_minor: 0,
      resolved_by: 'system:engine',
      resolution: 'auto-resolved (class A): TIMING_DIFF',
    });
    const entry = w.db.prepare('SELECT entry_type, payload FROM journal WHERE subject_id = ? ORDER BY seq DESC LIMIT 1').get(row['exception_id']) as {
      entry_type: string;
      payload: string;
    };
    expect(entry.entry_type).toBe('exception.auto_resolved');
    expect(JSON.parse(entry.payload)).toMatchObject({
      from_class: 'C',
      from_state: 'open',
      from_amount_minor: 150000,
      to_class: 'A',
      to_state: 'resolved',
      to_amount_minor: 0,
    });
    // Derived again with the same figures: nothing changes.
    expect(reconcile(w.db, w.settings, { mode: 'full' }).exceptions_changed).toBe(0);
  });
});
