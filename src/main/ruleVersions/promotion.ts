// Promotion of a shadow version (DESIGN §8): only after a minimum observation window and with an estimated false
// positive rate under a threshold, unless a person overrides with a reason (journaled); straight to active or first as
// a canary; rollback to the previous version. Each is a state change followed by a full live run under the rules now
// in force, so the projection is what that version makes of the ledger (ids are deterministic: a rollback ends exactly
// where the projection was before the promotion, people's decisions in between kept).
import type { LedgerDb } from '../ledger/database.ts';
import { JournalWriter } from '../ledger/journal.ts';
import type { WorkspaceSettings } from '../../shared/workspace/settings.ts';
import {
  DEFAULT_PROMOTION_POLICY,
  canaryScopeText,
  sameVersion,
  scopeCovers,
  versionLabel,
  type CanaryScope,
  type PromotionPolicy,
  type VersionRef,
} from '../../shared/rules/ruleVersions.ts';
import { reconcile, type ReconcileProgress, type RunReport } from '../matching/engine/engine.ts';
import { DAY_MS } from '../../shared/time/duration.ts';
import {
  activeVersion,
  canaryVersion,
  effectiveState,
  historyOf,
  recordTransition,
  ruleSetOf,
  RuleVersionError,
  stateOf,
  type VersionState,
} from './versionStates.ts';
import { gradeRuleSet, type Grading } from './versionGrading.ts';
import { laneFile, ledgerPathOf, openLane, removeLaneFile } from './shadowFile.ts';
import { runLane } from './shadowRuns.ts';

/** Promotion refused: what is missing is in the message (and in `missing`). */
export class PromotionRefusedError extends RuleVersionError {
  readonly missing: string[];
  constructor(version: string, missing: string[]) {
    super(`promotion of ${version} refused: ${missing.join('; ')}. Watch it longer in shadow, or promote with --override-window and a reason`);
    this.missing = missing;
  }
}

export function promotionPolicy(settings: WorkspaceSettings): PromotionPolicy {
  const p = settings.promotion ?? {};
  return {
    min_observation_days: p.min_observation_days ?? DEFAULT_PROMOTION_POLICY.min_observation_days,
    min_observation_events: p.min_observation_events ?? DEFAULT_PROMOTION_POLICY.min_observation_events,
    max_false_positive_rate: p.max_false_positive_rate ?? DEFAULT_PROMOTION_POLICY.max_false_positive_rate,
    min_graded_decisions: p.min_graded_decisions ?? DEFAULT_PROMOTION_POLICY.min_graded_decisions,
  };
}

export interface ObservationWindow {
  policy: PromotionPolicy;
  /** When the version entered shadow, and the ledger's latest business time then. */
  since: string | null;
  fromAsOf: string | null;
  /** The latest business time its lane has seen since, and how far that is past fromAsOf. */
  throughAsOf: string | null;
  observedDays: number;
  /** Events that arrived after it entered shadow and its lane has run over. */
  observedEvents: number;
  grading: Pick<Grading, 'decisions' | 'agreed' | 'agreement' | 'restsOn' | 'overturned' | 'falsePositiveRate'>;
  met: boolean;
  missing: string[];
}

/** The row that put the version in shadow (its latest), with the ledger's figures then (versionLifecycle.ts observationStart). */
function enteredShadow(db: LedgerDb, v: VersionRef): { row: VersionState; asOf: string | null; eventsThrough: number } | null {
  const row = historyOf(db, v)
    .filter((s) => s.state === 'shadow')
    .pop();
  if (row === undefined) return null;
  const payload = db
    .prepare('SELECT payload FROM journal WHERE seq = (SELECT journal_seq FROM rule_set_states WHERE seq = ?)')
    .pluck()
    .get(row.seq) as string;
  const from = (JSON.parse(payload) as { observed_from?: { as_of: string | null; events_through: number } }).observed_from;
  return { row, asOf: from?.as_of ?? null, eventsThrough: from?.events_through ?? 0 };
}

