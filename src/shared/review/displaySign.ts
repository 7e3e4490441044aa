// The one sign convention the app displays amounts in, stated once in the header: amounts are seen from the
// business's side, money in positive and money out negative. The ledger keeps a payout negative on the processor's
// balance (canonicalEvent.ts); shown from the business's side a payout is money on its way to the bank, so it is shown
// positive, as the bank line that receives it is. Healthy payout ↔ bank matches then read as two equal positive
// amounts, and a minus sign means money left the business.
import type { EventKind } from '../events/canonicalEvent.ts';

/** Kinds whose ledger sign is the processor balance's, the opposite of the business's. */
const FLIPPED_KINDS: ReadonlySet<string> = new Set<EventKind>(['payout']);

export function displayMinor(kind: string, amountMinor: number): number {
  return FLIPPED_KINDS.has(kind) ? -amountMinor : amountMinor;
}

export const SIGN_CONVENTION_TEXT =
  'Amounts are shown from your business’s side: money in is positive, money out negative. A payout is money on its way to your bank, so it shows positive, like the bank line that receives it.';
