// Business-day windows (DESIGN §5, payout → bank): Monday to Friday count, weekends are skipped. Bank holidays are not
// known here; a deposit held over a holiday lands in the extended window (a TIMING_DIFF), not outside it.
import { DAY_MS } from './duration.ts';

/** 0 Sunday … 6 Saturday, of the UTC calendar day of `t`. */
function weekday(t: number): number {
  return new Date(t).getUTCDay();
}

/** `t` moved by `n` business days (n < 0: back), keeping its time of day; from a weekend day the count starts at Monday (or Friday, going back). */
export function addBusinessDays(t: number, n: number): number {
  const step = n < 0 ? -1 : 1;
  let left = Math.abs(Math.floor(n));
  let at = t;
  while (left > 0) {
    at += step * DAY_MS;
    const d = weekday(at);
    if (d !== 0 && d !== 6) left--;
  }
  // A fraction of a day counts in calendar time after the whole business days.
  return at + (n - Math.trunc(n)) * DAY_MS;
}

/** The most calendar days `n` business days can span (two weekend days per started week, plus one): a bound for look-ups. */
export function businessDaysReach(n: number): number {
  return n <= 0 ? 0 : n + 2 * Math.ceil(n / 5) + 1;
}
