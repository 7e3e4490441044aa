// partial_payments: one order ↔ the fewest unmatched payments sharing its key that together pay it (bounded subset search).
import type { Rule } from '../../../../shared/rules/ruleSet.ts';
import type { MatchState, MatchEvent } from '../model.ts';
import { byId, isBlocked, usedIn } from '../model.ts';
import { buildKeyLookup } from './keyIndex.ts';
import {
  amountClass,
  comparable,
  compareKeys,
  externalIdOf,
  hoursBetween,
  keyAgreements,
  score,
  windowClass,
  type AmountClass,
  type KeyResult,
} from './candidates.ts';
import { baseExplanation, recordDecisiveException, recordMatch } from '../outcomes.ts';
import { findSubsets } from './subsetSum.ts';
import { autoResolvedFor } from './decide.ts';
import { type RunnerUp } from '../explanation.ts';
import { type TextSource } from '../eventFields.ts';

interface Solution {
  parts: MatchEvent[];

  delta: number;
  amount: AmountClass;
  /** Largest |Δt| between the order and a payment of the set. */
  dtMs: number;
  keys: KeyResult[];
  score: number;
}

function evaluate(rule: Rule, left: MatchEvent, parts: MatchEvent[], texts: TextSource): Solution {
  const sorted = [...parts].sort(byId);
  const delta = sorted.reduce((s, r) => s + comparable(rule, r), 0) - left.amount;
  let dtMs = 0;
  for (const r of sorted) dtMs = Math.max(dtMs, Math.abs(r.t - left.t));
  const keys = sorted.flatMap((r) => compareKeys(rule, left, r, texts));
  return { parts: sorted, delta, amount: amountClass(rule, left.amount, delta), dtMs, keys, score: score(rule, keys, delta, left.amount, dtMs) };
}

