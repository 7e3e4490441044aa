// Triage playbooks per exception code: shipped defaults for every code (DESIGN §6 and issue 15's growth codes), which a
// workspace overrides per code (workspace.json `playbooks`). A playbook says what the code means in one line and the
// steps a person takes, in order.
import { z } from 'zod';

export const PlaybookSchema = z
  .object({
    title: z.string().trim().min(1).max(200),
    steps: z.array(z.string().trim().min(1).max(1000)).min(1).max(30),
  })
  .strict();
export type Playbook = z.infer<typeof PlaybookSchema>;

/** Codes the growth tie-out raises (issue 15): their owners are growth people, their template is the growth one. */
export const GROWTH_CODES = [
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
] as const;

export function codeFamily(code: string): 'finance' | 'growth' {
  return (GROWTH_CODES as readonly string[]).includes(code) ? 'growth' : 'finance';
}

export const DEFAULT_PLAYBOOKS: Readonly<Record<string, Playbook>> = {
  DUPLICATE_RECORD: {
    title: 'A record was delivered twice',
    steps: [
      'Check that both files cover overlapping dates (the resolution names both files and lines).',
      'Nothing was booked twice: no action unless the overlap is unexpected; then fix the export schedule.',
    ],
  },
  ROUNDING_DIFF: {
    title: 'Amounts differ by a rounding amount',
    steps: [
      'Confirm the difference is within the rounding tolerance shown.',
      'If rounding differences recur for one source, post them to the rounding account at month end.',
    ],
  },
  TIMING_DIFF: {
    title: 'Counterpart arrived late, inside the extended window',
    steps: ['Read the delay in the explanation.', 'If one processor or bank is late repeatedly, widen its window in Settings or raise it with them.'],
  },
  MISSING_PAYMENT: {
    title: 'An order marked paid has no payment',
    steps: [
      'Check that every payment source for the order date has been imported (Sources, awaiting counts).',
      'Look the order up in the processor dashboard by order number and customer e-mail.',
      'If paid another way (invoice, cash, gift card), resolve with that reason; if unpaid, tell the store team to void or chase it.',
    ],
  },
  MISSING_ORDER: {
    title: 'A payment has no order',
    steps: [
      'Check the store export covers the payment date and the order reference in the payment metadata.',
      'Search the store for the customer e-mail and amount.',
      'A payment with no sale behind it (test charge, invoice paid by card): record why, or refund it.',
    ],
  },
  AMOUNT_MISMATCH: {
    title: 'Counterpart found, amounts differ beyond tolerance',
    steps: [
      'Compare both sides in the card: discounts, shipping, tax or a partial capture usually explain it.',
      'If the store is right, ask the processor; if the charge is right, correct the order.',
      'Resolve with the explanation, or write the difference off above the policy gate with sign-off.',
    ],
  },
  DUPLICATE_PAYMENT: {
    title: 'An order was paid twice',
    steps: [
      'Confirm both charges settled (not one authorisation and one capture).',
      'Refund the extra charge in the processor and note the refund id.',
      'Resolve once the refund appears in the next import.',
    ],
  },
  REFUND_UNMATCHED: {
    title: 'A refund does not tie to its payment or the store',
    steps: [
      'Check whether the refund was issued in the processor but not recorded in the store (or the reverse).',
      'Record the refund on the side that misses it.',
      'Resolve once both show the same refunded amount.',
    ],
  },
  PAYOUT_MISMATCH: {
    title: 'A payout does not equal the sum of its items',
    steps: [
      'Open the payout waterfall: the unexplained remainder is at the bottom.',
      'Import the payout reconciliation report for the payout period if items are missing.',
      'Ask the processor about reserves or adjustments that no report lists.',
    ],
  },
  PAYOUT_NOT_IN_BANK: {
    title: 'A payout never reached the bank',
    steps: [
      'Check the bank statement covering the expected arrival date has been imported.',
      'Look for the payout under another amount (fees netted) or a combined deposit.',
      'If absent after the window, open a case with the processor with the payout id and trace number.',
    ],
  },
  UNKNOWN_BANK_LINE: {
    title: 'A bank line has no counterpart',
    steps: [
      'Read the remittance text and counterparty.',
      'Match it to a payout or invoice by hand if one exists; otherwise classify it (rent, transfer, interest) and resolve with that category.',
      'Unknown incoming money: ask the bank for the sender details before booking it.',
    ],
  },
  CURRENCY_MISMATCH: {
    title: 'Counterpart in another currency without an FX basis',
    steps: [
      'Import the processor report that states the conversion (presentment amounts, conversion rows).',
      'If none exists, agree the rate with the accountant and match by hand stating it.',
    ],
  },
  DISPUTE_OPEN: {
    title: 'A chargeback or dispute is open',
    steps: [
      'Check the dispute deadline in the processor dashboard.',
      'Collect evidence: order, shipment tracking, customer messages.',
      'Submit the evidence; resolve when the dispute is won or lost, noting the outcome.',
    ],
  },
  AMBIGUOUS_MATCH: {
    title: 'Several equally good candidates',
    steps: [
      'Compare the candidates listed in the explanation (keys, times, customers).',
      'Match the right one by hand; the engine then pairs the rest.',
    ],
  },
  FEED_MISSING: {
    title: 'A source missed its heartbeat',
    steps: [
      'Check the connection or the scheduled export for the source.',
      'Download and import the missing period.',
      'If the source is retired, remove its cadence in workspace.json.',
    ],
  },
  SPEND_NOT_BILLED: {
    title: 'Ad spend not billed',
    steps: [
      'Import the platform billing export for the month and the first days of the next.',
      'Check for unused ad credits or a billing threshold not reached yet.',
    ],
  },
  BILLED_NOT_SPENT: {
    title: 'Billed beyond the spend',
    steps: [
      'Compare the billing lines with the spend report per campaign and day.',
      'Look for taxes, prepayments or another ad account on the same card; ask the platform for a credit if overbilled.',
    ],
  },
  CARD_CHARGE_NO_BILLING: {
    title: 'A card or bank debit has no platform billing record',
    steps: ['Import the platform billing transactions covering the debit date.', 'If still unexplained, check which ad account the card pays for.'],
  },
  CONVERSIONS_WITHOUT_ORDERS: {
    title: 'The platform claims conversions the store does not show',
    steps: [
      'Check the attribution window and view-through settings of the campaign.',
      'Compare with the store orders of the same day in the ad account time zone.',
      'Report the inflated conversions to the marketing owner before budget decisions.',
    ],
  },
  PAID_NOT_SHIPPED: {
    title: 'A paid order has not shipped',
    steps: ['Import the latest shipments export.', 'Ask the warehouse about the order; refund the customer if it cannot ship.'],
  },
  SHIPPED_NOT_PAID: {
    title: 'An order shipped without payment',
    steps: ['Check the order payment status and any manual payment.', 'Chase the payment or recall the shipment.'],
  },
  REFUNDED_BUT_SHIPPED: {
    title: 'A refunded or cancelled order shipped',
    steps: [
      'Check whether the goods came back (return tracking).',
      'Recover the goods or charge the customer again; tell the warehouse to check cancellations before shipping.',
    ],
  },
  ORPHAN_SHIPMENT: {
    title: 'A shipment names no known order',
    steps: [
      'Import the store orders covering the shipment date.',
      'Check whether the order number was mangled by a spreadsheet.',
      'Unknown shipments: ask the warehouse who requested them.',
    ],
  },
  VOIDED_LABEL_CHARGED: {
    title: 'A voided label was charged',
    steps: ['Check the carrier invoice for the voided label.', 'Claim the refund from the carrier or the shipping platform.'],
  },
  SHIPPED_QUANTITY_MISMATCH: {
    title: 'Shipped quantity differs from the order',
    steps: ['Compare the order lines with the shipment items.', 'Send the missing items or refund them; record a split shipment if more is coming.'],
  },
};

/** The playbook a workspace uses for a code: its own, else the shipped one, else a generic one. */
export function playbookFor(
  code: string,
  workspace: Readonly<Record<string, Playbook>> | undefined,
): { playbook: Playbook; origin: 'workspace' | 'default' } {
  const own = workspace?.[code];
  if (own !== undefined) return { playbook: own, origin: 'workspace' };
  return {
    playbook: DEFAULT_PLAYBOOKS[code] ?? { title: code, steps: ['Read the explanation and the events, then resolve with a reason.'] },
    origin: 'default',
  };
}
