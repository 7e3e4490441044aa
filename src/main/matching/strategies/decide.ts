// Turns a ranked candidate list with a clear winner into a match, auto-resolved when it needed rounding or the extended window.
import type { ExceptionCode, Rule } from '../../../shared/rules/ruleSet.ts';
import type { MatchState, MEvent } from '../model.ts';
import type { RunnerUp } from '../explanation.ts';
import { hoursBetween, runnersUp, type Scored } from './candidates.ts';
import { baseExplanation, recordMatch } from '../outcomes.ts';

export function recordWinner(state: MatchState, rule: Rule, left: MEvent[], ranked: Scored[], extra: RunnerUp[]): void {
  const best = ranked[0];
  const anchor = left[0];
  if (best === undefined || anchor === undefined) return;
  const auto: { code: ExceptionCode; amount: number }[] = [];
  if (best.amount === 'rounding') auto.push({ code: 'ROUNDING_DIFF', amount: best.delta });
  if (best.window === 'extended') auto.push({ code: 'TIMING_DIFF', amount: anchor.amount });
  const agreed = best.keys.filter((k) => k.agreed).map((k) => `${k.left_field}↔${k.right_field}`);
  const how = agreed.length > 0 ? `keys ${agreed.join(', ')} agree` : 'amount and time agree';
  const ex = baseExplanation(state, rule, `${rule.id}: ${how}; amount delta ${best.delta}, ${hoursBetween(best.dtMs)} h apart`);
  ex.keys = best.keys;
  ex.amount_delta_minor = best.delta;
  ex.time_delta_hours = hoursBetween(best.dtMs);
  ex.score = best.score;
  ex.runners_up = runnersUp(ranked, new Set([best.event.id]), extra);
  recordMatch(state, {
    rule,
    left,
    right: [best.event],
    score: best.score,
    explanation: ex,
    autoResolved: auto,
    consumeRight: rule.cardinality !== 'many_to_one',
  });
}
