// Right-side events per currency sorted by compared amount, so an amount range is two binary searches.
import type { Rule } from '../../../shared/rules/ruleSet.ts';
import type { MEvent } from '../model.ts';
import { comparable } from './candidates.ts';

export interface AmountIndex {
  range(currency: string, lo: number, hi: number): MEvent[];
}

export function buildAmountIndex(rule: Rule, rights: MEvent[]): AmountIndex {
  const by = new Map<string, { v: number; e: MEvent }[]>();
  for (const e of rights) {
    const list = by.get(e.currency) ?? [];
    list.push({ v: comparable(rule, e), e });
    by.set(e.currency, list);
  }
  for (const list of by.values()) list.sort((a, b) => a.v - b.v || a.e.t - b.e.t || (a.e.id < b.e.id ? -1 : 1));
  const lowerBound = (list: { v: number }[], x: number): number => {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((list[mid] as { v: number }).v < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return {
    range(currency, lo, hi) {
      const list = by.get(currency);
      if (list === undefined) return [];
      const out: MEvent[] = [];
      for (let i = lowerBound(list, lo); i < list.length && (list[i] as { v: number }).v <= hi; i++) out.push((list[i] as { e: MEvent }).e);
      return out;
    },
  };
}
