// reconcile(): computes matches and exceptions for a scope and applies the difference to the projections in one transaction.
import type { LedgerDb } from '../ledger/database.ts';
import { JournalWriter } from '../ledger/journal.ts';
import { sha256Hex } from '../ledger/canonicalJson.ts';
import type { WorkspaceSettings } from '../../shared/workspace/settings.ts';
import type { RuleSet } from '../../shared/rules/ruleSet.ts';
import { ruleSetInForce } from './ruleSetInForce.ts';
import type { DesiredException, DesiredMatch, MEvent } from './model.ts';
import { computeOutcome, type HumanDecisions } from './plan.ts';
import { incrementalScope, loadAllEvents, type Scope } from './scope.ts';
import { LedgerTexts, type TextSource } from './eventKeys.ts';
import { classify, policyGateMinor, leftoverEvaluable } from './exceptions.ts';
import { ensureRuleSet, prepareWriters, type Writers } from './projectionWriters.ts';
import { packExplanation } from './explanationText.ts';
import { desiredMatchId, matchExplanation } from './outcomes.ts';
import { checkFeedHeartbeats } from './feedHeartbeats.ts';

export interface ReconcileOptions {
  mode: 'full' | 'incremental';
  /** Default: the rule set in force (ruleSetInForce.ts): the shipped default unless a run used another. */
  ruleSet?: RuleSet;
  /** Incremental: the events an import brought. */
  newEventIds?: string[];
  actor?: string;
  /** Hears where a long run is: each phase as it starts, then its counts (rules done, rows written). */
  onProgress?: (progress: ReconcileProgress) => void;
  /** New match rows from which the run rebuilds the tables' indexes instead of maintaining them (default BULK_ROWS; tests). */
  bulkRows?: number;
}

/** loading: events read; matching: rules run (detail = the rule); writing: desired matches, then exceptions, applied. */
export interface ReconcileProgress {
  phase: 'loading' | 'matching' | 'writing matches' | 'writing exceptions';
  done: number;
  total: number;
  detail?: string;
}

/** Rows between two `writing` progress reports. */
const PROGRESS_EVERY_ROWS = 50_000;

