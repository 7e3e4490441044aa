// bank_payout: a bank credit ↔ the payout it names, else one payout of its amount, else a bounded subset of payouts summing to it.
import type { Rule } from '../../../../shared/rules/ruleSet.ts';
import type { MatchState, MatchEvent } from '../model.ts';
import { byId, byTimeThenId, isBlocked, usedIn } from '../model.ts';
import {
  amountClass,
  comparable,
  compareKeys,
  externalIdOf,
  hoursBetween,
  keyAgreements,
  leaders,
  normalizeKey,
  rankScored,
  score,
  windowClass,
  tiedRunnersUp,
  type Scored,
} from './candidates.ts';
import { addPending, baseExplanation, recordDecisiveException, recordMatch } from '../outcomes.ts';
import { findSubsets } from './subsetSum.ts';
import { autoResolvedFor, lateNote } from './decide.ts';
import { type RunnerUp } from '../explanation.ts';
import { type TextSource } from '../eventFields.ts';

/**
 * Left = payouts, right = bank lines (credits for money paid out, debits for money Stripe pulled from the bank: a
 * positive payout); iterated from the bank line because one line may settle several payouts. A line named by the
 * payout id inside the extended window (after_days < Δt ≤ extended_after_days) is a match with TIMING_DIFF (amount at
 * stake 0: the amounts agree, only the timing differs).
 */
export function runBankPayout(state: MatchState, rule: Rule, payouts: MatchEvent[], credits: MatchEvent[]): void {
  const used = usedIn(state, rule.link);
  const free = payouts.filter((p) => !used.has(p));
  if (rule.keys.length > 0) {
    state.texts.prefetch(
      free,
      rule.keys.map((k) => k.left),
    );
    state.texts.prefetch(
      credits,
      rule.keys.map((k) => k.right),
    );
  }
  const byRef = rule.keys.length > 0 ? indexByRef(rule, free, state.texts) : null;
  for (const credit of [...credits].sort(byTimeThenId)) {
    if (used.has(credit)) continue;
    if (byRef !== null) byPayoutId(state, rule, credit, byRef);
    else if (!byAmount(state, rule, credit, free)) bySubsetSum(state, rule, credit, free);
  }
}

function indexByRef(rule: Rule, payouts: MatchEvent[], texts: TextSource): Map<string, MatchEvent[]> {
  const m = new Map<string, MatchEvent[]>();
  for (const p of payouts) {
    for (const k of rule.keys) {
      const v = texts.text(p, k.left);
      if (v === null || normalizeKey(v) === '') continue;
      const list = m.get(normalizeKey(v)) ?? [];
      if (!list.includes(p)) list.push(p);
      m.set(normalizeKey(v), list);
    }
  }
  return m;
}

function evaluate(state: MatchState, rule: Rule, payout: MatchEvent, credit: MatchEvent): Scored {
  const keys = compareKeys(rule, payout, credit, state.texts);
  const delta = comparable(rule, credit) - payout.amount;
  const dt = credit.t - payout.t;
  return {
    event: payout,
    score: score(rule, keys, delta, payout.amount, dt),
    delta,
    dtMs: dt,
    keys,
    amount: amountClass(rule, payout.amount, delta),
    window: windowClass(rule, payout, credit),
  };
}

/** Looks each word of the remittance text up among the payout ids: a payout id contained in the text. */
function byPayoutId(state: MatchState, rule: Rule, credit: MatchEvent, byRef: Map<string, MatchEvent[]>): void {
  const used = usedIn(state, rule.link);
  const text = rule.keys.map((k) => state.texts.text(credit, k.right) ?? '').join(' ');
  const found = new Set<MatchEvent>();
  for (const word of text.split(/[\s,;:/|()[\]]+/)) for (const p of byRef.get(normalizeKey(word)) ?? []) found.add(p);
  const scored: Scored[] = [];
  const beyond: Scored[] = [];
  const extra: RunnerUp[] = [];
  for (const p of [...found].sort(byId)) {
    if (used.has(p)) extra.push({ event_id: p.id, score: null, reason: 'already used' });
    else if (isBlocked(state, rule.link, p, credit)) extra.push({ event_id: p.id, score: null, reason: 'blocked by a person' });
    else if (p.currency !== credit.currency) extra.push({ event_id: p.id, score: null, reason: 'currency differs' });
    else {
      const s = evaluate(state, rule, p, credit);
      if (s.window === 'outside') extra.push({ event_id: p.id, score: null, reason: 'outside window' });
      else if (s.amount === 'beyond') beyond.push(s);
      else scored.push(s);
    }
  }
  if (scored.length > 0) settle(state, rule, credit, rankScored(scored), extra);
  else if (beyond[0] !== undefined) {
    const b = beyond[0];
    const ex = baseExplanation(
      state,
      rule,
      `the bank credit names payout ${state.texts.text(b.event, 'payout_ref') ?? externalIdOf(state, b.event)} but differs by ${b.delta} minor units`,
    );
    Object.assign(ex, {
      keys: keyAgreements(b.keys, state.texts),
      amount_delta_minor: b.delta,
      time_delta_hours: hoursBetween(b.dtMs),
      score: b.score,
    });
    addPending(state, { code: 'AMOUNT_MISMATCH', rule, left: b.event, right: [credit], amount: b.delta, explanation: ex });
  }
}

