// The synthetic month: deterministic bytes, anomaly counts, internal consistency, and a clean import through the real pipeline.
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../support/tempDir.ts';
import {
  generateMonth,
  stripeFee,
  ANOMALY_CODES,
  BANK_NORMAL_WINDOW_DAYS,
  BANK_EXTENDED_WINDOW_DAYS,
} from '../../src/main/synthetic/monthGenerator.ts';
import type {
  AnomalyCode,
  MonthSummary,
  SyntheticBankLine,
  SyntheticMonthStripeRow,
  SyntheticOrder,
  TruthRecord,
} from '../../src/main/synthetic/monthGenerator.ts';
import { writeMonthFiles, MONTH_STRIPE_HEADER } from '../../src/main/synthetic/monthFiles.ts';
import type { MonthFiles } from '../../src/main/synthetic/monthFiles.ts';
import { SHOPIFY_ORDERS_HEADER } from '../../src/main/synthetic/shopifyOrdersWriter.ts';
import { createWorkspace } from '../../src/main/workspace/workspace.ts';
import { importFiles } from '../../src/main/import/importFiles.ts';
import { DETECTABLE_PARSERS } from '../../src/main/import/formatRegistry.ts';

const root = makeTempDir('tieout-month-');

interface Month {
  orders: SyntheticOrder[];
  stripe: SyntheticMonthStripeRow[];
  bank: SyntheticBankLine[];
  truth: TruthRecord[];
  summary: MonthSummary;
}

function collect(orders: number, seed: number): Month {
  const m: Omit<Month, 'summary'> = { orders: [], stripe: [], bank: [], truth: [] };
  const summary = generateMonth(
    { orders, seed },
    {
      order: (o) => m.orders.push(o),
      stripeRow: (r) => m.stripe.push(r),
      bankLine: (b) => m.bank.push(b),
      truth: (t) => m.truth.push(t),
    },
  );
  return { ...m, summary };
}

function exceptions(m: Month, code: AnomalyCode): Array<Extract<TruthRecord, { type: 'exception' }>> {
  return m.truth.filter((t): t is Extract<TruthRecord, { type: 'exception' }> => t.type === 'exception' && t.code === code);
}

function matches(m: Month, strategy: string): Array<Extract<TruthRecord, { type: 'match' }>> {
  return m.truth.filter((t): t is Extract<TruthRecord, { type: 'match' }> => t.type === 'match' && t.strategy === strategy);
}

function daysBetween(fromUtc: string, toDate: string): number {
  return (Date.parse(`${toDate}T00:00:00Z`) - Date.parse(`${fromUtc.slice(0, 10)}T00:00:00Z`)) / 86_400_000;
}

describe('generateMonth: determinism', () => {
  const files = (dir: string): string[] =>
    ['shopify-orders.csv', 'stripe-balance.csv', 'truth.jsonl', 'bank.camt053.xml'].map((f) => readFileSync(join(dir, f), 'utf8'));

  it('writes the same bytes for the same seed and different bytes for another', () => {
    writeMonthFiles(join(root, 'a'), { orders: 3000, seed: 11 });
    writeMonthFiles(join(root, 'b'), { orders: 3000, seed: 11 });
    writeMonthFiles(join(root, 'c'), { orders: 3000, seed: 12 });
    const [a, b, c] = [files(join(root, 'a')), files(join(root, 'b')), files(join(root, 'c'))];
    a.forEach((text, i) => {
      expect(text === b[i]).toBe(true);
      expect(text === c[i]).toBe(false);
    });
  });
});

