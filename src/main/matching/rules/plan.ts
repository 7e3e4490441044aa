// Computes the desired matches and exceptions for a set of events: rules in priority order, then deferred findings, then leftovers.
import type { Rule, RuleSet } from '../../../shared/rules/ruleSet.ts';
import { orderedRules } from '../../../shared/rules/ruleOrder.ts';
import type { DesiredMatch, MatchState, MatchEvent } from './model.ts';
import { accountedIn, byTimeThenId, objectEventSets, usedIn, type EventSet } from './model.ts';
import { sideMatches } from './strategies/candidates.ts';
import { runExactKey } from './strategies/exactKey.ts';
import { runPartialPayments } from './strategies/partialPayments.ts';
import { raiseUnclaimedTies, runAmountWindow } from './strategies/amountWindow.ts';
import { runPayoutItems } from './strategies/payoutItems.ts';
import { runBankPayout } from './strategies/bankPayout.ts';
import { runRefundTotals } from './strategies/refundTotals.ts';
import { recordDecisiveException } from './outcomes.ts';
import { deriveLeftovers, leftoverDecider } from './leftovers.ts';
import { keyTiedEvents } from './strategies/keyClaims.ts';
import { AwaitingJudge, type FeedState } from './awaiting.ts';
import { EVENT_TEXTS, type TextSource } from './eventFields.ts';

export interface HumanDecisions {
  /** link → events a person matched in that link. */
  pinned: Map<string, Set<string>>;
  /** `link\u001fleft\u001fright`. */
  blocked: Set<string>;
}

const STRATEGY_RUNNERS: Record<Rule['strategy'], (s: MatchState, r: Rule, l: MatchEvent[], rt: MatchEvent[]) => void> = {
  exact_key: runExactKey,
  partial_payments: runPartialPayments,
  amount_window: runAmountWindow,
  fuzzy: runAmountWindow,
  payout_items: runPayoutItems,
  bank_payout: runBankPayout,
  refund_totals: runRefundTotals,
};

export { orderedRules };

/**
 * Pure: the same events, rule set and human decisions always give the same state, whatever order the events came in.
 * `links` (incremental runs): per link, the events that link's rules may look at; leftovers are derived only for
 * events whose every relevant link looked at them. null = every event everywhere (a full run).
 */
export interface OutcomeOptions {
  /** Incremental runs: per link, the events that link's rules may look at. Default: every event everywhere. */
  links?: Map<string, Set<string>> | null;
  /** Where key texts come from (default: the events carry them: EVENT_TEXTS). */
  texts?: TextSource;
  /** Each match as it is found, instead of collecting them in the state's `matches` (a parallel run streams them). */
  onMatch?: (d: DesiredMatch) => void;
  /** The events' ranks are their places in event-id order already (a full run's loader reads them); else they are set here. */
  ranked?: boolean;
  onRule?: (ruleId: string, done: number, total: number) => void;
  /** Makes the used/accounted sets (the engine's cost a byte per event); default: sets of the event objects. */
  eventSets?: () => EventSet;
  /**
   * What every source has delivered (watermarks): a counterpart-missing finding whose counterpart may still come is
   * awaiting, not an exception. Absent: every such finding opens (no feed is waited for).
   */
  feeds?: FeedState;
}

