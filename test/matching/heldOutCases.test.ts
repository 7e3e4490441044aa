// What the engine got wrong on months it had not seen (issue: presentment currency, refunds the store does not know,
// late deposits over a weekend), through the real import pipeline and the default rules.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/tempDir.ts';
import { reconcile } from '../../src/main/matching/engine/engine.ts';
import { explain } from '../../src/main/matching/engine/explain.ts';
import { importFiles } from '../../src/main/import/importFiles.ts';
import { activeCodes, charge, importMonth, newWorkspace, order, type Txn } from './monthBuilder.ts';

const dir = makeTempDir('tieout-heldout-');
let n = 0;
const ws = () => newWorkspace(dir, `h${++n}`);
const matchLines = (w: ReturnType<typeof ws>): string[] =>
  w.db.prepare("SELECT link || ' ' || status FROM matches WHERE ended_at IS NULL ORDER BY 1").pluck().all() as string[];
const exceptionsOf = (w: ReturnType<typeof ws>) =>
  w.db.prepare('SELECT code, amount_minor, currency FROM exceptions WHERE ended_at IS NULL ORDER BY code, amount_minor').all();

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

describe('presentment currency: a counterpart in another currency with an FX basis', () => {
  it('matches a EUR order to its USD charge through the customer-facing amount, stating the basis and the implied rate', () => {
    const w = ws();
    importMonth(w, dir, {
      orders: [order(1, '50.00', '2026-10-01 09:00:00', { currency: 'EUR' })],
      txns: [charge(1, '54.12', '2026-10-01 13:00:05', { customerFacing: { amount: '50.00', currency: 'eur' } })],
    });
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(matchLines(w)).toEqual(['order_payment matched']);
    expect(activeCodes(w)).toEqual([]);
    const id = w.db.prepare("SELECT match_id FROM matches WHERE link = 'order_payment'").pluck().get() as string;
    const summary = explain(w.db, id).items[0]?.explanation.summary ?? '';
    expect(summary).toContain("FX basis: the payment's customer-facing amount 50.00 EUR for 54.12 USD settled (implied rate 1.0824 USD per EUR)");
  });

  it('keeps CURRENCY_MISMATCH for a counterpart in another currency with no FX basis', () => {
    const w = ws();
    importMonth(w, dir, {
      orders: [order(1, '50.00', '2026-10-01 09:00:00', { currency: 'EUR' })],
      txns: [charge(1, '54.12', '2026-10-01 13:00:05')],
    });
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(matchLines(w)).toEqual([]);
    expect(activeCodes(w)).toContain('CURRENCY_MISMATCH');
  });

  it('matches through PayPal’s currency conversion rows', () => {
    const w = ws();
    importMonth(w, dir, { orders: [order(1, '54.12', '2026-10-01 09:00:00', { ref: 'PP-7' })], txns: [] });
    const file = join(dir, `paypal-${n}.csv`);
    writeFileSync(
      file,
      [
        '"Date","Time","TimeZone","Name","Type","Status","Currency","Gross","Fee","Net","Transaction ID","Reference Txn ID","Balance"',
        '"10/01/2026","13:00:00","UTC","Ann","Express Checkout Payment","Completed","EUR","50.00","0.00","50.00","PP-7","","50.00"',
        '"10/01/2026","13:00:01","UTC","","General Currency Conversion","Completed","EUR","-50.00","0.00","-50.00","CV-1","PP-7","0.00"',
        '"10/01/2026","13:00:01","UTC","","General Currency Conversion","Completed","USD","54.12","0.00","54.12","CV-2","PP-7","54.12"',
      ].join('\n') + '\n',
    );
    importFiles(w.db, w.settings, { source: 'paypal:main', files: [file], actor: 'user:test', periodEnd: '2026-12-31' });
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(matchLines(w)).toEqual(['order_payment matched']);
    const id = w.db.prepare("SELECT match_id FROM matches WHERE link = 'order_payment'").pluck().get() as string;
    expect(explain(w.db, id).items[0]?.explanation.summary).toContain("FX basis: the source's currency conversion of 50.00 EUR into 54.12 USD");
  });
});

