// The matches grid (active matches in the review period, filtered and sorted in SQL) and one match in detail.
import type { z } from 'zod';
import type { LedgerDb } from '../ledger/database.ts';
import type { MatchDetail, MatchRow, MatchesViewSchema, Period } from '../../shared/api/contract.ts';
import { matchHistory } from '../matching/decisions.ts';
import { eventDetails, explanationSummary, historyEntries, toExplanation, withCreatingRun } from './eventDetails.ts';
import { readMatchExplanation } from '../matching/engine/explain.ts';
import { EVENT_LINE_COLUMNS, containsPattern, notFound, pageBounds, toEventLine, type EventLineRow } from './reviewSupport.ts';
import { businessDateOf, eventInPeriod } from './businessTime.ts';
import { humanExplanation, humanSummary } from './explanationWords.ts';
import { BANK_LINE_KINDS } from '../../shared/time/period.ts';

/** What the grid shows (filter, sort, period), paged or not. */
export type MatchesView = z.output<typeof MatchesViewSchema>;
type SortField = MatchesView['sort'][number]['field'];

/** Events shown in a grid row; eventCount says how many the match has. */
const ROW_EVENTS = 3;
/** Events shown in full in the detail (a payout's items can run to thousands); eventCount says how many. */
export const MAX_DETAIL_EVENTS = 100;

/** Sum of the left side's amounts: read per match, so sorting by it reads every filtered match's events. */
const LEFT_AMOUNT_SQL = `(SELECT sum(e.amount_minor) FROM match_members mm CROSS JOIN events e ON e.seq = mm.event_seq
  WHERE mm.match_seq = m.seq AND mm.side = 'left')`;

const SORT_SQL: Record<SortField, { expr: string; nullable: boolean }> = {
  createdAt: { expr: 'm.created_at', nullable: false },
  link: { expr: 'm.link', nullable: false },
  status: { expr: 'm.status', nullable: false },
  ruleId: { expr: 'm.rule_id', nullable: true },
  score: { expr: 'm.score', nullable: true },
  amountMinor: { expr: LEFT_AMOUNT_SQL, nullable: false },
};

interface StoredMatchRow {
  seq: number;
  match_id: string;
  link: string;
  status: string;
  origin: string;
  rule_id: string | null;
  rule_set_id: string | null;
  rule_version: number | null;
  score: number | null;
  explanation: string;
  created_at: string;
  created_by: string;
  created_run_id: string | null;
  ended_at: string | null;
  ended_by: string | null;
  end_reason: string | null;
}

const BANK_KINDS_SQL = BANK_LINE_KINDS.map((k) => `'${k}'`).join(', ');

/**
 * A match is in the period by its business date: its left side's earliest event's (the order, refund, dispute or
 * payout it ties). Found from the period's events through match_members_by_event (a cost of the period, not of the
 * ledger), then kept only when no left event of it is earlier than the period.
 */
function periodClause(period: Period | undefined, timeZone: string): { sql: string; params: Record<string, unknown> } | null {
  if (period === undefined) return null;
  const inPeriod = eventInPeriod(period, timeZone);
  return {
    sql: `m.seq IN (SELECT mm.match_seq FROM events e CROSS JOIN match_members mm ON mm.event_seq = e.seq WHERE ${inPeriod.sql} AND mm.side = 'left')
      AND NOT EXISTS (SELECT 1 FROM match_members mm CROSS JOIN events e ON e.seq = mm.event_seq WHERE mm.match_seq = m.seq AND mm.side = 'left'
        AND CASE WHEN e.kind IN (${BANK_KINDS_SQL}) AND e.local_date IS NOT NULL THEN e.local_date < @pFromDate ELSE e.occurred_at < @pFrom END)`,
    params: inPeriod.params,
  };
}

