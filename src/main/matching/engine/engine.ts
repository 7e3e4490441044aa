// reconcile(): computes matches and exceptions for a scope and applies the difference to the projections in one transaction.
import type { LedgerDb } from '../../ledger/database.ts';
import { JournalWriter } from '../../ledger/journal.ts';
import { sha256Hex } from '../../ledger/canonicalJson.ts';
import type { WorkspaceSettings } from '../../../shared/workspace/settings.ts';
import type { ExceptionCode, RuleSet } from '../../../shared/rules/ruleSet.ts';
import { liveRules } from './ruleSetInForce.ts';
import type { MatchEvent } from '../rules/model.ts';
import { computeOutcome } from '../rules/plan.ts';
import { incrementalScope, type Scope } from './scope.ts';
import { loadFullRun, loadHumanDecisions } from './eventLoad.ts';
import { LedgerTexts } from './eventKeys.ts';
import { COUNTERPART_CODES, leftoverCodes, leftoverDecider } from '../rules/leftovers.ts';
import { ensureRuleSet, prepareWriters } from './projectionWriters.ts';
import { checkFeedHeartbeats } from './feedHeartbeats.ts';
import { deriveGrowthExceptions, growthDerivationCommitted } from '../../growth/growthExceptions.ts';
import { BULK_ROWS, RunLog, type AutoResolveGate, type ReconcileProgress, type RunContext, type ScopeJudge } from './runContext.ts';
import { MatchWriter, prepareMatch } from './matchWriter.ts';
import { applyExceptions, toExceptionOutcome, type ExceptionOutcome } from './exceptionWriter.ts';
import { ledgerFile, parallelOutcome } from './parallelOutcome.ts';
import { maxEventSeq } from './eventIds.ts';
import { readFeeds } from './feedProgress.ts';
import { lastRunMark, owedCount, pendingWork, type PendingWork } from './pendingWork.ts';
import { applyAwaiting, toAwaitingRows, type AwaitingRows } from './awaitingWriter.ts';
import type { FeedState } from '../rules/awaiting.ts';
import { desiredMatchId } from './identity.ts';
import { slotEventSets, type LedgerEvent } from './ledgerEvent.ts';

export interface ReconcileOptions {
  mode: 'full' | 'incremental';
  /** Default: the rule set in force (ruleSetInForce.ts): the canary version while one runs, else the active version. */
  ruleSet?: RuleSet;
  /**
   * Incremental: events to look at beside what the ledger says the run owes (every event after the last committed
   * run, events a decision freed, awaiting events their feeds have caught up with: pendingWork.ts). A person's match
   * or unmatch names the events it took or freed.
   */
  newEventIds?: string[];
  actor?: string;
  /** Hears where a long run is: each phase as it starts, then its counts (rules done, rows written). */
  onProgress?: (progress: ReconcileProgress) => void;
  /** New match rows from which the run rebuilds the tables' indexes instead of maintaining them (default BULK_ROWS; tests). */
  bulkRows?: number;
  /**
   * Full runs: compute in a worker thread while this one writes (parallelOutcome.ts). auto (default): for a ledger file
   * of PARALLEL_EVENTS events or more, outside a caller's transaction; always: whenever the ledger is a file (tests);
   * never: on this thread.
   */
  parallel?: 'auto' | 'always' | 'never';
  /** A canary version's run: which class A exceptions wait for a person after all (runContext.ts AutoResolveGate). */
  autoResolveGate?: AutoResolveGate;
}

export type { AutoResolveGate, ReconcileProgress } from './runContext.ts';

/** From this many events a full run computes in a worker while it writes (below, starting the worker costs more). */
export const PARALLEL_EVENTS = 200_000;

/**
 * An incremental run owing at least this share of the ledger's events runs as a full run: the result is the same
 * (test/matching/incremental.test.ts), and a full run computes a large change far cheaper than the closure of
 * thousands of seeds (bench: userPathBench.ts). Below FULL_RUN_MIN_SEEDS the incremental run is cheap anyway.
 */
export const FULL_RUN_SHARE = 0.02;
export const FULL_RUN_MIN_SEEDS = 2_000;

