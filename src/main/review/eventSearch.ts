// The event search a manual match uses: any event of the ledger (not only the engine's candidates), by kind, source,
// currency, amount, business date and text, newest first, each with the active match that already holds it.
import type { LedgerDb } from '../ledger/database.ts';
import type { ParsedRequestOf, ResponseOf } from '../../shared/api/contract.ts';
import { businessDate } from '../../shared/time/period.ts';
import { EVENT_LINE_COLUMNS, containsPattern, pageBounds, toEventLine, type EventLineRow } from './reviewSupport.ts';
import { eventInPeriod } from './businessTime.ts';
import { EVENT_TEXT_LIKE_SQL } from './eventTextSearch.ts';

/** Counting stops here: a search this broad is narrowed, not paged through. */
export const SEARCH_COUNT_CAP = 5000;

type SearchRequest = ParsedRequestOf<'events.search'>;

function whereClause(r: SearchRequest, timeZone: string): { sql: string; params: Record<string, unknown> } {
  const parts: string[] = [];
  const params: Record<string, unknown> = {};
  const inPeriod = eventInPeriod(r.period, timeZone);
  if (r.period !== undefined) {
    parts.push(inPeriod.sql);
    Object.assign(params, inPeriod.params);
  }
  if (r.kinds !== undefined && r.kinds.length > 0) {
    parts.push('e.kind IN (SELECT value FROM json_each(@kinds))');
    params.kinds = JSON.stringify(r.kinds);
  }
  if (r.sources !== undefined && r.sources.length > 0) {
    parts.push('e.source IN (SELECT value FROM json_each(@sources))');
    params.sources = JSON.stringify(r.sources);
  }
  if (r.currency !== undefined) {
    parts.push('e.currency = @currency');
    params.currency = r.currency;
  }
  if (r.amountMinMinor !== undefined) {
    parts.push('abs(e.amount_minor) >= @amountMin');
    params.amountMin = r.amountMinMinor;
  }
  if (r.amountMaxMinor !== undefined) {
    parts.push('abs(e.amount_minor) <= @amountMax');
    params.amountMax = r.amountMaxMinor;
  }
  const text = r.text?.trim() ?? '';
  if (text !== '') {
    // Ids and refs exactly (a leading "#" of an order number ignored), who and what by substring.
    parts.push(`(e.external_id = @q OR e.order_ref = @orderRef OR e.payout_ref = @q OR e.trace_id = @q OR e.event_id = @q
      OR e.customer_ref LIKE @like ESCAPE '\\' OR ${EVENT_TEXT_LIKE_SQL})`);
    params.q = text;
    params.orderRef = text.replace(/^#/, '');
    params.like = containsPattern(text);
  }
  if (r.link !== undefined) params.link = r.link;
  if (r.freeOnly === true && r.link !== undefined) parts.push(`${HOLDING_MATCH} IS NULL`);
  return { sql: parts.length === 0 ? '1' : parts.join(' AND '), params };
}

/** The active match (of @link when given) holding event e, through match_members_by_event. */
const HOLDING_MATCH = `(SELECT m.match_id FROM match_members mm CROSS JOIN matches m ON m.seq = mm.match_seq
  WHERE mm.event_seq = e.seq AND m.ended_at IS NULL AND (@link IS NULL OR m.link = @link) ORDER BY m.match_id LIMIT 1)`;

export function searchEvents(db: LedgerDb, r: SearchRequest, timeZone: string): ResponseOf<'events.search'> {
  const where = whereClause(r, timeZone);
  const params = { link: null, ...where.params };
  const { limit, offset } = pageBounds(r);
  return db.transaction(() => {
    const totalRows = db
      .prepare(`SELECT count(*) FROM (SELECT 1 FROM events e WHERE ${where.sql} LIMIT ${SEARCH_COUNT_CAP + 1})`)
      .pluck()
      .get(params) as number;
    const rows = db
      .prepare(
        `SELECT ${EVENT_LINE_COLUMNS}, ${HOLDING_MATCH} AS matched_in FROM events e WHERE ${where.sql}
         ORDER BY e.occurred_at DESC, e.seq DESC LIMIT @limit OFFSET @offset`,
      )
      .all({ ...params, limit, offset }) as Array<EventLineRow & { matched_in: string | null }>;
    return {
      totalRows,
      rows: rows.map((row) => {
        const line = toEventLine(row);
        return { ...line, businessDate: businessDate(line, timeZone), matchedIn: row.matched_in };
      }),
    };
  })();
}
