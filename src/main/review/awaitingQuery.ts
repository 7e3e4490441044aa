// The events of a review period that await a counterpart's feed (DESIGN §5; the engine keeps them in `awaiting`):
// their groups and sentences, the grid of them filtered and paged in SQL, and one of them in full.
import type { LedgerDb } from '../ledger/database.ts';
import type { AwaitingRow, AwaitingSummary, ParsedRequestOf, Period, ResponseOf } from '../../shared/api/contract.ts';
import { businessDate } from '../../shared/time/period.ts';
import { awaitingGroups, awaitingReason, sourceWatermarks, waitingOn, type AwaitingGroup, type AwaitingSource } from '../matching/awaitingGroups.ts';
import { eventInPeriod } from './businessTime.ts';
import { EVENT_LINE_COLUMNS, containsPattern, notFound, pageBounds, toEventLine, type EventLineRow } from './reviewSupport.ts';
import { EVENT_TEXT_LIKE_SQL } from './eventTextSearch.ts';
import { eventDetails } from './eventDetails.ts';

type QueryRequest = ParsedRequestOf<'awaiting.query'>;
/** The grid as it stands (period, filter, sort): a query without its page, or an export. */
type AwaitingView = Pick<QueryRequest, 'period' | 'filter' | 'sort'>;
type Code = AwaitingRow['code'];
type Kind = AwaitingRow['kind'];

function sources(list: readonly AwaitingSource[]): AwaitingRow['waitingOn'] {
  return list.map((s) => ({ source: s.source, deliveredThrough: s.delivered_through }));
}

function money(byCurrency: Record<string, number>): AwaitingSummary['groups'][number]['amount'] {
  return Object.entries(byCurrency)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([currency, amountMinor]) => ({ amountMinor, currency }));
}

function toGroup(g: AwaitingGroup): AwaitingSummary['groups'][number] {
  return {
    code: g.code as Code,
    kind: g.kind as Kind,
    count: g.count,
    amount: money(g.amount_minor_by_currency),
    waitingOn: sources(g.waiting_on),
    firstUntil: g.first_until,
    summary: g.summary,
  };
}

/** The period's awaiting events per code, kind and sources waited on; `period` undefined: the whole ledger. */
export function awaitingSummary(db: LedgerDb, period: Period | undefined, timeZone: string): AwaitingSummary {
  const inPeriod = eventInPeriod(period, timeZone);
  const { groups, events } = awaitingGroups(db, period === undefined ? undefined : inPeriod);
  return { events, groups: groups.map(toGroup) };
}

