// Small hand-built months for what the 10k accuracy run found: duplicate charges with their own payment intent, amount-only
// pairing of events a key ties elsewhere, late bank credits, positive payouts against bank debits, and leftovers of links
// the running rule set does not have.
import { describe, it, expect } from 'vitest';
import { makeTempDir } from '../support/tempDir.ts';
import { reconcile } from '../../src/main/matching/engine/engine.ts';
import { unpackExplanation } from '../../src/main/matching/engine/explanationText.ts';
import { DEFAULT_RULE_SET } from '../../src/shared/rules/defaultRuleSet.ts';
import { RuleSetSchema } from '../../src/shared/rules/ruleSet.ts';
import { activeCodes, activeExceptionLines, activeMatchLines, charge, importMonth, newWorkspace, order, type Txn } from './monthBuilder.ts';

const dir = makeTempDir('tieout-keyties-');
let n = 0;
const ws = () => newWorkspace(dir, `k${++n}`);
type W = ReturnType<typeof ws>;

/** Active matches as `rule status: external ids`, and active exceptions as `code class: external ids`. */
const matches = (w: W): string[] => activeMatchLines(w, "m.rule_id || ' ' || m.status");
const exceptions = (w: W): string[] => activeExceptionLines(w, "x.code || ' ' || x.class");

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

describe('DUPLICATE_PAYMENT: a second charge with its own payment intent and the same order reference', () => {
  it('keeps the better-keyed match, flags the order with the extra charge, and never pairs the extra charge by amount', () => {
    const w = ws();
    importMonth(w, dir, {
      // #2 has the same total and its payment intent never reaches Stripe: the duplicate must not "pay" it.
      orders: [order(1, '10.00', '2026-10-01 09:00:00'), order(2, '10.00', '2026-10-01 09:10:00')],
      txns: [charge(1, '10.00', '2026-10-01 13:00:05'), charge(1, '10.00', '2026-10-01 13:20:05', { id: 'txn_dup', source: 'ch_dup', pi: 'pi_dup' })],
    });
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(matches(w)).toEqual(['order-payment.exact-key matched: 9001 txn_c1']);
    expect(exceptions(w)).toEqual(['DUPLICATE_PAYMENT C: 9001 txn_dup', 'MISSING_PAYMENT B: 9002']);
    const x = w.db
      .prepare("SELECT amount_minor, explanation, rule_id, rule_set_id, rule_version FROM exceptions WHERE code = 'DUPLICATE_PAYMENT'")
      .get() as {
      amount_minor: number;
      explanation: string;
      rule_id: string;
      rule_set_id: string;
      rule_version: number;
    };
    expect(x.amount_minor).toBe(1000);
    expect(unpackExplanation(x.explanation, x).summary).toMatch(/matched to txn_c1.*txn_dup is a duplicate charge/);
  });

  it('when neither charge is better keyed, nothing is matched and the exception covers the order and both', () => {
    const w = ws();
    importMonth(w, dir, {
      orders: [order(1, '10.00', '2026-10-01 09:00:00', { ref: '' })],
      txns: [
        charge(1, '10.00', '2026-10-01 13:00:05', { pi: 'pi_a' }),
        charge(1, '10.00', '2026-10-01 13:20:05', { id: 'txn_dup', source: 'ch_dup', pi: 'pi_b' }),
      ],
    });
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(matches(w)).toEqual([]);
    expect(exceptions(w)).toEqual(['DUPLICATE_PAYMENT C: 9001 txn_c1 txn_dup']);
  });
});

describe('amount + window never pairs an event a key ties elsewhere', () => {
  it('a charge naming a missing order is MISSING_ORDER, not the payment of another order of the same amount', () => {
    const w = ws();
    importMonth(w, dir, {
      orders: [order(3, '20.00', '2026-10-01 09:00:00')],
      txns: [charge(77, '20.00', '2026-10-01 14:00:00', { pi: 'pi_77' })],
    });
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(matches(w)).toEqual([]);
    expect(exceptions(w)).toEqual(['MISSING_ORDER B: txn_c77', 'MISSING_PAYMENT B: 9003']);
  });

  it('an order whose payment reference names an existing charge is not paired by amount with another charge', () => {
    const w = ws();
    importMonth(w, dir, {
      orders: [order(4, '20.00', '2026-10-01 09:00:00')],
      txns: [charge(4, '25.00', '2026-10-01 13:00:00', { order: '' }), charge(90, '20.00', '2026-10-01 14:00:00', { pi: '', order: '' })],
    });
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(matches(w)).toEqual([]);
    expect(exceptions(w)).toEqual(['AMOUNT_MISMATCH C: 9004 txn_c4', 'MISSING_ORDER B: txn_c90']);
  });

  it('events with no key at all are still paired by amount and time', () => {
    const w = ws();
    importMonth(w, dir, {
      orders: [order(5, '21.00', '2026-10-01 09:00:00', { ref: '' })],
      txns: [charge(91, '21.00', '2026-10-01 14:00:00', { pi: 'pi_unknown', order: '' })],
    });
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(matches(w)).toEqual(['order-payment.amount-window matched: 9005 txn_c91']);
    expect(exceptions(w)).toEqual([]);
  });
});

