// FEED_MISSING (DESIGN §6, §9): a source with a declared cadence whose latest event is overdue has missed its heartbeat.
import type { LedgerDb } from '../../ledger/database.ts';
import type { JournalWriter } from '../../ledger/journal.ts';
import { sha256Hex } from '../../ledger/canonicalJson.ts';
import type { FeedCadence, WorkspaceSettings } from '../../../shared/workspace/settings.ts';
import type { ExceptionClass } from '../../../shared/rules/ruleSet.ts';
import { ExceptionStore, type StoreContext } from '../../exceptions/exceptionStore.ts';
import { type Explanation } from '../rules/explanation.ts';
import { policyGateMinor, policyGateText } from '../rules/classification.ts';
import { HOUR_MS } from '../../../shared/time/duration.ts';

export const FEED_MISSING = 'FEED_MISSING';

export interface FeedHeartbeatReport {
  opened: number;
  closed: number;
  /** `+x id C open` / `-x id` lines in the form of the engine's run log, for the `reconcile.run` digest. */
  log: string[];
}

export interface FeedHeartbeatOptions {
  /** Stamps created_at / resolved_at and the journal entries (the engine passes its run's start); default: now. */
  now?: string;
  /** Tests: the size under which a source's latest event is read from its batches rather than by scanning. */
  smallSourceEvents?: number;
}

/** The exception follows the source's latest event: after the source catches up, a later gap is a new exception. */
export function feedMissingIdFor(source: string, latestEventId: string): string {
  return `x_${sha256Hex(`${FEED_MISSING}\u001f${source}\u001f${latestEventId}`).slice(0, 32)}`;
}

interface LatestEvent {
  event_id: string;
  occurred_at: string;
  batch_id: string;
  kind: string;
  external_id: string;
}

interface ActiveRow {
  exception_id: string;
  class: ExceptionClass;
  state: string;
  touched: number;
  event_id: string | null;
  source: string | null;
  occurred_at: string | null;
  batch_id: string | null;
}

interface Desired {
  id: string;
  source: string;
  cadence: FeedCadence;
  latest: LatestEvent;
  ageHours: number;
  beatsMissed: number;
}

/** Later (occurred_at, event_id) first: the order the latest event is chosen by. */
const later = (a: { occurred_at: string; event_id: string }, b: { occurred_at: string; event_id: string }): boolean =>
  a.occurred_at > b.occurred_at || (a.occurred_at === b.occurred_at && a.event_id > b.event_id);

const hours = (ms: number): number => Math.round((ms / HOUR_MS) * 100) / 100;

/**
 * Opens a FEED_MISSING (class C, open, amount 0 in the reporting currency, linked to the source's latest event)
 * for every source in `settings.feeds` whose latest event (by occurred_at, then event id) is older than
 * `asOf` − expected_every_hours − grace_hours, and ends (resolved by new data) the active ones that no longer
 * hold: the source caught up, or its cadence was removed or widened. Deterministic: no wall clock decides
 * anything (`asOf` is the ledger's latest occurred_at); `now` only stamps the rows and journal entries.
 * Exceptions a person touched are left alone, as the engine does. A declared source with no event at all has
 * no heartbeat to miss yet and raises nothing. Runs inside the caller's transaction.
 *
 * Cost: no whole-table read (see latestEvents). Measured on a copy of the 1M-order bench month (2.03M events,
 * three sources plus a one-event source): about 1-2 ms per call when every source keeps its heartbeat or every
 * overdue source already has its FEED_MISSING; about 30 ms (160 ms cold) for the call that first finds the two
 * 1M-event sources overdue.
 */