function whereClause(view: Pick<MatchesView, 'filter' | 'period'>, timeZone: string): { sql: string; params: Record<string, unknown> } {
  const filter = view.filter;
  const parts = ['m.ended_at IS NULL'];
  const params: Record<string, unknown> = {};
  const inPeriod = periodClause(view.period, timeZone);
  if (inPeriod !== null) {
    parts.push(inPeriod.sql);
    Object.assign(params, inPeriod.params);
  }
  if (filter.statuses !== undefined) {
    parts.push('m.status IN (SELECT value FROM json_each(@statuses))');
    params.statuses = JSON.stringify(filter.statuses);
  }
  if (filter.links !== undefined) {
    parts.push('m.link IN (SELECT value FROM json_each(@links))');
    params.links = JSON.stringify(filter.links);
  }
  const search = filter.search?.trim() ?? '';
  if (search !== '') {
    // Match ids by substring, rule ids exactly; events by external id or order ref through their indexes (a
    // leading "#" of an order number is ignored), then their matches through match_members_by_event.
    parts.push(`(m.match_id LIKE @like ESCAPE '\\' OR m.rule_id = @q OR m.seq IN (
      SELECT mm.match_seq FROM match_members mm WHERE mm.event_seq IN (
        SELECT e.seq FROM events e WHERE e.order_ref = @orderRef
        UNION SELECT e.seq FROM events e WHERE e.source IN (SELECT source FROM import_batches) AND e.external_id = @q)))`);
    params.q = search;
    params.like = containsPattern(search);
    params.orderRef = search.replace(/^#/, '');
  }
  return { sql: parts.join(' AND '), params };
}

function orderBy(sort: MatchesView['sort']): string {
  const keys = sort.length === 0 ? [{ field: 'createdAt' as const, dir: 'desc' as const }] : sort;
  const terms = keys.flatMap(({ field, dir }) => {
    const s = SORT_SQL[field];
    const d = dir === 'desc' ? 'DESC' : 'ASC';
    return s.nullable ? [`(${s.expr} IS NULL)`, `${s.expr} ${d}`] : [`${s.expr} ${d}`];
  });
  return [...terms, 'm.match_id ASC'].join(', ');
}

/**
 * One page of the active matches, filtered and sorted (ties by match id), and the size of the filtered set. The page
 * scans the table (NOT INDEXED) unless a link filter can seek matches_active: walking that index for
 * `ended_at IS NULL` alone fetches every row in index order, slower than the scan the sort needs anyway.
 */
export function queryMatches(
  db: LedgerDb,
  request: MatchesView & { startRow: number; endRow: number },
  timeZone: string,
): { rows: MatchRow[]; totalRows: number } {
  const where = whereClause(request, timeZone);
  const { limit, offset } = pageBounds(request);
  const source = tableFor(request);
  return db.transaction(() => {
    const totalRows = db.prepare(`SELECT count(*) FROM matches m WHERE ${where.sql}`).pluck().get(where.params) as number;
    const ids =
      limit === 0 || offset >= totalRows
        ? []
        : (db
            .prepare(`SELECT m.match_id FROM ${source} WHERE ${where.sql} ORDER BY ${orderBy(request.sort)} LIMIT @limit OFFSET @offset`)
            .pluck()
            .all({ ...where.params, limit, offset }) as string[]);
    const byId = db.prepare('SELECT * FROM matches WHERE match_id = ?');
    const reader = matchRowReader(db, timeZone);
    return { rows: ids.map((id) => reader(byId.get(id) as StoredMatchRow)), totalRows };
  })();
}

function tableFor(view: MatchesView): string {
  return `matches m${view.filter.links === undefined ? ' NOT INDEXED' : ''}`;
}

/** Every row of the view in its order, read in one statement (an export of the grid as it stands). */
export function* matchesInView(db: LedgerDb, view: MatchesView, timeZone: string): Generator<MatchRow> {
  const where = whereClause(view, timeZone);
  const reader = matchRowReader(db, timeZone);
  const rows = db.prepare(`SELECT m.* FROM ${tableFor(view)} WHERE ${where.sql} ORDER BY ${orderBy(view.sort)}`).iterate(where.params);
  for (const row of rows as Iterable<StoredMatchRow>) yield reader(row);
}

/**
 * Who, what and which order a match reads as: its left side's (the order, refund, dispute or payout it ties), else its
 * right side's when that is one event (a payout's bank line). A payout's hundreds of items name customers, not the
 * payout, so they are never read.
 */
function readable(
  events: readonly MatchRow['events'][number][],
  rightCount: number,
  field: 'counterparty' | 'description' | 'orderRef',
): string | null {
  const left = events.find((e, i) => i === 0 && e[field] !== null);
  if (left !== undefined) return left[field];
  const first = events[0];
  for (const e of events) if (e !== first && e[field] !== null && rightCount === 1) return e[field];
  return null;
}

/**
 * Builds grid rows. A payout's match holds thousands of items: the first events are chosen from the member rows alone
 * (left side first, then first imported) and only the left side's events are read for the amount.
 */
function matchRowReader(db: LedgerDb, timeZone: string): (m: StoredMatchRow) => MatchRow {
  const firstEvents = db.prepare(
    `SELECT ${EVENT_LINE_COLUMNS} FROM (SELECT event_seq, side FROM match_members WHERE match_seq = ? ORDER BY side, event_seq LIMIT ${ROW_EVENTS}) f
     CROSS JOIN events e ON e.seq = f.event_seq ORDER BY f.side, e.occurred_at, e.event_id`,
  );
  const eventCount = db.prepare('SELECT count(*) FROM match_members WHERE match_seq = ?').pluck();
  const rightEvents = db.prepare("SELECT count(*) FROM match_members WHERE match_seq = ? AND side = 'right'").pluck();
  const left = db.prepare(
    `SELECT coalesce(sum(e.amount_minor), 0) AS amount, min(e.currency) AS currency
     FROM match_members mm CROSS JOIN events e ON e.seq = mm.event_seq WHERE mm.match_seq = ? AND mm.side = 'left'`,
  );
  const earliestLeft = db.prepare(
    `SELECT e.kind, e.occurred_at, CASE WHEN e.kind IN (${BANK_KINDS_SQL}) THEN e.local_date END AS local_date
     FROM match_members mm CROSS JOIN events e ON e.seq = mm.event_seq WHERE mm.match_seq = ? AND mm.side = 'left' ORDER BY e.occurred_at, e.seq LIMIT 1`,
  );
  return (m) => {
    const l = left.get(m.seq) as { amount: number; currency: string | null };
    const events = (firstEvents.all(m.seq) as EventLineRow[]).map(toEventLine);
    const anchor = earliestLeft.get(m.seq) as { kind: MatchRow['kind']; occurred_at: string; local_date: string | null } | undefined;
    const currency = l.currency ?? events[0]?.currency ?? 'XXX';
    const rightCount = rightEvents.get(m.seq) as number;
    return {
      matchId: m.match_id,
      link: m.link,
      status: m.status as MatchRow['status'],
      origin: m.origin as MatchRow['origin'],
      ruleId: m.rule_id,
      ruleVersion: m.rule_version,
      score: m.score,
      amountMinor: l.amount,
      currency,
      kind: anchor?.kind ?? events[0]?.kind ?? 'order',
      businessDate: anchor === undefined ? m.created_at.slice(0, 10) : businessDateOf(anchor.occurred_at, anchor.local_date, timeZone),
      events,
      eventCount: eventCount.get(m.seq) as number,
      counterparty: readable(events, rightCount, 'counterparty'),
      description: readable(events, rightCount, 'description'),
      orderRef: readable(events, rightCount, 'orderRef'),
      summary: humanSummary(explanationSummary(readMatchExplanation(db, m)), currency),
      createdAt: m.created_at,
      createdBy: m.created_by,
    };
  };
}

/** A match (active or ended) with its events (left side first), explanation and journal history. */
export function matchDetail(db: LedgerDb, matchId: string, timeZone: string): MatchDetail {
  return db.transaction(() => {
    const m = db.prepare('SELECT * FROM matches WHERE match_id = ?').get(matchId) as StoredMatchRow | undefined;
    if (m === undefined) throw notFound('match', matchId);
    const members = db
      .prepare(
        `SELECT e.event_id, mm.side FROM match_members mm CROSS JOIN events e ON e.seq = mm.event_seq
         WHERE mm.match_seq = ? ORDER BY mm.side, e.occurred_at, e.event_id LIMIT ${MAX_DETAIL_EVENTS}`,
      )
      .all(m.seq) as Array<{ event_id: string; side: 'left' | 'right' }>;
    const row = matchRowReader(db, timeZone)(m);
    const details = eventDetails(
      db,
      members.map((x) => x.event_id),
    );
    return {
      match: { ...row, endedAt: m.ended_at, endedBy: m.ended_by, endReason: m.end_reason },
      events: details.map((d, i) => ({ ...d, side: (members[i] as { side: 'left' | 'right' }).side })),
      explanation: humanExplanation(toExplanation(db, readMatchExplanation(db, m), m), row.currency),
      history: withCreatingRun(db, m.created_run_id, historyEntries(matchHistory(db, matchId)), 'made'),
    };
  })();
}