export interface RunReport {
  run_id: string;
  /** What ran: an incremental run owing a large share of the ledger runs as a full one (FULL_RUN_SHARE). */
  mode: 'full' | 'incremental';
  rule_set_id: string;
  rule_version: number;
  as_of: string | null;
  events_considered: number;
  matches_created: number;
  matches_ended: number;
  exceptions_opened: number;
  exceptions_closed: number;
  exceptions_changed: number;
  /** Events awaiting a counterpart's feed after the run (never exceptions: rules/awaiting.ts). */
  awaiting: number;
  /** Incremental runs: why the run looked where it did (null for a full run, asked or switched to for a bulk of new events). */
  owed: { new_events: number; released: number; reconsidered: number; decided: number } | null;
  digest: string;
}

export { RuleSetVersionError } from './projectionWriters.ts';

/**
 * Deterministic: ids are hashes of what they join, processing follows stable keys, and the "as of" time
 * (remediation windows) is the latest occurred_at in the ledger, never the wall clock.
 */
export function reconcile(db: LedgerDb, settings: WorkspaceSettings, options: ReconcileOptions): RunReport {
  // Foreign keys are not checked during the run's own writes: every event id it writes was read from the events table
  // inside this same transaction, every match id it links was inserted just before. Checking them costs a random
  // events-index lookup per written row (millions on a full run); `tieout verify` still runs foreign_key_check.
  // (The pragma is a no-op inside an open transaction, so a caller's transaction keeps its checks.)
  const relaxKeys = !db.inTransaction && (db.pragma('foreign_keys', { simple: true }) as number) === 1;
  if (relaxKeys) db.pragma('foreign_keys = OFF');
  try {
    return runReconcile(db, settings, options);
  } finally {
    if (relaxKeys) db.pragma('foreign_keys = ON');
  }
}

/** Whether a full run computes in a worker (ReconcileOptions.parallel); `callerTxn`: the caller holds a transaction. */
function parallelFile(db: LedgerDb, options: ReconcileOptions, callerTxn: boolean, events: number): string | null {
  const file = ledgerFile(db);
  if (file === null || options.parallel === 'never') return null;
  if (options.parallel === 'always') return file;
  // A caller's open transaction may hold events the worker's connection cannot see.
  if (callerTxn) return null;
  return events >= PARALLEL_EVENTS ? file : null;
}

function runReconcile(db: LedgerDb, settings: WorkspaceSettings, options: ReconcileOptions): RunReport {
  if (options.ruleSet !== undefined) return runWith(db, settings, options, options.ruleSet);
  // A run naming no rule set is a live run under the rules in force: a canary's gate comes with them.
  const live = liveRules(db);
  try {
    return runWith(db, settings, { ...options, ...(live.canary === null ? {} : { autoResolveGate: live.canary.gate }) }, live.ruleSet);
  } finally {
    live.canary?.close();
  }
}

