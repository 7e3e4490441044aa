// The dashboard: reconciliationStatus's figures in the contract's shape, plus ages, per-kind matching and source heartbeats.
import type { LedgerDb } from '../ledger/database.ts';
import type { Dashboard } from '../../shared/api/contract.ts';
import type { WorkspaceSettings } from '../../shared/workspace/settings.ts';
import { OPEN_EXCEPTION_STATES, reconciliationStatus } from '../matching/status.ts';
import { DAY_MS, ageDays } from './reviewSupport.ts';

const OPEN_SQL = `x.ended_at IS NULL AND x.state IN (${OPEN_EXCEPTION_STATES.map((s) => `'${s}'`).join(', ')})`;

/** Age buckets of open exceptions: ages (days since created) below `toDays` and at or above the previous bucket's. */
export const AGE_BUCKETS: ReadonlyArray<{ bucket: string; toDays: number }> = [
  { bucket: '<1d', toDays: 1 },
  { bucket: '1–3d', toDays: 3 },
  { bucket: '3–7d', toDays: 7 },
  { bucket: '7–30d', toDays: 30 },
  { bucket: '>30d', toDays: Number.POSITIVE_INFINITY },
];

type Code = Dashboard['openByCodeAndClass'][number]['code'];
type Class = Dashboard['openByCodeAndClass'][number]['class'];
type Kind = Dashboard['matchedByKind'][number]['kind'];

function money(byCurrency: Record<string, number>): Dashboard['valueAtStake'] {
  return Object.entries(byCurrency)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([currency, amountMinor]) => ({ amountMinor, currency }));
}

/** One read snapshot: the status figures and the dashboard's own ones agree with each other. */
export function dashboard(db: LedgerDb, settings: WorkspaceSettings, now: Date): Dashboard {
  return db.transaction(() => {
    const status = reconciliationStatus(db, settings);
    const oldest = db
      .prepare(`SELECT x.exception_id, x.code, x.created_at FROM exceptions x WHERE ${OPEN_SQL} ORDER BY x.created_at, x.exception_id LIMIT 1`)
      .get() as { exception_id: string; code: string; created_at: string } | undefined;
    // Bucket i holds ages in [from, to): created after now − to days, at or before now − from days.
    const buckets = db
      .prepare(
        `SELECT CASE ${AGE_BUCKETS.slice(0, -1).map((_, i) => `WHEN created_ms > @bound${i} THEN ${i}`).join(' ')} ELSE ${AGE_BUCKETS.length - 1} END AS i,
                count(*) AS n
         FROM (SELECT round(unixepoch(x.created_at, 'subsec') * 1000) AS created_ms FROM exceptions x WHERE ${OPEN_SQL}) GROUP BY i`,
      )
      .all(Object.fromEntries(AGE_BUCKETS.slice(0, -1).map((b, i) => [`bound${i}`, now.getTime() - b.toDays * DAY_MS]))) as Array<{ i: number; n: number }>;
    const openByAge = AGE_BUCKETS.map((b, i) => ({ bucket: b.bucket, count: buckets.find((x) => x.i === i)?.n ?? 0 }));
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
      reportingCurrency: status.reporting_currency,
      eventsTotal: status.events_total,
      eventsMatchable: status.events_matchable,
      eventsMatched: status.events_matched,
      unmatchedRate: status.unmatched_rate,
      decisionsTotal: status.decisions_total,
      decisionsAutoResolved: status.decisions_auto_resolved,
      autoResolveRate: status.auto_resolve_rate,
      openExceptionsTotal: status.open_exceptions_total,
      openByCodeAndClass: status.open_exceptions_by_code_and_class.map((g) => ({
        code: g.code as Code,
        class: g.class as Class,
        count: g.count,
        atStake: money(g.amount_minor_by_currency),
      })),
      valueAtStake: money(status.value_at_stake),
      oldestOpen:
        oldest === undefined
          ? null
          : { exceptionId: oldest.exception_id, code: oldest.code as Code, createdAt: oldest.created_at, ageDays: ageDays(oldest.created_at, now) },
      openByAge,
      matchedByKind: status.by_kind.map((k) => ({ kind: k.kind as Kind, matchable: k.matchable, matched: k.matched })),
      sources: status.last_import_by_source.map((s) => ({
        source: s.source,
        lastImportAt: s.last_import_at,
        lastEventAt: s.last_event_at,
        events: s.events,
        expectedEveryHours: settings.feeds?.[s.source]?.expected_every_hours ?? null,
        feedMissing: feedMissing.has(s.source),
      })),
      lastRun:
        status.last_run === null
          ? null
          : {
              runId: status.last_run.run_id,
              mode: status.last_run.mode,
              ruleSetId: status.last_run.rule_set_id,
              ruleVersion: status.last_run.rule_version,
              finishedAt: status.last_run.finished_at,
            },
    };
  })();
}