/** What the version's lane has observed since it entered shadow, its grading, and whether promotion's conditions hold. */
export function observationWindow(db: LedgerDb, settings: WorkspaceSettings, v: VersionRef, grading?: Grading): ObservationWindow {
  const policy = promotionPolicy(settings);
  const start = enteredShadow(db, v);
  let throughAsOf: string | null = null;
  let throughSeq = 0;
  if (start !== null && !db.memory) {
    const { db: lane } = openLane(ledgerPathOf(db), v);
    try {
      const last = lane.prepare('SELECT as_of, events_through_seq FROM main.recon_runs ORDER BY rowid DESC LIMIT 1').get() as
        { as_of: string; events_through_seq: number } | undefined;
      throughAsOf = last === undefined || last.as_of === '' ? null : last.as_of;
      throughSeq = last?.events_through_seq ?? 0;
    } finally {
      lane.close();
    }
  }
  // The ledger was empty when it entered shadow: its window starts at the first event that came since.
  const fromAsOf =
    start === null
      ? null
      : (start.asOf ?? (db.prepare('SELECT min(occurred_at) FROM events WHERE seq > ?').pluck().get(start.eventsThrough) as string | null));
  const observedDays = fromAsOf === null || throughAsOf === null ? 0 : Math.max(0, (Date.parse(throughAsOf) - Date.parse(fromAsOf)) / DAY_MS);
  const observedEvents =
    start === null
      ? 0
      : (db.prepare('SELECT count(*) FROM events WHERE seq > ? AND seq <= ?').pluck().get(start.eventsThrough, throughSeq) as number);
  const g = grading ?? gradeRuleSet(db, settings, ruleSetOf(db, v));
  const missing: string[] = [];
  if (start === null) missing.push(`${versionLabel(v)} has not been observed in shadow`);
  else {
    const daysMet = observedDays >= policy.min_observation_days;
    const eventsMet = policy.min_observation_events !== null && observedEvents >= policy.min_observation_events;
    if (!daysMet && !eventsMet) {
      const days = `${formatDays(observedDays)} of the ${policy.min_observation_days} days of business time the window needs`;
      missing.push(
        policy.min_observation_events === null
          ? `observed ${days}`
          : `observed ${days} and ${observedEvents} of the ${policy.min_observation_events} new events that would do instead`,
      );
    }
  }
  if (g.decisions < policy.min_graded_decisions)
    missing.push(`the false positive estimate rests on ${g.decisions} decisions, ${policy.min_graded_decisions} needed`);
  if (g.falsePositiveRate !== null && g.falsePositiveRate > policy.max_false_positive_rate) {
    missing.push(
      `estimated false positive rate ${percent(g.falsePositiveRate)} (${g.overturned} of ${g.restsOn} auto-resolutions a person had overturned) is above ${percent(policy.max_false_positive_rate)}`,
    );
  }
  return {
    policy,
    since: start?.row.at ?? null,
    fromAsOf,
    throughAsOf,
    observedDays,
    observedEvents,
    grading: {
      decisions: g.decisions,
      agreed: g.agreed,
      agreement: g.agreement,
      restsOn: g.restsOn,
      overturned: g.overturned,
      falsePositiveRate: g.falsePositiveRate,
    },
    met: missing.length === 0,
    missing,
  };
}

function formatDays(d: number): string {
  return `${Math.floor(d * 10) / 10}`;
}

function percent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

export interface PromoteInput {
  version: VersionRef;
  reason: string;
  actor: string;
  overrideWindow?: boolean;
  /** Promote as a canary whose auto-resolution applies to this scope only; absent: everywhere. */
  canary?: CanaryScope;
  onProgress?: (p: ReconcileProgress) => void;
}

export interface Promotion {
  version: string;
  state: 'active' | 'canary';
  previous: string;
  window: ObservationWindow | null;
  overridden: boolean;
  run: RunReport;
}

/**
 * Promotes a shadow version (or widens a canary). From shadow, the observation window must be met, or overridden with
 * a reason (a `rules.window_overridden` entry names what was missing). To active: the previous active version is
 * retired in the same transaction; as a canary: the active version stays active and runs in its lane meanwhile (the
 * canary's runs consult it: canaryGate.ts). Then a full live run.
 */
