// The in-memory shapes the engine works on: loaded events, desired matches and exceptions, per-run state.
import type { ExceptionCode, Rule, RuleSet } from '../../shared/rules/ruleSet.ts';
import type { Explanation } from './explanation.ts';

/** An event as the matcher needs it: join keys, money, time in ms; attributes parsed only on demand. */
export interface MEvent {
  id: string;
  /** The event's integer identity in the ledger (events.seq): what match and exception member rows store. */
  seq: number;
  kind: string;
  source: string;
  externalId: string;
  orderRef: string | null;
  customerRef: string | null;
  payoutRef: string | null;
  traceId: string | null;
  amount: number;
  currency: string;
  fee: number | null;
  net: number | null;
  state: string | null;
  /** occurred_at in epoch ms. */
  t: number;
  /** null when the run did not read it (no rule compares an attributes field of this kind). */
  attributesJson: string | null;
  attributes?: Record<string, unknown>;
}

export interface DesiredMatch {
  matchId: string;
  link: string;
  rule: Rule;
  status: 'matched' | 'auto_resolved';
  score: number;
  /** Each side sorted by event id. */
  left: MEvent[];
  right: MEvent[];
  /**
   * The stored (packed) explanation, serialized when the match is recorded: a full run holds a million matches
   * until it writes them, and the string is a fraction of the object graph (explanationText.ts).
   */
  explanationText: string;
}

export interface DesiredException {
  exceptionId: string;
  code: ExceptionCode;
  /** Amount at stake, signed minor units. */
  amount: number;
  currency: string;
  /** Sorted by event id, each once. */
  events: MEvent[];
  /** Business time the remediation window counts from (ms). */
  t: number;
  rule: Rule | null;
  explanation: Explanation;
}

/** A key hit that did not become a match; raised only if the left event is still unmatched after every rule of the link. */
export interface PendingFinding {
  code: 'AMOUNT_MISMATCH' | 'CURRENCY_MISMATCH';
  rule: Rule;
  left: MEvent;
  right: MEvent[];
  amount: number;
  explanation: Explanation;
}

/** State shared by the strategies during one computation. */
export interface MatchState {
  ruleSet: RuleSet;
  /** Events consumed by a match or a decisive exception, per link. */
  used: Map<string, Set<string>>;
  /** Events a leftover check should consider accounted for, per link (used + events in an exception of the link). */
  accounted: Map<string, Set<string>>;
  /** `link\u001fleft\u001fright` for pairs a person unmatched. */
  blocked: Set<string>;
  matches: DesiredMatch[];
  exceptions: DesiredException[];
  pending: Map<string, PendingFinding[]>;
}

export function setFor(map: Map<string, Set<string>>, link: string): Set<string> {
  let s = map.get(link);
  if (s === undefined) {
    s = new Set();
    map.set(link, s);
  }
  return s;
}

export function isBlocked(state: MatchState, link: string, a: string, b: string): boolean {
  if (state.blocked.size === 0) return false; // asked for every candidate pair; most ledgers have no unmatched pair
  return state.blocked.has(`${link}\u001f${a}\u001f${b}`) || state.blocked.has(`${link}\u001f${b}\u001f${a}`);
}

/** Deterministic processing order: business time, then event id. */
export function byTimeThenId(a: MEvent, b: MEvent): number {
  return a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
