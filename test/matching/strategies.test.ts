// Each strategy and exception code on small months imported through the real pipeline, reconciled by the real engine.
import { describe, it, expect } from 'vitest';
import { makeTempDir } from '../support/tempDir.ts';
import { reconcile } from '../../src/main/matching/engine/engine.ts';
import { explain } from '../../src/main/matching/engine/explain.ts';
import { activeCodes, charge, importMonth, newWorkspace, order, snapshot } from './monthBuilder.ts';

const dir = makeTempDir('tieout-match-');
let n = 0;
const ws = (gate?: number) => newWorkspace(dir, `w${++n}`, gate);
const links = (w: ReturnType<typeof ws>): string[] =>
  w.db.prepare("SELECT link || ':' || status FROM matches WHERE ended_at IS NULL ORDER BY link, status").pluck().all() as string[];

describe('matching strategies', () => {
  it('exact key matches an order to its charge and explains the agreeing keys', () => {
    const w = ws();
    importMonth(w, dir, { orders: [order(1, '10.00', '2026-10-01 09:00:00')], txns: [charge(1, '10.00', '2026-10-01 13:00:05')] });
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(links(w)).toEqual(['order_payment:matched']);
    expect(activeCodes(w)).toEqual([]);
    const id = w.db.prepare('SELECT match_id FROM matches').pluck().get() as string;
    const item = explain(w.db, id).items[0];
    expect(item?.explanation.keys.filter((k) => k.agreed).map((k) => k.left_field)).toEqual(['order_ref', 'trace_id']);
  });

  it('ROUNDING_DIFF within 2 cents auto-resolves, AMOUNT_MISMATCH beyond', () => {
    const w = ws();
    importMonth(w, dir, {
      orders: [order(1, '10.00', '2026-10-01 09:00:00'), order(2, '20.00', '2026-10-01 09:00:00')],
      txns: [charge(1, '10.01', '2026-10-01 13:00:05'), charge(2, '25.00', '2026-10-01 13:00:05')],
    });
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(links(w)).toEqual(['order_payment:auto_resolved']);
    const rows = w.db.prepare('SELECT code, class, state, amount_minor FROM exceptions ORDER BY code').all();
    expect(rows).toEqual([
      { code: 'AMOUNT_MISMATCH', class: 'C', state: 'open', amount_minor: 500 },
      { code: 'ROUNDING_DIFF', class: 'A', state: 'resolved', amount_minor: 1 },
    ]);
    expect(w.db.prepare("SELECT count(*) FROM journal WHERE entry_type = 'exception.auto_resolved'").pluck().get()).toBe(1);
  });

  it('two charges fully paying one order are a DUPLICATE_PAYMENT, not a match', () => {
    const w = ws();
    importMonth(w, dir, {
      orders: [order(1, '10.00', '2026-10-01 09:00:00')],
      txns: [charge(1, '10.00', '2026-10-01 13:00:05'), charge(1, '10.00', '2026-10-01 13:00:06', { id: 'txn_dup', source: 'ch_dup' })],
    });
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(links(w)).toEqual([]);
    expect(activeCodes(w)).toEqual(['DUPLICATE_PAYMENT']);
  });

  it('CURRENCY_MISMATCH when the keyed charge is in another currency', () => {
    const w = ws();
    importMonth(w, dir, {
      orders: [order(1, '10.00', '2026-10-01 09:00:00')],
      txns: [charge(1, '10.00', '2026-10-01 13:00:05', { currency: 'eur' })],
    });
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(activeCodes(w)).toEqual(['CURRENCY_MISMATCH']);
  });

  it('partial payments: two charges summing to the order are one match', () => {
    const w = ws();
    importMonth(w, dir, {
      orders: [order(1, '30.00', '2026-10-01 09:00:00')],
      txns: [charge(1, '10.00', '2026-10-01 13:00:05'), charge(1, '20.00', '2026-10-02 13:00:05', { id: 'txn_p2', source: 'ch_p2' })],
    });
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(w.db.prepare('SELECT rule_id FROM matches').pluck().all()).toEqual(['order-payment.partial']);
    expect(activeCodes(w)).toEqual([]);
  });

  it('amount + window without keys; TIMING_DIFF in the extended window; AMBIGUOUS_MATCH on a tie', () => {
    const w = ws();
    const nokey = { pi: '', order: '' };
    importMonth(w, dir, {
      orders: [order(1, '11.00', '2026-10-01 09:00:00'), order(2, '12.00', '2026-10-01 09:00:00'), order(3, '13.00', '2026-10-01 09:00:00')],
      txns: [
        charge(91, '11.00', '2026-10-01 15:00:00', nokey),
        charge(92, '12.00', '2026-10-06 15:00:00', nokey),
        charge(93, '13.00', '2026-10-01 14:00:00', nokey),
        charge(94, '13.00', '2026-10-01 14:00:01', nokey),
      ],
    });
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(w.db.prepare("SELECT rule_id || ' ' || status FROM matches ORDER BY 1").pluck().all()).toEqual([
      'order-payment.amount-window auto_resolved',
      'order-payment.amount-window matched',
    ]);
    expect(activeCodes(w)).toEqual(['AMBIGUOUS_MATCH', 'TIMING_DIFF']);
    const amb = w.db.prepare("SELECT exception_id FROM exceptions WHERE code = 'AMBIGUOUS_MATCH'").pluck().get() as string;
    expect(explain(w.db, amb).items[0]?.event_ids).toHaveLength(3);
  });

  it('fuzzy: a similar e-mail and the same amount match when the amount alone is ambiguous', () => {
    const w = ws();
    importMonth(w, dir, {
      orders: [order(1, '13.00', '2026-10-01 09:00:00', { email: 'ana.lopez@example.com', ref: '' })],
      txns: [
        charge(93, '13.00', '2026-10-01 14:00:00', { pi: '', order: '', email: 'ana.lopes@example.com' }),
        charge(94, '13.00', '2026-10-01 14:00:01', { pi: '', order: '', email: 'zed@other.org' }),
      ],
    });
    reconcile(w.db, w.settings, { mode: 'full' });
    // amount-window sees a tie on amount and time alone and leaves it to the fuzzy rule, which the e-mail decides.
    expect(w.db.prepare('SELECT rule_id FROM matches').pluck().all()).toEqual(['order-payment.fuzzy-customer']);
    expect(activeCodes(w)).toEqual(['MISSING_ORDER']);
    const w2 = ws();
    importMonth(w2, dir, {
      orders: [order(1, '13.00', '2026-10-01 09:00:00', { email: 'ana.lopez@example.com', ref: '' })],
      txns: [charge(93, '13.00', '2026-10-06 14:00:00', { pi: '', order: '', email: 'ana.lopes@example.com' })],
    });
    reconcile(w2.db, w2.settings, { mode: 'full' });
    expect(w2.db.prepare('SELECT rule_id FROM matches').pluck().all()).toEqual(['order-payment.amount-window']);
  });

  it('payout items sum to the payout; a wrong payout is PAYOUT_MISMATCH', () => {
    const w = ws();
    importMonth(w, dir, {
      txns: [
        charge(1, '10.00', '2026-10-01 13:00:00', { po: 'po_A', fee: '0.50' }),
        { id: 'txn_poA', at: '2026-10-03 01:00:00', gross: '-9.50', fee: '0.00', category: 'payout', source: 'po_A', po: 'po_A', pi: '', order: '' },
        charge(2, '10.00', '2026-10-01 13:00:00', { po: 'po_B' }),
        { id: 'txn_poB', at: '2026-10-03 01:00:00', gross: '-9.00', fee: '0.00', category: 'payout', source: 'po_B', po: 'po_B', pi: '', order: '' },
      ],
    });
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(links(w)).toEqual(['payout_items:matched']);
    expect(w.db.prepare("SELECT amount_minor FROM exceptions WHERE code = 'PAYOUT_MISMATCH'").pluck().all()).toEqual([-100]);
  });

  const payout = (id: string, gross: string, at: string) => ({
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

  it('bank credit ↔ payout by id, by amount, and ↔ several payouts by subset sum', () => {
    const w = ws();
    importMonth(w, dir, {
      txns: [
        payout('po_1', '-100.00', '2026-10-05 02:00:00'),
        payout('po_2', '-55.55', '2026-10-05 02:00:00'),
        payout('po_3', '-10.00', '2026-10-12 02:00:00'),
        payout('po_4', '-20.00', '2026-10-12 03:00:00'),
      ],
      bank: [
        { date: '06.10.2026', text: 'STRIPE po_1', credit: '100,00' },
        { date: '06.10.2026', text: 'STRIPE TRANSFER', credit: '55,55' },
        { date: '13.10.2026', text: 'STRIPE TRANSFER', credit: '30,00' },
      ],
    });
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(
      w.db
        .prepare("SELECT rule_id || ' ' || (SELECT count(*) FROM match_event_ids e WHERE e.match_id = m.match_id) FROM matches m ORDER BY 1")
        .pluck()
        .all(),
    ).toEqual(['bank-payout.amount-window 2', 'bank-payout.amount-window 3', 'bank-payout.payout-id 2']);
    expect(activeCodes(w)).toEqual([]);
  });

  it('leftovers: MISSING_PAYMENT only for paid orders, MISSING_ORDER, REFUND_UNMATCHED, PAYOUT_NOT_IN_BANK, UNKNOWN_BANK_LINE, DISPUTE_OPEN', () => {
    const w = ws();
    importMonth(w, dir, {
      orders: [order(1, '10.00', '2026-10-01 09:00:00'), order(2, '10.00', '2026-10-01 09:00:00', { status: 'pending', ref: '' })],
      txns: [
        charge(5, '17.00', '2026-10-01 13:00:00', { order: '', pi: 'pi_5' }),
        { id: 'txn_r', at: '2026-10-02 01:00:00', gross: '-3.00', fee: '0.00', category: 'refund', source: 're_x', po: '', pi: 'pi_zz', order: '' },
        { id: 'txn_d', at: '2026-10-02 01:00:00', gross: '-17.00', fee: '15.00', category: 'dispute', source: 'dp_x', po: '', pi: 'pi_5', order: '' },
        payout('po_9', '-5.00', '2026-10-03 02:00:00'),
      ],
      bank: [
        { date: '07.10.2026', text: 'WIRE', credit: '42,00' },
        { date: '07.10.2026', text: 'RENT', credit: '', debit: '24,00' },
      ],
    });
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(activeCodes(w)).toEqual([
      'DISPUTE_OPEN',
      'MISSING_ORDER',
      'MISSING_PAYMENT',
      'PAYOUT_NOT_IN_BANK',
      'REFUND_UNMATCHED',
      'UNKNOWN_BANK_LINE',
      'UNKNOWN_BANK_LINE',
    ]);
    const b = w.db.prepare("SELECT class, state, due_at FROM exceptions WHERE code = 'MISSING_PAYMENT'").get() as {
      class: string;
      state: string;
      due_at: string;
    };
    expect(b).toEqual({ class: 'B', state: 'in_remediation', due_at: '2026-10-08T13:00:00.000Z' });
  });

  it('policy gate: above the gate in the reporting currency is class C; other currencies are not gated', () => {
    const w = ws(500);
    // An order feed that delivered (through the month) but holds neither charge's order: both are missing orders.
    importMonth(w, dir, {
      orders: [],
      txns: [charge(5, '5.01', '2026-10-01 13:00:00', { order: '' }), charge(6, '9.00', '2026-10-01 13:00:00', { order: '', currency: 'eur' })],
    });
    reconcile(w.db, w.settings, { mode: 'full' });
    const rows = w.db.prepare('SELECT currency, class, policy_gated FROM exceptions ORDER BY currency').all();
    expect(rows).toEqual([
      { currency: 'EUR', class: 'B', policy_gated: 0 },
      { currency: 'USD', class: 'C', policy_gated: 1 },
    ]);
    // The explanation states the gate as an amount in the workspace currency, not in minor units.
    const policies = (w.db.prepare('SELECT exception_id FROM exceptions ORDER BY currency').pluck().all() as string[]).map(
      (id) => explain(w.db, id).items[0]?.explanation.policy,
    );
    expect(policies).toEqual([
      'policy gate not applied: EUR is not the reporting currency USD and no FX basis is recorded',
      'above the policy gate of 5.00 USD: a person signs off',
    ]);
  });

  it('class B turns C when the as-of time passes its window, and is resolved by new data', () => {
    const w = ws();
    // The Stripe feed has delivered (an export through the month without these charges): the orders miss their payments.
    importMonth(w, dir, { orders: [order(1, '10.00', '2026-10-01 09:00:00'), order(2, '10.00', '2026-10-01 09:00:00')], txns: [] });
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(activeCodes(w)).toEqual(['MISSING_PAYMENT', 'MISSING_PAYMENT']);
    const ids = importMonth(w, dir, { txns: [charge(1, '10.00', '2026-10-01 13:00:05'), charge(77, '1.00', '2026-10-20 13:00:00', { order: '' })] });
    reconcile(w.db, w.settings, { mode: 'incremental', newEventIds: ids });
    const rows = w.db
      .prepare("SELECT code, class, state, ended_at IS NULL AS active, resolution FROM exceptions WHERE code = 'MISSING_PAYMENT' ORDER BY active")
      .all();
    expect(rows).toEqual([
      { code: 'MISSING_PAYMENT', class: 'B', state: 'resolved', active: 0, resolution: 'resolved by new data' },
      { code: 'MISSING_PAYMENT', class: 'C', state: 'open', active: 1, resolution: null },
    ]);
    const types = w.db.prepare("SELECT entry_type FROM journal WHERE entry_type LIKE 'exception.%' ORDER BY seq").pluck().all();
    expect(types).toEqual(expect.arrayContaining(['exception.resolved_by_new_data', 'exception.escalated']));
  });

  it('respects blocked pairs and pinned events, and refuses to redefine a rule set version', () => {
    const w = ws();
    importMonth(w, dir, { orders: [order(1, '10.00', '2026-10-01 09:00:00')], txns: [charge(1, '10.00', '2026-10-01 13:00:05')] });
    reconcile(w.db, w.settings, { mode: 'full' });
    const [o, p] = ['order', 'payment'].map((k) => w.db.prepare('SELECT event_id FROM events WHERE kind = ?').pluck().get(k) as string);
    w.db.prepare('INSERT INTO blocked_pairs VALUES (?, ?, ?, 1)').run('order_payment', o, p);
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(snapshot(w).matches).toEqual([]);
    expect(activeCodes(w)).toEqual(['MISSING_ORDER', 'MISSING_PAYMENT']);
    const mid = w.db.prepare('SELECT match_id FROM matches').pluck().get() as string;
    w.db.prepare('INSERT INTO pinned_events VALUES (?, ?, ?), (?, ?, ?)').run(o, 'order_payment', mid, p, 'order_payment', mid);
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(activeCodes(w)).toEqual([]);
  });
});
