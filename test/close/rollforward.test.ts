// The processor clearing and bank rollforwards of a month computed by hand: a Stripe balance report spanning September to
// November (a settlement straddling each month end, a payout in transit at October's end, a charge at 23:00 New York time
// on October 31 that is November in UTC), a camt.053 bank statement per month, and a PayPal download with its Balance column.
import { describe, it, expect, beforeAll } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { createWorkspace, type Workspace } from '../../src/main/workspace/workspace.ts';
import { importAndReconcile } from '../../src/main/workflows/importAndReconcile.ts';
import { closeStatus } from '../../src/main/close/closeService.ts';
import { writeCamt053 } from '../../src/main/synthetic/camtWriter.ts';
import { writePaypalActivityCsv, type PaypalActivityEntry } from '../../src/main/synthetic/paypalActivityWriter.ts';
import { makeTempDir } from '../support/tempDir.ts';

const HEADER = 'balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category,source_id,description,automatic_payout_id';

/** One balance transaction as Stripe's itemized balance report writes it (major units, created in UTC). */
function row(id: string, createdUtc: string, gross: string, fee: string, net: string, category: string, payout: string, description = ''): string {
  return [
    id,
    createdUtc,
    'usd',
    gross,
    fee,
    net,
    category,
    category === 'payout' ? payout : `ch_${id}`,
    description,
    category === 'payout' ? '' : payout,
  ].join(',');
}

export const STRIPE_ROWS = [
  row('txn_s1', '2026-09-28 12:00:00', '100.00', '3.20', '96.80', 'charge', 'po_sep'),
  row('txn_s2', '2026-09-29 12:00:00', '50.00', '1.75', '48.25', 'charge', 'po_oct1'),
  row('txn_p0', '2026-09-30 12:00:00', '-96.80', '0.00', '-96.80', 'payout', 'po_sep'),
  row('txn_p1', '2026-10-02 12:00:00', '-48.25', '0.00', '-48.25', 'payout', 'po_oct1'),
  row('txn_o1', '2026-10-05 12:00:00', '200.00', '6.10', '193.90', 'charge', 'po_oct2'),
  row('txn_o2', '2026-10-10 12:00:00', '300.00', '9.00', '291.00', 'charge', 'po_oct2'),
  row('txn_r1', '2026-10-12 12:00:00', '-40.00', '0.00', '-40.00', 'refund', 'po_oct2'),
  row('txn_d1', '2026-10-15 12:00:00', '-100.00', '15.00', '-115.00', 'dispute', 'po_oct2'),
  row('txn_a1', '2026-10-16 12:00:00', '5.00', '0.00', '5.00', 'other_adjustment', 'po_oct2'),
  row('txn_f1', '2026-10-20 12:00:00', '-2.00', '0.00', '-2.00', 'fee', 'po_oct2'),
  // 15:00 on October 31 in New York; the charge after it, 23:00 in New York, is already November 1 in UTC.
  row('txn_p2', '2026-10-31 19:00:00', '-332.90', '0.00', '-332.90', 'payout', 'po_oct2'),
  row('txn_o3', '2026-11-01 03:00:00', '80.00', '2.62', '77.38', 'charge', 'po_nov1'),
  row('txn_p3', '2026-11-03 12:00:00', '-77.38', '0.00', '-77.38', 'payout', 'po_nov1'),
];

function camt(id: string, opening: number, entries: Array<[string, number, string]>): string {
  return writeCamt053([
    {
      id,
      account: 'DE89370400440532013000',
      currency: 'USD',
      openingMinor: opening,
      closingMinor: opening + entries.reduce((a, [, v]) => a + v, 0),
      entries: entries.map(([date, amountMinor, remittance], i) => ({
        bookingDate: date,
        valueDate: date,
        amountMinor,
        reference: `${id}-${i}`,
        remittance,
      })),
    },
  ]);
}

let ws: Workspace;

beforeAll(() => {
  const dir = makeTempDir('tieout-rollforward-');
  ws = createWorkspace(join(dir, 'books'), { name: 'Rollforward', reportingCurrency: 'USD', timeZone: 'America/New_York' });
  const file = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const run = (source: string, path: string): void => {
    importAndReconcile(ws, { source, files: [path], actor: 'user:test' });
  };
  run('stripe:main', file('balance.csv', `${[HEADER, ...STRIPE_ROWS].join('\n')}\n`));
  run('bank:operating', file('sep.xml', camt('STMT-SEP', 400_000, [['2026-09-30', 9680, 'STRIPE PAYOUT po_sep']])));
  run(
    'bank:operating',
    file(
      'oct.xml',
      camt('STMT-OCT', 409_680, [
        ['2026-10-02', 4825, 'STRIPE PAYOUT po_oct1'],
        ['2026-10-15', -100_000, 'OFFICE RENT'],
      ]),
    ),
  );
  run(
    'bank:operating',
    file(
      'nov.xml',
      camt('STMT-NOV', 314_505, [
        ['2026-11-03', 33_290, 'STRIPE PAYOUT po_oct2'],
        ['2026-11-04', 7738, 'STRIPE PAYOUT po_nov1'],
      ]),
    ),
  );
  const paypal: PaypalActivityEntry[] = [
    ['2026-10-03T15:00:00Z', 'Express Checkout Payment', 10_000, -320, 59_680, 'PP1'],
    ['2026-10-20T15:00:00Z', 'General Withdrawal', -20_000, 0, 39_680, 'PP2'],
  ].map(([occurredAt, type, grossMinor, feeMinor, balanceMinor, id]) => ({
    transactionId: id as string,
    occurredAt: occurredAt as string,
    timeZone: 'EDT',
    name: 'Buyer',
    type: type as string,
    status: 'Completed',
    currency: 'USD',
    grossMinor: grossMinor as number,
    feeMinor: feeMinor as number,
    fromEmail: 'buyer@example.com',
    toEmail: 'shop@example.com',
    referenceTxnId: '',
    invoiceNumber: '',
    receiptId: '',
    balanceMinor: balanceMinor as number,
    subject: '',
    note: '',
  }));
  run('paypal:main', file('Download.CSV', writePaypalActivityCsv(paypal, { language: 'en' })));
});