describe('generateMonth: 20,000 orders', () => {
  let m: Month;
  beforeAll(() => {
    m = collect(20_000, 42);
  });

  it('injects each anomaly at about its rate, and the summary counts what the truth holds', () => {
    const ranges: Record<AnomalyCode, [number, number]> = {
      MISSING_PAYMENT: [30, 95],
      MISSING_ORDER: [30, 95],
      AMOUNT_MISMATCH: [18, 65],
      ROUNDING_DIFF: [18, 65],
      DUPLICATE_PAYMENT: [6, 38],
      REFUND_UNMATCHED: [6, 38],
      DISPUTE_OPEN: [6, 38],
      PAYOUT_MISMATCH: [2, 4],
      PAYOUT_NOT_IN_BANK: [2, 4],
      UNKNOWN_BANK_LINE: [2, 4],
      TIMING_DIFF: [2, 4],
      AMBIGUOUS_MATCH: [1, 3],
    };
    for (const code of ANOMALY_CODES) {
      const n = exceptions(m, code).length;
      expect(m.summary.anomalies[code], code).toBe(n);
      expect(n, code).toBeGreaterThanOrEqual(ranges[code][0]);
      expect(n, code).toBeLessThanOrEqual(ranges[code][1]);
    }
    expect(m.summary.orders).toBe(m.orders.length);
    expect(m.summary.orders).toBe(20_000 - m.summary.anomalies.MISSING_ORDER);
    expect(m.summary.stripeRows).toBe(m.stripe.length);
    expect(m.summary.bankLines).toBe(m.bank.length);
    expect(m.summary.truthRecords).toBe(m.truth.length);
    expect(m.summary.dateRange.from).toBe('2026-10-01');
    expect(m.summary.dateRange.to >= '2026-11-03').toBe(true);
  });

  it('charges carry the 2.9% + 30¢ fee and every row adds up in whole minor units', () => {
    expect(m.stripe.filter((r) => !Number.isInteger(r.grossMinor) || !Number.isInteger(r.feeMinor))).toEqual([]);
    expect(m.stripe.filter((r) => r.category === 'charge' && r.feeMinor !== stripeFee(r.grossMinor))).toEqual([]);
    expect(stripeFee(10_000)).toBe(320);
    expect(stripeFee(5_000)).toBe(175); // 145 + 30
    expect(stripeFee(1_724)).toBe(80); // 49.996 → 50, + 30
  });

  it('every payout equals minus the sum of its items’ nets, except the injected PAYOUT_MISMATCH ones', () => {
    const mismatched = new Set(exceptions(m, 'PAYOUT_MISMATCH').flatMap((e) => e.externalIds));
    const nets = new Map<string, number>();
    for (const r of m.stripe) {
      if (r.category !== 'payout') nets.set(r.payoutId, (nets.get(r.payoutId) ?? 0) + r.grossMinor - r.feeMinor);
    }
    const payouts = m.stripe.filter((r) => r.category === 'payout');
    expect(payouts.length).toBe(m.summary.payouts);
    for (const p of payouts) {
      const itemsNet = nets.get(p.sourceId) ?? 0;
      if (mismatched.has(p.id)) expect(-p.grossMinor).not.toBe(itemsNet);
      else expect(-p.grossMinor).toBe(itemsNet);
    }
    expect(mismatched.size).toBe(m.summary.anomalies.PAYOUT_MISMATCH);
  });

  it('bank credits equal their payouts and land in the window the truth assumes', () => {
    const stripeById = new Map(m.stripe.map((r) => [r.id, r]));
    const bankByRef = new Map(m.bank.map((b) => [b.bankReference, b]));
    const late = new Set(exceptions(m, 'TIMING_DIFF').map((e) => e.externalIds[0]));
    for (const t of matches(m, 'payout_bank')) {
      const payout = stripeById.get(t.keys.left[0] as string) as SyntheticMonthStripeRow;
      const line = bankByRef.get(t.keys.right[0] as string) as SyntheticBankLine;
      expect(line.amountMinor).toBe(-payout.grossMinor);
      const days = daysBetween(payout.created, line.bookingDate);
      if (late.has(payout.id)) {
        expect(t.autoResolved).toBe('TIMING_DIFF');
        expect(days).toBeGreaterThan(7);
        expect(days).toBeLessThanOrEqual(BANK_EXTENDED_WINDOW_DAYS);
      } else {
        expect(days).toBeGreaterThanOrEqual(1);
        expect(days).toBeLessThanOrEqual(BANK_NORMAL_WINDOW_DAYS);
      }
      if (line.remittance !== 'STRIPE') expect(line.remittance).toBe(`STRIPE PAYOUTS ${payout.sourceId}`);
    }
    for (const e of exceptions(m, 'AMBIGUOUS_MATCH')) {
      const [pa, pb, la, lb] = e.externalIds.map((id) => stripeById.get(id) ?? bankByRef.get(id));
      const [a, b] = [pa as SyntheticMonthStripeRow, pb as SyntheticMonthStripeRow];
      const [x, y] = [la as SyntheticBankLine, lb as SyntheticBankLine];
      expect(a.grossMinor).toBe(b.grossMinor);
      expect(a.created.slice(0, 10)).toBe(b.created.slice(0, 10));
      expect([x.amountMinor, y.amountMinor]).toEqual([-a.grossMinor, -a.grossMinor]);
      expect([x.remittance, y.remittance, x.bookingDate]).toEqual(['STRIPE', 'STRIPE', y.bookingDate]);
    }
  });

  it('accounts for every payout and every bank line exactly once', () => {
    const payoutFate = new Map<string, number>();
    const lineFate = new Map<string, number>();
    const bump = (map: Map<string, number>, id: string): void => void map.set(id, (map.get(id) ?? 0) + 1);
    for (const t of matches(m, 'payout_bank')) {
      bump(payoutFate, t.keys.left[0] as string);
      bump(lineFate, t.keys.right[0] as string);
    }
    for (const e of exceptions(m, 'PAYOUT_NOT_IN_BANK')) bump(payoutFate, e.externalIds[0] as string);
    for (const e of exceptions(m, 'UNKNOWN_BANK_LINE')) bump(lineFate, e.externalIds[0] as string);
    for (const e of exceptions(m, 'AMBIGUOUS_MATCH')) e.externalIds.forEach((id, i) => bump(i < 2 ? payoutFate : lineFate, id));
    const payoutIds = m.stripe.filter((r) => r.category === 'payout').map((r) => r.id);
    expect([...payoutFate.keys()].sort()).toEqual([...payoutIds].sort());
    expect([...lineFate.keys()].sort()).toEqual(m.bank.map((b) => b.bankReference).sort());
    expect([...payoutFate.values(), ...lineFate.values()].every((n) => n === 1)).toBe(true);
  });

  it('the truth names only ids that exist, and what it says is missing really is', () => {
    const ids = new Set([...m.orders.map((o) => o.id), ...m.stripe.map((r) => r.id), ...m.bank.map((b) => b.bankReference)]);
    const dangling = m.truth.filter((t) => {
      const named = t.type === 'match' ? [...t.keys.left, ...t.keys.right] : t.externalIds;
      return named.length === 0 || named.some((id) => !ids.has(id));
    });
    expect(dangling).toEqual([]);
    const orderById = new Map(m.orders.map((o) => [o.id, o]));
    const intents = new Set(m.stripe.map((r) => r.paymentIntentId));
    const charges = new Set(m.stripe.filter((r) => r.category === 'charge').map((r) => r.chargeId));
    const orderNumbers = new Set(m.orders.map((o) => String(o.orderNumber)));
    const stripeById = new Map(m.stripe.map((r) => [r.id, r]));
    for (const e of exceptions(m, 'MISSING_PAYMENT'))
      expect(intents.has((orderById.get(e.externalIds[0] as string) as SyntheticOrder).paymentReference)).toBe(false);
    for (const e of exceptions(m, 'MISSING_ORDER'))
      expect(orderNumbers.has((stripeById.get(e.externalIds[0] as string) as SyntheticMonthStripeRow).orderId)).toBe(false);
    for (const e of exceptions(m, 'REFUND_UNMATCHED')) {
      const refund = stripeById.get(e.externalIds[0] as string) as SyntheticMonthStripeRow;
      expect(refund.category).toBe('refund');
      expect(
        charges.has(refund.chargeId) ||
          (intents.has(refund.paymentIntentId) && m.stripe.some((r) => r.category === 'charge' && r.paymentIntentId === refund.paymentIntentId)),
      ).toBe(false);
    }
  });

  it('order ↔ payment truth: equal amounts, off by one for ROUNDING_DIFF, well off for AMOUNT_MISMATCH, twice for DUPLICATE_PAYMENT', () => {
    const orderById = new Map(m.orders.map((o) => [o.id, o]));
    const stripeById = new Map(m.stripe.map((r) => [r.id, r]));
    const pair = (ids: string[]): [SyntheticOrder, SyntheticMonthStripeRow] => [
      orderById.get(ids[0] as string) as SyntheticOrder,
      stripeById.get(ids[1] as string) as SyntheticMonthStripeRow,
    ];
    const wrong = matches(m, 'order_payment').filter((t) => {
      const [order, charge] = pair([...t.keys.left, ...t.keys.right]);
      const diff = Math.abs(charge.grossMinor - order.totalMinor);
      return (
        charge.paymentIntentId !== order.paymentReference ||
        charge.orderId !== String(order.orderNumber) ||
        diff !== (t.autoResolved === 'ROUNDING_DIFF' ? 1 : 0)
      );
    });
    expect(wrong).toEqual([]);
    expect(matches(m, 'order_payment').filter((t) => t.autoResolved === 'ROUNDING_DIFF')).toHaveLength(m.summary.anomalies.ROUNDING_DIFF);
    for (const e of exceptions(m, 'AMOUNT_MISMATCH')) {
      const [order, charge] = pair(e.externalIds);
      expect(charge.paymentIntentId).toBe(order.paymentReference);
      expect(Math.abs(charge.grossMinor - order.totalMinor)).toBeGreaterThanOrEqual(200);
    }
    for (const e of exceptions(m, 'DUPLICATE_PAYMENT')) {
      const [order, first] = pair(e.externalIds);
      const second = stripeById.get(e.externalIds[2] as string) as SyntheticMonthStripeRow;
      expect([first.orderId, second.orderId]).toEqual([String(order.orderNumber), String(order.orderNumber)]);
      expect([first.grossMinor, second.grossMinor]).toEqual([order.totalMinor, order.totalMinor]);
      expect(first.id).not.toBe(second.id);
    }
  });

  it('refunds match their charge and the Shopify order says how much was refunded', () => {
    const stripeById = new Map(m.stripe.map((r) => [r.id, r]));
    const refunded = new Map<string, number>();
    for (const t of matches(m, 'refund_payment')) {
      const refund = stripeById.get(t.keys.left[0] as string) as SyntheticMonthStripeRow;
      const charge = stripeById.get(t.keys.right[0] as string) as SyntheticMonthStripeRow;
      expect(refund.paymentIntentId).toBe(charge.paymentIntentId);
      expect(-refund.grossMinor).toBeLessThanOrEqual(charge.grossMinor);
      refunded.set(charge.orderId, (refunded.get(charge.orderId) ?? 0) - refund.grossMinor);
    }
    const wrong = m.orders.filter((o) => {
      const status = o.refundedMinor === 0 ? 'paid' : o.refundedMinor === o.totalMinor ? 'refunded' : 'partially_refunded';
      return o.refundedMinor !== (refunded.get(String(o.orderNumber)) ?? 0) || o.financialStatus !== status;
    });
    expect(wrong).toEqual([]);
    expect(refunded.size).toBeGreaterThan(400);
    const disputes = matches(m, 'dispute_payment').map((t) => [stripeById.get(t.keys.left[0] as string), stripeById.get(t.keys.right[0] as string)]);
    expect(disputes).toHaveLength(m.summary.anomalies.DISPUTE_OPEN);
    expect(
      disputes.filter(([d, c]) => d?.category !== 'dispute' || d.paymentIntentId !== c?.paymentIntentId || d.grossMinor !== -c.grossMinor),
    ).toEqual([]);
  });
});

