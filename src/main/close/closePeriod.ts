// A close period: one calendar month in the workspace time zone, its bounds as SQL compares them, and the business
// month of an event (a bank line by its booking date as written, anything else by its occurred_at in the zone).
import { UserError } from '../../shared/errors/userError.ts';
import {
  BANK_LINE_KINDS,
  businessDate as eventBusinessDate,
  monthPeriod,
  periodBounds,
  shiftMonth,
  type Period,
  type PeriodBounds,
} from '../../shared/time/period.ts';
import { eventInPeriod } from '../review/businessTime.ts';

export const BANK_LINE_KINDS_SQL = BANK_LINE_KINDS.map((k) => `'${k}'`).join(', ');

const MONTH = /^(\d{4})-(\d{2})$/;

export class PeriodError extends UserError {
  constructor(message: string) {
    super(message);
  }
}

/** One month and what its SQL compares (src/shared/time/period.ts: calendar dates, instants, a two-day wider range). */
export interface ClosePeriod extends PeriodBounds {
  month: string;
  timeZone: string;
  period: Period;
}

/** `--period 2026-10` checked: a real month. */
export function parseMonth(text: string): string {
  const m = MONTH.exec(text.trim());
  if (m === null || Number(m[2]) < 1 || Number(m[2]) > 12) throw new PeriodError(`period "${text}" is not a month YYYY-MM (e.g. 2026-10)`);
  return `${m[1]}-${m[2]}`;
}

export { shiftMonth };

export function closePeriod(month: string, timeZone: string): ClosePeriod {
  const m = parseMonth(month);
  const period = monthPeriod(m);
  try {
    return { month: m, timeZone, period, ...periodBounds(period, timeZone) };
  } catch (err) {
    throw new PeriodError(err instanceof Error ? err.message : String(err));
  }
}

/** SQL parameters of a period (@pFrom, @pTo, @pFromDate, @pToDate, @pWideFrom, @pWideTo), for statements using the fragments below. */
export function periodParams(p: ClosePeriod): Record<string, unknown> {
  return eventInPeriod(p.period, p.timeZone, 'e', 'p').params;
}

/** An event row `e` whose business date is in the period: the review screens' rule (src/main/review/businessTime.ts). */
export function inPeriodSql(p: ClosePeriod, e: string): string {
  return eventInPeriod(p.period, p.timeZone, e, 'p').sql;
}

/** An event row `e` whose business date is before the period (every earlier month). */
export function beforePeriodSql(e: string): string {
  return (
    `(${e}.occurred_at < @pWideTo AND CASE WHEN ${e}.kind IN (${BANK_LINE_KINDS_SQL}) AND ${e}.local_date IS NOT NULL ` +
    `THEN ${e}.local_date < @pFromDate ELSE ${e}.occurred_at < @pFrom END)`
  );
}

/** An event row `e` that a later revision of its record has not superseded (migration 9): what balances count. */
export function currentRevisionSql(e: string): string {
  return `${e}.seq NOT IN (SELECT event_seq FROM superseded_events)`;
}

/** The business month of an event. */
export function businessMonth(kind: string, occurredAt: string, localDate: string | null, timeZone: string): string {
  return eventBusinessDate({ kind, occurredAt, localDate }, timeZone).slice(0, 7);
}

/** The business date (YYYY-MM-DD) of an event. */
export function businessDate(kind: string, occurredAt: string, localDate: string | null, timeZone: string): string {
  return eventBusinessDate({ kind, occurredAt, localDate }, timeZone);
}
