// exact_key: the left event's keys name its counterpart; the best-scoring candidate wins unless another is within the tie margin.
import type { Rule } from '../../../../shared/rules/ruleSet.ts';
import type { MatchState, MatchEvent } from '../model.ts';
import { isBlocked, usedIn } from '../model.ts';
import { buildKeyLookup } from './keyIndex.ts';
import {
  amountClass,
  comparable,
  compareKeys,
  externalIdOf,
  hoursBetween,
  keyAgreements,
  leaders,
  rankScored,
  score,
  windowClass,
  tiedRunnersUp,
  type Scored,
} from './candidates.ts';
import { addPending, baseExplanation, recordDecisiveException } from '../outcomes.ts';
import { recordWinner } from './decide.ts';
import { fxBasis } from '../fxBasis.ts';
import { type RunnerUp } from '../explanation.ts';

interface Sorted {
  scored: Scored[];
  extra: RunnerUp[];
  beyond: Scored[];
  otherCurrency: MatchEvent[];
}

/** Sorts key candidates into qualifying (scored), amount beyond tolerance, other currency, and why the rest lost. */
export function sortCandidates(state: MatchState, rule: Rule, left: MatchEvent, cands: MatchEvent[], checkAmount: boolean): Sorted {
  const used = usedIn(state, rule.link);
  const consumeRight = rule.cardinality !== 'many_to_one';
  const out: Sorted = { scored: [], extra: [], beyond: [], otherCurrency: [] };
  for (const r of cands) {
    if (consumeRight && used.has(r)) out.extra.push({ event_id: r.id, score: null, reason: 'already used' });
    else if (isBlocked(state, rule.link, left, r)) out.extra.push({ event_id: r.id, score: null, reason: 'blocked by a person' });
    else {
      const w = windowClass(rule, left, r);
      if (w === 'outside') {
        out.extra.push({ event_id: r.id, score: null, reason: 'outside window' });
        continue;
      }
      // Another currency is compared through the conversion a source states (fxBasis.ts), else it is not a candidate.
      const fx = r.currency === left.currency ? null : fxBasis(state.texts, left, r);
      if (r.currency !== left.currency && fx === null) {
        out.otherCurrency.push(r);
        out.extra.push({ event_id: r.id, score: null, reason: 'currency differs' });
        continue;
      }
      const keys = compareKeys(rule, left, r, state.texts);
      const base = fx?.left ?? left.amount;
      const delta = !checkAmount ? 0 : fx === null ? comparable(rule, r) - left.amount : fx.right - fx.left;
      const dt = r.t - left.t;
      const s: Scored = {
        event: r,
        score: score(rule, keys, delta, base, dt),
        delta,
        dtMs: dt,
        keys,
        amount: amountClass(rule, base, delta),
        window: w,
      };
      if (fx !== null) s.note = fx.note;
      if (s.amount === 'beyond') {
        out.beyond.push(s);
        out.extra.push({ event_id: r.id, score: s.score, reason: 'amount beyond tolerance' });
      } else out.scored.push(s);
    }
  }
  return out;
}

export function runExactKey(state: MatchState, rule: Rule, lefts: MatchEvent[], rights: MatchEvent[]): void {
  const lookup = buildKeyLookup(rule, rights, state.texts);
  const used = usedIn(state, rule.link);
  const checkAmount = rule.cardinality !== 'many_to_one';
  for (const left of lefts) {
    if (used.has(left)) continue;
    const cands = lookup(left);
    if (cands.length === 0) continue;
    const c = sortCandidates(state, rule, left, cands, checkAmount);
    if (c.scored.length > 0) {
      decideKeyed(state, rule, left, rankScored(c.scored), c.extra, checkAmount);
    } else if (c.beyond.length > 0) {
      const best = [...c.beyond].sort((a, b) => Math.abs(a.delta) - Math.abs(b.delta) || a.event.rank - b.event.rank)[0] as Scored;
      const ex = baseExplanation(state, rule, `key agrees but the amount differs by ${best.delta} minor units`);
      Object.assign(ex, {
        keys: keyAgreements(best.keys, state.texts),
        amount_delta_minor: best.delta,
        time_delta_hours: hoursBetween(best.dtMs),
        score: best.score,
        runners_up: c.extra.slice(0, 5),
      });
      addPending(state, { code: 'AMOUNT_MISMATCH', rule, left, right: [best.event], amount: best.delta, explanation: ex });
    } else if (c.otherCurrency.length > 0) {
      const ex = baseExplanation(state, rule, `key agrees but the counterpart is in ${c.otherCurrency[0]?.currency ?? '?'}, not ${left.currency}`);
      ex.runners_up = c.extra.slice(0, 5);
      addPending(state, { code: 'CURRENCY_MISMATCH', rule, left, right: c.otherCurrency, amount: left.amount, explanation: ex });
    }
  }
}

