// What a click on a dashboard figure opens: the Exceptions grid filtered to what the figure counts (open exceptions
// of the period, by code and class, by age, of an event kind left unmatched, of one business day).
import type { ExceptionsFilterInput, ExceptionCode } from '../../store/exceptionsSlice.ts';
import type { ChartPick } from './chartOptions.ts';

/** The exceptions that say an event of this kind is unmatched (or is in a tie or a mismatch). */
export const UNMATCHED_CODES_BY_KIND: Record<string, ExceptionCode[]> = {
  order: ['MISSING_PAYMENT', 'AMBIGUOUS_MATCH', 'AMOUNT_MISMATCH', 'DUPLICATE_PAYMENT'],
  payment: ['MISSING_ORDER', 'AMBIGUOUS_MATCH', 'AMOUNT_MISMATCH', 'DUPLICATE_PAYMENT'],
  refund: ['REFUND_UNMATCHED'],
  dispute: ['DISPUTE_OPEN'],
  fee: ['PAYOUT_MISMATCH'],
  payout: ['PAYOUT_NOT_IN_BANK', 'PAYOUT_MISMATCH', 'AMBIGUOUS_MATCH'],
  bank_credit: ['UNKNOWN_BANK_LINE', 'AMBIGUOUS_MATCH'],
  bank_debit: ['UNKNOWN_BANK_LINE', 'AMBIGUOUS_MATCH'],
};

/** Every code that reports an unmatched event, for the unmatched-rate figure. */
export const UNMATCHED_CODES: ExceptionCode[] = [...new Set(Object.values(UNMATCHED_CODES_BY_KIND).flat())].sort();

export function filterForPick(pick: ChartPick): Partial<ExceptionsFilterInput> {
  switch (pick.what) {
    case 'code':
      return { codes: [pick.code as ExceptionCode], classes: [pick.class] };
    case 'age':
      return { ageDaysMin: String(pick.fromDays), ageDaysMax: pick.toDays === null ? '' : String(pick.toDays) };
    case 'kind':
      return { codes: UNMATCHED_CODES_BY_KIND[pick.kind] ?? [] };
    case 'day':
      return { businessDateFrom: pick.date, businessDateTo: pick.date };
  }
}
