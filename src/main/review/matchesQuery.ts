// The matches grid (active matches, filtered and sorted in SQL) and one match in detail.
import type { LedgerDb } from '../ledger/database.ts';
import type { MatchDetail, MatchRow, ParsedRequestOf } from '../../shared/api/contract.ts';
import { matchHistory } from '../matching/decisions.ts';
import { eventDetails, explanationSummary, historyEntries, toExplanation, withCreatingRun } from './eventDetails.ts';
import { readMatchExplanation } from '../matching/engine/explain.ts';
import { EVENT_LINE_COLUMNS, containsPattern, notFound, pageBounds, toEventLine, type EventLineRow } from './reviewSupport.ts';

type MatchesRequest = ParsedRequestOf<'matches.query'>;
type SortField = MatchesRequest['sort'][number]['field'];

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
}

function whereClause(filter: MatchesRequest['filter']): { sql: string; params: Record<string, unknown> } {
  const parts = ['m.ended_at IS NULL'];
  const params: Record<string, unknown> = {};
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

function orderBy(sort: MatchesRequest['sort']): string {
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
export function queryMatches(db: LedgerDb, request: MatchesRequest): { rows: MatchRow[]; totalRows: number } {
  const where = whereClause(request.filter);
  const { limit, offset } = pageBounds(request);
  const source = `matches m${request.filter.links === undefined ? ' NOT INDEXED' : ''}`;
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
    const reader = matchRowReader(db);
    return { rows: ids.map((id) => reader(byId.get(id) as StoredMatchRow)), totalRows };
  })();
}

/**
 * Builds grid rows. A payout's match holds thousands of items: the first events are chosen from the member rows alone
 * (left side first, then first imported) and only the left side's events are read for the amount.
 */
function matchRowReader(db: LedgerDb): (m: StoredMatchRow) => MatchRow {
  const firstEvents = db.prepare(
    `SELECT ${EVENT_LINE_COLUMNS} FROM (SELECT event_seq, side FROM match_members WHERE match_seq = ? ORDER BY side, event_seq LIMIT ${ROW_EVENTS}) f
     CROSS JOIN events e ON e.seq = f.event_seq ORDER BY f.side, e.occurred_at, e.event_id`,
  );
  const eventCount = db.prepare('SELECT count(*) FROM match_members WHERE match_seq = ?').pluck();
  const left = db.prepare(
    `SELECT coalesce(sum(e.amount_minor), 0) AS amount, min(e.currency) AS currency
     FROM match_members mm CROSS JOIN events e ON e.seq = mm.event_seq WHERE mm.match_seq = ? AND mm.side = 'left'`,
  );
  return (m) => {
    const l = left.get(m.seq) as { amount: number; currency: string | null };
    const events = (firstEvents.all(m.seq) as EventLineRow[]).map(toEventLine);
    return {
      matchId: m.match_id,
      link: m.link,
      status: m.status as MatchRow['status'],
      origin: m.origin as MatchRow['origin'],
      ruleId: m.rule_id,
      ruleVersion: m.rule_version,
      score: m.score,
      amountMinor: l.amount,
      currency: l.currency ?? events[0]?.currency ?? 'XXX',
      events,
      eventCount: eventCount.get(m.seq) as number,
      summary: explanationSummary(readMatchExplanation(db, m)),
      createdAt: m.created_at,
      createdBy: m.created_by,
    };
  };
}

/** A match (active or ended) with its events (left side first), explanation and journal history. */
export function matchDetail(db: LedgerDb, matchId: string): MatchDetail {
  return db.transaction(() => {
    const m = db.prepare('SELECT * FROM matches WHERE match_id = ?').get(matchId) as StoredMatchRow | undefined;
    if (m === undefined) throw notFound('match', matchId);
    const members = db
      .prepare(
        `SELECT e.event_id, mm.side FROM match_members mm CROSS JOIN events e ON e.seq = mm.event_seq
         WHERE mm.match_seq = ? ORDER BY mm.side, e.occurred_at, e.event_id LIMIT ${MAX_DETAIL_EVENTS}`,
      )
      .all(m.seq) as Array<{ event_id: string; side: 'left' | 'right' }>;
    const details = eventDetails(
      db,
      members.map((x) => x.event_id),
    );
    return {
      match: { ...matchRowReader(db)(m), endedAt: m.ended_at, endedBy: m.ended_by },
      events: details.map((d, i) => ({ ...d, side: (members[i] as { side: 'left' | 'right' }).side })),
      explanation: toExplanation(db, readMatchExplanation(db, m), m),
      history: withCreatingRun(db, m.created_run_id, historyEntries(matchHistory(db, matchId)), 'made'),
    };
  })();
}
