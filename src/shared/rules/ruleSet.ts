// The rule language (DESIGN §5): rule sets are data, validated here, versioned and immutable once stored.
import { z } from 'zod';
import { EventKindSchema } from '../events/canonicalEvent.ts';

/** Stable exception codes (DESIGN §6); exports, filters and tests use them. */
export const EXCEPTION_CODES = [
  'DUPLICATE_RECORD',
  'ROUNDING_DIFF',
  'TIMING_DIFF',
  'MISSING_PAYMENT',
  'MISSING_ORDER',
  'AMOUNT_MISMATCH',
  'DUPLICATE_PAYMENT',
  'REFUND_UNMATCHED',
  'PAYOUT_MISMATCH',
  'PAYOUT_NOT_IN_BANK',
  'UNKNOWN_BANK_LINE',
  'CURRENCY_MISMATCH',
  'DISPUTE_OPEN',
  'AMBIGUOUS_MATCH',
  'FEED_MISSING',
  // Growth vs finance (issue 15; src/main/growth/growthExceptions.ts): ad spend ↔ billing ↔ cash, claimed ↔ real revenue.
  'SPEND_NOT_BILLED',
  'BILLED_NOT_SPENT',
  'CARD_CHARGE_NO_BILLING',
  'CONVERSIONS_WITHOUT_ORDERS',
  // Orders ↔ shipments (the fulfillment domain's queue).
  'PAID_NOT_SHIPPED',
  'SHIPPED_NOT_PAID',
  'REFUNDED_BUT_SHIPPED',
  'ORPHAN_SHIPMENT',
  'VOIDED_LABEL_CHARGED',
  'SHIPPED_QUANTITY_MISMATCH',
] as const;
export const ExceptionCodeSchema = z.enum(EXCEPTION_CODES);

/**
 * Codes no rule derives: raised by another producer through the exceptions store (the import's duplicate records,
 * feed heartbeats), which alone ends them. A reconcile run never ends or changes them.
 */
export const CODES_RAISED_OUTSIDE_THE_MATCHER: readonly string[] = [
  'DUPLICATE_RECORD',
  'FEED_MISSING',
  // The growth tie-out's codes (src/main/growth/growthExceptions.ts), derived after every run from the ad, billing,
  // order and shipment events.
  'SPEND_NOT_BILLED',
  'BILLED_NOT_SPENT',
  'CARD_CHARGE_NO_BILLING',
  'CONVERSIONS_WITHOUT_ORDERS',
  'PAID_NOT_SHIPPED',
  'SHIPPED_NOT_PAID',
  'REFUNDED_BUT_SHIPPED',
  'ORPHAN_SHIPMENT',
  'VOIDED_LABEL_CHARGED',
  'SHIPPED_QUANTITY_MISMATCH',
];
export type ExceptionCode = z.infer<typeof ExceptionCodeSchema>;

export const EXCEPTION_CLASSES = ['A', 'B', 'C'] as const;
export type ExceptionClass = (typeof EXCEPTION_CLASSES)[number];

/** Default class per code (DESIGN §6); the policy gate can raise any of them to a human sign-off. */
export const DEFAULT_EXCEPTION_CLASS: Record<ExceptionCode, ExceptionClass> = {
  DUPLICATE_RECORD: 'A',
  ROUNDING_DIFF: 'A',
  TIMING_DIFF: 'A',
  MISSING_PAYMENT: 'B',
  MISSING_ORDER: 'B',
  AMOUNT_MISMATCH: 'C',
  DUPLICATE_PAYMENT: 'C',
  REFUND_UNMATCHED: 'B',
  PAYOUT_MISMATCH: 'C',
  PAYOUT_NOT_IN_BANK: 'B',
  UNKNOWN_BANK_LINE: 'C',
  CURRENCY_MISMATCH: 'C',
  DISPUTE_OPEN: 'C',
  AMBIGUOUS_MATCH: 'C',
  FEED_MISSING: 'C',
  SPEND_NOT_BILLED: 'B', // the platform's billing fetched again; a month-end charge usually settles it
  BILLED_NOT_SPENT: 'C',
  CARD_CHARGE_NO_BILLING: 'B', // the billing fetched again; then a person
  CONVERSIONS_WITHOUT_ORDERS: 'C',
  PAID_NOT_SHIPPED: 'B', // the shipment feed synced again; then the fulfillment owner
  SHIPPED_NOT_PAID: 'C',
  REFUNDED_BUT_SHIPPED: 'C',
  ORPHAN_SHIPMENT: 'B', // the orders synced again (the order may be newer than the last export)
  VOIDED_LABEL_CHARGED: 'C',
  SHIPPED_QUANTITY_MISMATCH: 'C',
};

