// Hand-built matcher events and rule sets for the pure computeOutcome() of plan.ts (no ledger, no mocks).
import { computeOutcome, type HumanDecisions } from '../../src/main/matching/rules/plan.ts';
import type { DesiredMatch, MatchState, MatchEvent } from '../../src/main/matching/rules/model.ts';
import { desiredMatchExplanation } from '../../src/main/matching/engine/explanationText.ts';
import { matchExplanation } from '../../src/main/matching/rules/outcomes.ts';
import { KeyDictionary } from '../../src/main/matching/engine/eventKeys.ts';
import { DEFAULT_RULE_SET } from '../../src/shared/rules/defaultRuleSet.ts';
import { RuleSetSchema, type RuleSet, type RuleSetInput } from '../../src/shared/rules/ruleSet.ts';
import { type Explanation } from '../../src/main/matching/rules/explanation.ts';
import { EVENT_TEXTS } from '../../src/main/matching/rules/eventFields.ts';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const T0 = Date.parse('2026-10-01T09:00:00.000Z');

/** One dictionary for every test event, as a run has one for its events: equal key texts get equal integers. */
const keys = new KeyDictionary();

/** What an event's keys are given as: text, as the ledger holds them. */
export type EventOptions = Partial<Omit<MatchEvent, 'externalId' | 'orderRef' | 'customerRef' | 'payoutRef' | 'traceId' | 'texts'>> & {
  externalId?: string;
  orderRef?: string | null;
  customerRef?: string | null;
  payoutRef?: string | null;
  traceId?: string | null;
};

/** An event `hours` after T0; amounts in minor units; null keys unless given. Its keys are numbered and their texts kept. */
export function ev(id: string, kind: string, amount: number, hours: number, opts: EventOptions = {}): MatchEvent {
  const t = T0 + hours * HOUR;
  const { externalId = id, orderRef = null, customerRef = null, payoutRef = null, traceId = null, ...rest } = opts;
  return {
    id,
    rank: -1,
    kind,
    source: kind === 'order' ? 'shopify:store' : 'stripe:main',
    externalId: keys.id(externalId) as number,
    orderRef: keys.id(orderRef),
    customerRef: keys.id(customerRef),
    payoutRef: keys.id(payoutRef),
    traceId: keys.id(traceId),
    texts: { external_id: externalId, order_ref: orderRef, customer_ref: customerRef, payout_ref: payoutRef, trace_id: traceId },
    amount,
    currency: 'USD',
    fee: null,
    net: null,
    state: kind === 'order' ? 'paid' : null,
    t,
    attributesJson: null,
    ...rest,
  };
}

/** The default rules with these ids only (and optionally other settings), under a test rule set id. */
export function ruleSetOf(
  ids: string[],
  settings: Partial<RuleSet['settings']> = {},
  patch: (r: RuleSetInput['rules'][number]) => RuleSetInput['rules'][number] = (r) => r,
): RuleSet {
  return RuleSetSchema.parse({
    ...DEFAULT_RULE_SET,
    rule_set_id: 'test',
    settings: { ...DEFAULT_RULE_SET.settings, ...settings },
    rules: DEFAULT_RULE_SET.rules.filter((r) => ids.includes(r.id)).map(patch),
  });
}

export const NO_HUMAN: HumanDecisions = { pinned: new Map(), blocked: new Set() };

export function run(events: MatchEvent[], ruleSet: RuleSet = DEFAULT_RULE_SET): MatchState {
  return computeOutcome(events, ruleSet, NO_HUMAN);
}

/** `rule: left ids | right ids` per match, sorted. */
export function matchesOf(s: MatchState): string[] {
  const ids = (es: MatchEvent[]): string => es.map((e) => e.id).join(',');
  return s.matches.map((m) => `${m.rule.id}: ${ids(m.left)} | ${ids(m.right)}`).sort();
}

/** `CODE: event ids` per exception (deduplicated by id as the engine writes them), sorted. */
export function exceptionsOf(s: MatchState): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const x of s.exceptions) {
    if (seen.has(x.key)) continue;
    seen.add(x.key);
    out.push(`${x.code}: ${x.events.map((e) => e.id).join(',')}`);
  }
  return out.sort();
}

/** A desired match's explanation as `tieout explain` shows it once stored (explanationText.ts). */
export function explanationOf(m: DesiredMatch | undefined, ruleSet: RuleSet = DEFAULT_RULE_SET): Explanation | undefined {
  return m === undefined ? undefined : desiredMatchExplanation(matchExplanation(ruleSet, EVENT_TEXTS, m));
}
