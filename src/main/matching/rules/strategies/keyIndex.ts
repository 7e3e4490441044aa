// Finds right-side candidates that share a key with a left event, through maps built once per rule.
import type { KeyComparison, Rule } from '../../../../shared/rules/ruleSet.ts';
import { byId, type MatchEvent } from '../model.ts';
import { compareKey, comparesKeys, normalizeKey } from './candidates.ts';
import { keyOf, type KeyColumn, type TextSource } from '../eventFields.ts';

export type KeyLookup = (left: MatchEvent) => MatchEvent[];

/** The value a map is keyed by: the key integer (equal on key columns), else the (normalized) text. */
function lookupValue(k: KeyComparison, e: MatchEvent, side: 'left' | 'right', texts: TextSource): number | string | null {
  const field = side === 'left' ? k.left : k.right;
  if (comparesKeys(k)) return keyOf(e, field as KeyColumn);
  const v = texts.text(e, field);
  if (v === null || v === '') return null;
  return k.compare === 'equal' ? v : normalizeKey(v);
}

/**
 * equal and normalized_equal comparisons are answered from an index per comparison (O(1) per left event);
 * contains and similarity fall back to comparing against every right event (only sensible for small sides).
 */
export function buildKeyLookup(rule: Rule, rights: MatchEvent[], texts: TextSource): KeyLookup {
  const indexed = rule.keys.filter((k) => k.compare === 'equal' || k.compare === 'normalized_equal');
  const scanned = rule.keys.filter((k) => k.compare === 'contains' || k.compare === 'similarity');
  const indexes = indexed.map((k) => ({ k, index: valueIndex(rights, k, texts) }));
  return (left) => {
    // Collected as found, then made unique by id and sorted (a payment found by order_ref and by trace_id is one
    // candidate); most left events find exactly one, which needs neither.
    const found: MatchEvent[] = [];
    for (const { k, index } of indexes) {
      const v = lookupValue(k, left, 'left', texts);
      if (v !== null) index.collect(v, found);
    }
    if (scanned.length > 0) {
      for (const r of rights) if (scanned.some((k) => compareKey(k, left, r, texts)?.agreed === true)) found.push(r);
    }
    if (found.length === 1) return found[0] === left ? [] : found;
    const unique = new Set<MatchEvent>();
    for (const r of found) if (r !== left) unique.add(r);
    return [...unique].sort(byId);
  };
}

/** The events of one side carrying each value of a field. */
interface ValueIndex {
  /** Pushes onto `out`, in the side's order, the events carrying `value` (never push(...many): a payout can have 100k+ items). */
  collect(value: number | string, out: MatchEvent[]): void;
}

/**
 * Key integers (eventKeys.ts) are dense, so the events carrying each are chained through two integer arrays: the first
 * event per key, the next per event. A 1M-order month's three order ↔ payment keys index a million payments each;
 * as Maps of holders they cost a hash and an entry per payment, as arrays 4 bytes per key and per payment.
 */
class KeyChains implements ValueIndex {
  private readonly rights: MatchEvent[];
  private readonly first: Int32Array;
  private readonly next: Int32Array;

  constructor(rights: MatchEvent[], keyOfRight: (e: MatchEvent) => number | null) {
    this.rights = rights;
    let max = -1;
    const keys = new Int32Array(rights.length);
    rights.forEach((r, i) => {
      const key = keyOfRight(r);
      keys[i] = key ?? -1;
      if (key !== null && key > max) max = key;
    });
    this.first = new Int32Array(max + 1).fill(-1);
    this.next = new Int32Array(rights.length).fill(-1);
    // Backwards, so each chain runs in the side's order.
    for (let i = rights.length - 1; i >= 0; i--) {
      const key = keys[i] as number;
      if (key < 0) continue;
      this.next[i] = this.first[key] as number;
      this.first[key] = i;
    }
  }

  collect(value: number | string, out: MatchEvent[]): void {
    if (typeof value !== 'number' || value >= this.first.length) return;
    for (let i = this.first[value] as number; i >= 0; i = this.next[i] as number) out.push(this.rights[i] as MatchEvent);
  }
}

/** Text values (normalized_equal, or a comparison on an attributes field): a Map of holders. */
class TextIndex implements ValueIndex {
  private readonly byValue = new Map<number | string, MatchEvent | MatchEvent[]>();

  constructor(rights: MatchEvent[], valueOfRight: (e: MatchEvent) => number | string | null) {
    for (const r of rights) {
      const key = valueOfRight(r);
      if (key === null) continue;
      const held = this.byValue.get(key);
      if (held === undefined) this.byValue.set(key, r);
      else if (Array.isArray(held)) held.push(r);
      else this.byValue.set(key, [held, r]);
    }
  }

  collect(value: number | string, out: MatchEvent[]): void {
    const hit = this.byValue.get(value);
    if (hit === undefined) return;
    if (Array.isArray(hit)) for (const r of hit) out.push(r);
    else out.push(hit);
  }
}

/**
 * value → events of `rights` carrying it, built once per (rights array, field, comparison): rules sharing a side
 * (plan.ts hands them the same array) share the index. Read-only once built.
 */
const valueIndexes = new WeakMap<MatchEvent[], Map<string, ValueIndex>>();

function valueIndex(rights: MatchEvent[], k: KeyComparison, texts: TextSource): ValueIndex {
  let perArray = valueIndexes.get(rights);
  if (perArray === undefined) {
    perArray = new Map();
    valueIndexes.set(rights, perArray);
  }
  const byKeys = comparesKeys(k);
  const cacheKey = `${k.right}\u001f${byKeys ? 'k' : k.compare}`;
  const cached = perArray.get(cacheKey);
  if (cached !== undefined) return cached;
  if (!byKeys) texts.prefetch(rights, [k.right]);
  const valueOf = (r: MatchEvent): number | string | null => lookupValue(k, r, 'right', texts);
  const index = byKeys ? new KeyChains(rights, valueOf as (r: MatchEvent) => number | null) : new TextIndex(rights, valueOf);
  perArray.set(cacheKey, index);
  return index;
}
