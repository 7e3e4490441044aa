// What a rule set would conclude about a few events, computed on their closure and never written: the grading's
// replay of people's past decisions (without those decisions, to see what the rules alone would do) and the editor's
// "Try on an example" (with them, as a live run would).
import type { LedgerDb } from '../ledger/database.ts';
import type { WorkspaceSettings } from '../../shared/workspace/settings.ts';
import type { RuleSet } from '../../shared/rules/ruleSet.ts';
import { computeOutcome, type HumanDecisions } from '../matching/rules/plan.ts';
import { classify, policyGateMinor } from '../matching/rules/classification.ts';
import { composeMatchSummary, type Explanation } from '../matching/rules/explanation.ts';
import { matchExplanation } from '../matching/rules/outcomes.ts';
import { incrementalScope } from '../matching/engine/scope.ts';
import { loadHumanDecisions } from '../matching/engine/eventLoad.ts';
import { slotEventSets } from '../matching/engine/ledgerEvent.ts';
import { readFeeds } from '../matching/engine/feedProgress.ts';
import { desiredMatchId, exceptionIdOfKey } from '../matching/engine/identity.ts';

export interface OutcomeMatch {
  matchId: string;
  link: string;
  ruleId: string;
  status: 'matched' | 'auto_resolved';
  left: string[];
  right: string[];
  explanation: Explanation;
}

export interface OutcomeException {
  exceptionId: string;
  code: string;
  cls: 'A' | 'B' | 'C';
  state: 'open' | 'in_remediation' | 'resolved';
  ruleId: string | null;
  amountMinor: number;
  currency: string;
  events: string[];
  explanation: Explanation;
}

export interface VersionOutcome {
  matches: OutcomeMatch[];
  exceptions: OutcomeException[];
  /** Events awaiting a counterpart's feed, with the code they would raise. */
  awaiting: Array<{ eventId: string; code: string }>;
}

const NO_DECISIONS: HumanDecisions = { pinned: new Map(), blocked: new Set() };

/**
 * The outcome of `ruleSet` over the closure of `eventIds` (incremental scope: everything that could be a candidate of
 * them, so their result is the one a full run would give). `respectDecisions`: people's pins and blocked pairs apply,
 * as in a live run; without them, what the rules alone conclude.
 */
export function outcomeOn(
  db: LedgerDb,
  settings: WorkspaceSettings,
  ruleSet: RuleSet,
  eventIds: readonly string[],
  respectDecisions: boolean,
): VersionOutcome {
  if (eventIds.length === 0) return { matches: [], exceptions: [], awaiting: [] };
  const scope = incrementalScope(db, ruleSet, [...new Set(eventIds)].sort());
  const outcome = computeOutcome(scope.events, ruleSet, respectDecisions ? loadHumanDecisions(db) : NO_DECISIONS, {
    eventSets: slotEventSets(scope.events),
    links: scope.links,
    texts: scope.texts,
    feeds: readFeeds(db),
  });
  const asOf = db.prepare('SELECT max(occurred_at) FROM events').pluck().get() as string | null;
  const asOfMs = asOf === null ? 0 : Date.parse(asOf);
  const gate = policyGateMinor(settings);
  return {
    matches: outcome.matches.map((d) => {
      const e = matchExplanation(ruleSet, outcome.texts, d);
      const explanation = e.summary === '' ? { ...e, summary: composeMatchSummary(e) } : e;
      return {
        matchId: desiredMatchId(d),
        link: d.link,
        ruleId: d.rule.id,
        status: d.status,
        left: d.left.map((x) => x.id),
        right: d.right.map((x) => x.id),
        explanation,
      };
    }),
    exceptions: outcome.exceptions.map((d) => {
      const c = classify(d, ruleSet, settings.reporting_currency, gate, asOfMs);
      return {
        exceptionId: exceptionIdOfKey(d.key),
        code: d.code,
        cls: c.cls,
        state: c.state,
        ruleId: d.rule?.id ?? null,
        amountMinor: d.amount,
        currency: d.currency,
        events: d.events.map((e) => e.id),
        explanation: { ...d.explanation, policy: c.policy },
      };
    }),
    awaiting: outcome.awaiting.map((a) => ({ eventId: a.event.id, code: a.code })),
  };
}

/** Lookups over an outcome: the match of an event in a link, the exceptions touching an event. */
export class OutcomeIndex {
  private readonly byLink = new Map<string, Map<string, OutcomeMatch>>();
  private readonly matched = new Set<string>();
  private readonly xs = new Map<string, OutcomeException[]>();

  readonly outcome: VersionOutcome;

  constructor(outcome: VersionOutcome) {
    this.outcome = outcome;
    for (const m of outcome.matches) {
      let links = this.byLink.get(m.link);
      if (links === undefined) this.byLink.set(m.link, (links = new Map()));
      for (const id of [...m.left, ...m.right]) {
        links.set(id, m);
        this.matched.add(id);
      }
    }
    for (const x of outcome.exceptions) for (const id of x.events) this.xs.set(id, [...(this.xs.get(id) ?? []), x]);
  }

  matchOf(link: string, eventId: string): OutcomeMatch | undefined {
    return this.byLink.get(link)?.get(eventId);
  }

  isMatched(eventId: string): boolean {
    return this.matched.has(eventId);
  }

  exceptionsOn(eventIds: readonly string[]): OutcomeException[] {
    const out = new Map<string, OutcomeException>();
    for (const id of eventIds) for (const x of this.xs.get(id) ?? []) out.set(x.exceptionId, x);
    return [...out.values()];
  }

  /**
   * Whether the rules settle these events without a person: nothing of class B or C touches them, and they are all
   * matched or a class A finding documents them.
   */
  autoResolves(eventIds: readonly string[]): boolean {
    const xs = this.exceptionsOn(eventIds);
    if (xs.some((x) => x.cls !== 'A')) return false;
    return xs.length > 0 || eventIds.every((id) => this.matched.has(id));
  }
}
