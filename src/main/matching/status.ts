// `tieout status`: how reconciled a workspace is right now, computed from the projections, and its CLI text.
import type { LedgerDb } from '../ledger/database.ts';
import type { WorkspaceSettings } from '../../shared/workspace/settings.ts';
import type { EventKind } from '../../shared/events/canonicalEvent.ts';
import { formatAmount, numberStyleForLocale } from '../../shared/money/amountText.ts';
import { OPEN_STATES_SQL } from '../../shared/exceptions/states.ts';
import { awaitingGroups, type AwaitingGroup } from './awaitingGroups.ts';

export type { AwaitingGroup };

/**
 * Kinds the order-to-cash chain must account for: orders, payments, refunds, disputes, fees
 * (stand-alone fee lines are payout items), payouts, and bank lines both ways — the engine raises
 * every unexplained bank debit as UNKNOWN_BANK_LINE, so the rate counts them too. Ad spend,
 * fulfillment and adjustments are outside the chain and never count as unmatched. Counting is by
 * kind only: a pending (unpaid) order without a payment counts as unmatched.
 */
export const MATCHABLE_KINDS: readonly EventKind[] = ['order', 'payment', 'refund', 'dispute', 'fee', 'payout', 'bank_credit', 'bank_debit'];

export { OPEN_EXCEPTION_STATES } from '../../shared/exceptions/states.ts';

export interface OpenExceptionGroup {
  code: string;
  class: string;
  count: number;
  /** Sum of |amount_minor| per currency, in that currency's minor units. */
  amount_minor_by_currency: Record<string, number>;
}

export interface SourceImportStatus {
  source: string;
  /** finished_at of the source's latest import batch. */
  last_import_at: string;
  /** Latest business time (occurred_at) among the source's events; null when its imports brought none. */
  last_event_at: string | null;
  events: number;
}

export interface ReconciliationStatus {
  workspace: string;
  reporting_currency: string;
  matchable_kinds: readonly EventKind[];
  events_total: number;
  /** Events whose kind is in MATCHABLE_KINDS. */
  events_matchable: number;
  /** Matchable events in at least one active match (ended_at IS NULL), of any link. */
  events_matched: number;
  /** Per matchable kind, in MATCHABLE_KINDS order. */
  by_kind: KindFigures[];
  /** (events_matchable − events_matched) / events_matchable; null when nothing is matchable. */
  unmatched_rate: number | null;
  /** Unmatched matchable events that await a counterpart's feed (rules/awaiting.ts): part of the unmatched rate, not exceptions. */
  events_awaiting: number;
  /** events_awaiting / events_matchable: the share of the unmatched rate that is waiting for data, not a problem yet. */
  awaiting_rate: number | null;
  /** Events held back from a counterpart-missing exception, per code and what they wait on. */
  awaiting_total: number;
  awaiting: AwaitingGroup[];
  /**
   * Active matches + exceptions not ended (whatever their state), except a class-A exception that
   * shares an event with an active auto_resolved match: that is the match's own finding
   * (ROUNDING_DIFF, TIMING_DIFF recorded beside it), one decision, counted once as the match.
   * A DUPLICATE_RECORD (a re-delivered record the import collapsed) is its own decision even then.
   */
  decisions_total: number;
  /** Among those: matches with status auto_resolved + class-A exceptions that no policy gate holds. */
  decisions_auto_resolved: number;
  /** decisions_auto_resolved / decisions_total; null when there is no decision yet. */
  auto_resolve_rate: number | null;
  open_exceptions_total: number;
  open_exceptions_by_code_and_class: OpenExceptionGroup[];
  /** Per currency, the sum of |amount_minor| of open exceptions; currencies are never added together. */
  value_at_stake: Record<string, number>;
  oldest_open_exception_at: string | null;
  last_import_by_source: SourceImportStatus[];
  last_run: { run_id: string; mode: string; rule_set_id: string; rule_version: number; finished_at: string } | null;
}

const OPEN_SQL = `ended_at IS NULL AND state IN (${OPEN_STATES_SQL})`;
const KINDS_SQL = MATCHABLE_KINDS.map((k) => `'${k}'`).join(', ');

/** Matchable events of one kind, and how many of them sit in an active match. */
export interface KindFigures {
  kind: EventKind;
  matchable: number;
  matched: number;
}