/** Best first: higher score (keys, amount, time), then the smaller time spread, then the events in id order. Sets all have the same size. */
function bySolution(a: Solution, b: Solution): number {
  const c = b.score - a.score || a.dtMs - b.dtMs;
  if (c !== 0) return c;
  for (let i = 0; i < a.parts.length; i++) {
    const d = (a.parts[i] as MatchEvent).rank - ((b.parts[i] as MatchEvent | undefined)?.rank ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Candidates: unused payments sharing a key with the order, same currency, inside the window (not blocked). The
 * search looks at the subset_sum_max_candidates nearest the order in time (ties by id) for sets of
 * 2..subset_sum_max_items payments whose compared sum is within tolerance (or rounding: ROUNDING_DIFF) of the order,
 * keeping only the sets with the fewest payments. One set, or one that beats every other set of that size by more than
 * tie_margin → a match with that set; several within the margin → AMBIGUOUS_MATCH over the order and their payments.
 * When no such set exists but the candidates are more than the search looked at (more than subset_sum_max_items, or
 * beyond the nearest subset_sum_max_candidates), all of them together are tried, as before the subset search (an
 * order paid in six instalments). Payments outside the chosen set stay free (MISSING_ORDER if nothing claims them).
 */
export function runPartialPayments(state: MatchState, rule: Rule, lefts: MatchEvent[], rights: MatchEvent[]): void {
  const lookup = buildKeyLookup(rule, rights, state.texts);
  const used = usedIn(state, rule.link);
  const { subset_sum_max_items: maxItems, subset_sum_max_candidates: maxCands, tie_margin: tieMargin } = state.ruleSet.settings;
  for (const left of lefts) {
    if (used.has(left)) continue;
    const parts = lookup(left).filter(
      (r) => !used.has(r) && !isBlocked(state, rule.link, left, r) && r.currency === left.currency && windowClass(rule, left, r) === 'in',
    );
    if (parts.length < 2) continue;
    const cands = [...parts]
      .sort((a, b) => Math.abs(a.t - left.t) - Math.abs(b.t - left.t) || a.rank - b.rank)
      .slice(0, maxCands)
      .sort(byId);
    const fits = (sum: number): boolean => amountClass(rule, left.amount, sum - left.amount) !== 'beyond';
    let sets = findSubsets(cands, (r) => comparable(rule, r), fits, { maxItems, fewestItems: true });
    let how = `subset search over ${cands.length} candidate${cands.length === 1 ? '' : 's'}${parts.length > cands.length ? ` (the ${parts.length - cands.length} farthest in time not considered)` : ''}`;
    if (sets.length === 0 && (parts.length > maxItems || parts.length > cands.length) && fits(parts.reduce((s, r) => s + comparable(rule, r), 0))) {
      sets = [parts];
      how = `all ${parts.length} candidates together; no set of at most ${maxItems} among the ${cands.length} nearest fits`;
    }
    if (sets.length === 0) continue;
    const ranked = sets.map((p) => evaluate(rule, left, p, state.texts)).sort(bySolution);
    const best = ranked[0] as Solution;
    const lead = ranked.filter((s) => best.score - s.score <= tieMargin + 1e-9);
    if (lead.length > 1) {
      recordTie(state, rule, left, lead, how);
      continue;
    }
    const inBest = new Set(best.parts);
    const out = parts.filter((r) => !inBest.has(r));
    const ex = baseExplanation(
      state,
      rule,
      `${best.parts.length} of ${parts.length} partial payments sharing the order's key sum to it (delta ${best.delta}; ${how})` +
        (out.length > 0 ? `; left out: ${out.map((r) => externalIdOf(state, r)).join(', ')}` : ''),
    );
    Object.assign(ex, {
      keys: keyAgreements(best.keys, state.texts),
      amount_delta_minor: best.delta,
      time_delta_hours: hoursBetween(best.dtMs),
      score: best.score,
    });
    ex.runners_up = runnersUp(ranked.slice(1), inBest);
    recordMatch(state, {
      rule,
      left: [left],
      right: best.parts,
      score: best.score,
      explanation: ex,
      autoResolved: autoResolvedFor({ amount: best.amount, window: 'in', delta: best.delta }),
      consumeRight: true,
    });
  }
}

/** Members of the losing sets that are not in the winner, each once with its best set's score. */
function runnersUp(losers: Solution[], winner: Set<MatchEvent>): RunnerUp[] {
  const seen = new Set(winner);
  const out: RunnerUp[] = [];
  for (const s of losers) {
    for (const r of s.parts) {
      if (seen.has(r)) continue;
      seen.add(r);
      out.push({ event_id: r.id, score: s.score, reason: 'lower score' });
    }
  }
  return out.slice(0, 5);
}

/** Several sets of the same size within the tie margin: the order and every payment of those sets, not guessing. */
function recordTie(state: MatchState, rule: Rule, left: MatchEvent, lead: Solution[], how: string): void {
  const members = new Map<MatchEvent, number>();
  for (const s of lead) for (const r of s.parts) if (!members.has(r)) members.set(r, s.score);
  const size = lead[0]?.parts.length ?? 0;
  const ex = baseExplanation(
    state,
    rule,
    `${lead.length} sets of ${size} partial payments sharing the order's key each sum to it within the tie margin (${state.ruleSet.settings.tie_margin}); not guessing (${how})`,
  );
  ex.keys = keyAgreements(lead[0]?.keys ?? [], state.texts);
  ex.amount_delta_minor = lead[0]?.delta ?? null;
  ex.time_delta_hours = lead[0] === undefined ? null : hoursBetween(lead[0].dtMs);
  ex.score = lead[0]?.score ?? null;
  const others = [...members.keys()].sort(byId);
  ex.runners_up = others.slice(0, 10).map((e) => ({ event_id: e.id, score: members.get(e) ?? null, reason: 'tied' as const }));
  recordDecisiveException(state, rule, 'AMBIGUOUS_MATCH', left, others, left.amount, ex, false);
}