export function computeOutcome(events: MatchEvent[], ruleSet: RuleSet, human: HumanDecisions, options: OutcomeOptions = {}): MatchState {
  const links = options.links ?? null;
  const onRule = options.onRule;
  if (options.ranked !== true) {
    [...events]
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .forEach((e, i) => {
        e.rank = i;
      });
  }
  const sorted = [...events].sort(byTimeThenId);
  const state: MatchState = {
    ruleSet,
    newEventSet: options.eventSets ?? objectEventSets,
    texts: options.texts ?? EVENT_TEXTS,
    emit: options.onMatch,
    used: new Map(),
    accounted: new Map(),
    blocked: human.blocked,
    matches: [],
    exceptions: [],
    pending: new Map(),
    awaiting: [],
    awaitingJudge: options.feeds === undefined ? null : new AwaitingJudge(ruleSet, options.feeds),
  };
  for (const [link, ids] of human.pinned) {
    if (ids.size === 0) continue;
    const used = usedIn(state, link);
    const accounted = accountedIn(state, link);
    for (const e of sorted) {
      if (!ids.has(e.id)) continue;
      used.add(e);
      accounted.add(e);
    }
  }
  const rules = orderedRules(ruleSet);
  const sides = new Map<string, MatchEvent[]>();
  // Whether an event is key-tied depends on the event and its key partners only, not on what is used; the set is
  // computed for the link's free events, and used only grows within a run. So a later amount-only rule with the
  // same sides (fuzzy after amount-window) takes the earlier set minus what has been used since, instead of
  // scanning every event of the link again.
  const tiedSets = new Map<string, Set<MatchEvent>>();
  const tiedFor = (rule: Rule, all: Rule[], linkEvents: MatchEvent[], used: EventSet): Set<MatchEvent> => {
    const key = `${rule.link}\u001f${rule.strategy === 'amount_window' || rule.strategy === 'fuzzy' ? 'amount' : rule.strategy}\u001f${rule.cardinality}\u001f${JSON.stringify([rule.left, rule.right])}`;
    const earlier = tiedSets.get(key);
    const reuse = rule.cardinality === 'many_to_one';
    if (earlier !== undefined) return new Set([...earlier].filter((e) => reuse || !used.has(e)));
    const tied = keyTiedEvents(rule, all, linkEvents, used);
    tiedSets.set(key, tied);
    return tied;
  };
  for (const [i, rule] of rules.entries()) {
    onRule?.(rule.id, i, rules.length);
    const inLink = links === null ? null : (links.get(rule.link) ?? new Set<string>());
    const linkEvents = inLink === null ? sorted : sorted.filter((e) => inLink.has(e.id));
    // Amount-only rules never pair an event a key of the link ties elsewhere (strategies/keyClaims.ts).
    const tied = tiedFor(rule, rules, linkEvents, usedIn(state, rule.link));
    const lefts = linkEvents.filter((e) => sideMatches(rule.left, e) && !tied.has(e));
    // Consecutive rules with the same right side over the same events get the same array, so their key maps are built
    // once (keyIndex.ts); only the latest is kept, so a million-entry map goes once the rules that share it are done.
    const rightsKey = tied.size === 0 ? `${inLink === null ? '' : rule.link}\u001f${JSON.stringify(rule.right)}` : null;
    let rights = rightsKey === null ? undefined : sides.get(rightsKey);
    if (rights === undefined) {
      rights = linkEvents.filter((e) => sideMatches(rule.right, e) && !tied.has(e));
      sides.clear();
      if (rightsKey !== null) sides.set(rightsKey, rights);
    }
    if (lefts.length === 0 || rights.length === 0) continue;
    STRATEGY_RUNNERS[rule.strategy](state, rule, lefts, rights);
  }
  onRule?.('leftovers', rules.length, rules.length);
  raiseUnclaimedTies(state);
  raisePending(state);
  deriveLeftovers(state, sorted, links === null ? null : leftoverDecider(ruleSet, links));
  return state;
}

/** Key hits whose amount or currency disagreed: raised only when neither side found a match in that link after all. */
function raisePending(state: MatchState): void {
  for (const link of [...state.pending.keys()].sort()) {
    const used = usedIn(state, link);
    const list = [...(state.pending.get(link) ?? [])].sort((a, b) => byTimeThenId(a.left, b.left));
    for (const p of list) {
      if (used.has(p.left)) continue;
      const rights = p.right.filter((r) => !used.has(r));
      if (rights.length === 0) continue;
      recordDecisiveException(state, p.rule, p.code, p.left, rights, p.amount, p.explanation, true);
    }
  }
}
