// Small pieces the review queries share: not-found errors, page bounds, ages, event rows as the contract shows them.
//
// The queries write their joins as CROSS JOIN where one side is reached by an index from the other: SQLite then keeps
// that loop order. Left to choose, it may drive `match_members JOIN matches` from the partial index on active matches
// of a link and probe every one of them for each event.
import { ApiError, type EventLine } from '../../shared/api/contract.ts';
import { eventText } from '../../shared/events/eventText.ts';

import { DAY_MS } from '../../shared/time/duration.ts';

export { DAY_MS };

/** Columns of an EventLine, for `SELECT ${EVENT_LINE_COLUMNS} FROM events e`. */
export const EVENT_LINE_COLUMNS =
  'e.event_id, e.source, e.kind, e.external_id, e.amount_minor, e.currency, e.occurred_at, e.local_date, e.order_ref, e.customer_ref, e.attributes';

export interface EventLineRow {
  event_id: string;
  source: string;
  kind: string;
  external_id: string;
  amount_minor: number;
  currency: string;
  occurred_at: string;
  /** Absent from rows read with the engine's column list (matching/eventLoad.ts): read as null. */
  local_date?: string | null;
  order_ref?: string | null;
  customer_ref?: string | null;
  attributes?: string;
}

export function toEventLine(r: EventLineRow): EventLine {
  const text = eventText(r.attributes, r.customer_ref);
  return {
    eventId: r.event_id,
    source: r.source,
    kind: r.kind as EventLine['kind'],
    externalId: r.external_id,
    amountMinor: r.amount_minor,
    currency: r.currency,
    occurredAt: r.occurred_at,
    localDate: r.local_date ?? null,
    orderRef: r.order_ref ?? null,
    counterparty: text.counterparty,
    description: text.description,
  };
}

export function notFound(what: string, id: string): ApiError {
  return new ApiError({ kind: 'not_found', message: `${what} ${id} does not exist`, field: null });
}

/** Rows [startRow, endRow) as LIMIT/OFFSET; an empty or inverted range asks for no row. */
export function pageBounds(request: { startRow: number; endRow: number }): { limit: number; offset: number } {
  return { limit: Math.max(0, request.endRow - request.startRow), offset: request.startRow };
}

/** Days (fractional) from an ISO instant to now; never negative (a business date later today reads as 0). */
export function ageDays(createdAt: string, now: Date): number {
  return Math.max(0, (now.getTime() - Date.parse(createdAt)) / DAY_MS);
}

/** A LIKE pattern (SQLite's LIKE ignores ASCII case) matching `text` anywhere, with `\` as the escape character. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Ids in chunks small enough for one json_each parameter each. */
export function* idChunks(ids: readonly string[], size = 5000): Generator<string> {
  for (let i = 0; i < ids.length; i += size) yield JSON.stringify(ids.slice(i, i + size));
}
