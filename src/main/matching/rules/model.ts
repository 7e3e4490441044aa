// What the rules work on and decide: events as the matcher sees them, desired matches and exceptions, per-run state.
import type { ExceptionCode, Rule, RuleSet } from '../../../shared/rules/ruleSet.ts';
import { type Explanation, type RunnerUp } from './explanation.ts';
import type { FieldRef } from '../../../shared/rules/ruleSet.ts';

/**
 * A join key's value as the rules compare it: equal texts give equal values (the engine interns each text once, in any
 * column: engine/eventKeys.ts); the rules only ever ask whether two values are the same.
 */
export type KeyValue = number;

/**
 * An event as the rules see it: kind and source, join keys, money (minor units), business time (epoch ms), state;
 * attributes parsed only on demand. Where it is stored is the engine's business (engine/eventLoad.ts LedgerEvent).
 */
export interface MatchEvent {
  /** A full run's events read it from a shared table of ids (scope.ts); ordering compares `rank`, never this. */
  readonly id: string;
  /**
   * The event's place in event-id order among the computation's events: every tie between events is broken by it, so
   * results never depend on the order events arrived in. -1 until computeOutcome (or a loader that knows it) sets it.
   */
  rank: number;
  kind: string;
  source: string;
  externalId: KeyValue | null;
  orderRef: KeyValue | null;
  customerRef: KeyValue | null;
  payoutRef: KeyValue | null;
  traceId: KeyValue | null;
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

/** The event columns a rule may compare. */
export type KeyColumn = 'order_ref' | 'customer_ref' | 'payout_ref' | 'trace_id' | 'external_id';

/** The text of an event's key columns, for events loaded with it (incremental scopes, tests, the review screens). */
export type EventTexts = Record<KeyColumn, string | null>;

/** Where the text of an event's field comes from. */
export interface TextSource {
  /** The field's text (a key column or `attributes.NAME`), or null when the event has none. */
  text(e: MatchEvent, field: FieldRef): string | null;
  /** Reads these events' texts of these fields in bulk, ahead of many text() calls. */
  prefetch(events: readonly MatchEvent[], fields: readonly FieldRef[]): void;
  /**
   * The amount `e` was converted to in `currency` where its source records the conversion beside it (PayPal's
   * currency conversion rows, linked to the payment by its transaction id), else null.
   */
  converted(e: MatchEvent, currency: string): number | null;
}

/** What one source has delivered so far: the kinds of its events and its watermark (latest business time, epoch ms). */
export interface SourceFeed {
  source: string;
  kinds: ReadonlySet<string>;
  watermark: number;
}

/** Every source's progress, as the engine reads it from the ledger (engine/feedProgress.ts). */
export interface FeedState {
  sources: readonly SourceFeed[];
}

/** An event held back from an exception until its counterpart's sources pass `until` (awaiting.ts). */
export interface DesiredAwaiting {
  event: MatchEvent;
  /** The exception it becomes if the counterpart does not come: MISSING_PAYMENT, PAYOUT_NOT_IN_BANK, … */
  code: string;
  /** Business time (epoch ms) every source in `waitsOn` must have delivered past. */
  until: number;
  /** The sources that could hold the counterpart, sorted (none yet: empty). */
  waitsOn: readonly string[];
}

/** Decides whether a counterpart-missing finding waits (awaiting.ts AwaitingJudge). */
export interface AwaitingDecider {
  /** null: the counterpart's sources are past the window, the exception opens; else what the event waits for. */
  judge(code: string, links: readonly string[], e: MatchEvent): DesiredAwaiting | null;
}

export interface DesiredMatch {
  link: string;
  rule: Rule;
  status: 'matched' | 'auto_resolved';
  score: number;
  /** Each side sorted by event id. */
  left: MatchEvent[];
  right: MatchEvent[];
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
  /** Identified by its anchor alone (a PAYOUT_MISMATCH by its payout): the events it names may change while it stays. */
  membersMayChange?: true;
  code: ExceptionCode;
  /** Amount at stake, signed minor units. */
  amount: number;
  currency: string;
  /** Sorted by event id, each once. */
  events: MatchEvent[];
  /** Business time the remediation window counts from (ms). */
  t: number;
  rule: Rule | null;
  explanation: Explanation;
}

/** A key hit that did not become a match; raised only if the left event is still unmatched after every rule of the link. */
export interface PendingFinding {
  code: 'AMOUNT_MISMATCH' | 'CURRENCY_MISMATCH';
  rule: Rule;
  left: MatchEvent;
  right: MatchEvent[];
  amount: number;
  explanation: Explanation;
}

/** A set of events: used or accounted for in a link. The engine gives one that costs a byte per event. */
export interface EventSet {
  has(e: MatchEvent): boolean;
  add(e: MatchEvent): void;
}

/** What a question "is this event in the set?" needs (a strategy that only asks is given this). */
export type ReadonlyEventSet = Pick<EventSet, 'has'>;

export const NO_EVENTS: ReadonlyEventSet = { has: () => false };

/** Event sets over plain objects: what computeOutcome uses when its caller gives none (tests, small computations). */
export function objectEventSets(): EventSet {
  const s = new Set<MatchEvent>();
  return { has: (e) => s.has(e), add: (e) => void s.add(e) };
}

/** State shared by the strategies during one computation. */
export interface MatchState {
  ruleSet: RuleSet;
  /** Makes the empty sets `used` and `accounted` hold per link. */
  newEventSet: () => EventSet;
  /** Where key texts come from when a comparison or an explanation needs them. */
  texts: TextSource;
  /** Takes each match as it is recorded; undefined: they are kept in `matches`. */
  emit?: ((d: DesiredMatch) => void) | undefined;
  /** Events consumed by a match or a decisive exception, per link. */
  used: Map<string, EventSet>;
  /** Events a leftover check should consider accounted for, per link (used + events in an exception of the link). */
  accounted: Map<string, EventSet>;
  /** `link\u001fleft\u001fright` for pairs a person unmatched. */
  blocked: Set<string>;
  matches: DesiredMatch[];
  exceptions: DesiredException[];
  /** Events whose counterpart may still come (awaiting.ts): held back from their counterpart-missing exception. */
  awaiting: DesiredAwaiting[];
  /** Decides what waits; null: the caller gave no feed state, and every counterpart-missing finding opens. */
  awaitingJudge: AwaitingDecider | null;
  pending: Map<string, PendingFinding[]>;
}

/** The link's marks in `map` (used or accounted), created empty on first use. */
export function setFor(state: MatchState, map: Map<string, EventSet>, link: string): EventSet {
  let s = map.get(link);
  if (s === undefined) {
    s = state.newEventSet();
    map.set(link, s);
  }
  return s;
}

export function usedIn(state: MatchState, link: string): EventSet {
  return setFor(state, state.used, link);
}

export function accountedIn(state: MatchState, link: string): EventSet {
  return setFor(state, state.accounted, link);
}

export function isBlocked(state: MatchState, link: string, a: MatchEvent, b: MatchEvent): boolean {
  if (state.blocked.size === 0) return false; // asked for every candidate pair; most ledgers have no unmatched pair
  const [x, y] = [a.id, b.id];
  return state.blocked.has(`${link}\u001f${x}\u001f${y}`) || state.blocked.has(`${link}\u001f${y}\u001f${x}`);
}

/** Deterministic processing order: business time, then event id (rank). */
export function byTimeThenId(a: MatchEvent, b: MatchEvent): number {
  return a.t - b.t || a.rank - b.rank;
}

/** Event-id order. */
export function byId(a: MatchEvent, b: MatchEvent): number {
  return a.rank - b.rank;
}
