// The amount index answers an amount range inside a time window exactly as a full scan filtered by both would.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { buildAmountIndex } from '../../src/main/matching/rules/strategies/amountIndex.ts';
import { DEFAULT_RULE_SET } from '../../src/shared/rules/defaultRuleSet.ts';
import { ev, HOUR, T0 } from './mevent.ts';

const rule = DEFAULT_RULE_SET.rules.find((r) => r.id === 'order-payment.amount-window');

describe('amount index', () => {
  it('range(lo, hi, from, to) = the events with amount in [lo, hi] and time in [from, to], by (amount, time, id)', () => {
    if (rule === undefined) throw new Error('rule missing');
    const event = fc.record({ amount: fc.integer({ min: 95, max: 110 }), hours: fc.integer({ min: -50, max: 50 }), usd: fc.boolean() });
    fc.assert(
      fc.property(
        fc.array(event, { maxLength: 60 }),
        fc.integer({ min: 90, max: 115 }),
        fc.nat(10),
        fc.integer({ min: -60, max: 60 }),
        fc.nat(80),
        (specs, lo, width, fromH, spanH) => {
          const events = specs.map((s, i) => ev(`e${String(i).padStart(3, '0')}`, 'payment', s.amount, s.hours, { currency: s.usd ? 'USD' : 'EUR' }));
          const index = buildAmountIndex(rule, events);
          const from = T0 + fromH * HOUR;
          const to = from + spanH * HOUR;
          const expected = events
            .filter((e) => e.currency === 'USD' && e.amount >= lo && e.amount <= lo + width && e.t >= from && e.t <= to)
            .sort((a, b) => a.amount - b.amount || a.t - b.t || (a.id < b.id ? -1 : 1))
            .map((e) => e.id);
          expect(index.range('USD', lo, lo + width, from, to).map((e) => e.id)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