function runWith(db: LedgerDb, settings: WorkspaceSettings, options: ReconcileOptions, ruleSet: RuleSet): RunReport {
  const actor = options.actor ?? 'system:engine';
  const callerTxn = db.inTransaction;
  const done = db.transaction(() => {
    // Checked at commit, where they are checked at all: batched rows of two tables reach SQLite in any order.
    db.pragma('defer_foreign_keys = ON');
    const startedAt = new Date().toISOString();
    ensureRuleSet(db, ruleSet, actor, startedAt);
    const w = prepareWriters(db);
    const journal = new JournalWriter(db);
    const asOf = db.prepare('SELECT max(occurred_at) FROM events').pluck().get() as string | null;
    const progress = options.onProgress ?? ((): void => {});
    const head = db.prepare('SELECT hash FROM journal ORDER BY seq DESC LIMIT 1').pluck().get() as string | undefined;
    const runId = `r_${sha256Hex(`${head ?? ''}\u001f${startedAt}\u001f${options.mode}`).slice(0, 32)}`;
    const ctx: RunContext = {
      db,
      w,
      journal,
      runId,
      progress,
      bulkRows: options.bulkRows ?? BULK_ROWS,
      now: startedAt,
      actor,
      ruleSet,
      settings,
      asOfMs: asOf === null ? 0 : Date.parse(asOf),
      log: new RunLog(),
      ...(options.autoResolveGate === undefined ? {} : { autoResolveGate: options.autoResolveGate }),
    };
    // What the run owes is read inside its transaction, with the mark it will record: nothing imported meanwhile is lost.
    const feedState = readFeeds(db);
    const eventsThrough = maxEventSeq(db);
    const fullAt = Math.max(FULL_RUN_MIN_SEEDS, FULL_RUN_SHARE * eventsThrough);
    // New events alone past the share (a month's export into a ledger that holds less): a full run, without listing them.
    // Other rules than the latest run's (a promotion, a rollback, a rule set named for this run): what is stored was
    // derived under those, so the whole ledger is decided again (a promotion whose full run failed is finished here).
    const last = w.latestRunRules.get() as { rule_set_id: string; rule_version: number } | undefined;
    const switched = last !== undefined && (last.rule_set_id !== ruleSet.rule_set_id || last.rule_version !== ruleSet.version);
    const owesBulk = options.mode === 'incremental' && (switched || eventsThrough - lastRunMark(db).eventsThrough >= fullAt);
    const work = options.mode === 'incremental' && !owesBulk ? pendingWork(db, ruleSet, feedState, options.newEventIds ?? []) : null;
    const full = work === null || owedCount(work) >= fullAt;
    const parallel = full ? parallelFile(db, options, callerTxn, eventsThrough) : null;
    const computed = parallel !== null ? computeInWorker(ctx, parallel) : computeHere(ctx, full ? null : (work as PendingWork), feedState);
    const { matches: m, exceptions, judge, eventsConsidered } = computed;
    const x = applyExceptions(ctx, exceptions, judge);
    const awaitingNow = applyAwaiting(ctx, computed.awaiting, judge === null ? null : judge.awaitingDecided);
    db.exec('DELETE FROM pending_events');
    // Per-source heartbeats (DESIGN §9): decided on every run, whatever its scope; cheap (feedHeartbeats.ts).
    const feeds = checkFeedHeartbeats(db, settings, asOf, actor, runId, journal, { now: startedAt });
    for (const line of feeds.log) ctx.log.line(line);
    // The growth tie-out's exceptions (ads, fulfillment), derived again from the ledger's events on every run.
    const growth = deriveGrowthExceptions(db, settings, { actor, now: startedAt, runId, journal, ruleSet });
    for (const line of growth.log) ctx.log.line(line);
    const digest = ctx.log.digest();
    const awaiting = judge === null ? awaitingNow : (db.prepare('SELECT count(*) FROM awaiting').pluck().get() as number);
    const report: RunReport = {
      run_id: runId,
      mode: full ? 'full' : 'incremental',
      rule_set_id: ruleSet.rule_set_id,
      rule_version: ruleSet.version,
      as_of: asOf,
      events_considered: eventsConsidered,
      matches_created: m.created,
      matches_ended: m.ended,
      exceptions_opened: x.opened + feeds.opened + growth.opened,
      exceptions_closed: x.closed + feeds.closed + growth.closed,
      exceptions_changed: x.changed + growth.changed,
      awaiting,
      owed: work === null ? null : { new_events: work.newEvents, released: work.released, reconsidered: work.reconsidered, decided: work.decided },
      digest,
    };
    journal.append({ type: 'reconcile.run', actor, subjectId: runId, payload: { ...report }, createdAt: startedAt });
    w.insertRun.run({
      ...report,
      as_of: asOf ?? '',
      started_at: startedAt,
      finished_at: new Date().toISOString(),
      events_through_seq: eventsThrough,
      coverage_through: feedState.coverageThrough,
    });
    return report;
  })();
  // Committed (unless a caller's transaction holds it, which may still roll back): the growth step's inputs are settled.
  if (!callerTxn) growthDerivationCommitted(db);
  return done;
}

interface Computed {
  matches: { created: number; ended: number };
  exceptions: ExceptionOutcome[];
  awaiting: AwaitingRows;
  judge: ScopeJudge | null;
  eventsConsidered: number;
}

