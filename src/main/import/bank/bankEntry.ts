// What every bank statement parser shares: the bank-entry event shape, its external id rule, and date handling.
import { createHash } from 'node:crypto';
import type { EventDraftInput } from '../../../shared/events/canonicalEvent.ts';
import { parseDateTimeToUtc } from '../../../shared/time/dateText.ts';

/** One statement entry, as every bank format is reduced to before it becomes an event. */
export interface BankEntry {
  /** IBAN or account number of the statement's own account. */
  account: string;
  /** Booking date, YYYY-MM-DD (a valid calendar date; see rawBookingDate). */
  bookingDate: string;
  /** Value date, YYYY-MM-DD, when given. */
  valueDate: string | null;
  /** Signed minor units: credit positive, debit negative (a reversal keeps the sign the bank booked). */
  amountMinor: number;
  currency: string;
  counterpartyName: string | null;
  counterpartyAccount: string | null;
  /** Unstructured remittance information (free text), lines joined with a space. */
  remittance: string | null;
  /** Structured remittance (creditor reference, invoice number), when given. */
  remittanceStructured: string | null;
  endToEndId: string | null;
  /** The bank's own reference for the entry (camt AcctSvcrRef/NtryRef, MT940 bank reference, OFX FITID). */
  bankReference: string | null;
  reversal: boolean;
  /** Bank transaction code as the format gives it (camt domain/family, MT940 GVC / transaction type, OFX TRNTYPE). */
  transactionCode: string | null;
  returnReason: string | null;
  statementId: string;
  /** 0-based position of this entry among the statement's entries with the same account and booking date. */
  positionInDay: number;
  /** The date exactly as the file wrote it, kept when it had to be corrected (e.g. 30 February). */
  rawBookingDate?: string;
  /** Anything else worth keeping for the reviewer (original amount/currency, charges, purpose code…). */
  extra?: Record<string, string | number | boolean | null>;
}

/**
 * The rule for a bank entry's external id: the bank's own reference where one
 * exists, scoped by account (`ACCOUNT:REF`, because references such as OFX
 * FITIDs are unique only within one account and one file may hold several);
 * otherwise `h:` + sha256 of (account, booking date, amount, currency,
 * remittance, position within that day), so the same entry in an overlapping
 * statement gets the same id and is stored once.
 */
export function bankEntryExternalId(e: BankEntry): string {
  if (e.bankReference !== null && e.bankReference.trim() !== '' && !/^NONREF$|^NOTPROVIDED$/i.test(e.bankReference.trim())) {
    return `${e.account}:${e.bankReference.trim()}`;
  }
  const key = [e.account, e.bookingDate, String(e.amountMinor), e.currency, e.remittance ?? '', String(e.positionInDay)].join('\u001f');
  return `h:${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

/** The canonical event for a bank entry; occurred_at is the booking date's midnight in `timeZone`. */
export function bankEntryDraft(e: BankEntry, timeZone: string): EventDraftInput {
  const midnight = parseDateTimeToUtc(`${e.bookingDate} 00:00:00`, 'YYYY-MM-DD HH:mm:ss', timeZone);
  if (!midnight.ok) throw new Error(`bankEntryDraft: ${midnight.error}`);
  const endToEnd = e.endToEndId !== null && !/^NOTPROVIDED$/i.test(e.endToEndId) ? e.endToEndId : null;
  return {
    kind: e.amountMinor >= 0 ? 'bank_credit' : 'bank_debit',
    external_id: bankEntryExternalId(e),
    amount_minor: e.amountMinor,
    currency: e.currency,
    trace_id: endToEnd,
    occurred_at: midnight.iso,
    local_date: e.bookingDate,
    state: e.reversal ? 'reversed' : 'booked',
    attributes: {
      account: e.account,
      booking_date: e.bookingDate,
      value_date: e.valueDate,
      counterparty_name: e.counterpartyName,
      counterparty_account: e.counterpartyAccount,
      description: e.remittance,
      remittance_structured: e.remittanceStructured,
      end_to_end_id: e.endToEndId,
      bank_reference: e.bankReference,
      reversal: e.reversal,
      transaction_code: e.transactionCode,
      return_reason: e.returnReason,
      statement_id: e.statementId,
      ...(e.rawBookingDate !== undefined ? { raw_booking_date: e.rawBookingDate, booking_date_corrected: true } : {}),
      ...(e.extra ?? {}),
    },
  };
}

/**
 * A calendar date that may not exist (banks emit 30 February): returns the
 * last valid day of that month and whether it had to be corrected.
 */
export function lenientDate(year: number, month: number, day: number): { date: string; corrected: boolean } | null {
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const d = Math.min(day, last);
  return { date: `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`, corrected: d !== day };
}
