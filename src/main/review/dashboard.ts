// The dashboard of a review period: how much of the period's business is matched, the decisions taken on it, its
// open exceptions by code, class, age and day with their value at stake, and per source its imports and heartbeat.
// Everything is counted by business date (businessTime.ts): an October payout that reached the bank in November is
// October's; an exception counts in the period of its earliest event, and its age runs from that event's time.
import type { LedgerDb } from '../ledger/database.ts';
import type { Dashboard, Period } from '../../shared/api/contract.ts';
import type { WorkspaceSettings } from '../../shared/workspace/settings.ts';
import { MATCHABLE_KINDS, importFigures, lastRun } from '../matching/status.ts';
import { OPEN_STATES_SQL } from '../../shared/exceptions/states.ts';
import { BANK_LINE_KINDS, periodBounds, periodDays, startOfDay, addDays } from '../../shared/time/period.ts';
import { ageDays, DAY_MS } from './reviewSupport.ts';
import { awaitingSummary } from './awaitingQuery.ts';
import { businessDateOf, ensureExceptionBusinessTimes, eventInPeriod, exceptionInPeriod } from './businessTime.ts';

const OPEN_SQL = `x.ended_at IS NULL AND x.state IN (${OPEN_STATES_SQL})`;
const MATCHABLE_SQL = MATCHABLE_KINDS.map((k) => `'${k}'`).join(', ');
const BANK_KINDS_SQL = BANK_LINE_KINDS.map((k) => `'${k}'`).join(', ');
/** The trend has one point per day; a longer period is summed, but drawn only for its last this-many days. */
const MAX_TREND_DAYS = 400;

/** Age buckets of open exceptions: ages (days since the business time) in [fromDays, toDays). */
export const AGE_BUCKETS: ReadonlyArray<{ bucket: string; fromDays: number; toDays: number | null }> = [
  { bucket: '<1d', fromDays: 0, toDays: 1 },
  { bucket: '1–3d', fromDays: 1, toDays: 3 },
  { bucket: '3–7d', fromDays: 3, toDays: 7 },
  { bucket: '7–30d', fromDays: 7, toDays: 30 },
  { bucket: '>30d', fromDays: 30, toDays: null },
];

type Code = Dashboard['openByCodeAndClass'][number]['code'];
type Class = Dashboard['openByCodeAndClass'][number]['class'];
type Kind = Dashboard['matchedByKind'][number]['kind'];

function money(byCurrency: Map<string, number>): Dashboard['valueAtStake'] {
  return [...byCurrency].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([currency, amountMinor]) => ({ amountMinor, currency }));
}

