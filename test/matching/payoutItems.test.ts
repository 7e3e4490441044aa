// payout_items at the size of a large merchant's payout: more items than a JavaScript call takes arguments.
import { describe, it, expect } from 'vitest';
import { ev, run, ruleSetOf } from './mevent.ts';

describe('a payout with 150,000 balance items', () => {
  it('matches all of them when their nets sum to the payout (no argument-list limit on the way)', () => {
    const n = 150_000;
    const items = Array.from({ length: n }, (_, i) =>
      ev(`p${String(i).padStart(6, '0')}`, 'payment', 1000, -48 + (i % 40), { fee: 30, net: 970, payoutRef: 'po_big' }),
    );
    const payout = ev('po', 'payout', -970 * n, 0, { payoutRef: 'po_big' });
    const s = run([payout, ...items], ruleSetOf(['payout-items.payout-ref']));
    expect(s.matches).toHaveLength(1);
    expect(s.matches[0]?.left.map((e) => e.id)).toEqual(['po']);
    expect(s.matches[0]?.right).toHaveLength(n);
    expect(s.exceptions).toEqual([]);
  });
});