/** Event fields a rule may compare: the canonical join keys, the external id, or `attributes.NAME`. */
export const FieldRefSchema = z
  .string()
  .regex(
    /^(order_ref|customer_ref|payout_ref|trace_id|external_id|attributes\.[A-Za-z0-9_.]+)$/,
    'a field is one of order_ref, customer_ref, payout_ref, trace_id, external_id or attributes.NAME',
  );
export type FieldRef = z.infer<typeof FieldRefSchema>;

export const KeyComparisonSchema = z
  .object({
    left: FieldRefSchema,
    right: FieldRefSchema,
    /**
     * equal: byte-equal; normalized_equal: case-folded, whitespace and punctuation removed;
     * contains: the right text contains the left value (normalized), e.g. a payout id inside a bank remittance;
     * similarity: normalized trigram similarity ≥ threshold (0..1).
     */
    compare: z.enum(['equal', 'normalized_equal', 'contains', 'similarity']),
    threshold: z.number().min(0).max(1).optional(),
    /**
     * similarity only. text (default): the whole values. email: when both values are e-mail addresses, the mailbox
     * names (local part, lower-case, `+tag` removed) are compared, and a different domain scales the similarity by
     * 0.75 — so `john@x` and `joan@x` (0.4) stay apart although the whole strings share most trigrams, and the same
     * mailbox at another provider (0.75) still agrees at a 0.7 threshold. Other values compare as text.
     */
    similarity_of: z.enum(['text', 'email']).optional(),
  })
  .strict()
  .refine((k) => k.compare !== 'similarity' || k.threshold !== undefined, { message: 'similarity needs a threshold', path: ['threshold'] })
  .refine((k) => k.similarity_of === undefined || k.compare === 'similarity', {
    message: 'similarity_of applies to similarity comparisons only',
    path: ['similarity_of'],
  });
export type KeyComparison = z.infer<typeof KeyComparisonSchema>;

const SideSchema = z
  .object({
    kinds: z.array(EventKindSchema).min(1),
    /** Source ids or source kinds (`stripe` matches `stripe:main`); empty or absent means any source. */
    sources: z.array(z.string().min(1)).optional(),
  })
  .strict();
export type RuleSide = z.infer<typeof SideSchema>;

export const AmountRuleSchema = z
  .object({
    /** Absolute tolerance in minor units of the events' currency. */
    tolerance_minor: z.number().int().nonnegative().default(0),
    /** Relative tolerance in basis points of the left amount; the larger of the two tolerances applies. */
    tolerance_bps: z.number().int().nonnegative().default(0),
    /** Differences up to this many minor units are a rounding difference (ROUNDING_DIFF), not a mismatch. */
    rounding_minor: z.number().int().nonnegative().default(0),
    /** Compare the right side's net (amount − fee) instead of its gross. */
    net_fees: z.boolean().default(false),
    /** How the two sides' signs relate: payouts are negative on the balance and positive in the bank. */
    sign: z.enum(['same', 'opposite']).default('same'),
  })
  .strict();

export const WindowSchema = z
  .object({
    /** Right may occur this many days before left … */
    before_days: z.number().nonnegative(),
    /** … and this many days after it. */
    after_days: z.number().nonnegative(),
    /** Found beyond after_days but within this many: a TIMING_DIFF, auto-resolved. */
    extended_after_days: z.number().nonnegative().optional(),
    /**
     * What the days count: calendar days (absent, the default) or business days (Monday to Friday; weekends skipped),
     * as banks book deposits. Absent rather than defaulted, so rule set versions stored before it read unchanged.
     */
    unit: z.enum(['days', 'business_days']).optional(),
  })
  .strict();