/** Loads the run's events (all of them, or the closure of `seeds`), computes the outcome and writes its matches, on this thread. */
function computeHere(ctx: RunContext, work: PendingWork | null, feeds: FeedState): Computed {
  const { db, ruleSet, progress } = ctx;
  const full = work === null;
  progress({ phase: 'loading', done: 0, total: full ? 0 : owedCount(work) });
  const scope: Scope = full
    ? { events: loadFullRun(db, ruleSet), links: null, texts: new LedgerTexts(db) }
    : incrementalScope(db, ruleSet, work.eventIds, work.linkSeeds);
  progress({ phase: 'loading', done: scope.events.length, total: scope.events.length });
  const outcome = computeOutcome(scope.events, ruleSet, loadHumanDecisions(db), {
    eventSets: slotEventSets(scope.events),
    ranked: full,
    links: scope.links,
    texts: scope.texts,
    feeds,
    onRule: (rule, done, total) => progress({ phase: 'matching', done, total, detail: rule }),
  });
  const judge = full ? null : scopeJudge(ruleSet, scope);
  const writer = new MatchWriter(ctx, judge);
  const matchIds = outcome.matches.map(desiredMatchId);
  writer.begin(matchIds.filter((id) => !writer.isActive(id)).length);
  outcome.matches.forEach((d, i) => writer.add(prepareMatch(d, ruleSet, outcome.texts, matchIds[i])));
  return {
    matches: writer.finish(),
    exceptions: outcome.exceptions.map(toExceptionOutcome),
    awaiting: toAwaitingRows(outcome.awaiting),
    judge,
    eventsConsidered: scope.events.length,
  };
}

/**
 * A full run computed by a worker (parallelOutcome.ts) while this thread writes. How many rows will be new is not known
 * before the matches come, so the bulk-write decision takes one match per two events loaded (an order and its
 * payment, a payout and its items) less the matches already active: a first run of a month writes in bulk, a run that
 * finds what is stored does not.
 */
function computeInWorker(ctx: RunContext, ledgerPath: string): Computed {
  const writer = new MatchWriter(ctx, null);
  const active = (ctx.w.activeEngineMatchCount.get() as number) ?? 0;
  const result = parallelOutcome(
    ctx.db,
    ledgerPath,
    ctx.ruleSet,
    writer,
    (events) => writer.begin(Math.max(0, Math.floor(events / 2) - active)),
    ctx.progress,
  );
  return {
    matches: writer.finish(),
    exceptions: result.exceptions,
    awaiting: result.awaiting,
    judge: null,
    eventsConsidered: result.eventsConsidered,
  };
}

/**
 * A match is decided when its link looked at one of its events; a rule's exception likewise for the rule's
 * link; a leftover exception (no rule) when every link deciding its event looked at it; an exception of a
 * rule this rule set does not have, when the run looked at any of its events.
 */
function scopeJudge(ruleSet: RuleSet, scope: Scope): ScopeJudge {
  const links = scope.links ?? new Map<string, Set<string>>();
  const byId = new Map(scope.events.map((e) => [e.id, e]));
  const superseded = scope.superseded ?? new Map<string, LedgerEvent>();
  const ruleLink = new Map(ruleSet.rules.map((r) => [r.id, r.link]));
  const decided = leftoverDecider(ruleSet, links);
  const seen = (link: string, events: string[]): boolean => {
    const s = links.get(link);
    return s !== undefined && events.some((id) => s.has(id));
  };
  const awaitingDecided: Array<{ seq: number; code: string }> = [];
  for (const e of scope.events) {
    for (const code of leftoverCodes(e.kind)) if (COUNTERPART_CODES.has(code) && decided(code, e)) awaitingDecided.push({ seq: e.seq, code });
  }
  // A superseded revision awaits nothing and keeps no leftover exception: the later revision speaks for the record.
  for (const e of superseded.values())
    for (const code of leftoverCodes(e.kind)) if (COUNTERPART_CODES.has(code)) awaitingDecided.push({ seq: e.seq, code });
  return {
    seqs: [...scope.events.map((e) => e.seq), ...[...superseded.values()].map((e) => e.seq)],
    awaitingDecided,
    match: seen,
    exception: (ruleId, events, code) => {
      const link = ruleId === null ? undefined : ruleLink.get(ruleId);
      if (link !== undefined) return seen(link, events);
      if (ruleId === null)
        return events.every((id) => superseded.has(id) || (byId.has(id) && decided(code as ExceptionCode, byId.get(id) as MatchEvent)));
      return events.some((id) => byId.has(id) || superseded.has(id));
    },
  };
}

export type { MatchEvent };
