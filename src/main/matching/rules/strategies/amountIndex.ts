// Right-side events per currency sorted by compared amount, so an amount range is two binary searches.
import type { Rule } from '../../../../shared/rules/ruleSet.ts';
import type { MatchEvent } from '../model.ts';
import { comparable } from './candidates.ts';

export interface AmountIndex {
  /** Events whose compared amount is in [lo, hi] and whose time is in [tFrom, tTo], by (amount, time, id). */
  range(currency: string, lo: number, hi: number, tFrom?: number, tTo?: number): MatchEvent[];
}

interface Entry {
  v: number;
  e: MatchEvent;
}

/**
 * Sorted by (compared amount, time, id): an amount range with a time window is, per amount value, a binary search
 * to the window's start and a walk to its end. A month holds hundreds of events of one basket total; only the few
 * inside the rule's window are visited. Compared amounts are integers (minor units), so the next value is v + 1.
 */
export function buildAmountIndex(rule: Rule, rights: MatchEvent[]): AmountIndex {
  const by = new Map<string, Entry[]>();
  for (const e of rights) {
    const list = by.get(e.currency) ?? [];
    list.push({ v: comparable(rule, e), e });
    by.set(e.currency, list);
  }
  for (const list of by.values()) list.sort((a, b) => a.v - b.v || a.e.t - b.e.t || a.e.rank - b.e.rank);
  /** First entry at or after (v, t). */
  const lowerBound = (list: Entry[], v: number, t: number): number => {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = list[mid] as Entry;
      if (m.v < v || (m.v === v && m.e.t < t)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return {
    range(currency, lo, hi, tFrom = Number.NEGATIVE_INFINITY, tTo = Number.POSITIVE_INFINITY) {
      const list = by.get(currency);
      if (list === undefined) return [];
      const out: MatchEvent[] = [];
      let i = lowerBound(list, lo, tFrom);
      while (i < list.length) {
        const x = list[i] as Entry;
        if (x.v > hi) break;
        if (x.e.t < tFrom)
          i = lowerBound(list, x.v, tFrom); // a new value whose entries start before the window
        else if (x.e.t <= tTo) {
          out.push(x.e);
          i++;
        } else i = lowerBound(list, Math.floor(x.v) + 1, tFrom); // past this value's window: on to the next value
      }
      return out;
    },
  };
}
