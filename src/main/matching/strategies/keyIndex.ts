// Finds right-side candidates that share a key with a left event, through maps built once per rule.
import type { KeyComparison, Rule } from '../../../shared/rules/ruleSet.ts';
import { byId, type MEvent } from '../model.ts';
import { keyOf, type KeyColumn, type TextSource } from '../eventKeys.ts';
import { compareKey, comparesKeys, normalizeKey } from './candidates.ts';

export type KeyLookup = (left: MEvent) => MEvent[];

/** The value a map is keyed by: the key integer (equal on key columns), else the (normalized) text. */
function lookupValue(k: KeyComparison, e: MEvent, side: 'left' | 'right', texts: TextSource): number | string | null {
  const field = side === 'left' ? k.left : k.right;
  if (comparesKeys(k)) return keyOf(e, field as KeyColumn);
  const v = texts.text(e, field);
  if (v === null || v === '') return null;
  return k.compare === 'equal' ? v : normalizeKey(v);
}

/**
 * equal and normalized_equal comparisons are answered from a Map per comparison (O(1) per left event);
 * contains and similarity fall back to comparing against every right event (only sensible for small sides).
 */
export function buildKeyLookup(rule: Rule, rights: MEvent[], texts: TextSource): KeyLookup {
  const indexed = rule.keys.filter((k) => k.compare === 'equal' || k.compare === 'normalized_equal');
  const scanned = rule.keys.filter((k) => k.compare === 'contains' || k.compare === 'similarity');
  const maps = indexed.map((k) => ({ k, m: valueMap(rights, k, texts) }));
  return (left) => {
    // Collected as found, then made unique by id and sorted (a payment found by order_ref and by trace_id is one
    // candidate); most left events find exactly one, which needs neither.
    const found: MEvent[] = [];
    for (const { k, m } of maps) {
      const v = lookupValue(k, left, 'left', texts);
      if (v === null) continue;
      const hit = m.get(v);
      if (hit === undefined) continue;
      if (Array.isArray(hit)) for (const r of hit) found.push(r); // not push(...hit): a payout's items can exceed the argument limit
      else found.push(hit);
    }
    if (scanned.length > 0) {
      for (const r of rights) if (scanned.some((k) => compareKey(k, left, r, texts)?.agreed === true)) found.push(r);
    }
    if (found.length === 1) return found[0] === left ? [] : found;
    const unique = new Set<MEvent>();
    for (const r of found) if (r !== left) unique.add(r);
    return [...unique].sort(byId);
  };
}

/**
 * value → events of `rights` carrying it, built once per (rights array, field, normalization): rules sharing a side
 * (plan.ts hands them the same array) share the map. Read-only once built.
 */
const valueMaps = new WeakMap<MEvent[], Map<string, Map<number | string, KeyHolders>>>();

/**
 * The events carrying one value: most key values (an order reference, a payment intent) are carried by one event,
 * so that one is stored as is and an array is made only for a second holder (a million fewer arrays per map on a
 * 1M-order month).
 */
type KeyHolders = MEvent | MEvent[];

function valueMap(rights: MEvent[], k: KeyComparison, texts: TextSource): Map<number | string, KeyHolders> {
  let perArray = valueMaps.get(rights);
  if (perArray === undefined) {
    perArray = new Map();
    valueMaps.set(rights, perArray);
  }
  const byKeys = comparesKeys(k);
  const cacheKey = `${k.right}\u001f${byKeys ? 'k' : k.compare}`;
  const cached = perArray.get(cacheKey);
  if (cached !== undefined) return cached;
  if (!byKeys) texts.prefetch(rights, [k.right]);
  const m = new Map<number | string, KeyHolders>();
  for (const r of rights) {
    const key = lookupValue(k, r, 'right', texts);
    if (key === null) continue;
    const held = m.get(key);
    if (held === undefined) m.set(key, r);
    else if (Array.isArray(held)) held.push(r);
    else m.set(key, [held, r]);
  }
  perArray.set(cacheKey, m);
  return m;
}
