// Turns a ranked candidate list with a clear winner into a match, auto-resolved when it needed rounding or the extended window.
import type { ExceptionCode, Rule } from '../../../../shared/rules/ruleSet.ts';
import { formatAmount } from '../../../../shared/money/amountText.ts';
import type { MatchState, MatchEvent } from '../model.ts';
import { runnersUp, type Scored } from './candidates.ts';
import { recordMatch, type StandardWhy } from '../outcomes.ts';
import { type RunnerUp } from '../explanation.ts';

import { DAY_MS } from '../../../../shared/time/duration.ts';
import { windowDaysText } from '../windows.ts';

/** A-class findings beside a match. */
export type AutoResolved = { code: ExceptionCode; amount: number }[];

/**
 * What a match needed beyond an exact, in-window agreement. ROUNDING_DIFF's amount at stake is the delta (right's
 * compared amount − left's). TIMING_DIFF's is 0: the amounts agree and only the timing differs, so a late
 * counterpart never crosses the policy gate on the size of the money that merely came late (the matched amount and
 * the delay are in the explanation: lateNote).
 */
export function autoResolvedFor(best: Pick<Scored, 'amount' | 'window' | 'delta'>): AutoResolved {
  const auto: AutoResolved = [];
  if (best.amount === 'rounding') auto.push({ code: 'ROUNDING_DIFF', amount: best.delta });
  if (best.window === 'extended') auto.push({ code: 'TIMING_DIFF', amount: 0 });
  return auto;
}

function money(minor: number, currency: string): string {
  try {
    return formatAmount(minor, currency, { code: 'suffix' });
  } catch {
    return `${minor} minor units ${currency}`;
  }
}

/** Summary text of a match found in the extended window: the amount that came late, how late, against which window. */
export function lateNote(rule: Rule, left: MatchEvent, right: MatchEvent): string {
  const days = Math.round(((right.t - left.t) / DAY_MS) * 10) / 10;
  return (
    `late: the ${right.kind} of ${money(right.amount, right.currency)} came ${days} d after the ${left.kind}, ` +
    `past the ${windowDaysText(rule.window, rule.window.after_days)} window, within the extended ${windowDaysText(rule.window, rule.window.extended_after_days ?? rule.window.after_days)} ` +
    `(TIMING_DIFF, amount at stake 0: the amounts agree, only the timing differs)`
  );
}

/**
 * Records the winner of `ranked` as a match. `note` is appended to the summary (e.g. that the amount alone tied and
 * a similarity key decided).
 */
export function recordWinner(state: MatchState, rule: Rule, left: MatchEvent[], ranked: Scored[], extra: RunnerUp[], note?: string): void {
  const best = ranked[0];
  const anchor = left[0];
  if (best === undefined || anchor === undefined) return;
  const auto = autoResolvedFor(best);
  // Kept as figures: the explanation (keys compared between the two events, summary) is rebuilt when the match is
  // written (outcomes.ts matchExplanation, explanationText.ts composeMatchSummary).
  const late = best.window === 'extended' ? lateNote(rule, anchor, best.event) : undefined;
  const notes = [best.note, late, note].filter((n) => n !== undefined).join('; ') || undefined;
  const why: StandardWhy = { standard: true, delta: best.delta, dtMs: best.dtMs, runnersUp: runnersUp(ranked, best.event, extra), note: notes };
  recordMatch(state, {
    rule,
    left,
    right: [best.event],
    score: best.score,
    explanation: why,
    autoResolved: auto,
    consumeRight: rule.cardinality !== 'many_to_one',
  });
}