export interface RunReport {
  run_id: string;
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

function runReconcile(db: LedgerDb, settings: WorkspaceSettings, options: ReconcileOptions): RunReport {
  const ruleSet = options.ruleSet ?? ruleSetInForce(db);
  const actor = options.actor ?? 'system:engine';
  return db.transaction(() => {
    // Checked at commit, where they are checked at all: batched rows of two tables reach SQLite in any order.
    db.pragma('defer_foreign_keys = ON');
    const startedAt = new Date().toISOString();
    ensureRuleSet(db, ruleSet, actor, startedAt);
    const w = prepareWriters(db);
    const journal = new JournalWriter(db);
    const asOf = db.prepare('SELECT max(occurred_at) FROM events').pluck().get() as string | null;
    const progress = options.onProgress ?? ((): void => {});
    const { outcome, judge, eventsConsidered } = matchScope(db, ruleSet, options, progress);
    const head = db.prepare('SELECT hash FROM journal ORDER BY seq DESC LIMIT 1').pluck().get() as string | undefined;
    const runId = `r_${sha256Hex(`${head ?? ''}\u001f${startedAt}\u001f${options.mode}`).slice(0, 32)}`;
    const ctx: ApplyContext = { db, w, journal, runId, progress, texts: outcome.texts, bulkRows: options.bulkRows ?? BULK_ROWS, now: startedAt, actor, ruleSet, settings, asOfMs: asOf === null ? 0 : Date.parse(asOf), log: [] };
    const m = applyMatches(ctx, outcome.matches, judge);
    const x = applyExceptions(ctx, outcome.exceptions, judge);
    // Per-source heartbeats (DESIGN §9): decided on every run, whatever its scope; cheap (feedHeartbeats.ts).
    const feeds = checkFeedHeartbeats(db, settings, asOf, actor, runId, journal, { now: startedAt });
    ctx.log.push(...feeds.log);
    const digest = sha256Hex(ctx.log.sort().join('\n'));
    const report: RunReport = {
      run_id: runId,
      mode: options.mode,
      rule_set_id: ruleSet.rule_set_id,
      rule_version: ruleSet.version,
      as_of: asOf,
      events_considered: eventsConsidered,
      matches_created: m.created,
      matches_ended: m.ended,
      exceptions_opened: x.opened + feeds.opened,
      exceptions_closed: x.closed + feeds.closed,
      exceptions_changed: x.changed,
      digest,
    };
    journal.append({ type: 'reconcile.run', actor, subjectId: runId, payload: { ...report }, createdAt: startedAt });
    w.insertRun.run({ ...report, as_of: asOf ?? '', started_at: startedAt, finished_at: new Date().toISOString() });
    return report;
  })();
}

/**
 * Loads the run's events and computes the desired outcome. The events stay here: the outcome holds event ids only,
 * so a full run lets two million loaded events go before its write phase, and their memory is reused for writing
 * rather than added to it (an incremental run's judge keeps its small scope).
 */
function matchScope(
  db: LedgerDb,
  ruleSet: RuleSet,
  options: ReconcileOptions,
  progress: (p: ReconcileProgress) => void,
): { outcome: ReturnType<typeof computeOutcome>; judge: ScopeJudge | null; eventsConsidered: number } {
  progress({ phase: 'loading', done: 0, total: options.mode === 'full' ? 0 : (options.newEventIds ?? []).length });
  const scope: Scope =
    options.mode === 'full'
      ? { events: loadAllEvents(db, ruleSet), links: null, texts: new LedgerTexts(db) }
      : incrementalScope(db, ruleSet, options.newEventIds ?? []);
  progress({ phase: 'loading', done: scope.events.length, total: scope.events.length });
  const outcome = computeOutcome(scope.events, ruleSet, loadHumanDecisions(db), {
    links: scope.links,
    texts: scope.texts,
    onRule: (rule, done, total) => progress({ phase: 'matching', done, total, detail: rule }),
  });
  return { outcome, judge: options.mode === 'full' ? null : scopeJudge(ruleSet, scope), eventsConsidered: scope.events.length };
}

function loadHumanDecisions(db: LedgerDb): HumanDecisions {
  const pinned = new Map<string, Set<string>>();
  const rows = db
    .prepare(
      `SELECT event_id, link FROM pinned_events
       UNION SELECT e.event_id, m.link FROM matches m CROSS JOIN match_members mm ON mm.match_seq = m.seq CROSS JOIN events e ON e.seq = mm.event_seq
       WHERE m.origin = 'human' AND m.ended_at IS NULL`,
    )
    .all() as { event_id: string; link: string }[];
  for (const r of rows) pinned.set(r.link, (pinned.get(r.link) ?? new Set()).add(r.event_id));
  const blocked = new Set(
    (db.prepare('SELECT link, left_event_id, right_event_id FROM blocked_pairs').all() as { link: string; left_event_id: string; right_event_id: string }[]).map(
      (b) => `${b.link}\u001f${b.left_event_id}\u001f${b.right_event_id}`,
    ),
  );
  return { pinned, blocked };
}

interface ApplyContext {
  db: LedgerDb;
  /** Key texts for the explanations written (the computation's own source). */
  texts: TextSource;
  bulkRows: number;
  progress: (p: ReconcileProgress) => void;
  w: Writers;
  journal: JournalWriter;
  runId: string;
  now: string;
  actor: string;
  ruleSet: RuleSet;
  settings: WorkspaceSettings;
  asOfMs: number;
  /** `+m id`, `-m id`, `+x id`, … : the digest covers every row the run created, ended or changed. */
  log: string[];
}

/** Incremental runs: which stored rows this run decides (and may end), and the events to look them up by. */
interface ScopeJudge {
  /** The scope's event seqs: stored rows are found through their member rows' by-event indexes. */
  seqs: number[];
  match: (link: string, events: string[]) => boolean;
  exception: (ruleId: string | null, events: string[]) => boolean;
}

/**
 * A match is decided when its link looked at one of its events; a rule's exception likewise for the rule's
 * link; a leftover exception (no rule) when every link deciding its event looked at it; an exception of a
 * rule this rule set does not have, when the run looked at any of its events.
 */
function scopeJudge(ruleSet: RuleSet, scope: Scope): ScopeJudge {
  const links = scope.links ?? new Map<string, Set<string>>();
  const byId = new Map(scope.events.map((e) => [e.id, e]));
  const ruleLink = new Map(ruleSet.rules.map((r) => [r.id, r.link]));
  const evaluable = leftoverEvaluable(ruleSet, links);
  const seen = (link: string, events: string[]): boolean => {
    const s = links.get(link);
    return s !== undefined && events.some((id) => s.has(id));
  };
  return {
    seqs: scope.events.map((e) => e.seq),
    match: seen,
    exception: (ruleId, events) => {
      const link = ruleId === null ? undefined : ruleLink.get(ruleId);
      if (link !== undefined) return seen(link, events);
      if (ruleId === null) return events.every((id) => byId.has(id) && evaluable(byId.get(id) as MEvent));
      return events.some((id) => byId.has(id));
    },
  };
}

const CHUNK = 5000;

/** Active engine rows: all of them (full run, ids only), or those touching the run's events (incremental). */
function activeRows<T>(full: { all(): unknown[] }, touching: { all(json: string): unknown[] }, judge: ScopeJudge | null, key: (r: T) => string): T[] {
  if (judge === null) return full.all() as T[];
  const out = new Map<string, T>();
  for (let i = 0; i < judge.seqs.length; i += CHUNK) {
    for (const r of touching.all(JSON.stringify(judge.seqs.slice(i, i + CHUNK))) as T[]) out.set(key(r), r);
  }
  return [...out.values()].sort((a, b) => (key(a) < key(b) ? -1 : 1));
}

function applyMatches(ctx: ApplyContext, desired: DesiredMatch[], judge: ScopeJudge | null): { created: number; ended: number } {
  const want = new Map<string, DesiredMatch>();
  for (const d of desired) want.set(desiredMatchId(d), d);
  let ended = 0;
  let created = 0;
  const active = new Set<string>();
  type MRow = { match_id: string; link: string; events: string | null };
  for (const row of activeRows<MRow>(ctx.w.activeEngineMatches, ctx.w.activeEngineMatchesTouching, judge, (r) => r.match_id)) {
    active.add(row.match_id);
    if (want.has(row.match_id)) continue;
    if (judge !== null && !judge.match(row.link, (row.events ?? '').split(','))) continue;
    ctx.w.endMatch.run({ match_id: row.match_id, ended_at: ctx.now, ended_by: ctx.actor, end_reason: `no longer holds under ${ctx.ruleSet.rule_set_id} v${ctx.ruleSet.version}` });
    active.delete(row.match_id);
    ctx.log.push(`-m ${row.match_id}`);
    ended++;
  }
  // Written in the order the rules found them (deterministic); the run numbers its new rows itself.
  const toWrite: Array<[string, DesiredMatch]> = [];
  for (const entry of want) if (!active.has(entry[0])) toWrite.push(entry);
  const rebuild = bulkIndexes(ctx.db, ['matches', 'match_members'], toWrite.length, ctx.bulkRows);
  let nextSeq = ctx.w.nextMatchSeq.get() as number;
  // A full run knows every active engine match already, and a bulk write has dropped the id index: the rest (ended,
  // or a person's), or every stored id, is read once instead of one lookup per written match.
  type Stored = { match_id: string; seq: number; ended_at: string | null };
  const known = rebuild.bulk ? (ctx.w.allMatchStates.all() as Stored[]) : judge === null ? (ctx.w.inactiveMatches.all() as Stored[]) : null;
  const states = known === null ? null : new Map(known.map((r) => [r.match_id, r]));
  const stateOf = (id: string): Omit<Stored, 'match_id'> | undefined => {
    if (states !== null) return states.get(id);
    return ctx.w.matchExists.get(id) === undefined ? undefined : (ctx.w.matchById.get(id) as Omit<Stored, 'match_id'> | undefined);
  };
  const insert = ctx.w.matchInserts();
  const { rule_set_id: ruleSetId, version } = ctx.ruleSet;
  ctx.progress({ phase: 'writing matches', done: 0, total: toWrite.length });
  let written = 0;
  for (const [matchId, d] of toWrite) {
    if (++written % PROGRESS_EVERY_ROWS === 0) ctx.progress({ phase: 'writing matches', done: written, total: toWrite.length });
    const existing = stateOf(matchId);
    if (existing !== undefined && existing.ended_at === null) continue;
    const explanation = packExplanation(matchExplanation(ctx.ruleSet, ctx.texts, d));
    if (existing === undefined) {
      const seq = nextSeq++;
      insert.matches.add(seq, matchId, d.link, d.status, 'engine', d.rule.id, ruleSetId, version, d.score, explanation, ctx.runId, ctx.now, ctx.actor);
      for (const e of d.left) insert.members.add(seq, e.seq, 'left');
      for (const e of d.right) insert.members.add(seq, e.seq, 'right');
    } else {
      ctx.w.reactivateMatch.run({ seq: existing.seq, status: d.status, score: d.score, explanation, created_run_id: ctx.runId });
    }
    ctx.log.push(`+m ${matchId}`);
    created++;
  }
  insert.matches.flush();
  insert.members.flush();
  rebuild();
  ctx.progress({ phase: 'writing matches', done: toWrite.length, total: toWrite.length });
  return { created, ended };
}

function applyExceptions(ctx: ApplyContext, desired: DesiredException[], judge: ScopeJudge | null): { opened: number; closed: number; changed: number } {
  const touched = new Set(ctx.w.humanTouched.all() as string[]);
  const want = new Map<string, DesiredException>();
  for (const d of desired) if (!want.has(d.exceptionId) && !touched.has(d.exceptionId)) want.set(d.exceptionId, d);
  const counts = { opened: 0, closed: 0, changed: 0 };
  type XRow = { exception_id: string; class: string; state: string; rule_id: string | null; events: string | null };
  const active = new Set<string>();
  for (const row of activeRows<XRow>(ctx.w.activeEngineExceptions, ctx.w.activeEngineExceptionsTouching, judge, (r) => r.exception_id)) {
    active.add(row.exception_id);
    if (touched.has(row.exception_id) || want.has(row.exception_id)) continue;
    if (judge !== null && !judge.exception(row.rule_id, (row.events ?? '').split(','))) continue;
    endException(ctx, row);
    counts.closed++;
  }
  const toApply = [...want.values()].sort((a, b) => (a.exceptionId < b.exceptionId ? -1 : 1));
  ctx.progress({ phase: 'writing exceptions', done: 0, total: toApply.length });
  // Event links the run may add (exceptions not active now; an AMBIGUOUS_MATCH names every tied candidate, so a
  // month without keys can bring millions): past the bulk threshold their indexes are rebuilt, as for matches.
  let newLinks = 0;
  for (const d of toApply) if (!active.has(d.exceptionId)) newLinks += d.events.length;
  // The exception id index stays: every desired exception is looked up by id (they are few; their links are many).
  const rebuild = bulkIndexes(ctx.db, ['exception_members', 'exceptions'], newLinks, ctx.bulkRows, ['exceptions_by_id']);
  const seqs = { next: ctx.w.nextExceptionSeq.get() as number };
  for (const d of toApply) {
    const r = upsertException(ctx, d, seqs);
    if (r === 'opened') counts.opened++;
    if (r === 'changed') counts.changed++;
  }
  rebuild();
  ctx.progress({ phase: 'writing exceptions', done: toApply.length, total: toApply.length });
  counts.changed += escalateOverdue(ctx, touched, want);
  return counts;
}

function endException(ctx: ApplyContext, row: { exception_id: string; class: string; state: string }): void {
  const wasResolved = row.state === 'resolved';
  ctx.w.endException.run({ exception_id: row.exception_id, now: ctx.now, by: ctx.actor, resolution: wasResolved ? null : 'resolved by new data' });
  ctx.journal.append({
    type: wasResolved ? 'exception.ended' : 'exception.resolved_by_new_data',
    actor: ctx.actor,
    subjectId: row.exception_id,
    reason: wasResolved ? 'the match it documented no longer holds' : 'resolved by new data',
    payload: { run_id: ctx.runId, previous_class: row.class, previous_state: row.state },
    createdAt: ctx.now,
  });
  ctx.log.push(`-x ${row.exception_id}`);
}

function upsertException(ctx: ApplyContext, d: DesiredException, seqs: { next: number }): 'opened' | 'changed' | 'same' {
  const gate = policyGateMinor(ctx.settings);
  const c = classify(d, ctx.ruleSet, ctx.settings.reporting_currency, gate, ctx.asOfMs);
  const existing =
    ctx.w.exceptionExists.get(d.exceptionId) === undefined
      ? undefined
      : (ctx.w.exceptionById.get(d.exceptionId) as { class: string; state: string; ended_at: string | null; policy_gated: number; amount_minor: number } | undefined);
  const resolved = c.state === 'resolved';
  const row = {
    exception_id: d.exceptionId, code: d.code, class: c.cls, default_class: c.defaultClass, policy_gated: c.policyGated ? 1 : 0, state: c.state,
    amount_minor: d.amount, currency: d.currency, explanation: packExplanation({ ...d.explanation, policy: c.policy }), rule_id: d.rule?.id ?? null,
    rule_set_id: ctx.ruleSet.rule_set_id, rule_version: ctx.ruleSet.version, due_at: c.dueAt, created_run_id: ctx.runId, created_at: ctx.now,
    resolved_at: resolved ? ctx.now : null, resolved_by: resolved ? ctx.actor : null, resolution: resolved ? `auto-resolved (class A): ${d.code}` : null,
  };
  if (existing !== undefined && existing.ended_at === null) {
    if (existing.class === c.cls && existing.state === c.state && existing.amount_minor === d.amount) return 'same';
    const windowEnded = existing.class === 'B' && existing.state === 'in_remediation' && c.cls === 'C' && existing.amount_minor === d.amount;
    if (windowEnded) {
      ctx.w.reclassify.run({ exception_id: d.exceptionId, class: c.cls, state: c.state, policy_gated: row.policy_gated });
      ctx.journal.append({
        type: 'exception.escalated', actor: ctx.actor, subjectId: d.exceptionId, reason: `remediation window ended (due ${c.dueAt ?? '-'})`,
        payload: { run_id: ctx.runId, from_class: existing.class, from_state: existing.state, to_class: c.cls, to_state: c.state }, createdAt: ctx.now,
      });
    } else {
      // The same exception derived again with another amount at stake or class (a new rule set version, a changed
      // policy gate): the row takes the new figures and explanation, and the journal says what changed and why.
      ctx.w.rederive.run(row);
      ctx.journal.append({
        type: resolved ? 'exception.auto_resolved' : 'exception.reclassified', actor: ctx.actor, subjectId: d.exceptionId,
        reason: `derived again under ${ctx.ruleSet.rule_set_id} v${ctx.ruleSet.version}${resolved ? `: class A, ${d.code}` : ''}`,
        payload: {
          run_id: ctx.runId, from_class: existing.class, from_state: existing.state, from_amount_minor: existing.amount_minor,
          to_class: c.cls, to_state: c.state, to_amount_minor: d.amount, currency: d.currency, events: d.events.map((e) => e.id),
        },
        createdAt: ctx.now,
      });
    }
    ctx.log.push(`~x ${d.exceptionId} ${c.cls} ${c.state} ${d.amount}`);
    return 'changed';
  }
  if (existing === undefined) {
    const seq = seqs.next++;
    ctx.w.insertException.run({ ...row, seq });
    for (const e of d.events) ctx.w.insertExceptionMember.run(seq, e.seq);
  } else ctx.w.reactivateException.run(row);
  if (resolved) {
    ctx.journal.append({
      type: 'exception.auto_resolved', actor: ctx.actor, subjectId: d.exceptionId, reason: `class A: ${d.code}`,
      payload: { run_id: ctx.runId, code: d.code, amount_minor: d.amount, currency: d.currency, events: d.events.map((e) => e.id) }, createdAt: ctx.now,
    });
  }
  ctx.log.push(`+x ${d.exceptionId} ${c.cls} ${c.state}`);
  return 'opened';
}

/** Exceptions outside this run's scope still turn class C when the ledger's as-of time passes their due time. */
function escalateOverdue(ctx: ApplyContext, touched: Set<string>, handled: Map<string, DesiredException>): number {
  let n = 0;
  for (const r of ctx.w.inRemediation.all() as { exception_id: string; due_at: string | null }[]) {
    if (handled.has(r.exception_id) || touched.has(r.exception_id) || r.due_at === null || ctx.asOfMs <= Date.parse(r.due_at)) continue;
    ctx.w.reclassify.run({ exception_id: r.exception_id, class: 'C', state: 'open', policy_gated: 0 });
    ctx.journal.append({
      type: 'exception.escalated', actor: ctx.actor, subjectId: r.exception_id, reason: `remediation window ended (due ${r.due_at})`,
      payload: { run_id: ctx.runId, from_class: 'B', from_state: 'in_remediation', to_class: 'C', to_state: 'open' }, createdAt: ctx.now,
    });
    ctx.log.push(`~x ${r.exception_id} C open`);
    n++;
  }
  return n;
}

/** Below this many new rows, indexes are maintained row by row. */
export const BULK_ROWS = 20_000;

/**
 * A run that writes many rows into a table (a first full run of a month writes a million matches) drops the table's
 * secondary indexes and builds them again afterwards, inside the run's transaction: SQLite builds an index from sorted
 * keys far faster than it inserts millions of random keys (the by-event index) one by one into a tree larger than its
 * page cache. Only when the new rows are at least half of `tables[0]` (the table they are counted in): rebuilding a
 * big index for a few rows costs more. Every secondary index of `tables` is dropped and recreated from its own stored
 * definition. Returns the function that recreates them.
 */
function bulkIndexes(db: LedgerDb, tables: string[], newRows: number, bulkRows: number, keep: readonly string[] = []): Rebuild {
  const none = Object.assign(() => {}, { bulk: false });
  if (newRows < bulkRows) return none;
  const existing = db.prepare(`SELECT count(*) FROM ${tables[0] as string}`).pluck().get() as number;
  if (newRows * 2 < existing) return none;
  const indexes = db
    .prepare(
      `SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (SELECT value FROM json_each(?)) ORDER BY name`,
    )
    .all(JSON.stringify(tables)) as { name: string; sql: string }[];
  const dropped = indexes.filter((i) => !keep.includes(i.name));
  for (const i of dropped) db.exec(`DROP INDEX "${i.name.replace(/"/g, '""')}"`);
  return Object.assign(
    () => {
      for (const i of dropped) db.exec(i.sql);
    },
    { bulk: true },
  );
}

/** Recreates what bulkIndexes dropped; `bulk` says whether it dropped anything (the tables' id indexes among them). */
type Rebuild = (() => void) & { bulk: boolean };

export type { MEvent };
