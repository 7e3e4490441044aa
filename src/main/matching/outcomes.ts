// Records what a strategy decided: matches (with their A-class side exceptions), exceptions and deferred findings.
import { sha256Hex } from '../ledger/canonicalJson.ts';
import type { ExceptionCode, Rule } from '../../shared/rules/ruleSet.ts';
import type { DesiredException, MatchState, MEvent, PendingFinding } from './model.ts';
import { setFor } from './model.ts';

function byId(a: MEvent, b: MEvent): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
import type { Explanation } from './explanation.ts';
import { packExplanation } from './explanationText.ts';

export function matchIdFor(link: string, ruleId: string, eventIds: string[]): string {
  return `m_${sha256Hex(`${link}\u001f${ruleId}\u001f${[...eventIds].sort().join(',')}`).slice(0, 32)}`;
}

export function exceptionIdFor(code: string, eventIds: string[]): string {
  return `x_${sha256Hex(`${code}\u001f${[...eventIds].sort().join(',')}`).slice(0, 32)}`;
}

export function baseExplanation(state: MatchState, rule: Rule | null, summary: string): Explanation {
  return {
    rule_id: rule?.id ?? null,
    rule_set_id: state.ruleSet.rule_set_id,
    rule_version: state.ruleSet.version,
    strategy: rule?.strategy ?? null,
    link: rule?.link ?? null,
    summary,
    keys: [],
    amount_delta_minor: null,
    time_delta_hours: null,
    score: null,
    runners_up: [],
  };
}

export interface MatchInput {
  rule: Rule;
  left: MEvent[];
  right: MEvent[];
  score: number;
  explanation: Explanation;
  /** A-class findings that make the match auto-resolved (ROUNDING_DIFF with its delta, TIMING_DIFF). */
  autoResolved: { code: ExceptionCode; amount: number }[];
  /** many_to_one rules leave the right side available to further left events. */
  consumeRight: boolean;
}

export function recordMatch(state: MatchState, m: MatchInput): void {
  const used = setFor(state.used, m.rule.link);
  const accounted = setFor(state.accounted, m.rule.link);
  const all = [...m.left, ...m.right];
  for (const e of m.left) used.add(e.id);
  if (m.consumeRight) for (const e of m.right) used.add(e.id);
  for (const e of all) accounted.add(e.id);
  const ids = all.map((e) => e.id);
  state.matches.push({
    matchId: matchIdFor(m.rule.link, m.rule.id, ids),
    link: m.rule.link,
    rule: m.rule,
    status: m.autoResolved.length > 0 ? 'auto_resolved' : 'matched',
    score: m.score,
    left: [...m.left].sort(byId),
    right: [...m.right].sort(byId),
    explanationText: packExplanation(m.explanation),
  });
  const anchor = m.left[0];
  if (anchor === undefined) return;
  for (const f of m.autoResolved) {
    addException(state, m.rule, f.code, all, f.amount, anchor, { ...m.explanation, summary: `${f.code}: ${m.explanation.summary}` });
  }
}

/** Adds an exception; the same code over the same events is one exception (first writer wins). */
export function addException(
  state: MatchState,
  rule: Rule | null,
  code: ExceptionCode,
  events: MEvent[],
  amount: number,
  anchor: MEvent,
  explanation: Explanation,
): DesiredException {
  const unique = [...new Map(events.map((e) => [e.id, e])).values()].sort(byId);
  const x: DesiredException = {
    exceptionId: exceptionIdFor(code, unique.map((e) => e.id)),
    code,
    amount,
    currency: anchor.currency,
    events: unique,
    t: anchor.t,
    rule,
    explanation,
  };
  state.exceptions.push(x);
  return x;
}

/** An exception that settles the left event in its link (ambiguity, duplicate, payout mismatch). */
export function recordDecisiveException(
  state: MatchState,
  rule: Rule,
  code: ExceptionCode,
  left: MEvent,
  others: MEvent[],
  amount: number,
  explanation: Explanation,
  consumeOthers: boolean,
): void {
  const used = setFor(state.used, rule.link);
  const accounted = setFor(state.accounted, rule.link);
  used.add(left.id);
  accounted.add(left.id);
  for (const e of others) {
    accounted.add(e.id);
    if (consumeOthers) used.add(e.id);
  }
  addException(state, rule, code, [left, ...others], amount, left, explanation);
}

export function addPending(state: MatchState, finding: PendingFinding): void {
  const list = state.pending.get(finding.rule.link) ?? [];
  if (!list.some((p) => p.left.id === finding.left.id)) list.push(finding);
  state.pending.set(finding.rule.link, list);
}
