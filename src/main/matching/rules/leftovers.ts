// Exceptions for what stayed unmatched after every rule ran (MISSING_PAYMENT, UNKNOWN_BANK_LINE, …), per link.
import type { ExceptionCode, RuleSet } from '../../../shared/rules/ruleSet.ts';
import type { MatchState, MatchEvent } from './model.ts';
import { addException, baseExplanation } from './outcomes.ts';
import { sideMatches } from './strategies/candidates.ts';
import { STORE_REFUNDED_STATES, storeRefunded } from './strategies/refundTotals.ts';

/** Shopify financial statuses (and PayPal-like equivalents) that mean the customer paid. */
export const PAID_STATES = new Set(['paid', 'partially_paid', 'partially_refunded', 'refunded', 'completed', 'captured']);

/** Links whose rules pair a kind of `a` with a kind of `b` (either side). */
function linksPairing(ruleSet: RuleSet, a: readonly string[], b: readonly string[]): string[] {
  const out = new Set<string>();
  for (const r of ruleSet.rules) {
    const l = r.left.kinds as string[];
    const rt = r.right.kinds as string[];
    if ((l.some((k) => a.includes(k)) && rt.some((k) => b.includes(k))) || (l.some((k) => b.includes(k)) && rt.some((k) => a.includes(k))))
      out.add(r.link);
  }
  return [...out].sort();
}

/** Links with a rule that has one of `kinds` on a side. */
function linksHaving(ruleSet: RuleSet, kinds: readonly string[]): string[] {
  const out = new Set<string>();
  for (const r of ruleSet.rules) if ([...r.left.kinds, ...r.right.kinds].some((k) => kinds.includes(k))) out.add(r.link);
  return [...out].sort();
}

const BANK_LINES = ['bank_credit', 'bank_debit'] as const;

interface LeftoverCheck {
  code: ExceptionCode;
  kind: string;
  applies: (e: MatchEvent) => boolean;
  /**
   * The links that decide the check for this event: it is raised when the event is accounted for in none of them,
   * and never when the list is empty (the running rule set does not reconcile the event) unless `every`.
   */
  links: (ruleSet: RuleSet, e: MatchEvent | null) => string[];
  /** Raised for every such event, matched or not, whatever the rule set (DISPUTE_OPEN). */
  every?: boolean;
  /** The finding is a missing counterpart: while the counterpart's sources have not delivered past the window, the event awaits it. */
  counterpart?: true;
  /** Amount at stake (docs/matching.md, per code); default the event's own amount. */
  atStake?: (state: MatchState, e: MatchEvent) => number;
  why: string;
}

/**
 * A leftover is raised only for what the running rule set reconciles (issue: a rule set with only the exact-key
 * rule must not raise bank or payout leftovers). Exceptions:
 * - DISPUTE_OPEN is raised for every dispute whatever the rules (DESIGN §6: a chargeback/dispute is an exception in
 *   itself; matching it to its payment documents it, it does not settle it).
 * - Bank lines: when the rule set pairs bank lines at all (some rule has bank_credit or bank_debit on a side), every
 *   bank line, credit or debit, that no such link accounts for is an UNKNOWN_BANK_LINE — a reconciled bank account
 *   has no unexplained lines, money out deserves the same eye as money in.
 * - PAYOUT_NOT_IN_BANK: a negative payout (money to the bank) needs a bank credit, a positive one (Stripe pulled money
 *   from the bank after a negative balance) a bank debit; decided by the links pairing payouts with that kind.
 */
const CHECKS: LeftoverCheck[] = [
  {
    code: 'MISSING_PAYMENT',
    kind: 'order',
    applies: (e) => PAID_STATES.has((e.state ?? '').toLowerCase()),
    links: (rs) => linksPairing(rs, ['order'], ['payment']),
    why: 'order marked paid, no payment found',
    counterpart: true,
  },
  {
    code: 'MISSING_ORDER',
    kind: 'payment',
    applies: () => true,
    links: (rs) => linksPairing(rs, ['payment'], ['order']),
    why: 'payment with no order',
    counterpart: true,
  },
  {
    code: 'REFUND_UNMATCHED',
    kind: 'refund',
    applies: () => true,
    links: (rs) => linksPairing(rs, ['refund'], ['payment']),
    why: 'refund without the payment it refunds',
    counterpart: true,
  },
  {
    // The store refunded the order; the processor's refund never came. At stake: what the store says went back.
    code: 'REFUND_UNMATCHED',
    kind: 'order',
    applies: (e) => STORE_REFUNDED_STATES.has((e.state ?? '').toLowerCase()),
    links: (rs) => linksPairing(rs, ['order'], ['refund']),
    why: 'order refunded in the store, no refund at the processor',
    counterpart: true,
    atStake: (state, e) => -storeRefunded(state, e),
  },
  {
    code: 'PAYOUT_NOT_IN_BANK',
    kind: 'payout',
    applies: (e) => e.amount !== 0,
    links: (rs, e) => linksPairing(rs, ['payout'], e === null ? BANK_LINES : [e.amount < 0 ? 'bank_credit' : 'bank_debit']),
    why: 'payout with no bank line (a credit for money paid out, a debit for money pulled from the bank)',
    counterpart: true,
  },
  {
    code: 'UNKNOWN_BANK_LINE',
    kind: 'bank_credit',
    applies: () => true,
    links: (rs) => linksHaving(rs, BANK_LINES),
    why: 'bank credit with no counterpart',
    counterpart: true,
  },
  {
    code: 'UNKNOWN_BANK_LINE',
    kind: 'bank_debit',
    applies: () => true,
    links: (rs) => linksHaving(rs, BANK_LINES),
    why: 'bank debit with no counterpart',
    counterpart: true,
  },
  // A dispute's balance effect is money out; its reinstatement (money back in, a won dispute) is not a second dispute.
  {
    code: 'DISPUTE_OPEN',
    kind: 'dispute',
    applies: (e) => e.amount <= 0,
    links: (rs) => linksHaving(rs, ['dispute']),
    every: true,
    why: 'chargeback / dispute',
  },
];

