// The canonical event (DESIGN §3): the one shape every source record is turned into.
import { z } from 'zod';

export const EVENT_KINDS = [
  'order',
  'payment',
  'refund',
  'fee',
  'payout',
  'dispute',
  'bank_credit',
  'bank_debit',
  'ad_spend',
  'fulfillment',
  'adjustment',
] as const;

export const EventKindSchema = z.enum(EVENT_KINDS);
export type EventKind = z.infer<typeof EventKindSchema>;

/** `KIND[:NAME]`, e.g. `stripe:acct_123`, `shopify:store`, `bank:chase-1234`. */
export const SourceIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]*(:[A-Za-z0-9_.@-]+)?$/, 'source must look like KIND or KIND:NAME (letters, digits, _ . @ -)');

const isoInstant = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/, 'expected a UTC ISO 8601 instant');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a calendar date YYYY-MM-DD');
const minor = z.number().int().refine(Number.isSafeInteger, 'amount is outside the safe integer range');
const ref = z.string().min(1).max(512);

/**
 * What a parser produces for one source record. The import pipeline adds the
 * fields it owns (event_id, received_at, raw artifact, mapping version).
 *
 * Sign convention: `amount_minor` is signed from the merchant's point of view:
 * money coming in (orders, payments, bank credits) is positive, money going out
 * (refunds, fees, disputes, bank debits, ad spend) is negative. A payout is
 * negative on the provider's balance and positive as a bank credit.
 *
 * `fee_minor` is the processor's fee as a positive cost (negative when a fee is
 * refunded) and `net_minor = amount_minor - fee_minor`, as Stripe reports them.
 */
export const EventDraftSchema = z.object({
  kind: EventKindSchema,
  external_id: ref,
  /** Changes when the source record itself changes (e.g. an order later refunded). */
  source_revision: z.string().max(128).default(''),
  order_ref: ref.nullable().default(null),
  customer_ref: ref.nullable().default(null),
  payout_ref: ref.nullable().default(null),
  trace_id: ref.nullable().default(null),
  amount_minor: minor,
  currency: z.string().regex(/^[A-Z]{3}$/),
  fee_minor: minor.nullable().default(null),
  net_minor: minor.nullable().default(null),
  state: z.string().max(64).nullable().default(null),
  channel: z.string().max(64).nullable().default(null),
  /** Business time as a UTC instant. */
  occurred_at: isoInstant,
  /** Source-local calendar date where the source gives one (bank booking date). */
  local_date: isoDate.nullable().default(null),
  /** Source-specific fields kept for explanation and display (description, email, …). */
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).default({}),
});
export type EventDraftInput = z.input<typeof EventDraftSchema>;
export type EventDraft = z.output<typeof EventDraftSchema>;

export const CanonicalEventSchema = EventDraftSchema.extend({
  event_id: z.string().regex(/^ev_[0-9a-f]{32}$/),
  source: SourceIdSchema,
  received_at: isoInstant,
  raw_artifact_id: z.string().regex(/^[0-9a-f]{64}$/),
  raw_line_start: z.number().int().positive(),
  raw_line_end: z.number().int().positive(),
  mapping_version: z.string().min(1),
  batch_id: z.string(),
});
export type CanonicalEvent = z.output<typeof CanonicalEventSchema>;

/** Whitespace anywhere or a leading '#': the only things normalizeRef changes. */
const PLAIN_REF_NEEDS_WORK = /^#|\s/;

/**
 * Normalizes a join key: trims, collapses inner whitespace and drops a leading
 * '#', so "#1001" and " 1001" meet. Case is kept (provider ids are
 * case-sensitive); comparisons that should fold case do so in the matcher.
 */
export function normalizeRef(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  // Most refs need nothing done (this runs four times for every imported event).
  if (!PLAIN_REF_NEEDS_WORK.test(value)) return value === '' ? null : value;
  const trimmed = value.trim().replace(/\s+/g, ' ').replace(/^#\s*/, '');
  return trimmed === '' ? null : trimmed;
}
