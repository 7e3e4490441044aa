// Which events the amount-only rules (amount_window, fuzzy) must leave alone: those a key of the link already ties elsewhere.
import type { FieldRef, KeyComparison, Rule } from '../../../../shared/rules/ruleSet.ts';
import type { MatchEvent, ReadonlyEventSet } from '../model.ts';
import { sideMatches } from './candidates.ts';
import { keyOf, type KeyColumn } from '../eventFields.ts';

/** Fields the incremental scope can look up by an index (migration indexes on events). */
export const INDEXED_FIELDS = new Set<string>(['order_ref', 'trace_id', 'payout_ref', 'external_id']);

/** A rule whose candidates are exactly the events sharing an indexed key value. */
export function isKeyedRule(rule: Rule): boolean {
  return (
    (rule.strategy === 'exact_key' ||
      rule.strategy === 'partial_payments' ||
      rule.strategy === 'payout_items' ||
      rule.strategy === 'refund_totals') &&
    rule.keys.length > 0 &&
    rule.keys.every((k) => k.compare === 'equal' && INDEXED_FIELDS.has(k.left) && INDEXED_FIELDS.has(k.right))
  );
}

/**
 * The field an event of a kind is named by. Another kind's event carrying that field names one: a payment's
 * order_ref names its order, a balance item's payout_ref its payout. Deliberately not listed: payments (an order's
 * payment reference may be a gateway id the processor's export does not carry, so an order whose reference finds no
 * payment may still be paired by amount).
 */
const NAMED_BY: Readonly<Record<string, FieldRef>> = { order: 'order_ref', payout: 'payout_ref' };

function isAmountOnly(rule: Rule): boolean {
  return rule.strategy === 'amount_window' || rule.strategy === 'fuzzy';
}

/**
 * Events of `rule` (an amount_window or fuzzy rule) that a keyed rule of the same link ties to a counterpart, so
 * that amount and time alone must never pair them with anything else. For every `equal` comparison k of a keyed
 * rule K (exact_key, partial_payments, payout_items on indexed fields) of the link, an event on one side of K is
 * key-tied when
 *   (a) its value of k equals that of some event on K's other side (its counterpart exists, used or not: a
 *       duplicate charge naming an order that has its payment, an order whose payment reference names a payment
 *       matched elsewhere or off by amount), or
 *   (b) its value names an event of a kind on K's other side (k compares it with that kind's own name field,
 *       e.g. a payment's order_ref with the order's order_ref), whether or not such an event exists: the payment
 *       belongs to that order, and if the order is missing the payment is a MISSING_ORDER, not someone else's.
 * `events`: every event the link looks at in this run; `used`: the link's events already consumed (only the others
 * are checked, so the lookup holds just the few still free). The incremental scope is closed under indexed-key
 * equality, so (a) sees the same counterparts in an incremental run as in a full one; (b) depends on the event alone.
 */
export function keyTiedEvents(rule: Rule, keyedRules: Rule[], events: MatchEvent[], used: ReadonlyEventSet): Set<MatchEvent> {
  const tied = new Set<MatchEvent>();
  if (!isAmountOnly(rule)) return tied;
  const reuse = rule.cardinality === 'many_to_one';
  const free = events.filter((e) => (reuse || !used.has(e)) && (sideMatches(rule.left, e) || sideMatches(rule.right, e)));
  if (free.length === 0) return tied;
  for (const k of keyedRules) {
    if (k.link !== rule.link || !isKeyedRule(k)) continue;
    for (const side of ['left', 'right'] as const) {
      const mine = free.filter((e) => sideMatches(side === 'left' ? k.left : k.right, e));
      if (mine.length === 0) continue;
      const others = events.filter((e) => sideMatches(side === 'left' ? k.right : k.left, e));
      for (const c of k.keys) markSide(tied, c, mine, others, side, k);
    }
  }
  return tied;
}

function markSide(tied: Set<MatchEvent>, c: KeyComparison, mine: MatchEvent[], others: MatchEvent[], side: 'left' | 'right', k: Rule): void {
  // Keyed rules compare key columns only (isKeyedRule), so the events' key integers answer (eventKeys.ts).
  const myField = (side === 'left' ? c.left : c.right) as KeyColumn;
  const otherField = (side === 'left' ? c.right : c.left) as KeyColumn;
  const otherKinds = (side === 'left' ? k.right.kinds : k.left.kinds) as string[];
  const names = otherKinds.filter((kind) => NAMED_BY[kind] === otherField);
  const byValue = new Map<number, MatchEvent[]>();
  for (const e of mine) {
    const v = keyOf(e, myField);
    if (v === null) continue;
    if (names.length > 0 && !names.includes(e.kind)) {
      tied.add(e);
      continue;
    }
    const list = byValue.get(v);
    if (list === undefined) byValue.set(v, [e]);
    else list.push(e);
  }
  if (byValue.size === 0) return;
  for (const o of others) {
    const v = keyOf(o, otherField);
    if (v === null) continue;
    for (const e of byValue.get(v) ?? []) if (e !== o) tied.add(e);
  }
}
