// Operating metrics (DESIGN §9) over a period of the workspace's calendar days, from the ledger's own wall-clock
// times (when files arrived, when runs matched, when exceptions opened and closed, the journal's decisions): the
// figures `tieout metrics --json` prints, and one point per day for the Dashboard's time series.
import type { LedgerDb } from '../ledger/database.ts';
import type { WorkspaceSettings } from '../../shared/workspace/settings.ts';
import { MATCHABLE_KINDS } from '../matching/status.ts';
import { DECISION_ENTRY_TYPES } from '../matching/decisions.ts';
import { policyGateMinor } from '../matching/rules/classification.ts';
import { HOUR_MS } from '../../shared/time/duration.ts';
import { dayIndex, metricsDays, weekOf, type MetricsDays } from './metricsPeriod.ts';
import { OwnershipConfig } from './ownershipConfig.ts';

/** What `tieout metrics --json` prints, key for key (issue 13). */
export interface MetricsSummary {
  /** Share of matchable events that arrived in the period and were not in a match within 1 h of arriving. */
  unmatched_rate_1h: number | null;
  /** Exceptions resolved in the period (not those resolved as they opened): mean hours from opening to resolution. */
  mean_time_to_resolution_hours: number | null;
  /** Share of the exceptions opened in the period that closed without a person (class A, resolved by new data). */
  auto_resolve_rate: number | null;
  /** A person's decisions (match, unmatch, resolve, comment, reopen, assign) per day of the period. */
  manual_actions_per_day: number;
  /** Open at the end of the period (or now, if sooner) above the policy gate, in the reporting currency. */
  high_value_open: { count: number; value_minor: number };
  /** The ten codes opened most in the period, with their count per week (Monday first). */
  top_exceptions: Array<{ code: string; count: number; trend: Array<{ week: string; count: number }> }>;
}

export interface MetricsDay {
  date: string;
  arrived: number;
  unmatched1h: number;
  unmatchedRate1h: number | null;
  resolved: number;
  mttrHours: number | null;
  opened: number;
  autoResolved: number;
  autoResolveRate: number | null;
  manualActions: number;
  highValueOpen: number;
  highValueMinor: number;
}

export interface MetricsReport {
  from: string;
  to: string;
  asOf: string;
  reportingCurrency: string;
  summary: MetricsSummary;
  days: MetricsDay[];
}

const MATCHABLE_SQL = MATCHABLE_KINDS.map((k) => `'${k}'`).join(', ');
const MANUAL_TYPES_SQL = Object.values(DECISION_ENTRY_TYPES)
  .map((t) => `'${t}'`)
  .join(', ');

const round = (x: number, places: number): number => Math.round(x * 10 ** places) / 10 ** places;
const ratio = (n: number, d: number): number | null => (d === 0 ? null : round(n / d, 4));

export function computeMetrics(db: LedgerDb, settings: WorkspaceSettings, options: { asOf: string; from?: string; to?: string }): MetricsReport {
  const today = new OwnershipConfig(settings).dayOf(options.asOf);
  const p = metricsDays(settings.time_zone, today, options.from, options.to);
  const days: MetricsDay[] = p.days.map((date) => ({
    date,
    arrived: 0,
    unmatched1h: 0,
    unmatchedRate1h: null,
    resolved: 0,
    mttrHours: null,
    opened: 0,
    autoResolved: 0,
    autoResolveRate: null,
    manualActions: 0,
    highValueOpen: 0,
    highValueMinor: 0,
  }));
  return db.transaction(() => {
    arrivals(db, p, days);
    const hours = resolutions(db, p, days);
    const top = openings(db, p, days);
    manualActions(db, p, days);
    const high = highValue(db, settings, p, days, options.asOf);
    for (const d of days) {
      d.unmatchedRate1h = ratio(d.unmatched1h, d.arrived);
      d.autoResolveRate = ratio(d.autoResolved, d.opened);
    }
    const sum = (f: (d: MetricsDay) => number): number => days.reduce((n, d) => n + f(d), 0);
    const summary: MetricsSummary = {
      unmatched_rate_1h: ratio(
        sum((d) => d.unmatched1h),
        sum((d) => d.arrived),
      ),
      mean_time_to_resolution_hours: hours.n === 0 ? null : round(hours.total / hours.n, 2),
      auto_resolve_rate: ratio(
        sum((d) => d.autoResolved),
        sum((d) => d.opened),
      ),
      manual_actions_per_day: round(sum((d) => d.manualActions) / days.length, 2),
      high_value_open: high,
      top_exceptions: top,
    };
    return { from: p.from, to: p.to, asOf: options.asOf, reportingCurrency: settings.reporting_currency, summary, days };
  })();
}

/**
 * Matchable events by the import that brought them (one arrival time per batch), and how many were in no match
 * created within an hour of that (ended matches count: they were matches then). Superseded revisions are left out.
 */
function arrivals(db: LedgerDb, p: MetricsDays, days: MetricsDay[]): void {
  const rows = db
    .prepare(
      `SELECT b.started_at AS at, count(*) AS n, coalesce(sum(NOT EXISTS (
         SELECT 1 FROM match_members mm CROSS JOIN matches m ON m.seq = mm.match_seq
         WHERE mm.event_seq = e.seq AND m.created_at <= strftime('%Y-%m-%dT%H:%M:%fZ', b.started_at, '+1 hour'))), 0) AS unmatched
       FROM import_batches b CROSS JOIN event_rows e ON e.batch_id = b.batch_id
       WHERE b.started_at >= ? AND b.started_at < ? AND e.kind IN (${MATCHABLE_SQL}) AND e.own_received_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM superseded_events s WHERE s.event_seq = e.seq)
       GROUP BY b.batch_id`,
    )
    .all(p.starts[0], p.end) as Array<{ at: string; n: number; unmatched: number }>;
  for (const r of rows) {
    const d = days[dayIndex(p, r.at)];
    if (d === undefined) continue;
    d.arrived += r.n;
    d.unmatched1h += r.unmatched;
  }
}

