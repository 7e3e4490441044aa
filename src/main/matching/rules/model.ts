// The in-memory shapes the engine works on: loaded events, desired matches and exceptions, per-run state.
import type { ExceptionCode, Rule, RuleSet } from '../../../shared/rules/ruleSet.ts';
import { type Explanation, type RunnerUp } from './explanation.ts';
import { type EventTexts, type TextSource } from './eventFields.ts';

/**
 * An event as the matcher needs it: join keys as integers (eventKeys.ts: equal text, equal integer), money, time in
 * ms; attributes parsed only on demand.
 */
export interface MEvent {
  /** A full run's events read it from a shared table of ids (scope.ts); ordering compares `rank`, never this. */
  readonly id: string;
  /**
   * The event's place in event-id order among the computation's events: every tie between events is broken by it, so
   * results never depend on the order events arrived in. -1 until computeOutcome (or a loader that knows it) sets it.
   */
  rank: number;
  /** The event's integer identity in the ledger (events.seq): what match and exception member rows store. */
  seq: number;
  /** Its position in the computation that holds it (computeOutcome numbers the events it is given): EventMarks index by it. */
  ix: number;
  kind: string;
  source: string;
  externalId: number | null;
  orderRef: number | null;
  customerRef: number | null;
  payoutRef: number | null;
  traceId: number | null;
  /** The key columns' text, on events loaded with it (small scopes, tests); a full run reads texts from the ledger. */
  texts?: EventTexts;
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
  link: string;
  rule: Rule;
  status: 'matched' | 'auto_resolved';
  score: number;
  /** Each side sorted by event id. */
  left: MEvent[];
  right: MEvent[];
  /**
   * Why, for a match decided another way (payout items, partial payments, a subset sum). null for a standard match
   * (one left, one right, the rule's keys compared between them: decide.ts recordWinner, bankPayout settle), whose
   * explanation is rebuilt from the two events and the figures below when written (outcomes.ts matchExplanation):
   * a full run holds a million matches, and an explanation object with its key comparisons is most of one.
   */
  explanation: Explanation | null;
  /** Standard matches: compared amount delta (minor units), time between the sides (ms), the candidates that lost, a note for the summary. */
  delta: number;
  dtMs: number;
  runnersUp: RunnerUp[];
  note: string | undefined;
}

export interface DesiredException {
  /** Its identity: code and events (outcomes.ts exceptionKey); the engine stores it hashed as the exception id. */
  key: string;
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

/**
 * A set of the computation's events, one byte per event (MEvent.ix): a full run marks two million events several
 * times over (used and accounted per link), which as Sets of ids cost tens of bytes per entry and a hash each time.
 */
export class EventMarks {
  private readonly marks: Uint8Array;

  constructor(capacity: number) {
    this.marks = new Uint8Array(capacity);
  }

  has(e: MEvent): boolean {
    return this.marks[e.ix] === 1;
  }

  add(e: MEvent): void {
    this.marks[e.ix] = 1;
  }
}

/** What a question "is this event marked?" needs (a strategy that only asks is given this). */
export type ReadonlyMarks = Pick<EventMarks, 'has'>;

export const NO_MARKS: ReadonlyMarks = { has: () => false };

/** State shared by the strategies during one computation. */
export interface MatchState {
  ruleSet: RuleSet;
  /** How many events the computation holds (the size of every EventMarks). */
  capacity: number;
  /** Where key texts come from when a comparison or an explanation needs them. */
  texts: TextSource;
  /** Takes each match as it is recorded; undefined: they are kept in `matches`. */
  emit?: ((d: DesiredMatch) => void) | undefined;
  /** Events consumed by a match or a decisive exception, per link. */
  used: Map<string, EventMarks>;
  /** Events a leftover check should consider accounted for, per link (used + events in an exception of the link). */
  accounted: Map<string, EventMarks>;
  /** `link\u001fleft\u001fright` for pairs a person unmatched. */
  blocked: Set<string>;
  matches: DesiredMatch[];
  exceptions: DesiredException[];
  pending: Map<string, PendingFinding[]>;
}

/** The link's marks in `map` (used or accounted), created empty on first use. */
export function marksFor(state: MatchState, map: Map<string, EventMarks>, link: string): EventMarks {
  let s = map.get(link);
  if (s === undefined) {
    s = new EventMarks(state.capacity);
    map.set(link, s);
  }
  return s;
}

export function usedIn(state: MatchState, link: string): EventMarks {
  return marksFor(state, state.used, link);
}

export function accountedIn(state: MatchState, link: string): EventMarks {
  return marksFor(state, state.accounted, link);
}

export function isBlocked(state: MatchState, link: string, a: MEvent, b: MEvent): boolean {
  if (state.blocked.size === 0) return false; // asked for every candidate pair; most ledgers have no unmatched pair
  const [x, y] = [a.id, b.id];
  return state.blocked.has(`${link}\u001f${x}\u001f${y}`) || state.blocked.has(`${link}\u001f${y}\u001f${x}`);
}

/** Deterministic processing order: business time, then event id (rank). */
export function byTimeThenId(a: MEvent, b: MEvent): number {
  return a.t - b.t || a.rank - b.rank;
}

/** Event-id order. */
export function byId(a: MEvent, b: MEvent): number {
  return a.rank - b.rank;
}