/** Codes of a missing counterpart: an event may await its counterpart's feed instead (awaiting.ts). */
export const COUNTERPART_CODES: ReadonlySet<ExceptionCode> = new Set(CHECKS.filter((c) => c.counterpart === true).map((c) => c.code));

/** The leftover codes checked for an event of `kind`. */
export function leftoverCodes(kind: string): ExceptionCode[] {
  return [...new Set(CHECKS.filter((c) => c.kind === kind).map((c) => c.code))];
}

/** The links whose outcome decides the leftover `code` of an event of `kind` (a superset over the kind's events). */
function decidingLinks(ruleSet: RuleSet, code: ExceptionCode, kind: string): string[] {
  const out = new Set<string>();
  for (const c of CHECKS) if (c.kind === kind && c.code === code) c.links(ruleSet, null).forEach((l) => out.add(l));
  return [...out].sort();
}

/** The links that decide a leftover `code` for an event of any kind (where a released awaiting event must be looked at). */
export function linksDecidingCode(ruleSet: RuleSet, code: string): string[] {
  const out = new Set<string>();
  for (const c of CHECKS) if (c.code === code) c.links(ruleSet, null).forEach((l) => out.add(l));
  return [...out].sort();
}

/** Whether a run decides an event's leftover `code`. */
export type LeftoverDecider = (code: ExceptionCode, e: MatchEvent) => boolean;

/**
 * Incremental runs: an event's leftover `code` can be derived only when every link that decides that code looked at the
 * event (a MISSING_PAYMENT needs the order–payment link, an order's REFUND_UNMATCHED the order–refund link).
 */
export function leftoverDecider(ruleSet: RuleSet, links: Map<string, Set<string>>): LeftoverDecider {
  const cache = new Map<string, string[]>();
  return (code, e) => {
    const key = `${code}\u001f${e.kind}`;
    let ls = cache.get(key);
    if (ls === undefined) {
      ls = decidingLinks(ruleSet, code, e.kind);
      cache.set(key, ls);
    }
    return ls.every((l) => links.get(l)?.has(e.id) === true);
  };
}

/** `decided`: incremental runs derive only the codes every deciding link looked at (leftoverDecider); null: all (a full run). */
export function deriveLeftovers(state: MatchState, events: MatchEvent[], decided: LeftoverDecider | null = null): void {
  const byKind = new Map<string, LeftoverCheck[]>();
  for (const c of CHECKS) byKind.set(c.kind, [...(byKind.get(c.kind) ?? []), c]);
  const linkCache = new Map<string, string[]>();
  const linksOf = (c: LeftoverCheck, e: MatchEvent): string[] => {
    const key = `${CHECKS.indexOf(c)}\u001f${c.kind === 'payout' ? Math.sign(e.amount) : 0}`;
    let ls = linkCache.get(key);
    if (ls === undefined) {
      ls = c.links(state.ruleSet, e);
      linkCache.set(key, ls);
    }
    return ls;
  };
  const sided = new Map<string, boolean>();
  const onSomeSide = (c: LeftoverCheck, ls: string[], e: MatchEvent): boolean => {
    const key = `${CHECKS.indexOf(c)}\u001f${e.source}\u001f${Math.sign(e.amount)}`;
    let v = sided.get(key);
    if (v === undefined) {
      v = state.ruleSet.rules.some((r) => ls.includes(r.link) && (sideMatches(r.left, e) || sideMatches(r.right, e)));
      sided.set(key, v);
    }
    return v;
  };
  for (const e of events) {
    for (const c of byKind.get(e.kind) ?? []) {
      if (decided !== null && !decided(c.code, e)) continue;
      if (!c.applies(e)) continue;
      const ls = linksOf(c, e);
      if (c.every !== true && (ls.length === 0 || ls.some((l) => state.accounted.get(l)?.has(e) === true))) continue;
      // An event no rule of those links could pair (its source is on no side: an Amazon payout where only Stripe's
      // reach the bank) is not reconciled by this rule set, so nothing is missing for it.
      if (c.every !== true && !onSomeSide(c, ls, e)) continue;
      const waiting = c.counterpart === true ? (state.awaitingJudge?.judge(c.code, ls, e) ?? null) : null;
      if (waiting !== null) {
        state.awaiting.push(waiting);
        continue;
      }
      addException(state, null, c.code, [e], c.atStake?.(state, e) ?? e.amount, e, baseExplanation(state, null, `${c.code}: ${c.why}`));
    }
  }
}
