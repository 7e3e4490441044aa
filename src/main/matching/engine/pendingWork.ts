// What the next run owes (DESIGN §5 "pending work is durable"): every event no committed run has seen, the events a
// person's decision freed, awaiting events whose counterpart's feeds have now passed, and exceptions a newly
// delivering source may turn back into awaiting. Read from the ledger, so a process killed anywhere loses none of it.
import type { LedgerDb } from '../../ledger/database.ts';
import type { RuleSet } from '../../../shared/rules/ruleSet.ts';
import { COUNTERPART_CODES, linksDecidingCode } from '../rules/leftovers.ts';
import { windowReachMs } from '../rules/windows.ts';
import { newSourceKinds, type LedgerFeeds } from './feedProgress.ts';

/** Where the last committed run left off: events up to this seq were in its scope, coverage rows up to this seq known. */
export interface RunMark {
  eventsThrough: number;
  coverageThrough: number;
}

export interface PendingWork {
  /** The run's seeds for every link: new events and the events a decision freed, by id, sorted. */
  eventIds: string[];
  /**
   * Seeds for some links only: an awaiting event released, or an exception reconsidered, is owed a look by the links
   * deciding its code (a payout released for PAYOUT_NOT_IN_BANK by the bank link, not by its thousands of items).
   */
  linkSeeds: Map<string, string[]>;
  /** Of those, events after the last run's mark (new since it committed). */
  newEvents: number;
  /** Awaiting events whose counterpart's sources have now delivered past their window. */
  released: number;
  /** Open exceptions a source delivering a new kind may turn back into awaiting. */
  reconsidered: number;
  /** Events a person's decision freed (pending_events). */
  decided: number;
  mark: RunMark;
}

/**
 * The mark of the latest committed run. A ledger whose runs predate the marks (schema 5): the events of every batch
 * that finished before its latest run started were that run's to see.
 */
export function lastRunMark(db: LedgerDb): RunMark {
  const marked = db
    .prepare('SELECT events_through_seq AS e, coverage_through AS c FROM recon_runs WHERE events_through_seq IS NOT NULL ORDER BY rowid DESC LIMIT 1')
    .get() as { e: number; c: number | null } | undefined;
  if (marked !== undefined) return { eventsThrough: marked.e, coverageThrough: marked.c ?? 0 };
  const startedAt = db.prepare('SELECT max(started_at) FROM recon_runs').pluck().get() as string | null;
  if (startedAt === null) return { eventsThrough: 0, coverageThrough: 0 };
  const through = db
    .prepare('SELECT coalesce(max(e.seq), 0) FROM import_batches b CROSS JOIN events e ON e.batch_id = b.batch_id WHERE b.finished_at <= ?')
    .pluck()
    .get(startedAt) as number;
  const coverage = db
    .prepare('SELECT coalesce(max(c.seq), 0) FROM batch_coverage c CROSS JOIN import_batches b ON b.batch_id = c.batch_id WHERE b.finished_at <= ?')
    .pluck()
    .get(startedAt) as number;
  return { eventsThrough: through, coverageThrough: coverage };
}

/** Every event the next run must look at, beside `extraIds` (a decision's follow-up names its events). */
export function pendingWork(db: LedgerDb, ruleSet: RuleSet, feeds: LedgerFeeds, extraIds: readonly string[] = []): PendingWork {
  const mark = lastRunMark(db);
  const ids = new Set<string>(extraIds);
  const fresh = db.prepare('SELECT event_id FROM events WHERE seq > ?').pluck().all(mark.eventsThrough) as string[];
  fresh.forEach((id) => ids.add(id));
  const decided = db.prepare('SELECT e.event_id FROM pending_events p CROSS JOIN events e ON e.seq = p.event_seq').pluck().all() as string[];
  decided.forEach((id) => ids.add(id));
  // Earlier revisions the new events superseded: what they were matched to, or raised, must be looked at again.
  const superseded = db
    .prepare('SELECT e.event_id FROM superseded_events s CROSS JOIN events e ON e.seq = s.event_seq WHERE s.by_seq > ?')
    .pluck()
    .all(mark.eventsThrough) as string[];
  superseded.forEach((id) => ids.add(id));
  const released = releasedAwaiting(db, feeds);
  const reconsidered = reconsideredExceptions(db, ruleSet, mark);
  const linkSeeds = new Map<string, Set<string>>();
  for (const { id, code } of [...released, ...reconsidered]) {
    for (const link of linksDecidingCode(ruleSet, code)) {
      let s = linkSeeds.get(link);
      if (s === undefined) linkSeeds.set(link, (s = new Set()));
      s.add(id);
    }
  }
  return {
    eventIds: [...ids].sort(),
    linkSeeds: new Map([...linkSeeds].map(([l, s]) => [l, [...s].sort()])),
    newEvents: fresh.length,
    released: released.length,
    reconsidered: reconsidered.length,
    decided: decided.length,
    mark,
  };
}

