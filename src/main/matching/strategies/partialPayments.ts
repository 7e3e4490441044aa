// partial_payments: one order ↔ all the unmatched payments sharing its key, when together they pay it.
import type { Rule } from '../../../shared/rules/ruleSet.ts';
import type { MatchState, MEvent } from '../model.ts';
import { isBlocked, setFor } from '../model.ts';
import { buildKeyLookup } from './keyIndex.ts';
import { amountClass, comparable, compareKey, hoursBetween, score, windowClass } from './candidates.ts';
import { baseExplanation, recordMatch } from '../outcomes.ts';

/** No subset search: all the key-sharing payments together must equal the order (within tolerance / rounding). */
export function runPartialPayments(state: MatchState, rule: Rule, lefts: MEvent[], rights: MEvent[]): void {
  const lookup = buildKeyLookup(rule, rights);
  const used = setFor(state.used, rule.link);
  for (const left of lefts) {
    if (used.has(left.id)) continue;
    const parts = lookup(left).filter(
      (r) => !used.has(r.id) && !isBlocked(state, rule.link, left.id, r.id) && r.currency === left.currency && windowClass(rule, left, r) === 'in',
    );
    if (parts.length < 2) continue;
    const delta = parts.reduce((s, r) => s + comparable(rule, r), 0) - left.amount;
    const ac = amountClass(rule, left.amount, delta);
    if (ac === 'beyond') continue;
    const dt = Math.max(...parts.map((r) => Math.abs(r.t - left.t)));
    const keys = parts.flatMap((r) => rule.keys.map((k) => compareKey(k, left, r)).filter((k) => k !== null));
    const s = score(rule, keys, delta, left.amount, dt);
    const ex = baseExplanation(state, rule, `${parts.length} partial payments sharing the order's key sum to it (delta ${delta})`);
    Object.assign(ex, { keys, amount_delta_minor: delta, time_delta_hours: hoursBetween(dt), score: s });
    recordMatch(state, {
      rule,
      left: [left],
      right: parts,
      score: s,
      explanation: ex,
      autoResolved: ac === 'rounding' ? [{ code: 'ROUNDING_DIFF', amount: delta }] : [],
      consumeRight: true,
    });
  }
}
