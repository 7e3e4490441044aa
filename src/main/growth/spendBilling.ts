// Spend ↔ billing ↔ cash by period: a platform charges at a threshold or at month end, so a day's spend is not one
// charge. Per platform and currency, the period's spend less ad credits plus tax is what its charges should add up to;
// each charge is then paired with the card or bank debit that paid it (same amount, a few days later, the platform's
// name in the bank text), and whatever is left on either side is listed.
import type { z } from 'zod';
import type { SpendBillingSchema } from '../../shared/growth/growthReport.ts';
import { AD_STATES } from '../import/ads/adRecords.ts';
import { text, type LedgerEvent } from './growthEvents.ts';

type SpendBilling = z.infer<typeof SpendBillingSchema>;

/** How each platform's charges read on a card or bank statement. */
export const BANK_DESCRIPTORS: Readonly<Record<string, RegExp>> = {
  meta: /\bFACEBK\b|\bFACEBOOK\b|\bMETA\s*(PLATFORMS|ADS)\b|\bFB\s*ADS\b/i,
  google: /\bGOOGLE\s*\*?\s*ADS|\bGOOGLE\s*\*\s*ADWS|\bADWORDS\b/i,
};
/** A debit may be booked this many days before (card authorisation) or after its charge. */
const CASH_DAYS_BEFORE = 1;
const CASH_DAYS_AFTER = 5;

const dayNumber = (date: string): number => Date.parse(`${date}T00:00:00Z`) / 86_400_000;

export interface SpendBillingInput {
  platforms: readonly string[];
  /** Every ad_spend event of the period (spend rows incl. period totals, charges, credits, tax). */
  adEvents: readonly LedgerEvent[];
  /** Bank and card debits around the period. */
  debits: readonly LedgerEvent[];
}

export function spendBillingByPlatform(input: SpendBillingInput): SpendBilling[] {
  const out: SpendBilling[] = [];
  const usedDebits = new Set<number>();
  for (const platform of input.platforms) {
    const mine = input.adEvents.filter((e) => e.channel === platform);
    const currencies = [...new Set(mine.map((e) => e.currency))].sort();
    for (const currency of currencies) {
      const of = (state: string): LedgerEvent[] => mine.filter((e) => e.currency === currency && e.state === state);
      const sum = (list: LedgerEvent[]): number => list.reduce((s, e) => s + Math.abs(e.amountMinor), 0);
      const spend = sum(of(AD_STATES.spent));
      const credits = sum(of(AD_STATES.credit));
      const tax = sum(of(AD_STATES.tax).filter((e) => e.attrs.included_in_charges !== false));
      const charges = of(AD_STATES.billed);
      const billed = sum(charges);
      const expected = spend - credits + tax;
      const descriptor = BANK_DESCRIPTORS[platform];
      const candidates = input.debits.filter((d) => d.currency === currency && descriptor !== undefined && descriptor.test(bankText(d)));
      const withoutCash: SpendBilling['chargesWithoutCash'] = [];
      let cash = 0;
      for (const c of [...charges].sort((a, b) => (a.localDate ?? '').localeCompare(b.localDate ?? ''))) {
        const day = dayNumber(c.localDate ?? c.occurredAt.slice(0, 10));
        let best: LedgerEvent | null = null;
        for (const d of candidates) {
          if (usedDebits.has(d.seq) || Math.abs(d.amountMinor) !== Math.abs(c.amountMinor)) continue;
          const delta = dayNumber(d.localDate ?? d.occurredAt.slice(0, 10)) - day;
          if (delta < -CASH_DAYS_BEFORE || delta > CASH_DAYS_AFTER) continue;
          if (best === null || Math.abs(delta) < Math.abs(dayNumber(best.localDate ?? best.occurredAt.slice(0, 10)) - day)) best = d;
        }
        if (best === null) {
          withoutCash.push({
            eventId: c.eventId,
            date: c.localDate ?? c.occurredAt.slice(0, 10),
            amountMinor: Math.abs(c.amountMinor),
            transactionId: text(c.attrs, 'transaction_id'),
          });
          continue;
        }
        usedDebits.add(best.seq);
        cash += Math.abs(best.amountMinor);
      }
      const withoutCharge = candidates
        .filter((d) => !usedDebits.has(d.seq))
        .map((d) => ({
          eventId: d.eventId,
          date: d.localDate ?? d.occurredAt.slice(0, 10),
          amountMinor: Math.abs(d.amountMinor),
          description: bankText(d) || null,
        }));
      out.push({
        platform,
        currency,
        spendMinor: spend,
        creditsMinor: credits,
        taxMinor: tax,
        expectedBilledMinor: expected,
        billedMinor: billed,
        failedChargesMinor: sum(of(AD_STATES.failed)),
        unbilledMinor: expected - billed,
        cashMinor: cash,
        chargesWithoutCash: withoutCash,
        cashWithoutCharge: withoutCharge,
      });
    }
  }
  return out;
}

function bankText(d: LedgerEvent): string {
  return [text(d.attrs, 'description'), text(d.attrs, 'counterparty_name')].filter((s) => s !== null).join(' ');
}