/** One clear winner → match; several within the margin → DUPLICATE_PAYMENT (each fully pays the order) or AMBIGUOUS_MATCH. */
function decideKeyed(state: MatchState, rule: Rule, left: MatchEvent, ranked: Scored[], extra: RunnerUp[], checkAmount: boolean): void {
  const lead = leaders(ranked, state.ruleSet.settings.tie_margin);
  const paysOrders = checkAmount && rule.right.kinds.includes('payment');
  if (lead.length === 1) {
    recordWinner(state, rule, [left], ranked, extra);
    const best = ranked[0] as Scored;
    // Every other key candidate that also fully pays the order (same currency, in the window, amount within
    // tolerance/rounding) is a second charge for it: the better-keyed match stands, the extra ones are flagged.
    const extraPayments = paysOrders ? ranked.slice(1).filter((s) => s.amount !== 'beyond') : [];
    if (extraPayments.length > 0) recordExtraPayments(state, rule, left, best, extraPayments);
    return;
  }
  const duplicate = paysOrders && lead.every((s) => s.amount !== 'beyond');
  const code = duplicate ? 'DUPLICATE_PAYMENT' : 'AMBIGUOUS_MATCH';
  const others = lead.map((s) => s.event);
  const ex = baseExplanation(
    state,
    rule,
    duplicate
      ? `${others.length} distinct payments each fully pay this order`
      : `${others.length} candidates within the tie margin (${state.ruleSet.settings.tie_margin}); not guessing`,
  );
  ex.keys = keyAgreements(lead[0]?.keys ?? [], state.texts);
  ex.score = lead[0]?.score ?? null;
  ex.runners_up = tiedRunnersUp(lead, extra);
  const amount = duplicate ? others.reduce((s, e) => s + comparable(rule, e), 0) - left.amount : left.amount;
  recordDecisiveException(state, rule, code, left, others, amount, ex, duplicate);
}

/**
 * DUPLICATE_PAYMENT beside a match: `best` pays the order (its match stands), `extras` are further payments sharing
 * the order's key that each pay it in full. The exception names the order and the extra payments (the charges to
 * refund) and consumes them in the link, so no later rule pairs them with another order by amount.
 */
function recordExtraPayments(state: MatchState, rule: Rule, left: MatchEvent, best: Scored, extras: Scored[]): void {
  const others = extras.map((s) => s.event);
  const ex = baseExplanation(
    state,
    rule,
    `${others.length + 1} distinct payments each fully pay this order: matched to ${externalIdOf(state, best.event)} (score ${best.score}); ` +
      `${others.map((e) => externalIdOf(state, e)).join(', ')} ${others.length === 1 ? 'is a duplicate charge' : 'are duplicate charges'} to refund`,
  );
  ex.keys = keyAgreements(extras[0]?.keys ?? [], state.texts);
  ex.score = extras[0]?.score ?? null;
  ex.amount_delta_minor = extras[0]?.delta ?? null;
  ex.time_delta_hours = extras[0] === undefined ? null : hoursBetween(extras[0].dtMs);
  const amount = others.reduce((s, e) => s + comparable(rule, e), 0);
  recordDecisiveException(state, rule, 'DUPLICATE_PAYMENT', left, others, amount, ex, true);
}