export function promote(db: LedgerDb, settings: WorkspaceSettings, input: PromoteInput): Promotion {
  const v = input.version;
  const label = versionLabel(v);
  const reason = input.reason.trim();
  if (reason === '') throw new RuleVersionError('a reason is required to promote a rule set version');
  const from = effectiveState(db, v);
  const canary = canaryVersion(db);
  if (from === 'active') throw new RuleVersionError(`${label} is the active version already`);
  if (from !== 'shadow' && from !== 'canary')
    throw new RuleVersionError(`${label} is ${from}: only a version observed in shadow (or a canary) is promoted`);
  if (from === 'shadow' && canary !== null) {
    throw new RuleVersionError(`${versionLabel(canary)} runs as a canary: widen it (promote it) or roll it back before promoting another version`);
  }
  if (
    from === 'canary' &&
    input.canary !== undefined &&
    !scopeCovers(input.canary, (stateOf(db, v) as VersionState).scope ?? { sources: [], codes: [] })
  ) {
    throw new RuleVersionError(
      `a canary is widened, never narrowed: ${canaryScopeText(input.canary)} does not cover ${canaryScopeText((stateOf(db, v) as VersionState).scope ?? { sources: [], codes: [] })}`,
    );
  }
  const window = from === 'shadow' ? observationWindow(db, settings, v) : null;
  const overridden = window !== null && !window.met;
  if (overridden && input.overrideWindow !== true) throw new PromotionRefusedError(label, window.missing);
  const active = activeVersion(db);
  const to = input.canary === undefined ? 'active' : 'canary';
  db.transaction(() => {
    const now = new Date().toISOString();
    const journal = new JournalWriter(db);
    if (overridden) {
      journal.append({
        type: 'rules.window_overridden',
        actor: input.actor,
        reason,
        subjectId: label,
        createdAt: now,
        payload: {
          version: label,
          missing: window.missing,
          observed_days: window.observedDays,
          observed_events: window.observedEvents,
          grading: window.grading,
        },
      });
    }
    // A canary's live runs make the latest run's rule set the canary's: the version active until now (known only as
    // the latest run's, in a ledger without states) is recorded as active first, so it stays the active one.
    if (stateOf(db, active) === null) {
      recordTransition(db, active, {
        to: 'active',
        actor: input.actor,
        reason: 'in force before rule set versions had states',
        force: true,
        now,
        payload: { implicit: true },
      });
    }
    const windowFacts =
      window === null
        ? {}
        : { window: { observed_days: window.observedDays, observed_events: window.observedEvents, met: window.met, grading: window.grading } };
    if (to === 'active') recordTransition(db, active, { to: 'retired', actor: input.actor, reason: `replaced by ${label}: ${reason}`, now });
    recordTransition(db, v, {
      to,
      actor: input.actor,
      reason,
      now,
      override: overridden,
      replaces: active,
      ...(input.canary === undefined ? {} : { scope: input.canary }),
      payload: windowFacts,
    });
  })();
  if (to === 'canary') runLane(db, settings, active, { mode: 'incremental' });
  const run = reconcile(db, settings, { mode: 'full', actor: 'system:engine', onProgress: input.onProgress });
  if (to === 'active' && !db.memory) {
    removeLaneFile(laneFile(db.name, v));
    removeLaneFile(laneFile(db.name, active));
  }
  return { version: label, state: to, previous: versionLabel(active), window, overridden, run };
}

export interface Rollback {
  /** What is in force now, and what was rolled back. */
  version: string;
  rolledBack: string;
  run: RunReport;
}

/**
 * One action back: a canary is retired (the active version runs live everywhere again); otherwise the active version is
 * retired and the version it replaced is active again. Then a full live run.
 */
export function rollback(
  db: LedgerDb,
  settings: WorkspaceSettings,
  input: { reason: string; actor: string; onProgress?: (p: ReconcileProgress) => void },
): Rollback {
  const reason = input.reason.trim();
  if (reason === '') throw new RuleVersionError('a reason is required to roll back');
  const canary = canaryVersion(db);
  const active = activeVersion(db);
  let target: VersionRef;
  let rolledBack: VersionRef;
  if (canary !== null) {
    rolledBack = canary;
    target = active;
    db.transaction(() =>
      recordTransition(db, canary, { to: 'retired', actor: input.actor, reason: `canary rolled back: ${reason}`, entryType: 'rules.rolled_back' }),
    )();
  } else {
    const current = stateOf(db, active);
    const previous = current?.state === 'active' ? current.replaces : null;
    if (previous === null || previous === undefined || sameVersion(previous, active)) {
      throw new RuleVersionError(`${versionLabel(active)} replaced no earlier version: there is nothing to roll back to`);
    }
    rolledBack = active;
    target = previous;
    const earlier =
      historyOf(db, previous)
        .filter((s) => s.state === 'active')
        .pop()?.replaces ?? null;
    db.transaction(() => {
      const now = new Date().toISOString();
      recordTransition(db, active, { to: 'retired', actor: input.actor, reason: `rolled back to ${versionLabel(previous)}: ${reason}`, now });
      recordTransition(db, previous, {
        to: 'active',
        actor: input.actor,
        reason,
        now,
        entryType: 'rules.rolled_back',
        replaces: earlier,
        payload: { rolled_back: versionLabel(active) },
      });
    })();
  }
  const run = reconcile(db, settings, { mode: 'full', actor: 'system:engine', onProgress: input.onProgress });
  if (!db.memory) removeLaneFile(laneFile(db.name, target));
  return { version: versionLabel(target), rolledBack: versionLabel(rolledBack), run };
}