function eventFigures(
  db: LedgerDb,
): Pick<ReconciliationStatus, 'events_total' | 'events_matchable' | 'events_matched' | 'unmatched_rate' | 'by_kind'> {
  // Index-only: kinds from an index on events, matched seqs (the events' rowids) from the active matches' member
  // rows. Reading the events rows themselves (wide: attributes) cost seconds on a large ledger.
  const counted = db
    .prepare(
      `SELECT e.kind, count(*) AS matchable, coalesce(sum(e.seq IN (
         SELECT mm.event_seq FROM matches m CROSS JOIN match_members mm ON mm.match_seq = m.seq WHERE m.ended_at IS NULL)), 0) AS matched
       FROM events e WHERE e.kind IN (${KINDS_SQL}) AND e.seq NOT IN (SELECT event_seq FROM superseded_events) GROUP BY e.kind`,
    )
    .all() as KindFigures[];
  const byKind = new Map(counted.map((k) => [k.kind, k]));
  const by_kind = MATCHABLE_KINDS.map((kind) => ({ kind, matchable: byKind.get(kind)?.matchable ?? 0, matched: byKind.get(kind)?.matched ?? 0 }));
  const matchable = by_kind.reduce((n, k) => n + k.matchable, 0);
  const matched = by_kind.reduce((n, k) => n + k.matched, 0);
  return {
    events_total: db.prepare('SELECT count(*) FROM events').pluck().get() as number,
    events_matchable: matchable,
    events_matched: matched,
    unmatched_rate: matchable === 0 ? null : (matchable - matched) / matchable,
    by_kind,
  };
}

function awaitingFigures(db: LedgerDb): Pick<ReconciliationStatus, 'awaiting_total' | 'awaiting' | 'events_awaiting'> {
  const { groups, total, events } = awaitingGroups(db);
  return { awaiting_total: total, awaiting: groups, events_awaiting: events };
}

function decisionFigures(db: LedgerDb): Pick<ReconciliationStatus, 'decisions_total' | 'decisions_auto_resolved' | 'auto_resolve_rate'> {
  const m = db.prepare(`SELECT count(*) AS n, coalesce(sum(status = 'auto_resolved'), 0) AS auto FROM matches WHERE ended_at IS NULL`).get() as {
    n: number;
    auto: number;
  };
  const x = db
    .prepare(
      `SELECT count(*) AS n, coalesce(sum(x.class = 'A' AND x.policy_gated = 0), 0) AS auto FROM exceptions x
       WHERE x.ended_at IS NULL AND NOT (x.class = 'A' AND x.code <> 'DUPLICATE_RECORD' AND EXISTS (
         SELECT 1 FROM exception_members xm CROSS JOIN match_members mm ON mm.event_seq = xm.event_seq CROSS JOIN matches m ON m.seq = mm.match_seq
         WHERE xm.exception_seq = x.seq AND m.ended_at IS NULL AND m.status = 'auto_resolved'))`,
    )
    .get() as { n: number; auto: number };
  const total = m.n + x.n;
  const auto = m.auto + x.auto;
  return { decisions_total: total, decisions_auto_resolved: auto, auto_resolve_rate: total === 0 ? null : auto / total };
}

type ExceptionFigures = Pick<
  ReconciliationStatus,
  'open_exceptions_total' | 'open_exceptions_by_code_and_class' | 'value_at_stake' | 'oldest_open_exception_at'
>;

function exceptionFigures(db: LedgerDb): ExceptionFigures {
  const rows = db
    .prepare(
      `SELECT code, class, currency, count(*) AS n, sum(abs(amount_minor)) AS amount
       FROM exceptions WHERE ${OPEN_SQL} GROUP BY code, class, currency ORDER BY code, class, currency`,
    )
    .all() as Array<{ code: string; class: string; currency: string; n: number; amount: number }>;
  const groups: OpenExceptionGroup[] = [];
  const atStake: Record<string, number> = {};
  let total = 0;
  for (const r of rows) {
    let g = groups[groups.length - 1];
    if (g === undefined || g.code !== r.code || g.class !== r.class) {
      g = { code: r.code, class: r.class, count: 0, amount_minor_by_currency: {} };
      groups.push(g);
    }
    g.count += r.n;
    g.amount_minor_by_currency[r.currency] = r.amount;
    atStake[r.currency] = (atStake[r.currency] ?? 0) + r.amount;
    total += r.n;
  }
  const oldest = db.prepare(`SELECT min(created_at) FROM exceptions WHERE ${OPEN_SQL}`).pluck().get() as string | null;
  return {
    open_exceptions_total: total,
    open_exceptions_by_code_and_class: groups,
    value_at_stake: sortKeys(atStake),
    oldest_open_exception_at: oldest,
  };
}