function add(map: Map<string, number>, key: string, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

interface DayCount {
  day: string | null;
  kind: string;
  n: number;
  matched: number;
}

/**
 * Matchable events of the period per business day and kind, and how many sit in an active match. Days are walked
 * one by one over the occurred_at index; bank lines are counted by their booking date. Without a period: per kind.
 */
function eventCounts(db: LedgerDb, period: Period | null, timeZone: string): { counts: DayCount[]; total: number } {
  const matched = `e.rowid IN (SELECT mm.event_seq FROM matches m CROSS JOIN match_members mm ON mm.match_seq = m.seq WHERE m.ended_at IS NULL)`;
  if (period === null) {
    const counts = db
      .prepare(
        `SELECT NULL AS day, e.kind, count(*) AS n, coalesce(sum(${matched}), 0) AS matched FROM events e WHERE e.kind IN (${MATCHABLE_SQL}) GROUP BY e.kind`,
      )
      .all() as DayCount[];
    return { counts, total: db.prepare('SELECT count(*) FROM events').pluck().get() as number };
  }
  const days = periodDays(period).map((d) => [d, startOfDay(d, timeZone), startOfDay(addDays(d, 1), timeZone)]);
  const inPeriod = eventInPeriod(period, timeZone);
  const counts = db
    .prepare(
      `WITH days AS (SELECT json_extract(j.value, '$[0]') AS d, json_extract(j.value, '$[1]') AS f, json_extract(j.value, '$[2]') AS t FROM json_each(@days) j)
       SELECT d.d AS day, e.kind, count(*) AS n, coalesce(sum(${matched}), 0) AS matched
       FROM days d CROSS JOIN events e ON e.occurred_at >= d.f AND e.occurred_at < d.t
       WHERE e.kind IN (${MATCHABLE_SQL}) AND NOT (e.kind IN (${BANK_KINDS_SQL}) AND e.local_date IS NOT NULL)
       GROUP BY d.d, e.kind
       UNION ALL
       SELECT e.local_date, e.kind, count(*), coalesce(sum(${matched}), 0) FROM events e
       WHERE e.kind IN (${BANK_KINDS_SQL}) AND e.local_date IS NOT NULL AND ${inPeriod.sql}
       GROUP BY e.local_date, e.kind`,
    )
    .all({ days: JSON.stringify(days), ...inPeriod.params }) as DayCount[];
  const total = db.prepare(`SELECT count(*) FROM events e WHERE ${inPeriod.sql}`).pluck().get(inPeriod.params) as number;
  return { counts, total };
}

/** Active matches and live exceptions of the period, and how many of them were settled without a person (status.ts). */
function decisionCounts(db: LedgerDb, period: Period | null, timeZone: string): { total: number; auto: number } {
  const inPeriod = eventInPeriod(period ?? undefined, timeZone);
  const matchesInPeriod =
    period === null
      ? '1'
      : `m.seq IN (SELECT mm.match_seq FROM events e CROSS JOIN match_members mm ON mm.event_seq = e.seq WHERE ${inPeriod.sql} AND mm.side = 'left')`;
  const m = db
    .prepare(
      `SELECT count(*) AS n, coalesce(sum(m.status = 'auto_resolved'), 0) AS auto FROM matches m WHERE m.ended_at IS NULL AND ${matchesInPeriod}`,
    )
    .get(inPeriod.params) as { n: number; auto: number };
  const xIn = exceptionInPeriod(period ?? undefined, timeZone);
  const x = db
    .prepare(
      `SELECT count(*) AS n, coalesce(sum(x.class = 'A' AND x.policy_gated = 0), 0) AS auto FROM exceptions x INDEXED BY exceptions_open_by_business
       WHERE x.ended_at IS NULL AND ${xIn.sql} AND NOT (x.class = 'A' AND x.code <> 'DUPLICATE_RECORD' AND EXISTS (
         SELECT 1 FROM exception_members xm CROSS JOIN match_members mm ON mm.event_seq = xm.event_seq CROSS JOIN matches m ON m.seq = mm.match_seq
         WHERE xm.exception_seq = x.seq AND m.ended_at IS NULL AND m.status = 'auto_resolved'))`,
    )
    .get(xIn.params) as { n: number; auto: number };
  return { total: m.n + x.n, auto: m.auto + x.auto };
}

/** Open exceptions of the period grouped by what the dashboard shows of them: code, class, currency, age and day. */
interface OpenGroup {
  code: string;
  class: string;
  currency: string;
  bucket: number;
  day: string | null;
  n: number;
  amount: number;
}

interface OldestRow {
  exception_id: string;
  code: string;
  business_at: string;
  business_local_date: string | null;
  created_at: string;
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function literal(text: string, shape: RegExp): string {
  if (!shape.test(text)) throw new Error(`not a plain date or instant: ${text}`);
  return `'${text}'`;
}

/**
 * The business day of an instant as SQL: a balanced CASE over the days' start instants (a few comparisons a row,
 * exact across daylight-saving changes). `starts[i]` begins `dates[i]`; instants before the first start are NULL.
 */
function dayOfInstantSql(column: string, dates: readonly string[], starts: readonly string[], ends: string): string {
  const pick = (lo: number, hi: number): string => {
    if (lo === hi) return literal(dates[lo] as string, DATE);
    const mid = (lo + hi + 1) >> 1;
    return `CASE WHEN ${column} < ${literal(starts[mid] as string, INSTANT)} THEN ${pick(lo, mid - 1)} ELSE ${pick(mid, hi)} END`;
  };
  if (dates.length === 0) return 'NULL';
  return `CASE WHEN ${column} < ${literal(starts[0] as string, INSTANT)} OR ${column} >= ${literal(ends, INSTANT)} THEN NULL ELSE ${pick(0, dates.length - 1)} END`;
}

/**
 * The age bucket (index into AGE_BUCKETS) of a business time as SQL: age < toDays ⇔ the time is after now − toDays.
 * A stored instant without milliseconds is compared with the threshold cut to its second (exact: a whole second is
 * after s.fff exactly when it is after s), one with them with the full threshold.
 */
function ageBucketSql(column: string, now: Date): string {
  const whens = AGE_BUCKETS.flatMap((b, i) => {
    if (b.toDays === null) return [];
    const threshold = new Date(now.getTime() - b.toDays * DAY_MS).toISOString();
    const toSecond = threshold.replace(/\.\d+Z$/, 'Z');
    return [
      `WHEN CASE WHEN substr(${column}, 20, 1) = '.' THEN ${column} > ${literal(threshold, INSTANT)} ELSE ${column} > ${literal(toSecond, INSTANT)} END THEN ${i}`,
    ];
  });
  return `CASE ${whens.join(' ')} ELSE ${AGE_BUCKETS.length - 1} END`;
}

/** The days drawn by the trend, with their start instants (the last MAX_TREND_DAYS of the period). */
function trendDays(period: Period | null, timeZone: string): { dates: string[]; starts: string[]; end: string } {
  if (period === null) return { dates: [], starts: [], end: '' };
  const dates = periodDays(period).slice(-MAX_TREND_DAYS);
  const starts = dates.map((d) => startOfDay(d, timeZone));
  return { dates, starts, end: periodBounds(period, timeZone).toInstant };
}

/**
 * The open exceptions of the period, counted and summed in SQL by code, class, currency, age bucket and business day
 * (a bank line's booking date as written, else the day its instant falls in), so 100k of them never cross into JS.
 * The queries on live exceptions read exceptions_open_by_business (migration 10), which covers them: left to itself
 * the planner takes the state index and reads each row, past its long explanation.
 */
function openGroups(db: LedgerDb, period: Period | null, timeZone: string, now: Date): OpenGroup[] {
  const xIn = exceptionInPeriod(period ?? undefined, timeZone);
  const { dates, starts, end } = trendDays(period, timeZone);
  const day = period === null ? 'NULL' : `coalesce(x.business_local_date, ${dayOfInstantSql('x.business_at', dates, starts, end)})`;
  return db
    .prepare(
      `SELECT x.code, x.class, x.currency, ${ageBucketSql('x.business_at', now)} AS bucket, ${day} AS day, count(*) AS n, sum(abs(x.amount_minor)) AS amount
       FROM exceptions x INDEXED BY exceptions_open_by_business WHERE ${OPEN_SQL} AND ${xIn.sql} GROUP BY 1, 2, 3, 4, 5`,
    )
    .all(xIn.params) as OpenGroup[];
}

function oldestOpen(db: LedgerDb, period: Period | null, timeZone: string, now: Date): Dashboard['oldestOpen'] {
  const xIn = exceptionInPeriod(period ?? undefined, timeZone);
  const oldest = db
    .prepare(
      `SELECT x.exception_id, x.code, x.business_at, x.business_local_date, x.created_at FROM exceptions x INDEXED BY exceptions_open_by_business
       WHERE ${OPEN_SQL} AND ${xIn.sql} ORDER BY x.business_at, x.exception_id LIMIT 1`,
    )
    .get(xIn.params) as OldestRow | undefined;
  return oldest === undefined
    ? null
    : {
        exceptionId: oldest.exception_id,
        code: oldest.code as Code,
        businessAt: oldest.business_at,
        businessDate: businessDateOf(oldest.business_at, oldest.business_local_date, timeZone),
        ageDays: ageDays(oldest.business_at, now),
        createdAt: oldest.created_at,
      };
}

/** One business day per point of the trend, from the event counts and the open exceptions. */
function trend(period: Period | null, timeZone: string, counts: DayCount[], open: OpenGroup[]): Dashboard['days'] {
  const { dates } = trendDays(period, timeZone);
  const byDate = new Map(dates.map((date) => [date, { date, matchable: 0, matched: 0, openExceptions: 0, atStake: new Map<string, number>() }]));
  for (const c of counts) {
    const day = c.day === null ? undefined : byDate.get(c.day);
    if (day === undefined) continue;
    day.matchable += c.n;
    day.matched += c.matched;
  }
  for (const g of open) {
    const day = g.day === null ? undefined : byDate.get(g.day);
    if (day === undefined) continue;
    day.openExceptions += g.n;
    add(day.atStake, g.currency, g.amount);
  }
  return [...byDate.values()].map((d) => ({
    date: d.date,
    matchable: d.matchable,
    matched: d.matched,
    unmatchedRate: d.matchable === 0 ? null : (d.matchable - d.matched) / d.matchable,
    openExceptions: d.openExceptions,
    atStake: money(d.atStake),
  }));
}

function openFigures(open: OpenGroup[]) {
  const groups = new Map<string, { code: Code; class: Class; count: number; atStake: Map<string, number> }>();
  const atStake = new Map<string, number>();
  const ages = AGE_BUCKETS.map(() => 0);
  let total = 0;
  for (const x of open) {
    const key = `${x.code}\u001f${x.class}`;
    const g = groups.get(key) ?? { code: x.code as Code, class: x.class as Class, count: 0, atStake: new Map<string, number>() };
    g.count += x.n;
    add(g.atStake, x.currency, x.amount);
    groups.set(key, g);
    add(atStake, x.currency, x.amount);
    ages[x.bucket] = (ages[x.bucket] ?? 0) + x.n;
    total += x.n;
  }
  return {
    openExceptionsTotal: total,
    openByCodeAndClass: [...groups.values()]
      .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : a.class < b.class ? -1 : a.class > b.class ? 1 : 0))
      .map((g) => ({ code: g.code, class: g.class, count: g.count, atStake: money(g.atStake) })),
    valueAtStake: money(atStake),
    openByAge: AGE_BUCKETS.map((b, i) => ({ bucket: b.bucket, fromDays: b.fromDays, toDays: b.toDays, count: ages[i] ?? 0 })),
  };
}

