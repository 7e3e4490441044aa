// payout_items: a payout ↔ every balance item naming it; the sum of their nets must equal the payout, else PAYOUT_MISMATCH.
import type { Rule } from '../../../../shared/rules/ruleSet.ts';
import type { MatchState, MatchEvent } from '../model.ts';
import { isBlocked, usedIn } from '../model.ts';
import { buildKeyLookup } from './keyIndex.ts';
import { amountClass, comparable, compareKeys, hoursBetween, keyAgreements, windowClass } from './candidates.ts';
import { baseExplanation, recordDecisiveException, recordMatch } from '../outcomes.ts';

export function runPayoutItems(state: MatchState, rule: Rule, lefts: MatchEvent[], rights: MatchEvent[]): void {
  const lookup = buildKeyLookup(rule, rights, state.texts);
  const used = usedIn(state, rule.link);
  for (const payout of lefts) {
    if (used.has(payout)) continue;
    const items = lookup(payout).filter(
      (r) => !used.has(r) && !isBlocked(state, rule.link, payout, r) && r.currency === payout.currency && windowClass(rule, payout, r) === 'in',
    );
    if (items.length === 0) continue;
    const sum = items.reduce((s, r) => s + comparable(rule, r), 0);
    const delta = sum - payout.amount;
    const ac = amountClass(rule, payout.amount, delta);
    const first = items[0] as MatchEvent;
    const keys = keyAgreements(compareKeys(rule, payout, first, state.texts), state.texts);
    // A loop, not Math.max(...items): a payout can hold more items than a call can take arguments (~120k).
    let dt = 0;
    for (const r of items) dt = Math.max(dt, Math.abs(r.t - payout.t));
    const ex = baseExplanation(
      state,
      rule,
      ac === 'beyond'
        ? `payout ${payout.amount} ≠ −(sum of ${items.length} item nets ${-sum}): off by ${delta} minor units`
        : `${items.length} items net to the payout (delta ${delta})`,
    );
    Object.assign(ex, { keys, amount_delta_minor: delta, time_delta_hours: hoursBetween(dt), score: ac === 'beyond' ? null : 1 });
    if (ac === 'beyond') {
      // Identified by the payout: items arriving one by one change this exception's figures and members, not its id.
      recordDecisiveException(state, rule, 'PAYOUT_MISMATCH', payout, items, delta, ex, true, true);
      continue;
    }
    recordMatch(state, {
      rule,
      left: [payout],
      right: items,
      score: 1,
      explanation: ex,
      autoResolved: ac === 'rounding' ? [{ code: 'ROUNDING_DIFF', amount: delta }] : [],
      consumeRight: true,
    });
  }
}