describe('refunds the store does not know', () => {
  it('a processor refund on an order the store shows unrefunded is REFUND_UNMATCHED, though it hangs off its charge', () => {
    const w = ws();
    importMonth(w, dir, {
      orders: [order(1, '40.00', '2026-10-01 09:00:00')],
      txns: [
        charge(1, '40.00', '2026-10-01 13:00:05'),
        { ...charge(1, '-15.00', '2026-10-04 10:00:00'), id: 'txn_r1', category: 'refund', source: 're_1' },
      ],
    });
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(matchLines(w)).toEqual(['order_payment matched', 'refund_payment matched']);
    expect(exceptionsOf(w)).toEqual([{ code: 'REFUND_UNMATCHED', amount_minor: -1500, currency: 'USD' }]);
  });

  it('a partial refund compares amounts: the store shows 10.00, the processor refunded 15.00', () => {
    const w = ws();
    importMonth(w, dir, {
      orders: [order(1, '40.00', '2026-10-01 09:00:00', { status: 'partially_refunded', refunded: '10.00' })],
      txns: [
        charge(1, '40.00', '2026-10-01 13:00:05'),
        { ...charge(1, '-15.00', '2026-10-04 10:00:00'), id: 'txn_r1', category: 'refund', source: 're_1' },
      ],
    });
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(exceptionsOf(w)).toEqual([{ code: 'REFUND_UNMATCHED', amount_minor: -500, currency: 'USD' }]);
  });

  it('agreeing refunds are a match; an order refunded in the store with no processor refund is REFUND_UNMATCHED once the feed is past the window', () => {
    const w = ws();
    importMonth(w, dir, {
      orders: [
        order(1, '40.00', '2026-10-01 09:00:00', { status: 'partially_refunded', refunded: '15.00' }),
        order(2, '30.00', '2026-10-01 10:00:00', { status: 'refunded', refunded: '30.00' }),
      ],
      txns: [
        charge(1, '40.00', '2026-10-01 13:00:05'),
        { ...charge(1, '-15.00', '2026-10-04 10:00:00'), id: 'txn_r1', category: 'refund', source: 're_1' },
        charge(2, '30.00', '2026-10-01 14:00:00'),
      ],
    });
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(matchLines(w)).toEqual(['order_payment matched', 'order_payment matched', 'order_refund matched', 'refund_payment matched']);
    expect(exceptionsOf(w)).toEqual([{ code: 'REFUND_UNMATCHED', amount_minor: -3000, currency: 'USD' }]);
  });
});

describe('late deposits: payout → bank windows count business days', () => {
  it('a deposit booked 6 calendar days after its payout, over a weekend, is a match, not PAYOUT_NOT_IN_BANK beside UNKNOWN_BANK_LINE', () => {
    const w = ws();
    // Friday 2026-10-02 → Thursday 2026-10-08: four business days later.
    importMonth(w, dir, {
      txns: [payout('po_A', '-812.40', '2026-10-02 18:00:00')],
      bank: [{ date: '08.10.2026', text: 'TRANSFER 55512', credit: '812,40' }],
    });
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(matchLines(w)).toEqual(['bank_payout matched']);
    expect(activeCodes(w)).toEqual([]);
  });

  it('a deposit past 5 business days but inside 10 is a TIMING_DIFF; past 10 it is apart', () => {
    const w = ws();
    importMonth(w, dir, {
      txns: [payout('po_B', '-100.00', '2026-10-02 18:00:00'), payout('po_C', '-200.00', '2026-10-02 18:00:00')],
      bank: [
        { date: '13.10.2026', text: 'TRANSFER 1', credit: '100,00' },
        { date: '20.10.2026', text: 'TRANSFER 2', credit: '200,00' },
      ],
    });
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(matchLines(w)).toEqual(['bank_payout auto_resolved']);
    expect(activeCodes(w)).toEqual(['PAYOUT_NOT_IN_BANK', 'TIMING_DIFF', 'UNKNOWN_BANK_LINE']);
  });
});
