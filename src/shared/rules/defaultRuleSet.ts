// The rule set that runs with no configuration: order → payment → payout → bank credit, refunds and disputes off the payment.
import { RuleSetSchema, type RuleSet, type RuleSetInput } from './ruleSet.ts';

/** Source kinds whose payments pay orders and whose payouts reach the bank (`stripe:main`, `amazon:eu`, …). */
export const PROCESSORS = ['stripe', 'paypal', 'shopify-payments', 'amazon'];
const PAYOUT_ITEM_KINDS = ['payment', 'refund', 'fee', 'dispute', 'adjustment'] as const;

/*
 * Thresholds (see docs/matching.md for the score formula):
 * - order ↔ payment by key: order_ref or trace_id (Shopify payment reference = Stripe payment intent)
 *   or trace_id ↔ external_id (a PayPal transaction id written on the order). Payment within 7 days
 *   before / 30 days after the order. Exact amount; a difference of ≤ 2 minor units is a ROUNDING_DIFF
 *   (auto-resolved); more is an AMOUNT_MISMATCH. Two payments fully paying one order: DUPLICATE_PAYMENT.
 * - partial payments: ≥ 2 unmatched payments sharing the order's key whose sum equals the order (±2 minor units).
 *   When one payment wins on keys and others sharing its key also pay the order in full, the match stands and
 *   the extra payments get a DUPLICATE_PAYMENT with the order.
 * - amount + window: no key, exact amount, payment 1 day before to 3 days after the order; 3–10 days
 *   after is a TIMING_DIFF (auto-resolved). Only for events no key ties elsewhere: never a payment carrying
 *   an order reference, nor an order or payment whose key finds a counterpart (strategies/keyClaims.ts).
 * - fuzzy: customer e-mail mailbox similarity ≥ 0.7 (similarity_of: email; another domain × 0.75) plus exact amount, same
 *   window as amount + window; it decides the amount + window ties it can separate.
 * - refunds and disputes hang off their payment by trace_id (Stripe payment intent), the PayPal
 *   reference transaction (trace_id ↔ external_id), or order_ref; up to 180 days after the payment.
 * - payout items: every payment/refund/fee/dispute/adjustment naming the payout (payout_ref) within 90
 *   days before it; the sum of their nets must equal the payout (±0), else PAYOUT_MISMATCH.
 * - refunds ↔ the store: the processor's refunds of an order (by payment intent or order reference, up to 30 days
 *   after it) must add up to what the store shows refunded on the order (±2 minor units: ROUNDING_DIFF); a refund the
 *   store does not show, or another amount, is REFUND_UNMATCHED, as is an order refunded in the store with no
 *   processor refund once the processor's feed is past the window.
 * - bank ↔ payout, in business days (banks book on weekdays): the payout id (or the bank's trace number) inside the
 *   bank remittance text, booked 2 business days before to 5 after the payout (6–10 after: a TIMING_DIFF,
 *   auto-resolved); else the amount (opposite sign, exact) in the same window, a deposit 6–10 business days late
 *   being a TIMING_DIFF too; else a bounded subset sum of ≤ 5 payouts of the line's direction among the 20 nearest
 *   in the window. A negative payout (money out of the processor) pairs with a bank credit, a positive one (the
 *   processor pulled money from the bank) with a bank debit.
 */
