// Exceptions for what stayed unmatched, and the class/state/policy-gate rules every exception goes through.
import { DEFAULT_EXCEPTION_CLASS, type ExceptionClass, type ExceptionCode, type RuleSet } from '../../shared/rules/ruleSet.ts';
import type { DesiredException, MatchState, MEvent } from './model.ts';
import { addException, baseExplanation } from './outcomes.ts';

/** Shopify financial statuses (and PayPal-like equivalents) that mean the customer paid. */
export const PAID_STATES = new Set(['paid', 'partially_paid', 'partially_refunded', 'refunded', 'completed', 'captured']);

/** Links whose rules pair kind `a` with kind `b` (either side). */
function linksPairing(ruleSet: RuleSet, a: string, b: string): string[] {
  const out = new Set<string>();
  for (const r of ruleSet.rules) {
    const l = r.left.kinds as string[];
    const rt = r.right.kinds as string[];
    if ((l.includes(a) && rt.includes(b)) || (l.includes(b) && rt.includes(a))) out.add(r.link);
  }
  return [...out];
}

interface LeftoverCheck {
  code: ExceptionCode;
  kind: string;
  applies: (e: MEvent) => boolean;
  /** The counterpart kind whose link would account for the event; null = raised for every such event. */
  counterpart: string | null;
  why: string;
}

/**
 * Bank debits: no default rule explains money going out, so every bank debit is an UNKNOWN_BANK_LINE
 * (class C) until a person explains it — unexplained money out deserves the same eye as money in.
 */
const CHECKS: LeftoverCheck[] = [
  { code: 'MISSING_PAYMENT', kind: 'order', applies: (e) => e.kind === 'order' && PAID_STATES.has((e.state ?? '').toLowerCase()), counterpart: 'payment', why: 'order marked paid, no payment found' },
  { code: 'MISSING_ORDER', kind: 'payment', applies: (e) => e.kind === 'payment', counterpart: 'order', why: 'payment with no order' },
  { code: 'REFUND_UNMATCHED', kind: 'refund', applies: (e) => e.kind === 'refund', counterpart: 'payment', why: 'refund without the payment it refunds' },
  { code: 'PAYOUT_NOT_IN_BANK', kind: 'payout', applies: (e) => e.kind === 'payout' && e.amount < 0, counterpart: 'bank_credit', why: 'payout with no bank credit' },
  { code: 'UNKNOWN_BANK_LINE', kind: 'bank_credit', applies: (e) => e.kind === 'bank_credit', counterpart: 'payout', why: 'bank credit with no counterpart' },
  { code: 'UNKNOWN_BANK_LINE', kind: 'bank_debit', applies: (e) => e.kind === 'bank_debit', counterpart: null, why: 'bank debit with no counterpart' },
  { code: 'DISPUTE_OPEN', kind: 'dispute', applies: (e) => e.kind === 'dispute', counterpart: null, why: 'chargeback / dispute' },
];

/** The links whose outcome decides the leftover checks of an event of `kind` (for a check with no counterpart: every link that has the kind on a side). */
export function leftoverLinks(ruleSet: RuleSet, kind: string): string[] {
  const out = new Set<string>();
  for (const c of CHECKS) {
    if (c.kind !== kind) continue;
    if (c.counterpart !== null) linksPairing(ruleSet, c.kind, c.counterpart).forEach((l) => out.add(l));
    else for (const r of ruleSet.rules) if ((r.left.kinds as string[]).includes(kind) || (r.right.kinds as string[]).includes(kind)) out.add(r.link);
  }
  return [...out];
}

/** Incremental runs: an event's leftovers can be derived only when every link that decides them looked at the event. */
export function leftoverEvaluable(ruleSet: RuleSet, links: Map<string, Set<string>>): (e: MEvent) => boolean {
  const byKind = new Map<string, string[]>();
  return (e) => {
    let ls = byKind.get(e.kind);
    if (ls === undefined) {
      ls = leftoverLinks(ruleSet, e.kind);
      byKind.set(e.kind, ls);
    }
    return ls.every((l) => links.get(l)?.has(e.id) === true);
  };
}

export function deriveLeftovers(state: MatchState, events: MEvent[]): void {
  const plans = CHECKS.map((c) => {
    const links = c.counterpart === null ? [] : linksPairing(state.ruleSet, c.kind, c.counterpart);
    return { c, sets: links.map((l) => state.accounted.get(l) ?? new Set<string>()), skip: c.counterpart !== null && links.length === 0 };
  });
  for (const e of events) {
    for (const { c, sets, skip } of plans) {
      if (skip || !c.applies(e) || sets.some((s) => s.has(e.id))) continue;
      if (e.kind === 'bank_debit' && [...state.accounted.values()].some((s) => s.has(e.id))) continue;
      addException(state, null, c.code, [e], e.amount, e, baseExplanation(state, null, `${c.code}: ${c.why}`));
    }
  }
}

export interface Classified {
  defaultClass: ExceptionClass;
  cls: ExceptionClass;
  state: 'open' | 'in_remediation' | 'resolved';
  policyGated: boolean;
  dueAt: string | null;
  policy: string;
}

export const DEFAULT_POLICY_GATE_MINOR = 100_000;

/**
 * Class A → resolved by the system; class B → in_remediation until due_at (event time + remediation_days),
 * then class C open once the ledger's as-of time passes it. The policy gate (|amount| > gate, only when the
 * exception's currency is the reporting currency: without an FX basis we do not convert) makes it class C.
 */
export function classify(x: DesiredException, ruleSet: RuleSet, reportingCurrency: string, gateMinor: number, asOfMs: number): Classified {
  const defaultClass = DEFAULT_EXCEPTION_CLASS[x.code];
  const sameCurrency = x.currency === reportingCurrency;
  const gated = sameCurrency && Math.abs(x.amount) > gateMinor;
  const policy = !sameCurrency
    ? `policy gate not applied: ${x.currency} is not the reporting currency ${reportingCurrency} and no FX basis is recorded`
    : gated
      ? `above the policy gate (${gateMinor} minor units): a person signs off`
      : `within the policy gate (${gateMinor} minor units)`;
  if (gated) return { defaultClass, cls: 'C', state: 'open', policyGated: true, dueAt: null, policy };
  if (defaultClass === 'A') return { defaultClass, cls: 'A', state: 'resolved', policyGated: false, dueAt: null, policy };
  if (defaultClass === 'B') {
    const due = x.t + ruleSet.settings.remediation_days * 86_400_000;
    const dueAt = new Date(due).toISOString();
    if (asOfMs > due) return { defaultClass, cls: 'C', state: 'open', policyGated: false, dueAt, policy };
    return { defaultClass, cls: 'B', state: 'in_remediation', policyGated: false, dueAt, policy };
  }
  return { defaultClass, cls: 'C', state: 'open', policyGated: false, dueAt: null, policy };
}
