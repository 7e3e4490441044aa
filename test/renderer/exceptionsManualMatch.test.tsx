// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { candidateKey, planManualMatch } from '../../src/renderer/src/screens/exceptions/manualMatchPlan.ts';
import { candidatePayment, eventDetail, eventLine, exceptionDetailFixture, orderLine, paymentLine } from './exceptionsFixtures.ts';

const raw = { fileName: 'f.csv', text: 'x', line: 2 };

describe('manual match plan', () => {
  it("puts a lone exception event opposite the candidates it picked", () => {
    const payment = eventLine('ev-p', 'payment', 'ch_5', 4_000);
    const orderA = eventLine('ev-oa', 'order', 'ord-5', 4_000, 'shopify:store');
    const orderB = eventLine('ev-ob', 'order', 'ord-6', 4_000, 'shopify:store');
    const detail = exceptionDetailFixture({
      events: [eventDetail(payment, raw)],
      candidates: [
        { event: orderA, link: 'order_payment', side: 'left', score: 0.9, reasons: ['amount exact'] },
        { event: orderB, link: 'order_payment', side: 'left', score: 0.7, reasons: ['amount exact'] },
      ],
    });
    const picked = new Set([candidateKey(detail.candidates[0]!), candidateKey(detail.candidates[1]!)]);
    expect(planManualMatch(detail, picked, new Set(['ev-p']))).toEqual({
      ok: true,
      plan: { link: 'order_payment', leftEventIds: ['ev-oa', 'ev-ob'], rightEventIds: ['ev-p'] },
    });
  });

  it('keeps exception events that already span both sides on their natural side', () => {
    // AMOUNT_MISMATCH: the order (left) and its payment (right); the candidate is a second payment (right).
    const detail = exceptionDetailFixture();
    const result = planManualMatch(detail, new Set([candidateKey(detail.candidates[0]!)]), new Set([orderLine.eventId, paymentLine.eventId]));
    expect(result).toEqual({
      ok: true,
      plan: { link: 'order_payment', leftEventIds: [orderLine.eventId], rightEventIds: [candidatePayment.eventId, paymentLine.eventId] },
    });
  });

  it('reads a natural side from the rule set when no candidate has that kind', () => {
    // PAYOUT_MISMATCH: payout (left of payout_items) and a payment item (right); the candidate is a fee item.
    const payout = eventLine('ev-po', 'payout', 'po_1', -9_000);
    const item = eventLine('ev-it', 'payment', 'ch_7', 9_100);
    const fee = eventLine('ev-fee', 'fee', 'fee_7', -100);
    const detail = exceptionDetailFixture({
      events: [eventDetail(payout, raw), eventDetail(item, raw)],
      candidates: [{ event: fee, link: 'payout_items', side: 'right', score: 1, reasons: ['payout_ref agrees'] }],
    });
    expect(planManualMatch(detail, new Set(['payout_items|ev-fee']), new Set(['ev-po', 'ev-it']))).toEqual({
      ok: true,
      plan: { link: 'payout_items', leftEventIds: ['ev-po'], rightEventIds: ['ev-fee', 'ev-it'] },
    });
  });

  it('leaves out the exception events the user unticked, and refuses plans that cannot be a match', () => {
    const detail = exceptionDetailFixture();
    const key = candidateKey(detail.candidates[0]!);
    expect(planManualMatch(detail, new Set([key]), new Set([orderLine.eventId]))).toEqual({
      ok: true,
      plan: { link: 'order_payment', leftEventIds: [orderLine.eventId], rightEventIds: [candidatePayment.eventId] },
    });
    expect(planManualMatch(detail, new Set(), new Set([orderLine.eventId]))).toEqual({ ok: false, error: 'Pick at least one candidate.' });
    const nothingOpposite = planManualMatch(detail, new Set([key]), new Set());
    expect(nothingOpposite.ok).toBe(false);
    expect(!nothingOpposite.ok && nothingOpposite.error).toMatch(/at least one event on each side/);

    const twoLinks = exceptionDetailFixture({
      candidates: [
        ...detail.candidates,
        { event: eventLine('ev-r', 'refund', 're_1', -500), link: 'refund_payment', side: 'left', score: 0.8, reasons: ['trace_id agrees'] },
      ],
    });
    const mixed = planManualMatch(twoLinks, new Set([key, 'refund_payment|ev-r']), new Set([paymentLine.eventId]));
    expect(!mixed.ok && mixed.error).toMatch(/different links \(order_payment, refund_payment\)/);
  });
});