/** How many events a run owes a look: the seeds for every link and those for some (a full run is cheaper past a share of the ledger). */
export function owedCount(work: PendingWork): number {
  const all = new Set(work.eventIds);
  for (const ids of work.linkSeeds.values()) ids.forEach((id) => all.add(id));
  return all.size;
}

/**
 * Awaiting events every source they wait on has now delivered past (their until). Grouped by the sources they wait
 * on, so each group is one index range. A group that waits on no source yet is reconsidered when some source delivers
 * a kind it never did (reconsideredExceptions' trigger).
 */
function releasedAwaiting(db: LedgerDb, feeds: LedgerFeeds): Array<{ id: string; code: string }> {
  const watermark = new Map(feeds.sources.map((f) => [f.source, f.watermark]));
  const groups = db.prepare('SELECT DISTINCT waits_on FROM awaiting').pluck().all() as string[];
  const due = db.prepare(
    'SELECT e.event_id AS id, a.code FROM awaiting a CROSS JOIN events e ON e.seq = a.event_seq WHERE a.waits_on = ? AND a.until <= ?',
  );
  const out: Array<{ id: string; code: string }> = [];
  for (const g of groups) {
    if (g === '') continue;
    const min = Math.min(...g.split(' ').map((s) => watermark.get(s) ?? Number.NEGATIVE_INFINITY));
    if (!Number.isFinite(min)) continue;
    out.push(...(due.all(g, new Date(min).toISOString()) as Array<{ id: string; code: string }>));
  }
  return out;
}

/**
 * When a source delivers a kind it never delivered before (a new processor, the first payments of a payout feed), the
 * set of sources a counterpart could come from grows: events waiting on no source get their chance, and an open
 * counterpart-missing exception whose window reaches past the new source's watermark is awaiting again.
 */
function reconsideredExceptions(db: LedgerDb, ruleSet: RuleSet, mark: RunMark): Array<{ id: string; code: string }> {
  const added = newSourceKinds(db, mark.coverageThrough);
  if (added.length === 0) return [];
  const out = db
    .prepare("SELECT e.event_id AS id, a.code FROM awaiting a CROSS JOIN events e ON e.seq = a.event_seq WHERE a.waits_on = ''")
    .all() as Array<{ id: string; code: string }>;
  const reach = Math.max(0, ...ruleSet.rules.map((r) => windowReachMs(r.window)));
  // A source with no rows yet (an empty export) has delivered nothing: every such exception may be awaiting again.
  const lowest = Math.min(...added.map((a) => a.watermark));
  const from = Number.isFinite(lowest) ? new Date(lowest - reach).toISOString() : '';
  const codes = JSON.stringify([...COUNTERPART_CODES]);
  out.push(
    ...(db
      .prepare(
        `SELECT DISTINCT e.event_id AS id, x.code FROM exceptions x CROSS JOIN exception_members xm ON xm.exception_seq = x.seq
           CROSS JOIN events e ON e.seq = xm.event_seq
         WHERE x.code IN (SELECT value FROM json_each(?)) AND x.ended_at IS NULL AND x.origin = 'engine' AND e.occurred_at > ?`,
      )
      .all(codes, from) as Array<{ id: string; code: string }>),
  );
  return out;
}

/** Records events a decision freed or took for the next run, in the decision's own transaction (durable if the run never comes). */
export function owePending(db: LedgerDb, eventIds: readonly string[]): void {
  db.prepare('INSERT OR IGNORE INTO pending_events (event_seq) SELECT seq FROM events WHERE event_id IN (SELECT value FROM json_each(?))').run(
    JSON.stringify(eventIds),
  );
}

/** Whether a run owes anything beyond the awaiting events (cheap: the events after the last mark, decisions' events). */
export function owesWork(db: LedgerDb): boolean {
  const mark = lastRunMark(db);
  if (db.prepare('SELECT 1 FROM events WHERE seq > ? LIMIT 1').get(mark.eventsThrough) !== undefined) return true;
  return db.prepare('SELECT 1 FROM pending_events LIMIT 1').get() !== undefined;
}