function whereClause(r: AwaitingView, timeZone: string): { sql: string; params: Record<string, unknown> } {
  const parts: string[] = [];
  const params: Record<string, unknown> = {};
  if (r.period !== undefined) {
    const inPeriod = eventInPeriod(r.period, timeZone);
    parts.push(inPeriod.sql);
    Object.assign(params, inPeriod.params);
  }
  const f = r.filter;
  if (f.codes !== undefined && f.codes.length > 0) {
    parts.push('a.code IN (SELECT value FROM json_each(@codes))');
    params.codes = JSON.stringify(f.codes);
  }
  if (f.kinds !== undefined && f.kinds.length > 0) {
    parts.push('e.kind IN (SELECT value FROM json_each(@kinds))');
    params.kinds = JSON.stringify(f.kinds);
  }
  if (f.waitingOn !== undefined) {
    // waits_on is the sources space-separated, in order; a source name holds no space.
    parts.push("(' ' || a.waits_on || ' ') LIKE @waitingOn ESCAPE '\\'");
    params.waitingOn = containsPattern(` ${f.waitingOn} `);
  }
  const text = f.search?.trim() ?? '';
  if (text !== '') {
    parts.push(`(e.external_id = @q OR e.order_ref = @orderRef OR e.payout_ref = @q OR e.trace_id = @q OR e.event_id = @q
      OR e.customer_ref LIKE @like ESCAPE '\\' OR ${EVENT_TEXT_LIKE_SQL})`);
    params.q = text;
    params.orderRef = text.replace(/^#/, '');
    params.like = containsPattern(text);
  }
  return { sql: parts.length === 0 ? '1' : parts.join(' AND '), params };
}

const SORT_SQL: Record<NonNullable<QueryRequest['sort']>[number]['field'], string> = {
  businessDate: 'e.occurred_at',
  amountMinor: 'abs(e.amount_minor)',
  code: 'a.code',
  until: 'a.until',
  source: 'e.source',
};

function orderBy(r: AwaitingView): string {
  const sort = r.sort;
  const keys = sort.map((s) => `${SORT_SQL[s.field]} ${s.dir === 'desc' ? 'DESC' : 'ASC'}`);
  if (sort.length === 0) keys.push('e.occurred_at ASC');
  keys.push('e.seq ASC', 'a.code ASC');
  return keys.join(', ');
}

type AwaitingDbRow = EventLineRow & { code: string; waits_on: string; until: string };

function toRow(row: AwaitingDbRow, watermarks: ReadonlyMap<string, string | null>, timeZone: string): AwaitingRow {
  const line = toEventLine(row);
  const on = waitingOn(row.waits_on, watermarks);
  return {
    ...line,
    businessDate: businessDate(line, timeZone),
    code: row.code as Code,
    waitingOn: sources(on),
    until: row.until,
    reason: awaitingReason(row.code, row.kind, on),
  };
}

const FROM = 'FROM awaiting a CROSS JOIN events e ON e.seq = a.event_seq';
const COLUMNS = `${EVENT_LINE_COLUMNS}, a.code, a.waits_on, a.until`;

export function queryAwaiting(db: LedgerDb, r: QueryRequest, timeZone: string): ResponseOf<'awaiting.query'> {
  const where = whereClause(r, timeZone);
  const { limit, offset } = pageBounds(r);
  return db.transaction(() => {
    const totalRows = db.prepare(`SELECT count(*) ${FROM} WHERE ${where.sql}`).pluck().get(where.params) as number;
    const rows = db
      .prepare(`SELECT ${COLUMNS} ${FROM} WHERE ${where.sql} ORDER BY ${orderBy(r)} LIMIT @limit OFFSET @offset`)
      .all({ ...where.params, limit, offset }) as AwaitingDbRow[];
    const watermarks = sourceWatermarks(db);
    return { totalRows, rows: rows.map((row) => toRow(row, watermarks, timeZone)) };
  })();
}

/** Every row of the view, in its order (an export; the caller holds the read transaction). */
export function* awaitingInView(db: LedgerDb, view: AwaitingView, timeZone: string): Generator<AwaitingRow> {
  const where = whereClause(view, timeZone);
  const watermarks = sourceWatermarks(db);
  const rows = db.prepare(`SELECT ${COLUMNS} ${FROM} WHERE ${where.sql} ORDER BY ${orderBy(view)}`).iterate(where.params);
  for (const row of rows as Iterable<AwaitingDbRow>) yield toRow(row, watermarks, timeZone);
}

/** One awaiting event: its full detail and, per code it would become, what it waits on. Not awaiting: not_found. */
export function awaitingDetail(db: LedgerDb, eventId: string, timeZone: string): ResponseOf<'awaiting.detail'> {
  return db.transaction(() => {
    const rows = db
      .prepare(`SELECT ${COLUMNS} FROM events e CROSS JOIN awaiting a ON a.event_seq = e.seq WHERE e.event_id = ? ORDER BY a.code`)
      .all(eventId) as AwaitingDbRow[];
    const event = eventDetails(db, [eventId])[0];
    if (rows.length === 0 || event === undefined) throw notFound('Awaiting event', eventId);
    const watermarks = sourceWatermarks(db);
    const waits = rows.map((row) => {
      const full = toRow(row, watermarks, timeZone);
      return { code: full.code, waitingOn: full.waitingOn, until: full.until, reason: full.reason };
    });
    return { event, waits };
  })();
}