function sortKeys(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Per source: its latest import, its latest business time and its events (the dashboard's sources table reads it too). */
export function importFigures(db: LedgerDb): SourceImportStatus[] {
  return db
    .prepare(
      `SELECT b.source, max(b.finished_at) AS last_import_at,
              (SELECT max(e.occurred_at) FROM events e WHERE e.source = b.source) AS last_event_at,
              (SELECT count(*) FROM events e WHERE e.source = b.source) AS events
       FROM import_batches b GROUP BY b.source ORDER BY b.source`,
    )
    .all() as SourceImportStatus[];
}

/** The latest reconcile run, or null before the first. */
export function lastRun(db: LedgerDb): ReconciliationStatus['last_run'] {
  const row = db
    .prepare('SELECT run_id, mode, rule_set_id, rule_version, finished_at FROM recon_runs ORDER BY finished_at DESC, run_id DESC LIMIT 1')
    .get() as ReconciliationStatus['last_run'] | undefined;
  return row ?? null;
}

/** One consistent snapshot (a read transaction) of the workspace's reconciliation figures. */
export function reconciliationStatus(db: LedgerDb, settings: WorkspaceSettings): ReconciliationStatus {
  return db.transaction(() => ({
    workspace: settings.name,
    reporting_currency: settings.reporting_currency,
    matchable_kinds: MATCHABLE_KINDS,
    ...eventFigures(db),
    ...awaitingRate(db),
    ...decisionFigures(db),
    ...exceptionFigures(db),
    last_import_by_source: importFigures(db),
    last_run: lastRun(db),
  }))();
}

function awaitingRate(db: LedgerDb): Pick<ReconciliationStatus, 'awaiting_total' | 'awaiting' | 'events_awaiting' | 'awaiting_rate'> {
  const figures = awaitingFigures(db);
  const matchable = db.prepare(`SELECT count(*) FROM events WHERE kind IN (${KINDS_SQL})`).pluck().get() as number;
  return { ...figures, awaiting_rate: matchable === 0 ? null : figures.events_awaiting / matchable };
}

function percent(rate: number | null, decimal: string): string {
  return rate === null ? 'n/a' : `${(rate * 100).toFixed(1).replace('.', decimal)}%`;
}

function amounts(byCurrency: Record<string, number>, locale: string): string {
  const style = numberStyleForLocale(locale);
  const parts = Object.entries(byCurrency).map(([cur, minor]) => formatAmount(minor, cur, { style, code: 'suffix' }));
  return parts.length === 0 ? 'none' : parts.join(' + ');
}

/** The text `tieout status` prints; amounts and percentages use the locale's separators. */
export function formatStatus(status: ReconciliationStatus, locale: string): string {
  const decimal = numberStyleForLocale(locale).decimal;
  const lines = [
    `Workspace ${status.workspace} (reporting currency ${status.reporting_currency})`,
    `Events: ${status.events_total} total, ${status.events_matchable} matchable, ${status.events_matched} matched` +
      ` — unmatched rate ${percent(status.unmatched_rate, decimal)}` +
      (status.events_awaiting === 0 ? '' : ` (${percent(status.awaiting_rate, decimal)} awaiting a counterpart's feed)`),
    `  (matchable kinds: ${status.matchable_kinds.join(', ')})`,
    `Decisions: ${status.decisions_total}, ${status.decisions_auto_resolved} auto-resolved — auto-resolve rate ${percent(status.auto_resolve_rate, decimal)}`,
    `Open exceptions: ${status.open_exceptions_total}` +
      (status.oldest_open_exception_at === null ? '' : `, oldest opened ${status.oldest_open_exception_at}`),
  ];
  for (const g of status.open_exceptions_by_code_and_class) {
    lines.push(`  ${g.code.padEnd(20)} class ${g.class}  ${String(g.count).padStart(5)}  ${amounts(g.amount_minor_by_currency, locale)}`);
  }
  lines.push(`Value at stake: ${amounts(status.value_at_stake, locale)}`);
  if (status.awaiting_total > 0) {
    lines.push(`Awaiting a counterpart's feed (not exceptions yet): ${status.awaiting_total}`);
    for (const g of status.awaiting) lines.push(`  ${g.summary} (${amounts(g.amount_minor_by_currency, locale)})`);
  }
  lines.push('Last imports:');
  if (status.last_import_by_source.length === 0) lines.push('  (none yet)');
  for (const s of status.last_import_by_source) {
    lines.push(`  ${s.source.padEnd(20)} imported ${s.last_import_at}, latest event ${s.last_event_at ?? '—'}, ${s.events} events`);
  }
  const run = status.last_run;
  lines.push(
    run === null ? 'Last run: none yet' : `Last run: ${run.mode}, rules ${run.rule_set_id} v${run.rule_version}, finished ${run.finished_at}`,
  );
  return `${lines.join('\n')}\n`;
}
