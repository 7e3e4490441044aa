// A rule's time window around a left event: where it starts and ends, in calendar or business days.
import type { Rule } from '../../../shared/rules/ruleSet.ts';
import { addBusinessDays, businessDaysReach } from '../../../shared/time/businessDays.ts';
import { DAY_MS } from '../../../shared/time/duration.ts';

type Window = Rule['window'];

/** `t` moved by `days` of the window's unit (negative: back). */
export function shiftBy(window: Window, t: number, days: number): number {
  return window.unit === 'business_days' ? addBusinessDays(t, days) : t + days * DAY_MS;
}

/** The window for a left event at `t`: the right event is expected in [from, to], late but accepted in (to, extendedTo]. */
export function windowEdges(window: Window, t: number): { from: number; to: number; extendedTo: number } {
  const to = shiftBy(window, t, window.after_days);
  return {
    from: shiftBy(window, t, -window.before_days),
    to,
    extendedTo: window.extended_after_days === undefined ? to : Math.max(to, shiftBy(window, t, window.extended_after_days)),
  };
}

/** The widest calendar distance (ms) a window spans in either direction, whatever day of the week it starts on. */
export function windowReachMs(window: Window): number {
  const days = Math.max(window.before_days, window.after_days, window.extended_after_days ?? 0);
  return (window.unit === 'business_days' ? businessDaysReach(days) : days) * DAY_MS;
}

/** How a window's length reads: "5 d" or "5 business days". */
export function windowDaysText(window: Window, days: number): string {
  return window.unit === 'business_days' ? `${days} business day${days === 1 ? '' : 's'}` : `${days} d`;
}