/** Exceptions resolved in the period after they opened; per day the mean hours of those resolved that day. */
function resolutions(db: LedgerDb, p: MetricsDays, days: MetricsDay[]): { total: number; n: number } {
  const rows = db
    .prepare(
      `SELECT resolved_at, coalesce(opened_at, created_at) AS opened FROM exceptions
       WHERE resolved_at >= ? AND resolved_at < ? AND resolved_at > coalesce(opened_at, created_at)`,
    )
    .all(p.starts[0], p.end) as Array<{ resolved_at: string; opened: string }>;
  const perDay = days.map(() => 0);
  let total = 0;
  for (const r of rows) {
    const i = dayIndex(p, r.resolved_at);
    const d = days[i];
    if (d === undefined) continue;
    const h = (Date.parse(r.resolved_at) - Date.parse(r.opened)) / HOUR_MS;
    d.resolved++;
    perDay[i] = (perDay[i] ?? 0) + h;
    total += h;
  }
  days.forEach((d, i) => (d.mttrHours = d.resolved === 0 ? null : round((perDay[i] ?? 0) / d.resolved, 2)));
  return { total, n: rows.length };
}

/**
 * Exceptions opened per day, those closed without a person (resolved as they opened, class A, whoever imported the
 * file; or later by a system: resolved by new data), and the ten most frequent codes with their weekly counts.
 */
function openings(db: LedgerDb, p: MetricsDays, days: MetricsDay[]): MetricsSummary['top_exceptions'] {
  const rows = db
    .prepare(
      `SELECT coalesce(opened_at, created_at) AS opened, code,
         state = 'resolved' AND (resolved_by LIKE 'system:%' OR resolved_at = coalesce(opened_at, created_at)) AS auto FROM exceptions
       WHERE coalesce(opened_at, created_at) >= ? AND coalesce(opened_at, created_at) < ?`,
    )
    .all(p.starts[0], p.end) as Array<{ opened: string; code: string; auto: number }>;
  const weeks = [...new Set(p.days.map(weekOf))];
  const byCode = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const i = dayIndex(p, r.opened);
    const d = days[i];
    if (d === undefined) continue;
    d.opened++;
    if (r.auto === 1) d.autoResolved++;
    const perWeek = byCode.get(r.code) ?? new Map<string, number>();
    const week = weekOf(d.date);
    perWeek.set(week, (perWeek.get(week) ?? 0) + 1);
    byCode.set(r.code, perWeek);
  }
  return [...byCode]
    .map(([code, perWeek]) => ({
      code,
      count: [...perWeek.values()].reduce((a, b) => a + b, 0),
      trend: weeks.map((week) => ({ week, count: perWeek.get(week) ?? 0 })),
    }))
    .sort((a, b) => b.count - a.count || (a.code < b.code ? -1 : 1))
    .slice(0, 10);
}

function manualActions(db: LedgerDb, p: MetricsDays, days: MetricsDay[]): void {
  const rows = db
    .prepare(
      `SELECT created_at FROM journal WHERE created_at >= ? AND created_at < ? AND substr(actor, 1, 5) = 'user:' AND entry_type IN (${MANUAL_TYPES_SQL})`,
    )
    .pluck()
    .all(p.starts[0], p.end) as string[];
  for (const at of rows) {
    const d = days[dayIndex(p, at)];
    if (d !== undefined) d.manualActions++;
  }
}

/**
 * Exceptions above the policy gate in the reporting currency, open at each day's end (or at `asOf`, if sooner): opened
 * by then and neither resolved nor ended by then. The summary's figure is the last day's.
 */
function highValue(db: LedgerDb, settings: WorkspaceSettings, p: MetricsDays, days: MetricsDay[], asOf: string): MetricsSummary['high_value_open'] {
  const rows = db
    .prepare(
      `SELECT coalesce(opened_at, created_at) AS opened, resolved_at, ended_at, abs(amount_minor) AS value FROM exceptions
       WHERE currency = ? AND abs(amount_minor) > ? AND coalesce(opened_at, created_at) < ?`,
    )
    .all(settings.reporting_currency, policyGateMinor(settings), p.end) as Array<{
    opened: string;
    resolved_at: string | null;
    ended_at: string | null;
    value: number;
  }>;
  const asOfMs = Date.parse(asOf);
  days.forEach((d, i) => {
    const t = Math.min(Date.parse((p.starts[i + 1] ?? p.end) as string), asOfMs + 1);
    for (const r of rows) {
      const closed = (at: string | null): boolean => at !== null && Date.parse(at) < t;
      if (Date.parse(r.opened) < t && !closed(r.resolved_at) && !closed(r.ended_at)) {
        d.highValueOpen++;
        d.highValueMinor += r.value;
      }
    }
  });
  const last = days[days.length - 1] as MetricsDay;
  return { count: last.highValueOpen, value_minor: last.highValueMinor };
}