function lastRunOf(db: LedgerDb): Dashboard['lastRun'] {
  const run = lastRun(db);
  return run === null
    ? null
    : { runId: run.run_id, mode: run.mode, ruleSetId: run.rule_set_id, ruleVersion: run.rule_version, finishedAt: run.finished_at };
}

/** Events per source in the period (the sources table's own column). */
function sourceEvents(db: LedgerDb, period: Period | null, timeZone: string): Map<string, number> {
  const inPeriod = eventInPeriod(period ?? undefined, timeZone);
  const rows = db.prepare(`SELECT e.source, count(*) AS n FROM events e WHERE ${inPeriod.sql} GROUP BY e.source`).all(inPeriod.params) as Array<{
    source: string;
    n: number;
  }>;
  return new Map(rows.map((r) => [r.source, r.n]));
}

/** One read snapshot of the period's figures; `period` null covers the whole ledger. */
export function dashboard(db: LedgerDb, settings: WorkspaceSettings, now: Date, period: Period | null): Dashboard {
  const timeZone = settings.time_zone;
  return db.transaction(() => {
    ensureExceptionBusinessTimes(db);
    const { counts, total } = eventCounts(db, period, timeZone);
    const byKind = new Map<string, { matchable: number; matched: number }>();
    for (const c of counts) {
      const k = byKind.get(c.kind) ?? { matchable: 0, matched: 0 };
      k.matchable += c.n;
      k.matched += c.matched;
      byKind.set(c.kind, k);
    }
    const matchedByKind = MATCHABLE_KINDS.map((kind) => ({
      kind: kind as Kind,
      matchable: byKind.get(kind)?.matchable ?? 0,
      matched: byKind.get(kind)?.matched ?? 0,
    }));
    const matchable = matchedByKind.reduce((n, k) => n + k.matchable, 0);
    const matched = matchedByKind.reduce((n, k) => n + k.matched, 0);
    const decisions = decisionCounts(db, period, timeZone);
    const open = openGroups(db, period, timeZone, now);
    const inPeriod = sourceEvents(db, period, timeZone);
    const feedMissing = new Set(
      db
        .prepare(
          `SELECT DISTINCT e.source FROM exceptions x CROSS JOIN exception_members xm ON xm.exception_seq = x.seq CROSS JOIN events e ON e.seq = xm.event_seq
           WHERE x.code = 'FEED_MISSING' AND ${OPEN_SQL}`,
        )
        .pluck()
        .all() as string[],
    );
    return {
      asOf: now.toISOString(),
      period,
      reportingCurrency: settings.reporting_currency,
      eventsTotal: total,
      eventsMatchable: matchable,
      eventsMatched: matched,
      unmatchedRate: matchable === 0 ? null : (matchable - matched) / matchable,
      awaiting: awaitingSummary(db, period ?? undefined, timeZone),
      decisionsTotal: decisions.total,
      decisionsAutoResolved: decisions.auto,
      autoResolveRate: decisions.total === 0 ? null : decisions.auto / decisions.total,
      ...openFigures(open),
      oldestOpen: oldestOpen(db, period, timeZone, now),
      days: trend(period, timeZone, counts, open),
      matchedByKind,
      sources: importFigures(db).map((s) => ({
        source: s.source,
        lastImportAt: s.last_import_at,
        lastEventAt: s.last_event_at,
        events: s.events,
        eventsInPeriod: inPeriod.get(s.source) ?? 0,
        expectedEveryHours: settings.feeds?.[s.source]?.expected_every_hours ?? null,
        feedMissing: feedMissing.has(s.source),
      })),
      lastRun: lastRunOf(db),
    };
  })();
}
