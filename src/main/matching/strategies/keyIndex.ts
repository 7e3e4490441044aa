// Finds right-side candidates that share a key with a left event, through maps built once per rule.
import type { Rule } from '../../../shared/rules/ruleSet.ts';
import type { MEvent } from '../model.ts';
import { compareKey, fieldValue, normalizeKey } from './candidates.ts';

export type KeyLookup = (left: MEvent) => MEvent[];

/**
 * equal and normalized_equal comparisons are answered from a Map per comparison (O(1) per left event);
 * contains and similarity fall back to comparing against every right event (only sensible for small sides).
 */
export function buildKeyLookup(rule: Rule, rights: MEvent[]): KeyLookup {
  const indexed = rule.keys.filter((k) => k.compare === 'equal' || k.compare === 'normalized_equal');
  const scanned = rule.keys.filter((k) => k.compare === 'contains' || k.compare === 'similarity');
  const maps = indexed.map((k) => {
    const m = new Map<string, MEvent[]>();
    for (const r of rights) {
      const v = fieldValue(r, k.right);
      if (v === null) continue;
      const key = k.compare === 'equal' ? v : normalizeKey(v);
      const list = m.get(key);
      if (list === undefined) m.set(key, [r]);
      else list.push(r);
    }
    return { k, m };
  });
  return (left) => {
    const found = new Map<string, MEvent>();
    for (const { k, m } of maps) {
      const v = fieldValue(left, k.left);
      if (v === null) continue;
      for (const r of m.get(k.compare === 'equal' ? v : normalizeKey(v)) ?? []) found.set(r.id, r);
    }
    if (scanned.length > 0) {
      for (const r of rights) if (scanned.some((k) => compareKey(k, left, r)?.agreed === true)) found.set(r.id, r);
    }
    found.delete(left.id);
    return [...found.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  };
}