export function checkFeedHeartbeats(
  db: LedgerDb,
  settings: WorkspaceSettings,
  asOf: string | null,
  actor: string,
  runId: string,
  journal: JournalWriter,
  options: FeedHeartbeatOptions = {},
): FeedHeartbeatReport {
  const now = options.now ?? new Date().toISOString();
  const report: FeedHeartbeatReport = { opened: 0, closed: 0, log: [] };
  const feeds = settings.feeds ?? {};
  const active = db
    .prepare(
      `SELECT x.exception_id, x.class, x.state,
              (x.state IN ('assigned', 'reopened') OR EXISTS (SELECT 1 FROM journal j WHERE j.subject_id = x.exception_id
                 AND j.entry_type LIKE 'exception.%' AND j.actor NOT LIKE 'system:%')) AS touched,
              e.event_id, e.source, e.occurred_at, e.batch_id
       FROM exceptions x LEFT JOIN exception_members xm ON xm.exception_seq = x.seq LEFT JOIN events e ON e.seq = xm.event_seq
       WHERE x.code = '${FEED_MISSING}' AND x.ended_at IS NULL AND x.origin = 'engine' ORDER BY x.exception_id`,
    )
    .all() as ActiveRow[];
  const asOfMs = asOf === null ? 0 : Date.parse(asOf);
  const latest =
    asOf === null ? new Map<string, LatestEvent>() : latestEvents(db, feeds, asOfMs, active, options.smallSourceEvents ?? SMALL_SOURCE_EVENTS);

  const desired = new Map<string, Desired>();
  const beat = lastGoodSync(db);
  for (const [source, l] of [...latest].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const cadence = feeds[source] as FeedCadence;
    // A connected source's heartbeat is its latest good sync too: a quiet account synced on time has not gone missing.
    const synced = beat.get(source);
    const ageMs = asOfMs - Math.max(Date.parse(l.occurred_at), synced === undefined ? -Infinity : Date.parse(synced));
    if (ageMs <= windowHours(cadence) * HOUR_MS) continue;
    const id = feedMissingIdFor(source, l.event_id);
    desired.set(id, {
      id,
      source,
      cadence,
      latest: l,
      ageHours: hours(ageMs),
      beatsMissed: Math.floor(ageMs / (cadence.expected_every_hours * HOUR_MS)),
    });
  }

  const store = new ExceptionStore(db, journal, settings);
  const sc: StoreContext = { actor, now, runId };
  const seen = new Set<string>();
  for (const row of active) {
    if (seen.has(row.exception_id)) continue;
    seen.add(row.exception_id);
    if (desired.has(row.exception_id) || row.touched === 1) continue;
    const l = row.source === null ? undefined : latest.get(row.source);
    const why =
      row.source === null || feeds[row.source] === undefined
        ? 'no cadence is declared for the source any more'
        : l !== undefined && l.event_id !== row.event_id
          ? `the source delivered newer data (latest event ${l.event_id} at ${l.occurred_at})`
          : 'the source is within its declared cadence';
    report.log.push(store.end(row, sc, { extra: { source: row.source, why } }).logLine as string);
    report.closed++;
  }

  const activeIds = new Set(active.map((r) => r.exception_id));
  const touchedEnded = db
    .prepare(
      `SELECT 1 FROM exceptions x WHERE x.exception_id = ? AND (x.origin = 'human' OR EXISTS (SELECT 1 FROM journal j WHERE j.subject_id = x.exception_id
         AND j.entry_type LIKE 'exception.%' AND j.actor NOT LIKE 'system:%'))`,
    )
    .pluck();
  const eventSeq = db.prepare('SELECT seq FROM events WHERE event_id = ?').pluck();
  const gate = policyGateText(policyGateMinor(settings), settings.reporting_currency);
  for (const d of desired.values()) {
    if (activeIds.has(d.id)) continue;
    const stored = store.find(d.id);
    if (stored !== undefined && touchedEnded.get(d.id) !== undefined) continue;
    const explanation = explanationOf(d, asOf as string, gate);
    const outcome = store.put(
      {
        exceptionId: d.id,
        code: FEED_MISSING,
        amount: 0,
        currency: settings.reporting_currency,
        eventSeqs: [eventSeq.get(d.latest.event_id) as number],
        explanation,
        rule: null,
        classified: { defaultClass: 'C', cls: 'C', state: 'open', policyGated: false, dueAt: null, policy: explanation.policy as string },
        journalExtra: {
          source: d.source,
          last_event_id: d.latest.event_id,
          last_event_at: d.latest.occurred_at,
          expected_every_hours: d.cadence.expected_every_hours,
          grace_hours: d.cadence.grace_hours ?? 0,
          as_of: asOf,
          beats_missed: d.beatsMissed,
        },
      },
      sc,
      stored ?? null,
    );
    report.log.push(outcome.logLine as string);
    report.opened++;
  }
  return report;
}

