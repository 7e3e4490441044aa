// Records what a strategy decided: matches (with their A-class side exceptions), exceptions and deferred findings.
import type { ExceptionCode, Rule, RuleSet } from '../../../shared/rules/ruleSet.ts';
import type { DesiredException, DesiredMatch, MatchState, MatchEvent, PendingFinding } from './model.ts';
import { accountedIn, byId, usedIn } from './model.ts';
import { compareKeys, hoursBetween, keyAgreements } from './strategies/candidates.ts';

import { type Explanation, type RunnerUp, summaryOf } from './explanation.ts';
import { type TextSource } from './eventFields.ts';

/**
 * Which events identify a match of `rule`: a payout's match is the payout (its items may arrive after it and join the
 * same match), any other match is all of its events.
 */
export function identifiedBy(rule: Pick<Rule, 'strategy'>): 'left' | 'all' {
  return rule.strategy === 'payout_items' ? 'left' : 'all';
}

/**
 * What makes two exceptions the same one: the code and the events it names (sorted ids). The engine stores it as an
 * exception id (engine/identity.ts), so the same finding made again is the same row.
 */
export function exceptionKey(code: string, eventIds: readonly string[]): string {
  return `${code}\u001f${[...eventIds].sort().join(',')}`;
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
  left: MatchEvent[];
  right: MatchEvent[];
  score: number;
  /** A standard match (see DesiredMatch.explanation) passes its figures instead. */
  explanation: Explanation | StandardWhy;
  /** A-class findings that make the match auto-resolved (ROUNDING_DIFF with its delta, TIMING_DIFF). */
  autoResolved: { code: ExceptionCode; amount: number }[];
  /** many_to_one rules leave the right side available to further left events. */
  consumeRight: boolean;
}

/** The figures of a standard match (one left, one right): see DesiredMatch.explanation. */
export interface StandardWhy {
  standard: true;
  delta: number;
  dtMs: number;
  runnersUp: RunnerUp[];
  note: string | undefined;
}

const NO_RUNNERS_UP: RunnerUp[] = [];

export function recordMatch(state: MatchState, m: MatchInput): void {
  const used = usedIn(state, m.rule.link);
  const accounted = accountedIn(state, m.rule.link);
  for (const e of m.left) used.add(e);
  if (m.consumeRight) for (const e of m.right) used.add(e);
  for (const e of m.left) accounted.add(e);
  for (const e of m.right) accounted.add(e);
  const standard = 'standard' in m.explanation ? m.explanation : null;
  const d: DesiredMatch = {
    link: m.rule.link,
    rule: m.rule,
    status: m.autoResolved.length > 0 ? 'auto_resolved' : 'matched',
    score: m.score,
    left: m.left.length === 1 ? m.left : [...m.left].sort(byId),
    right: m.right.length === 1 ? m.right : [...m.right].sort(byId),
    explanation: standard === null ? (m.explanation as Explanation) : null,
    delta: standard?.delta ?? 0,
    dtMs: standard?.dtMs ?? 0,
    runnersUp: standard === null || standard.runnersUp.length === 0 ? NO_RUNNERS_UP : standard.runnersUp,
    note: standard?.note,
  };
  if (state.emit !== undefined) state.emit(d);
  else state.matches.push(d);
  const anchor = m.left[0];
  if (anchor === undefined || m.autoResolved.length === 0) return;
  const explanation = matchExplanation(state.ruleSet, state.texts, d);
  const { note: _note, ...why } = explanation;
  for (const f of m.autoResolved) {
    addException(state, m.rule, f.code, [...m.left, ...m.right], f.amount, anchor, { ...why, summary: `${f.code}: ${summaryOf(explanation)}` });
  }
}

/**
 * A computed match's explanation; a standard match's is made from its two events, as readMatchExplanation makes it
 * again from the stored match (its summary stays '' until composed: explanationText.ts summaryOf).
 */
export function matchExplanation(ruleSet: RuleSet, texts: TextSource, d: DesiredMatch): Explanation {
  if (d.explanation !== null) return d.explanation;
  const left = d.left[0] as MatchEvent;
  const right = d.right[0] as MatchEvent;
  const e: Explanation = {
    rule_id: d.rule.id,
    rule_set_id: ruleSet.rule_set_id,
    rule_version: ruleSet.version,
    strategy: d.rule.strategy,
    link: d.rule.link,
    summary: '',
    keys: keyAgreements(compareKeys(d.rule, left, right, texts), texts),
    amount_delta_minor: d.delta,
    time_delta_hours: hoursBetween(d.dtMs),
    score: d.score,
    runners_up: d.runnersUp,
  };
  if (d.note !== undefined) e.note = d.note;
  return e;
}

/** Adds an exception; the same code over the same events is one exception (first writer wins). */
export function addException(
  state: MatchState,
  rule: Rule | null,
  code: ExceptionCode,
  events: MatchEvent[],
  amount: number,
  anchor: MatchEvent,
  explanation: Explanation,
  identifiedByAnchor = false,
): DesiredException {
  const unique = [...new Set(events)].sort(byId);
  const x: DesiredException = {
    key: exceptionKey(code, identifiedByAnchor ? [anchor.id] : unique.map((e) => e.id)),
    ...(identifiedByAnchor ? { membersMayChange: true as const } : {}),
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
  left: MatchEvent,
  others: MatchEvent[],
  amount: number,
  explanation: Explanation,
  consumeOthers: boolean,
  identifiedByLeft = false,
): void {
  const used = usedIn(state, rule.link);
  const accounted = accountedIn(state, rule.link);
  used.add(left);
  accounted.add(left);
  for (const e of others) {
    accounted.add(e);
    if (consumeOthers) used.add(e);
  }
  addException(state, rule, code, [left, ...others], amount, left, explanation, identifiedByLeft);
}

export function addPending(state: MatchState, finding: PendingFinding): void {
  const list = state.pending.get(finding.rule.link) ?? [];
  if (!list.some((p) => p.left === finding.left)) list.push(finding);
  state.pending.set(finding.rule.link, list);
}