/**
 * One payout of the line's amount: in the window, or, when none is, in the extended window (a deposit booked late:
 * matched with a TIMING_DIFF rather than left as PAYOUT_NOT_IN_BANK beside an UNKNOWN_BANK_LINE of the same amount).
 */
function byAmount(state: MatchState, rule: Rule, credit: MatchEvent, payouts: MatchEvent[]): boolean {
  const used = usedIn(state, rule.link);
  const inWindow: Scored[] = [];
  const late: Scored[] = [];
  for (const p of payouts) {
    if (used.has(p) || p.currency !== credit.currency || isBlocked(state, rule.link, p, credit)) continue;
    const s = evaluate(state, rule, p, credit);
    if (s.amount === 'beyond') continue;
    if (s.window === 'in') inWindow.push(s);
    else if (s.window === 'extended') late.push(s);
  }
  const scored = inWindow.length > 0 ? inWindow : late;
  if (scored.length === 0) return false;
  settle(state, rule, credit, rankScored(scored), []);
  return true;
}

function settle(state: MatchState, rule: Rule, credit: MatchEvent, ranked: Scored[], extra: RunnerUp[]): void {
  const lead = leaders(ranked, state.ruleSet.settings.tie_margin);
  const best = lead[0] as Scored;
  if (lead.length > 1) {
    const ex = baseExplanation(state, rule, `${lead.length} payouts fit this bank credit equally well; not guessing`);
    ex.runners_up = tiedRunnersUp(lead, extra);
    recordDecisiveException(
      state,
      rule,
      'AMBIGUOUS_MATCH',
      credit,
      lead.map((s) => s.event),
      credit.amount,
      ex,
      false,
    );
    return;
  }
  const late = best.window === 'extended' ? `; ${lateNote(rule, best.event, credit)}` : '';
  const ex = baseExplanation(state, rule, `${rule.id}: bank credit ↔ payout, amount delta ${best.delta}, ${hoursBetween(best.dtMs)} h apart${late}`);
  Object.assign(ex, {
    keys: keyAgreements(best.keys, state.texts),
    amount_delta_minor: best.delta,
    time_delta_hours: hoursBetween(best.dtMs),
    score: best.score,
  });
  ex.runners_up = [...ranked.slice(1).map((s) => ({ event_id: s.event.id, score: s.score, reason: 'lower score' as const })), ...extra].slice(0, 5);
  recordMatch(state, {
    rule,
    left: [best.event],
    right: [credit],
    score: best.score,
    explanation: ex,
    autoResolved: autoResolvedFor(best),
    consumeRight: true,
  });
}

/**
 * Several payouts ↔ one bank line. Candidates: free payouts of the currency and of the line's direction (negative
 * payouts for a credit, positive for a debit) inside the window, the
 * subset_sum_max_candidates nearest in time; subsets of 2..subset_sum_max_items whose compared sum is
 * within tolerance. Search is depth-first in a fixed order and stops at the second solution: one → a
 * match, two → AMBIGUOUS_MATCH over both. At most Σ C(20, k), k = 2..5 = 21,679 subsets per credit.
 */
function bySubsetSum(state: MatchState, rule: Rule, credit: MatchEvent, payouts: MatchEvent[]): void {
  const used = usedIn(state, rule.link);
  const { subset_sum_max_items: maxItems, subset_sum_max_candidates: maxCands } = state.ruleSet.settings;
  const target = comparable(rule, credit);
  const cands = payouts
    .filter(
      (p) =>
        !used.has(p) &&
        p.currency === credit.currency &&
        Math.sign(p.amount) === Math.sign(target) &&
        !isBlocked(state, rule.link, p, credit) &&
        windowClass(rule, p, credit) === 'in',
    )
    .sort((a, b) => Math.abs(credit.t - a.t) - Math.abs(credit.t - b.t) || a.rank - b.rank)
    .slice(0, maxCands)
    .sort(byId);
  if (cands.length < 2) return;
  const solutions = findSubsets(
    cands,
    (p) => p.amount,
    (sum) => amountClass(rule, target, target - sum) === 'ok',
    { maxItems, limit: 2 },
  );
  const first = solutions[0];
  if (first === undefined) return;
  if (solutions.length > 1) {
    const union = [...new Set(solutions.flat())];
    const ex = baseExplanation(state, rule, `several sets of payouts sum to this bank credit; not guessing`);
    ex.runners_up = union.map((p) => ({ event_id: p.id, score: null, reason: 'tied' as const }));
    recordDecisiveException(state, rule, 'AMBIGUOUS_MATCH', credit, union, credit.amount, ex, false);
    return;
  }
  const dt = Math.max(...first.map((p) => Math.abs(credit.t - p.t)));
  const ex = baseExplanation(state, rule, `${first.length} payouts sum to the bank credit (subset sum over ${cands.length} candidates)`);
  Object.assign(ex, { amount_delta_minor: 0, time_delta_hours: hoursBetween(dt), score: score(rule, [], 0, target, dt) });
  recordMatch(state, { rule, left: first, right: [credit], score: ex.score ?? 0, explanation: ex, autoResolved: [], consumeRight: true });
}
