// Spend ↔ billing at a month's close, per platform and currency. A platform charges at a threshold and on its monthly
// billing date, so a month's charges are not its spend: what is owed runs on from month to month. The balance owed at
// a month's end is everything spent (less ad credits, plus tax) through that day less everything charged through it;
// under threshold billing it is below the threshold, and the month-end charge in the next month's first days settles
// it. What the charges of the grace days after the month do not settle is spend not billed; a balance below zero at
// the month's end is billing beyond spend.
import { AD_STATES, startOfDay } from '../import/ads/adRecords.ts';
import { addDays, shiftMonth } from '../../shared/time/period.ts';
import type { LedgerEvent } from './growthEvents.ts';

export interface MonthPosition {
  platform: string;
  currency: string;
  /** YYYY-MM */
  month: string;
  /** Owed at the month's start: earlier spend − credits + tax − earlier charges. */
  carriedInMinor: number;
  spendMinor: number;
  creditsMinor: number;
  taxMinor: number;
  billedMinor: number;
  /** Owed at the month's end: carried in + spend − credits + tax − billed. */
  closingMinor: number;
  /** Charges in the grace days after the month's end (the month-end charge, if it came). */
  billedAfterMinor: number;
  /** Both feeds are past the month: the spend report through its last day, the billing through its grace days. */
  closed: boolean;
  /** The last day of the grace window (YYYY-MM-DD). */
  graceEnd: string;
  /** The month's spend rows and every billing record of the month and its grace days. */
  eventIds: string[];
}

export interface BillingCloseInput {
  /** Every ad_spend event of the ledger (latest revisions): spend rows, charges, credits, tax. */
  adEvents: readonly LedgerEvent[];
  graceDays: number;
  /** The zone each platform's days are in. */
  platformTimeZones: Readonly<Record<string, string>>;
  billingThrough: ReadonlyMap<string, number>;
  spendThrough: ReadonlyMap<string, number>;
}

/** An ad record's platform day: its own day, else (a period's tax line) the end of the period it states. */
export function adDay(e: LedgerEvent): string {
  return e.localDate ?? (typeof e.attrs.reporting_end === 'string' ? e.attrs.reporting_end : e.occurredAt.slice(0, 10));
}

const lastDayOf = (month: string): string => addDays(`${shiftMonth(month, 1)}-01`, -1);

/** What an ad record adds to the balance owed: spend and tax raise it, credits and charges lower it; a failed charge nothing. */
function owedDelta(e: LedgerEvent): number {
  const abs = Math.abs(e.amountMinor);
  if (e.state === AD_STATES.spent) return e.attrs.period_total === true ? 0 : abs;
  if (e.state === AD_STATES.tax) return e.attrs.included_in_charges === false ? 0 : abs;
  if (e.state === AD_STATES.credit) return -abs;
  if (e.state === AD_STATES.billed) return -abs;
  return 0;
}

/** One position per platform, currency and month that has spend (period totals aside: they have no days). */
export function monthPositions(input: BillingCloseInput): MonthPosition[] {
  const groups = new Map<string, LedgerEvent[]>();
  for (const e of input.adEvents) {
    if (e.channel === null || e.state === AD_STATES.accrued) continue;
    const key = `${e.channel}\u0000${e.currency}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const out: MonthPosition[] = [];
  for (const [key, events] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const [platform, currency] = key.split('\u0000') as [string, string];
    const zone = input.platformTimeZones[platform] ?? 'UTC';
    const months = [
      ...new Set(events.filter((e) => e.state === AD_STATES.spent && e.attrs.period_total !== true).map((e) => adDay(e).slice(0, 7))),
    ].sort();
    for (const month of months) {
      const first = `${month}-01`;
      const last = lastDayOf(month);
      const graceEnd = addDays(last, input.graceDays);
      const p: MonthPosition = {
        platform,
        currency,
        month,
        carriedInMinor: 0,
        spendMinor: 0,
        creditsMinor: 0,
        taxMinor: 0,
        billedMinor: 0,
        closingMinor: 0,
        billedAfterMinor: 0,
        closed: false,
        graceEnd,
        eventIds: [],
      };
      for (const e of events) {
        const day = adDay(e);
        const delta = owedDelta(e);
        if (day < first) {
          p.carriedInMinor += delta;
          continue;
        }
        if (day > graceEnd) continue;
        if (day > last) {
          if (e.state === AD_STATES.billed) p.billedAfterMinor += Math.abs(e.amountMinor);
          if (e.state !== AD_STATES.spent) p.eventIds.push(e.eventId);
          continue;
        }
        if (e.state === AD_STATES.spent) p.spendMinor += delta;
        else if (e.state === AD_STATES.tax) p.taxMinor += delta;
        else if (e.state === AD_STATES.credit) p.creditsMinor -= delta;
        else if (e.state === AD_STATES.billed) p.billedMinor -= delta;
        if (delta !== 0 || e.state === AD_STATES.failed) p.eventIds.push(e.eventId);
      }
      p.closingMinor = p.carriedInMinor + p.spendMinor - p.creditsMinor + p.taxMinor - p.billedMinor;
      const billing = input.billingThrough.get(platform);
      const spend = input.spendThrough.get(platform);
      // The spend report's rows sit at the start of their day; the billing must have delivered through the grace window.
      p.closed =
        billing !== undefined &&
        spend !== undefined &&
        spend >= Date.parse(startOfDay(last, zone)) &&
        billing >= Date.parse(startOfDay(graceEnd, zone));
      out.push(p);
    }
  }
  return out;
}
