// When the business happened, as the review queries filter, sort and age by it: the period as SQL over events and
// over exceptions, and the business time kept beside each exception (migration 10).
//
// An event's business date is a bank line's booking date as the bank wrote it, else its occurred_at read in the
// workspace time zone (src/shared/time/period.ts). An exception's business time is its earliest event's: business_at
// is that event's occurred_at, business_local_date its booking date when it is a bank line.
import type { LedgerDb } from '../ledger/database.ts';
import type { Period } from '../../shared/api/contract.ts';
import { BANK_LINE_KINDS, periodBounds, type PeriodBounds } from '../../shared/time/period.ts';
import { utcInstantToLocalDate } from '../../shared/time/dateText.ts';

const BANK_KINDS_SQL = BANK_LINE_KINDS.map((k) => `'${k}'`).join(', ');

export interface SqlPart {
  sql: string;
  params: Record<string, unknown>;
}

const NO_PART: SqlPart = { sql: '1', params: {} };

/** A period's bounds as named parameters: @{p}From, @{p}To (instants), @{p}FromDate, @{p}ToDate, @{p}WideFrom, @{p}WideTo. */
function boundParams(b: PeriodBounds, p: string): Record<string, unknown> {
  return {
    [`${p}From`]: b.fromInstant,
    [`${p}To`]: b.toInstant,
    [`${p}FromDate`]: b.fromDate,
    [`${p}ToDate`]: b.toDate,
    [`${p}WideFrom`]: b.wideFrom,
    [`${p}WideTo`]: b.wideTo,
  };
}

/**
 * Events `alias` in the period. The instant range is tested first, widened by two days, so SQLite can walk an
 * occurred_at index; the exact test then takes a bank line by its booking date and anything else by its instant.
 */
export function eventInPeriod(period: Period | undefined, timeZone: string, alias = 'e', p = 'p'): SqlPart {
  if (period === undefined) return NO_PART;
  const e = alias;
  return {
    sql: `(${e}.occurred_at >= @${p}WideFrom AND ${e}.occurred_at < @${p}WideTo AND CASE WHEN ${e}.kind IN (${BANK_KINDS_SQL}) AND ${e}.local_date IS NOT NULL
      THEN ${e}.local_date BETWEEN @${p}FromDate AND @${p}ToDate ELSE ${e}.occurred_at >= @${p}From AND ${e}.occurred_at < @${p}To END)`,
    params: boundParams(periodBounds(period, timeZone), p),
  };
}

/** The same test on an exception's kept business time (call ensureExceptionBusinessTimes first). */
export function exceptionInPeriod(period: Period | undefined, timeZone: string, alias = 'x', p = 'p'): SqlPart {
  if (period === undefined) return NO_PART;
  return {
    sql: `(CASE WHEN ${alias}.business_local_date IS NOT NULL THEN ${alias}.business_local_date BETWEEN @${p}FromDate AND @${p}ToDate
      ELSE ${alias}.business_at >= @${p}From AND ${alias}.business_at < @${p}To END)`,
    params: boundParams(periodBounds(period, timeZone), p),
  };
}

/**
 * Fills business_at / business_local_date of the exceptions that have none (those written since the last call: the
 * engine leaves them NULL, and the exceptions store clears them when an exception's members change). An exception without
 * events (none is written so today) takes its creation time.
 */
export function ensureExceptionBusinessTimes(db: LedgerDb): number {
  const earliest = `FROM exception_members xm CROSS JOIN events e ON e.seq = xm.event_seq WHERE xm.exception_seq = exceptions.seq
    ORDER BY e.occurred_at, e.seq LIMIT 1`;
  return db
    .prepare(
      `UPDATE exceptions SET
         business_at = coalesce((SELECT e.occurred_at ${earliest}), created_at),
         business_local_date = (SELECT CASE WHEN e.kind IN (${BANK_KINDS_SQL}) THEN e.local_date END ${earliest})
       WHERE seq IN (SELECT seq FROM exceptions INDEXED BY exceptions_undated WHERE business_at IS NULL)`,
    )
    .run().changes;
}

/** An exception's (or a match's) business date for display: its booking date as written, else occurred_at's date there. */
export function businessDateOf(businessAt: string, localDate: string | null, timeZone: string): string {
  return localDate ?? utcInstantToLocalDate(businessAt, timeZone);
}