/** When each connected source last synced to the end (issue 14: a source's heartbeat comes from its syncs). */
function lastGoodSync(db: LedgerDb): Map<string, string> {
  const rows = db.prepare("SELECT source, max(finished_at) AS at FROM sync_runs WHERE state = 'ok' GROUP BY source").all() as Array<{
    source: string;
    at: string;
  }>;
  return new Map(rows.map((r) => [r.source, r.at]));
}

function explanationOf(d: Desired, asOf: string, gate: string): Explanation {
  const grace = d.cadence.grace_hours ?? 0;
  return {
    rule_id: null,
    rule_set_id: null,
    rule_version: null,
    strategy: null,
    link: null,
    summary:
      `${FEED_MISSING}: ${d.source} last delivered an event at ${d.latest.occurred_at} (${d.latest.kind} ${d.latest.external_id}); ` +
      `expected every ${d.cadence.expected_every_hours} h${grace === 0 ? '' : ` (grace ${grace} h)`}; as of ${asOf} that is ${d.ageHours} h ago: ` +
      `${d.beatsMissed} beat${d.beatsMissed === 1 ? '' : 's'} missed`,
    keys: [],
    amount_delta_minor: null,
    time_delta_hours: d.ageHours,
    score: null,
    runners_up: [],
    policy: `within the policy gate of ${gate}: nothing at stake yet, a person checks the feed`,
  };
}

/** Up to this many events in its batches to look at, a source's latest event is read from its batches directly. */
const SMALL_SOURCE_EVENTS = 10_000;

type Stamp = { occurred_at: string; event_id: string };
type Batch = { batch_id: string; events_created: number };
/** A source to look for by scanning, with the batches to read if the scan gives up, and its FEED_MISSING's event. */
type Large = { batches: Batch[]; linked: Stamp | null };

/**
 * The latest event (by occurred_at, then event id) of each declared source that has events, reading no whole table
 * (events has no (source, occurred_at) index, and this runs after every import):
 * - a source with an active FEED_MISSING keeps the event it links when no later batch of the source brought events:
 *   that event was the source's latest when the exception was written, and any later event comes from a later batch
 *   (import_batches rowids follow insertion; the table is append-only). With later batches, only those are read;
 * - a source with at most SMALL_SOURCE_EVENTS events in the batches to read (a bank account, a small feed): the
 *   latest event of each of those batches (index events_by_batch);
 * - a larger source: a backwards scan of events_by_time (scanBackwards), which finds a busy source keeping its
 *   heartbeat at once; an overdue one costs at most about its own events, once per gap (the exception it opens
 *   makes the next runs' answer free).
 */
function latestEvents(
  db: LedgerDb,
  feeds: Record<string, FeedCadence>,
  asOfMs: number,
  active: ActiveRow[],
  smallSourceEvents: number,
): Map<string, LatestEvent> {
  const found = new Map<string, Stamp>();
  const hasEvents = db.prepare('SELECT 1 FROM events WHERE source = ? LIMIT 1').pluck();
  const batchRowid = db.prepare('SELECT rowid FROM import_batches WHERE batch_id = ?').pluck();
  const batchesAfter = db.prepare(
    'SELECT batch_id, events_created FROM import_batches WHERE rowid > ? AND source = ? AND events_created > 0 ORDER BY rowid',
  );
  const batchLatest = db.prepare('SELECT occurred_at, event_id FROM events WHERE batch_id = ? ORDER BY occurred_at DESC, event_id DESC LIMIT 1');
  const fromBatches = (batches: Batch[], start: Stamp | null): Stamp | null => {
    let best = start;
    for (const b of batches) {
      const top = batchLatest.get(b.batch_id) as Stamp | undefined;
      if (top !== undefined && (best === null || later(top, best))) best = top;
    }
    return best;
  };
  const large = new Map<string, Large>();
  for (const source of Object.keys(feeds).sort()) {
    if (hasEvents.get(source) === undefined) continue;
    let linked: (Stamp & { batch_id: string }) | undefined;
    for (const r of active) {
      if (r.source !== source || r.event_id === null || r.occurred_at === null || r.batch_id === null) continue;
      const c = { occurred_at: r.occurred_at, event_id: r.event_id, batch_id: r.batch_id };
      if (linked === undefined || later(c, linked)) linked = c;
    }
    const since = linked === undefined ? 0 : ((batchRowid.get(linked.batch_id) as number | undefined) ?? 0);
    const start = since === 0 || linked === undefined ? null : { occurred_at: linked.occurred_at, event_id: linked.event_id };
    const batches = batchesAfter.all(since, source) as Batch[];
    const events = batches.reduce((n, b) => n + b.events_created, 0);
    if (events <= smallSourceEvents) {
      const best = fromBatches(batches, start);
      if (best !== null) found.set(source, best);
    } else large.set(source, { batches, linked: start });
  }

  if (large.size > 0) for (const [source, best] of scanBackwards(db, feeds, asOfMs, large, fromBatches)) found.set(source, best);

  const details = db.prepare('SELECT event_id, occurred_at, batch_id, kind, external_id FROM events WHERE event_id = ?');
  const out = new Map<string, LatestEvent>();
  for (const [source, l] of found) out.set(source, details.get(l.event_id) as LatestEvent);
  return out;
}