describe('writeMonthFiles: the files import cleanly through the real pipeline', () => {
  let files: MonthFiles;
  beforeAll(() => {
    files = writeMonthFiles(join(root, 'import'), { orders: 5000, seed: 3 });
  });

  it('writes the real Shopify and Stripe headers', () => {
    expect(SHOPIFY_ORDERS_HEADER).toHaveLength(79);
    const sample = readFileSync(join(import.meta.dirname, '../../resources/samples/shopify-orders-2026-10.csv'), 'utf8');
    expect(readFileSync(files.shopifyCsv, 'utf8').split('\n', 1)[0]).toBe(sample.split(/\r?\n/, 1)[0]);
    expect(readFileSync(files.stripeCsv, 'utf8').split('\n', 1)[0]).toBe(MONTH_STRIPE_HEADER.join(','));
    expect(MONTH_STRIPE_HEADER).toEqual(expect.arrayContaining(['payment_intent_id', 'charge_id', 'customer_id', 'payment_metadata[order_id]']));
  });

  it('yields one event per order (and one per fulfilled order) and per Stripe row, none rejected', () => {
    const ws = createWorkspace(join(root, 'ws'));
    try {
      const shopify = importFiles(ws.db, ws.settings, { source: 'shopify:store', files: [files.shopifyCsv], actor: 'user:test' });
      const stripe = importFiles(ws.db, ws.settings, { source: 'stripe:main', files: [files.stripeCsv], actor: 'user:test' });
      expect(shopify.files[0]?.format).toBe('shopify-orders-csv');
      expect(stripe.files[0]?.format).toBe('stripe-balance-csv');
      expect([shopify.rowsRejected, stripe.rowsRejected]).toEqual([0, 0]);
      expect(stripe.eventsCreated).toBe(files.summary.stripeRows);
      const kinds = ws.db.prepare('SELECT kind, count(*) AS n FROM events GROUP BY kind ORDER BY kind').all() as Array<{ kind: string; n: number }>;
      const byKind = Object.fromEntries(kinds.map((k) => [k.kind, k.n]));
      const s = files.summary.stripeByCategory;
      // The store's own fulfillment (Fulfilled at) is a fulfillment event beside its order: about 70% of orders.
      const fulfilled = byKind.fulfillment ?? 0;
      expect(shopify.eventsCreated).toBe(files.summary.orders + fulfilled);
      expect(fulfilled / files.summary.orders).toBeGreaterThan(0.6);
      expect(fulfilled / files.summary.orders).toBeLessThan(0.8);
      expect(byKind).toEqual({
        order: files.summary.orders,
        fulfillment: fulfilled,
        payment: s.charge,
        refund: s.refund,
        dispute: s.dispute,
        payout: s.payout,
      });
    } finally {
      ws.close();
    }
  });

  it.skipIf(!DETECTABLE_PARSERS.some((p) => p.format === 'camt'))('imports the camt.053 statement as one event per bank line', () => {
    const ws = createWorkspace(join(root, 'ws-bank'));
    try {
      const bank = importFiles(ws.db, ws.settings, { source: 'bank:main', files: [files.camtPath], actor: 'user:test' });
      expect(bank.rowsRejected).toBe(0);
      expect(bank.eventsCreated).toBe(files.bankEntries.length);
    } finally {
      ws.close();
    }
  });
});
