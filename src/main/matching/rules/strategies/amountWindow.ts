// amount_window and fuzzy: no shared key, so the same amount and currency inside a time window (fuzzy adds a similarity key).
import type { Rule } from '../../../../shared/rules/ruleSet.ts';
import { byPriority } from '../../../../shared/rules/ruleOrder.ts';
import type { MatchState, MatchEvent } from '../model.ts';
import { byTimeThenId, isBlocked, usedIn } from '../model.ts';
import { buildAmountIndex } from './amountIndex.ts';
import { amountClass, compareKey, comparable, leaders, rankScored, score, tolerance, windowClass, tiedRunnersUp, type Scored } from './candidates.ts';
import { baseExplanation, recordDecisiveException } from '../outcomes.ts';
import { recordWinner } from './decide.ts';
import { type Explanation, type RunnerUp } from '../explanation.ts';
import { windowEdges } from '../windows.ts';

/** An amount_window tie left to the next rule of the link (a fuzzy rule on the same sides), raised if that rule does not match the left event. */
interface DeferredTie {
  rule: Rule;
  left: MatchEvent;
  tied: MatchEvent[];
  amount: number;
  explanation: Explanation;
}

/** Per computation: fuzzy rule id → left event → the amount tie it may break. */
const deferredTies = new WeakMap<MatchState, Map<string, Map<MatchEvent, DeferredTie>>>();

/**
 * The rule an amount_window tie is left to: the next rule of the same link (priority, then id) when it is a fuzzy rule
 * with the same sides, so it sees the same left event and the same tied candidates and can only add a similarity key
 * to separate them. null: the tie is decided here (AMBIGUOUS_MATCH).
 */
function tieBreaker(state: MatchState, rule: Rule): Rule | null {
  if (rule.strategy !== 'amount_window') return null;
  const inLink = state.ruleSet.rules.filter((r) => r.link === rule.link).sort(byPriority);
  const next = inLink[inLink.findIndex((r) => r.id === rule.id) + 1];
  if (next === undefined || next.strategy !== 'fuzzy') return null;
  const same = JSON.stringify(next.left) === JSON.stringify(rule.left) && JSON.stringify(next.right) === JSON.stringify(rule.right);
  return same ? next : null;
}

function raiseDeferred(state: MatchState, d: DeferredTie): void {
  recordDecisiveException(state, d.rule, 'AMBIGUOUS_MATCH', d.left, d.tied, d.amount, d.explanation, false);
}

/** Candidates: same currency, compared amount within max(tolerance, rounding), inside the (extended) window, all keys agreeing. */
export function runAmountWindow(state: MatchState, rule: Rule, lefts: MatchEvent[], rights: MatchEvent[]): void {
  const used = usedIn(state, rule.link);
  const index = buildAmountIndex(
    rule,
    rights.filter((r) => !used.has(r)),
  );
  const breaker = tieBreaker(state, rule);
  const pending = rule.strategy === 'fuzzy' ? deferredTies.get(state)?.get(rule.id) : undefined;
  for (const left of lefts) {
    if (used.has(left)) continue;
    const deferred = pending?.get(left);
    pending?.delete(left);
    const reach = Math.max(tolerance(rule, left.amount), rule.amount.rounding_minor);
    const scored: Scored[] = [];
    const extra: RunnerUp[] = [];
    const { from, extendedTo: to } = windowEdges(rule.window, left.t);
    for (const r of index.range(left.currency, left.amount - reach, left.amount + reach, from, to)) {
      if (r === left) continue;
      if (used.has(r) && rule.cardinality !== 'many_to_one') continue;
      const w = windowClass(rule, left, r);
      if (w === 'outside') continue;
      if (isBlocked(state, rule.link, left, r)) {
        extra.push({ event_id: r.id, score: null, reason: 'blocked by a person' });
        continue;
      }
      const keys = rule.keys.map((k) => compareKey(k, left, r, state.texts));
      if (keys.some((k) => k === null || !k.agreed)) continue;
      const delta = comparable(rule, r) - left.amount;
      const agreed = keys.filter((k) => k !== null);
      scored.push({
        event: r,
        score: score(rule, agreed, delta, left.amount, r.t - left.t),
        delta,
        dtMs: r.t - left.t,
        keys: agreed,
        amount: amountClass(rule, left.amount, delta),
        window: w,
      });
    }
    if (scored.length === 0) {
      if (deferred !== undefined) raiseDeferred(state, deferred);
      continue;
    }
    const ranked = rankScored(scored);
    const lead = leaders(ranked, state.ruleSet.settings.tie_margin);
    if (lead.length === 1) {
      const note =
        deferred === undefined
          ? undefined
          : `the amount alone tied ${deferred.tied.length} candidates under ${deferred.rule.id}; the similarity key decided`;
      recordWinner(state, rule, [left], ranked, extra, note);
      continue;
    }
    const ex = baseExplanation(
      state,
      rule,
      `${lead.length} candidates of the same amount within the tie margin (${state.ruleSet.settings.tie_margin}); not guessing`,
    );
    ex.score = lead[0]?.score ?? null;
    ex.runners_up = tiedRunnersUp(lead, extra);
    if (breaker !== null) {
      // A tie on amount and time alone that the next (fuzzy) rule may break by customer similarity: left to it.
      let byLeft = deferredTies.get(state)?.get(breaker.id);
      if (byLeft === undefined) {
        byLeft = new Map();
        const perState = deferredTies.get(state) ?? new Map<string, Map<MatchEvent, DeferredTie>>();
        perState.set(breaker.id, byLeft);
        deferredTies.set(state, perState);
      }
      byLeft.set(left, { rule, left, tied: lead.map((s) => s.event), amount: left.amount, explanation: ex });
      continue;
    }
    recordDecisiveException(
      state,
      rule,
      'AMBIGUOUS_MATCH',
      left,
      lead.map((s) => s.event),
      left.amount,
      ex,
      false,
    );
  }
  // Ties left to this rule whose left event it did not see (not expected: it has the same sides): raised as they were found.
  if (pending !== undefined) raiseWaiting(state, pending);
}

/** Raises, in (time, id) order, the waiting ties whose left event is still free in its link, and empties `pending`. */
function raiseWaiting(state: MatchState, pending: Map<MatchEvent, DeferredTie>): void {
  const rest = [...pending.values()].sort((a, b) => byTimeThenId(a.left, b.left));
  pending.clear();
  for (const d of rest) if (!usedIn(state, d.rule.link).has(d.left)) raiseDeferred(state, d);
}

/**
 * Ties still waiting for a fuzzy rule that never ran over them (plan.ts skips a rule with an empty side): raised as
 * found, so a tie is never lost. Called once after every rule has run.
 */
export function raiseUnclaimedTies(state: MatchState): void {
  const perState = deferredTies.get(state);
  if (perState === undefined) return;
  for (const ruleId of [...perState.keys()].sort()) raiseWaiting(state, perState.get(ruleId) as Map<MatchEvent, DeferredTie>);
  deferredTies.delete(state);
}