describe('processor clearing rollforward of October', () => {
  it('opens with September, adds the month by category and closes at what the items of the November payout hold', () => {
    const stripe = closeStatus(ws, '2026-10').rollforward.processors.find((r) => r.source === 'stripe:main');
    expect(stripe).toMatchObject({
      currency: 'USD',
      // September: 100.00 − 3.20 paid out on the 30th; 50.00 − 1.75 waits for the October 2 payout.
      opening: 4825,
      sales: 58_000,
      fees: 610 + 900 + 1500 + 262 + 200,
      refunds: 4000,
      disputes: 10_000,
      adjustments: 500,
      priorPeriodItems: 0,
      payouts: 4825 + 33_290,
      closing: 7738,
      processorClosing: null,
      difference: null,
      // po_oct2 went out on October 31 and reached the bank on November 3.
      inTransit: { count: 1, amount: 33_290 },
      // The 23:00 charge of October 31 (New York) is settled by the November payout; September's charge by October's first.
      carriedForward: 7738,
      carryForwardReversed: 4825,
    });
    expect((stripe?.opening ?? 0) + 58_000 - 3472 - 4000 - 10_000 + 500 - 38_115).toBe(stripe?.closing);
  });

  it('lists the payout in transit and both straddling settlements', () => {
    const rf = closeStatus(ws, '2026-10').rollforward;
    // The PayPal withdrawal of the 20th has no bank line at all: in transit too.
    expect(rf.inTransit.map((t) => t.payout)).toEqual(['PP2', 'po_oct2']);
    expect(rf.inTransit.filter((t) => t.source === 'stripe:main')).toEqual([
      { source: 'stripe:main', currency: 'USD', payout: 'po_oct2', amount: 33_290, paidOn: '2026-10-31', bankedOn: '2026-11-03' },
    ]);
    expect(rf.straddling).toEqual([
      { source: 'stripe:main', currency: 'USD', payout: 'po_nov1', paidOn: '2026-11-03', direction: 'carried forward', amount: 7738, items: 1 },
      { source: 'stripe:main', currency: 'USD', payout: 'po_oct1', paidOn: '2026-10-02', direction: 'reversed', amount: 4825, items: 1 },
    ]);
  });

  it('November opens with October’s closing and reverses its carry-forward', () => {
    const nov = closeStatus(ws, '2026-11').rollforward.processors.find((r) => r.source === 'stripe:main');
    expect(nov).toMatchObject({
      opening: 7738,
      sales: 0,
      payouts: 7738,
      closing: 0,
      carryForwardReversed: 7738,
      carriedForward: 0,
      inTransit: { count: 0, amount: 0 },
    });
  });

  it('ties a PayPal account to its own Balance column, opening from the balance before its first row', () => {
    const paypal = closeStatus(ws, '2026-10').rollforward.processors.find((r) => r.source === 'paypal:main');
    expect(paypal).toMatchObject({
      opening: 50_000,
      sales: 10_000,
      fees: 320,
      payouts: 20_000,
      closing: 39_680,
      processorClosing: 39_680,
      difference: 0,
    });
    expect(paypal?.openingBasis).toMatch(/processor's balance before PP1/);
  });
});

describe('bank rollforward of October', () => {
  it('opens with September’s statement closing, adds credits, takes debits and ties to October’s statement', () => {
    const bank = closeStatus(ws, '2026-10').rollforward.banks;
    expect(bank).toHaveLength(1);
    expect(bank[0]).toMatchObject({
      source: 'bank:operating',
      account: 'DE89370400440532013000',
      currency: 'USD',
      opening: 409_680,
      credits: 4825,
      debits: 100_000,
      closing: 314_505,
      bankClosing: 314_505,
      bankClosingDate: '2026-10-15',
      difference: 0,
      statements: 1,
    });
    expect(bank[0]?.openingBasis).toMatch(/STMT-SEP/);
  });

  it('the checklist sees every statement balanced', () => {
    const item = closeStatus(ws, '2026-10').checklist.find((c) => c.id === 'statements_balanced');
    expect(item).toMatchObject({ status: 'ok', count: 0 });
  });
});