export const ProducesSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('match') }).strict(),
  z.object({ type: z.literal('auto_resolved_exception'), code: ExceptionCodeSchema }).strict(),
]);

export const STRATEGIES = ['exact_key', 'amount_window', 'fuzzy', 'payout_items', 'bank_payout', 'partial_payments', 'refund_totals'] as const;

export const RuleSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_.-]*$/, 'rule ids are lowercase words, e.g. order-payment.exact'),
    description: z.string().min(1),
    /** Lower runs first; an event matched by an earlier rule is not offered to later rules of the same link. */
    priority: z.number().int(),
    /** The chain link this rule decides (e.g. order_payment); an event takes part in at most one match per link. */
    link: z.string().regex(/^[a-z][a-z0-9_]*$/),
    strategy: z.enum(STRATEGIES),
    left: SideSchema,
    right: SideSchema,
    keys: z.array(KeyComparisonSchema).default([]),
    amount: AmountRuleSchema.default({ tolerance_minor: 0, tolerance_bps: 0, rounding_minor: 0, net_fees: false, sign: 'same' }),
    window: WindowSchema,
    cardinality: z.enum(['one_to_one', 'one_to_many', 'many_to_one']).default('one_to_one'),
    produces: ProducesSchema.default({ type: 'match' }),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (
      (r.strategy === 'exact_key' || r.strategy === 'fuzzy' || r.strategy === 'payout_items' || r.strategy === 'refund_totals') &&
      r.keys.length === 0
    ) {
      ctx.addIssue({ code: 'custom', path: ['keys'], message: `strategy ${r.strategy} needs at least one key comparison` });
    }
    if (r.strategy === 'fuzzy' && !r.keys.some((k) => k.compare === 'similarity')) {
      ctx.addIssue({ code: 'custom', path: ['keys'], message: 'strategy fuzzy needs a similarity comparison' });
    }
  });
export type Rule = z.infer<typeof RuleSchema>;

export const RuleSetSchema = z
  .object({
    format: z.literal('tieout-rules'),
    rule_set_id: z.string().regex(/^[a-z][a-z0-9_.-]*$/),
    version: z.number().int().positive(),
    name: z.string().min(1),
    description: z.string().optional(),
    settings: z
      .object({
        /** Two candidates whose scores differ by less than this are a tie: AMBIGUOUS_MATCH, never a coin flip. */
        tie_margin: z.number().nonnegative().default(0.05),
        /** Bank credit ↔ several payouts: at most this many payouts in one subset … */
        subset_sum_max_items: z.number().int().min(2).max(8).default(5),
        /** … chosen among at most this many candidate payouts in the window (the search bound). */
        subset_sum_max_candidates: z.number().int().min(2).max(30).default(20),
        /** Class B exceptions (awaiting data) turn into class C when their window ends, in days after the event. */
        remediation_days: z.number().positive().default(7),
      })
      .strict()
      .default({ tie_margin: 0.05, subset_sum_max_items: 5, subset_sum_max_candidates: 20, remediation_days: 7 }),
    rules: z.array(RuleSchema).min(1),
  })
  .strict()
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.rules.forEach((r, i) => {
      if (seen.has(r.id)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `duplicate rule id "${r.id}"` });
      seen.add(r.id);
    });
  });
export type RuleSet = z.infer<typeof RuleSetSchema>;
export type RuleSetInput = z.input<typeof RuleSetSchema>;

/** Validates a rule set; errors name their JSON path (`rules.2.window.after_days: …`). */
export function parseRuleSet(json: unknown): { ok: true; ruleSet: RuleSet } | { ok: false; errors: string[] } {
  const r = RuleSetSchema.safeParse(json);
  if (r.success) return { ok: true, ruleSet: r.data };
  return { ok: false, errors: r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`) };
}
