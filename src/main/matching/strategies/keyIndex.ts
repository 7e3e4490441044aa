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
  const maps = indexed.map((k) => ({ k, m: valueMap(rights, k.right, k.compare === 'normalized_equal') }));
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

/**
 * value → events of `rights` carrying it, built once per (rights array, field, normalization): rules sharing a side
 * (plan.ts hands them the same array) share the map. Read-only once built.
 */
const valueMaps = new WeakMap<MEvent[], Map<string, Map<string, MEvent[]>>>();

function valueMap(rights: MEvent[], field: Rule['keys'][number]['right'], normalized: boolean): Map<string, MEvent[]> {
  let perArray = valueMaps.get(rights);
  if (perArray === undefined) {
    perArray = new Map();
    valueMaps.set(rights, perArray);
  }
  const cacheKey = `${field}\u001f${normalized ? 'n' : 'e'}`;
  const cached = perArray.get(cacheKey);
  if (cached !== undefined) return cached;
  const m = new Map<string, MEvent[]>();
  for (const r of rights) {
    const v = fieldValue(r, field);
    if (v === null) continue;
    const key = normalized ? normalizeKey(v) : v;
    const list = m.get(key);
    if (list === undefined) m.set(key, [r]);
    else list.push(r);
  }
  perArray.set(cacheKey, m);
  return m;
}
