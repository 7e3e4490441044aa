// amount_window and fuzzy: no shared key, so the same amount and currency inside a time window (fuzzy adds a similarity key).
import type { Rule } from '../../../shared/rules/ruleSet.ts';
import type { MatchState, MEvent } from '../model.ts';
import { isBlocked, setFor } from '../model.ts';
import type { RunnerUp } from '../explanation.ts';
import { buildAmountIndex } from './amountIndex.ts';
import { amountClass, compareKey, comparable, leaders, rankScored, score, tolerance, windowClass, type Scored } from './candidates.ts';
import { baseExplanation, recordDecisiveException } from '../outcomes.ts';
import { recordWinner } from './decide.ts';

/** Candidates: same currency, compared amount within max(tolerance, rounding), inside the (extended) window, all keys agreeing. */
export function runAmountWindow(state: MatchState, rule: Rule, lefts: MEvent[], rights: MEvent[]): void {
  const used = setFor(state.used, rule.link);
  const index = buildAmountIndex(rule, rights.filter((r) => !used.has(r.id)));
  for (const left of lefts) {
    if (used.has(left.id)) continue;
    const reach = Math.max(tolerance(rule, left.amount), rule.amount.rounding_minor);
    const scored: Scored[] = [];
    const extra: RunnerUp[] = [];
    for (const r of index.range(left.currency, left.amount - reach, left.amount + reach)) {
      if (r.id === left.id) continue;
      if (used.has(r.id) && rule.cardinality !== 'many_to_one') continue;
      const w = windowClass(rule, left, r);
      if (w === 'outside') continue;
      if (isBlocked(state, rule.link, left.id, r.id)) {
        extra.push({ event_id: r.id, score: null, reason: 'blocked by a person' });
        continue;
      }
      const keys = rule.keys.map((k) => compareKey(k, left, r));
      if (keys.some((k) => k === null || !k.agreed)) continue;
      const delta = comparable(rule, r) - left.amount;
      const agreed = keys.filter((k) => k !== null);
      scored.push({ event: r, score: score(rule, agreed, delta, left.amount, r.t - left.t), delta, dtMs: r.t - left.t, keys: agreed, amount: amountClass(rule, left.amount, delta), window: w });
    }
    if (scored.length === 0) continue;
    const ranked = rankScored(scored);
    const lead = leaders(ranked, state.ruleSet.settings.tie_margin);
    if (lead.length === 1) {
      recordWinner(state, rule, [left], ranked, extra);
      continue;
    }
    const ex = baseExplanation(state, rule, `${lead.length} candidates of the same amount within the tie margin (${state.ruleSet.settings.tie_margin}); not guessing`);
    ex.score = lead[0]?.score ?? null;
    ex.runners_up = [...lead.map((s) => ({ event_id: s.event.id, score: s.score, reason: 'tied' as const })), ...extra].slice(0, 10);
    recordDecisiveException(state, rule, 'AMBIGUOUS_MATCH', left, lead.map((s) => s.event), left.amount, ex, false);
  }
}
