// The packed stored form of explanations: every fact survives the round trip; older full rows read unchanged.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { packExplanation, unpackExplanation } from '../../src/main/matching/engine/explanationText.ts';
import { type Explanation, composeMatchSummary, summaryOf } from '../../src/main/matching/rules/explanation.ts';

const columns = { rule_id: 'order-payment.exact-key', rule_set_id: 'default', rule_version: 2 };

const full: Explanation = {
  ...columns,
  strategy: 'exact_key',
  link: 'order_payment',
  summary: 'order-payment.exact-key: keys order_ref↔order_ref agree; amount delta 0, 0.5 h apart',
  keys: [
    { left_field: 'order_ref', right_field: 'order_ref', left_value: '1001', right_value: '1001', compare: 'equal', value: 1, agreed: true },
    { left_field: 'trace_id', right_field: 'external_id', left_value: 'pi_1', right_value: 'txn_1', compare: 'equal', value: 0, agreed: false },
  ],
  amount_delta_minor: 0,
  time_delta_hours: 0.5,
  score: 0.833332,
  runners_up: [
    { event_id: 'ev_2', score: 0.5, reason: 'lower score' },
    { event_id: 'ev_3', score: null, reason: 'already used' },
  ],
};

describe('packed explanations', () => {
  it('round-trip every field, and are much smaller than the full form', () => {
    const text = packExplanation(full);
    expect(unpackExplanation(text, columns)).toEqual(full);
    expect(text.length).toBeLessThan(JSON.stringify(full).length * 0.6);
    expect(text).not.toContain('rule_set_id');
  });

  it('keep the policy line of an exception and the nulls of a rule-less one', () => {
    const x: Explanation = {
      ...full,
      rule_id: null,
      strategy: null,
      link: null,
      keys: [],
      amount_delta_minor: null,
      time_delta_hours: null,
      score: null,
      runners_up: [],
      policy: 'above the policy gate',
    };
    expect(unpackExplanation(packExplanation(x), { ...columns, rule_id: null })).toEqual(x);
  });

  it('leave out a standard match summary and compose it on read from the facts, with its note', () => {
    const standard: Explanation = { ...full, summary: '', note: 'late: the payment came 4 d after the order' };
    const text = packExplanation(standard);
    expect(text).not.toContain('amount delta');
    const read = unpackExplanation(text, columns);
    expect(read.summary).toBe(
      'order-payment.exact-key: keys order_ref↔order_ref agree; amount delta 0, 0.5 h apart; late: the payment came 4 d after the order',
    );
    expect(read.summary).toBe(summaryOf(standard));
    expect(read).toEqual({ ...standard, summary: composeMatchSummary(standard) });
    expect(composeMatchSummary({ ...standard, keys: [], note: undefined })).toBe(
      'order-payment.exact-key: amount and time agree; amount delta 0, 0.5 h apart',
    );
  });

  it('read rows packed by the previous version (summary first, no version mark)', () => {
    const v1 = JSON.stringify({
      s: full.summary,
      g: 'exact_key',
      l: 'order_payment',
      k: [['order_ref', 'order_ref', '1001', null, 'equal', 1, 1]],
      a: 0,
      h: 0.5,
      c: 0.833332,
    });
    expect(unpackExplanation(v1, columns)).toEqual({ ...full, keys: [full.keys[0]], runners_up: [] });
  });

  it('read rows stored in the full form, and a person’s match note, as stored', () => {
    expect(unpackExplanation(JSON.stringify(full), columns)).toEqual(full);
    const note = { by: 'ana', reason: 'paid by bank transfer', events: { left: ['a'], right: ['b'] } };
    expect(unpackExplanation(JSON.stringify(note), columns)).toEqual(note);
  });

  it('round-trip arbitrary values, including quotes, separators and non-ASCII text', () => {
    const text = fc.string({ unit: 'binary' });
    fc.assert(
      fc.property(
        text.filter((t) => t !== ''),
        text,
        text,
        fc.option(fc.integer(), { nil: null }),
        (summary, lv, rv, delta) => {
          const e: Explanation = {
            ...full,
            summary,
            keys: [{ ...(full.keys[0] as Explanation['keys'][number]), left_value: lv, right_value: rv }],
            amount_delta_minor: delta,
          };
          expect(unpackExplanation(packExplanation(e), columns)).toEqual(e);
        },
      ),
    );
  });
});
