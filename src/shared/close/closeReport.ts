// What the month-end close shows and signs (DESIGN §10, §11, §13): the checklist, the rollforward per processor and bank
// account, sign-offs. One shape for the API, the Close screen and the audit pack (amounts: signed minor units).
import { z } from 'zod';

export const CHECK_STATUSES = ['ok', 'attention', 'blocking'] as const;

export const ChecklistItemSchema = z.object({
  id: z.enum(['statements_balanced', 'feeds_delivered', 'class_c_open', 'high_value_open', 'shadow_pending']),
  label: z.string(),
  status: z.enum(CHECK_STATUSES),
  detail: z.string(),
  /** The things the item is about: statements, sources, exception ids (the first 50). */
  items: z.array(z.object({ key: z.string(), text: z.string() })),
  count: z.number().int(),
});
export type ChecklistItem = z.infer<typeof ChecklistItemSchema>;

export const ProcessorRollforwardSchema = z.object({
  key: z.string(),
  source: z.string(),
  currency: z.string(),
  opening: z.number().int(),
  openingBasis: z.string(),
  sales: z.number().int(),
  fees: z.number().int(),
  refunds: z.number().int(),
  disputes: z.number().int(),
  adjustments: z.number().int(),
  /** Items of closed months that arrived after they were signed off (booked here: the closed month stays as signed). */
  priorPeriodItems: z.number().int(),
  payouts: z.number().int(),
  closing: z.number().int(),
  /** The processor's own balance at the month's end where its data states one, and where it comes from. */
  processorClosing: z.number().int().nullable(),
  processorBasis: z.string().nullable(),
  difference: z.number().int().nullable(),
  /** Payouts made this month that the bank had not booked by its end. */
  inTransit: z.object({ count: z.number().int(), amount: z.number().int() }),
  /** This month's items settled by a payout after its end: part of the closing balance, reversed when that payout lands. */
  carriedForward: z.number().int(),
  /** Earlier months' items settled by this month's payouts: the carry-forward of the month before, reversed. */
  carryForwardReversed: z.number().int(),
  events: z.number().int(),
});
export type ProcessorRollforward = z.infer<typeof ProcessorRollforwardSchema>;

export const BankRollforwardSchema = z.object({
  key: z.string(),
  source: z.string(),
  account: z.string(),
  currency: z.string(),
  opening: z.number().int(),
  openingBasis: z.string(),
  credits: z.number().int(),
  debits: z.number().int(),
  priorPeriodItems: z.number().int(),
  closing: z.number().int(),
  bankClosing: z.number().int().nullable(),
  bankClosingDate: z.string().nullable(),
  difference: z.number().int().nullable(),
  statements: z.number().int(),
  events: z.number().int(),
});
export type BankRollforward = z.infer<typeof BankRollforwardSchema>;

export const InTransitPayoutSchema = z.object({
  source: z.string(),
  currency: z.string(),
  payout: z.string(),
  amount: z.number().int(),
  paidOn: z.string(),
  /** The bank's booking date where the payout is matched to a bank line after the month; null: not in the bank yet. */
  bankedOn: z.string().nullable(),
});
export type InTransitPayout = z.infer<typeof InTransitPayoutSchema>;

export const StraddlingSettlementSchema = z.object({
  source: z.string(),
  currency: z.string(),
  payout: z.string(),
  /** The payout's business date, or null when the payout is not in the ledger yet. */
  paidOn: z.string().nullable(),
  /** carried forward: this month's items in a later payout; reversed: earlier months' items in this month's payout. */
  direction: z.enum(['carried forward', 'reversed']),
  amount: z.number().int(),
  items: z.number().int(),
});
export type StraddlingSettlement = z.infer<typeof StraddlingSettlementSchema>;

export const RollforwardSchema = z.object({
  processors: z.array(ProcessorRollforwardSchema),
  banks: z.array(BankRollforwardSchema),
  inTransit: z.array(InTransitPayoutSchema),
  straddling: z.array(StraddlingSettlementSchema),
});
export type Rollforward = z.infer<typeof RollforwardSchema>;

export const SignOffSchema = z.object({
  action: z.enum(['closed', 'reopened']),
  by: z.string(),
  reason: z.string(),
  at: z.string(),
  journalSeq: z.number().int(),
  packSha256: z.string().nullable(),
  acceptedOpen: z.number().int(),
});
export type SignOff = z.infer<typeof SignOffSchema>;

export const CloseStatusSchema = z.object({
  month: z.string(),
  timeZone: z.string(),
  fromDate: z.string(),
  toDate: z.string(),
  state: z.enum(['open', 'closed']),
  checklist: z.array(ChecklistItemSchema),
  rollforward: RollforwardSchema,
  signOffs: z.array(SignOffSchema),
  adjustments: z.object({ recordedHere: z.number().int(), affectingThisMonth: z.number().int() }),
  blocking: z.number().int(),
  pack: z.object({ sha256: z.string(), bytes: z.number().int(), fileName: z.string() }).nullable(),
});
export type CloseStatus = z.infer<typeof CloseStatusSchema>;