/**
 * Walks events_by_time backwards from the as-of time in slices, filtering by source inside SQLite, until each large
 * source has its latest event: first the cadence window (no source keeping its heartbeat is outside it), then
 * slices doubling in width, each taken only while its index-only row count fits the budget (the events the
 * sources' batches hold: what reading them batch by batch would cost). A source still not found is read from its
 * batches. Within a slice a source's first row is its latest (rows sharing that occurred_at are read for the tie).
 */
function scanBackwards(
  db: LedgerDb,
  feeds: Record<string, FeedCadence>,
  asOfMs: number,
  large: Map<string, Large>,
  fromBatches: (batches: Batch[], start: Stamp | null) => Stamp | null,
): Map<string, Stamp> {
  const slice = db
    .prepare(
      `SELECT source, occurred_at, event_id FROM events WHERE +source IN (SELECT value FROM json_each(@sources)) AND occurred_at >= @lo AND occurred_at < @hi
       ORDER BY occurred_at DESC`,
    )
    .raw();
  const count = db.prepare('SELECT count(*) FROM events WHERE occurred_at >= ? AND occurred_at < ?').pluck();
  const oldest = db.prepare('SELECT min(occurred_at) FROM events').pluck().get() as string;
  const out = new Map<string, Stamp>();
  const remaining = new Set(large.keys());
  let budget = [...large.values()].reduce((n, l) => n + l.batches.reduce((m, b) => m + b.events_created, 0), 0);
  let width = Math.max(...[...large.keys()].map((s) => windowHours(feeds[s] as FeedCadence))) * HOUR_MS;
  // One second more: occurred_at strings compare as text (the slices partition that order), the cut-offs only bound scans.
  let lo = new Date(asOfMs - width - 1000).toISOString();
  let hi = '\uffff';
  for (let step = 0; remaining.size > 0; step++) {
    if (step > 0) {
      const n = count.get(lo, hi) as number;
      if (n > budget) break;
      budget -= n;
    }
    const inSlice = new Map<string, Stamp>();
    let boundary: string | null = null;
    for (const [source, occurred_at, event_id] of slice.iterate({ sources: JSON.stringify([...remaining]), lo, hi }) as Iterable<
      [string, string, string]
    >) {
      if (boundary !== null && occurred_at < boundary) break;
      const row = { occurred_at, event_id };
      const prev = inSlice.get(source);
      if (prev === undefined || later(row, prev)) inSlice.set(source, row);
      // Once every remaining source is found, only rows sharing this occurred_at can still win a tie.
      if (boundary === null && inSlice.size === remaining.size) boundary = occurred_at;
    }
    for (const [source, best] of inSlice) {
      out.set(source, best);
      remaining.delete(source);
    }
    if (lo <= oldest) break;
    hi = lo;
    width *= 2;
    lo = new Date(Date.parse(hi) - width).toISOString();
  }
  for (const source of remaining) {
    const l = large.get(source);
    const best = l === undefined ? null : fromBatches(l.batches, l.linked);
    if (best !== null) out.set(source, best);
  }
  return out;
}

const windowHours = (c: FeedCadence): number => c.expected_every_hours + (c.grace_hours ?? 0);