describe('bank lines', () => {
  it('a credit naming the payout 9 days later is a match with TIMING_DIFF, not PAYOUT_NOT_IN_BANK + UNKNOWN_BANK_LINE', () => {
    const w = ws();
    importMonth(w, dir, {
      txns: [payout('po_L', '-100.00', '2026-10-05 02:00:00')],
      bank: [{ date: '14.10.2026', text: 'STRIPE PAYOUTS po_L', credit: '100,00' }],
    });
    reconcile(w.db, w.settings, { mode: 'full' });
    const m = w.db
      .prepare(
        "SELECT m.rule_id || ' ' || m.status || ' ' || group_concat(e.kind, ' ') FROM matches m JOIN match_event_ids me USING (match_id) JOIN events e USING (event_id) GROUP BY m.match_id",
      )
      .pluck()
      .all();
    expect(m).toEqual([expect.stringMatching(/^bank-payout\.payout-id auto_resolved (payout bank_credit|bank_credit payout)$/)]);
    expect(activeCodes(w)).toEqual(['TIMING_DIFF']);
    expect(w.db.prepare("SELECT class || ' ' || state FROM exceptions").pluck().all()).toEqual(['A resolved']);
  });

  it('a positive payout (money pulled from the bank) pairs with a bank debit, by id or by amount; without one it is PAYOUT_NOT_IN_BANK', () => {
    const w = ws();
    importMonth(w, dir, {
      txns: [
        payout('po_P1', '30.00', '2026-10-05 02:00:00'),
        payout('po_P2', '45.00', '2026-10-08 02:00:00'),
        payout('po_P3', '12.00', '2026-10-12 02:00:00'),
      ],
      bank: [
        { date: '06.10.2026', text: 'STRIPE po_P1', credit: '', debit: '30,00' },
        { date: '09.10.2026', text: 'STRIPE', credit: '', debit: '45,00' },
      ],
    });
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(w.db.prepare('SELECT rule_id FROM matches WHERE ended_at IS NULL ORDER BY 1').pluck().all()).toEqual([
      'bank-payout.amount-window',
      'bank-payout.payout-id',
    ]);
    expect(exceptions(w)).toEqual(['PAYOUT_NOT_IN_BANK B: txn_po_P3']);
  });
});

describe('leftovers only for links the running rule set decides', () => {
  it('with only the exact-key rule: no UNKNOWN_BANK_LINE, no PAYOUT_NOT_IN_BANK, no REFUND_UNMATCHED; a dispute is still DISPUTE_OPEN', () => {
    const exactOnly = RuleSetSchema.parse({
      ...DEFAULT_RULE_SET,
      rule_set_id: 'exact-only',
      rules: DEFAULT_RULE_SET.rules.filter((r) => r.id === 'order-payment.exact-key'),
    });
    const w = ws();
    importMonth(w, dir, {
      orders: [order(1, '10.00', '2026-10-01 09:00:00')],
      txns: [
        charge(1, '10.00', '2026-10-01 13:00:05'),
        { id: 'txn_r', at: '2026-10-02 01:00:00', gross: '-3.00', fee: '0.00', category: 'refund', source: 're_x', po: '', pi: 'pi_zz', order: '' },
        { id: 'txn_d', at: '2026-10-02 01:00:00', gross: '-10.00', fee: '15.00', category: 'dispute', source: 'dp_x', po: '', pi: 'pi_1', order: '' },
        payout('po_9', '-5.00', '2026-10-03 02:00:00'),
      ],
      bank: [
        { date: '07.10.2026', text: 'WIRE', credit: '42,00' },
        { date: '07.10.2026', text: 'RENT', credit: '', debit: '24,00' },
      ],
    });
    reconcile(w.db, w.settings, { mode: 'full', ruleSet: exactOnly });
    expect(matches(w)).toEqual(['order-payment.exact-key matched: 9001 txn_c1']);
    expect(activeCodes(w)).toEqual(['DISPUTE_OPEN']);
  });
});