const input: RuleSetInput = {
  format: 'tieout-rules',
  rule_set_id: 'default',
  version: 4,
  name: 'Tieout default: order-to-cash for Shopify, Stripe, PayPal, Shopify Payments, Amazon and bank statements',
  settings: { tie_margin: 0.05, subset_sum_max_items: 5, subset_sum_max_candidates: 20, remediation_days: 7 },
  rules: [
    {
      id: 'order-payment.exact-key',
      description: 'Order ↔ payment on order reference, payment intent / trace id, or the PayPal transaction id',
      priority: 10,
      link: 'order_payment',
      strategy: 'exact_key',
      left: { kinds: ['order'] },
      right: { kinds: ['payment'], sources: PROCESSORS },
      keys: [
        { left: 'order_ref', right: 'order_ref', compare: 'equal' },
        { left: 'trace_id', right: 'trace_id', compare: 'equal' },
        { left: 'trace_id', right: 'external_id', compare: 'equal' },
      ],
      amount: { tolerance_minor: 0, rounding_minor: 2 },
      window: { before_days: 7, after_days: 30 },
    },
    {
      id: 'order-payment.partial',
      description: 'Order ↔ several partial payments sharing its key and summing to it',
      priority: 20,
      link: 'order_payment',
      strategy: 'partial_payments',
      left: { kinds: ['order'] },
      right: { kinds: ['payment'], sources: PROCESSORS },
      keys: [
        { left: 'order_ref', right: 'order_ref', compare: 'equal' },
        { left: 'trace_id', right: 'trace_id', compare: 'equal' },
      ],
      amount: { tolerance_minor: 0, rounding_minor: 2 },
      window: { before_days: 7, after_days: 30 },
      cardinality: 'one_to_many',
    },
    {
      id: 'order-payment.amount-window',
      description: 'Order ↔ payment of the same amount and currency shortly after it',
      priority: 30,
      link: 'order_payment',
      strategy: 'amount_window',
      left: { kinds: ['order'] },
      right: { kinds: ['payment'], sources: PROCESSORS },
      amount: { tolerance_minor: 0 },
      window: { before_days: 1, after_days: 3, extended_after_days: 10 },
    },
    {
      id: 'order-payment.fuzzy-customer',
      description: 'Order ↔ payment by similar customer e-mail and the same amount',
      priority: 40,
      link: 'order_payment',
      strategy: 'fuzzy',
      left: { kinds: ['order'] },
      right: { kinds: ['payment'], sources: PROCESSORS },
      keys: [{ left: 'customer_ref', right: 'customer_ref', compare: 'similarity', threshold: 0.7, similarity_of: 'email' }],
      amount: { tolerance_minor: 0 },
      window: { before_days: 1, after_days: 3, extended_after_days: 10 },
    },
    {
      id: 'refund-payment.key',
      description: 'Refund ↔ the payment it refunds (payment intent, PayPal reference transaction, or order)',
      priority: 50,
      link: 'refund_payment',
      strategy: 'exact_key',
      left: { kinds: ['refund'] },
      right: { kinds: ['payment'] },
      keys: [
        { left: 'trace_id', right: 'trace_id', compare: 'equal' },
        { left: 'trace_id', right: 'external_id', compare: 'equal' },
        { left: 'order_ref', right: 'order_ref', compare: 'equal' },
      ],
      window: { before_days: 180, after_days: 0 },
      cardinality: 'many_to_one',
    },
    {
      id: 'order-refund.totals',
      description: 'The processor’s refunds of an order ↔ what the store shows refunded on it',
      priority: 55,
      link: 'order_refund',
      strategy: 'refund_totals',
      left: { kinds: ['order'] },
      right: { kinds: ['refund'], sources: PROCESSORS },
      keys: [
        { left: 'trace_id', right: 'trace_id', compare: 'equal' },
        { left: 'order_ref', right: 'order_ref', compare: 'equal' },
      ],
      amount: { tolerance_minor: 0, rounding_minor: 2, sign: 'opposite' },
      window: { before_days: 0, after_days: 30 },
      cardinality: 'one_to_many',
    },
    {
      id: 'dispute-payment.key',
      description: 'Dispute ↔ the disputed payment',
      priority: 60,
      link: 'dispute_payment',
      strategy: 'exact_key',
      left: { kinds: ['dispute'] },
      right: { kinds: ['payment'] },
      keys: [
        { left: 'trace_id', right: 'trace_id', compare: 'equal' },
        { left: 'trace_id', right: 'external_id', compare: 'equal' },
        { left: 'order_ref', right: 'order_ref', compare: 'equal' },
      ],
      window: { before_days: 180, after_days: 0 },
      cardinality: 'many_to_one',
    },
    {
      id: 'payout-items.payout-ref',
      description: 'Payout ↔ the balance items it pays out; the sum of their nets must equal the payout',
      priority: 70,
      link: 'payout_items',
      strategy: 'payout_items',
      left: { kinds: ['payout'] },
      right: { kinds: [...PAYOUT_ITEM_KINDS] },
      keys: [{ left: 'payout_ref', right: 'payout_ref', compare: 'equal' }],
      amount: { tolerance_minor: 0, net_fees: true, sign: 'opposite' },
      window: { before_days: 90, after_days: 2 },
      cardinality: 'one_to_many',
    },
    {
      id: 'bank-payout.payout-id',
      description: 'Payout ↔ the bank line whose remittance text names the payout id (a credit, or a debit for a positive payout)',
      priority: 80,
      link: 'bank_payout',
      strategy: 'bank_payout',
      left: { kinds: ['payout'], sources: PROCESSORS },
      right: { kinds: ['bank_credit', 'bank_debit'] },
      keys: [
        { left: 'payout_ref', right: 'attributes.description', compare: 'contains' },
        // The bank's trace number, which a Stripe payouts report gives and US banks print.
        { left: 'trace_id', right: 'attributes.description', compare: 'contains' },
      ],
      amount: { tolerance_minor: 0, rounding_minor: 2, sign: 'opposite' },
      window: { before_days: 2, after_days: 5, extended_after_days: 10, unit: 'business_days' },
    },
    {
      id: 'bank-payout.amount-window',
      description: 'Payout(s) ↔ a bank line of the same amount (opposite sign); several payouts by bounded subset sum',
      priority: 90,
      link: 'bank_payout',
      strategy: 'bank_payout',
      left: { kinds: ['payout'], sources: PROCESSORS },
      right: { kinds: ['bank_credit', 'bank_debit'] },
      amount: { tolerance_minor: 0, sign: 'opposite' },
      window: { before_days: 2, after_days: 5, extended_after_days: 10, unit: 'business_days' },
      cardinality: 'many_to_one',
    },
  ],
};

/** Validated at module load: a broken default rule set fails every test, not a customer's month. */
export const DEFAULT_RULE_SET: RuleSet = RuleSetSchema.parse(input);
