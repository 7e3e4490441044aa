// A generated month's Stripe rows as the Stripe API (and a balance report made after the month) shows them: the rows
// the fake Stripe server serves in the connector tests.
import { generateMonth, type SyntheticMonthStripeRow } from '../../../src/main/synthetic/monthGenerator.ts';

export function stripeMonthRows(orders: number, seed: number): SyntheticMonthStripeRow[] {
  const rows: SyntheticMonthStripeRow[] = [];
  generateMonth({ orders, seed }, { order: () => {}, stripeRow: (r) => rows.push({ ...r }), bankLine: () => {}, truth: () => {} });
  // An item whose payout is not made yet shows no automatic_payout_id: there is no such payout to name.
  const payouts = new Set(rows.filter((r) => r.category === 'payout').map((r) => r.sourceId));
  for (const r of rows) if (r.category !== 'payout' && !payouts.has(r.payoutId)) r.payoutId = '';
  return rows;
}
