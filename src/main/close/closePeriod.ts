// A close period: one calendar month in the workspace time zone, its bounds as SQL compares them, and the business
// month of an event (a bank line by its booking date as written, anything else by its occurred_at in the zone).
import { parseDateTimeToUtc, utcInstantToLocalDate } from '../../shared/time/dateText.ts';
import { UserError } from '../../shared/errors/userError.ts';

const MONTH = /^(\d{4})-(\d{2})$/;
const DAY_MS = 86_400_000;
export const BANK_LINE_KINDS_SQL = "'bank_credit', 'bank_debit'";

export class PeriodError extends UserError {
  constructor(message: string) {
    super(message);
  }
}

/** One month and what its SQL compares: calendar dates (booking dates), UTC instants, and a two-day wider instant range. */
export interface ClosePeriod {
  month: string;
  timeZone: string;
  fromDate: string;
  toDate: string;
  /** Where the month starts and the next begins in the time zone, as UTC instants with milliseconds (see atBound). */
  fromInstant: string;
  toInstant: string;
  /** The instant range widened by two days each way: an index range on occurred_at that reaches every booking date in the month. */
  wideFrom: string;
  wideTo: string;
}

/** `--period 2026-10` checked: a real month. */
export function parseMonth(text: string): string {
  const m = MONTH.exec(text.trim());
  if (m === null || Number(m[2]) < 1 || Number(m[2]) > 12) throw new PeriodError(`period "${text}" is not a month YYYY-MM (e.g. 2026-10)`);
  return `${m[1]}-${m[2]}`;
}

/** The month `delta` months after `month`. */
export function shiftMonth(month: string, delta: number): string {
  const m = MONTH.exec(month);
  if (m === null) throw new RangeError(`${month} is not a month YYYY-MM`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1 + delta, 1)).toISOString().slice(0, 7);
}

/**
 * Stored instants carry `.SSS` only when their source had it; bounds always do, so text comparison puts an event exactly
 * at a bound ("…00Z" > "…00.000Z") inside the month it starts.
 */
function atBound(iso: string): string {
  return iso.includes('.') ? iso : iso.replace(/Z$/, '.000Z');
}

function startOfDay(date: string, timeZone: string): string {
  const parsed = parseDateTimeToUtc(`${date} 00:00:00`, 'YYYY-MM-DD HH:mm:ss', timeZone);
  if (!parsed.ok) throw new PeriodError(parsed.error);
  return atBound(parsed.iso);
}

export function closePeriod(month: string, timeZone: string): ClosePeriod {
  const m = parseMonth(month);
  const next = shiftMonth(m, 1);
  const last = new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 0)).getUTCDate();
  const fromInstant = startOfDay(`${m}-01`, timeZone);
  const toInstant = startOfDay(`${next}-01`, timeZone);
  return {
    month: m,
    timeZone,
    fromDate: `${m}-01`,
    toDate: `${m}-${String(last).padStart(2, '0')}`,
    fromInstant,
    toInstant,
    wideFrom: new Date(Date.parse(fromInstant) - 2 * DAY_MS).toISOString(),
    wideTo: new Date(Date.parse(toInstant) + 2 * DAY_MS).toISOString(),
  };
}

/** SQL parameters of a period, for statements that use `inPeriodSql`. */
export function periodParams(p: ClosePeriod): Record<string, string> {
  return { fromDate: p.fromDate, toDate: p.toDate, fromInstant: p.fromInstant, toInstant: p.toInstant, wideFrom: p.wideFrom, wideTo: p.wideTo };
}

/**
 * An event row `e` (of the events view or event_rows) whose business date is in the period bound by `periodParams`.
 * The wide occurred_at range comes first so SQLite can take it from events_by_time.
 */
export function inPeriodSql(e: string): string {
  return (
    `(${e}.occurred_at >= @wideFrom AND ${e}.occurred_at < @wideTo AND ` +
    `CASE WHEN ${e}.kind IN (${BANK_LINE_KINDS_SQL}) AND ${e}.local_date IS NOT NULL THEN ${e}.local_date BETWEEN @fromDate AND @toDate ` +
    `ELSE ${e}.occurred_at >= @fromInstant AND ${e}.occurred_at < @toInstant END)`
  );
}

/** An event row `e` whose business date is before the period (every earlier month). */
export function beforePeriodSql(e: string): string {
  return (
    `(${e}.occurred_at < @wideTo AND CASE WHEN ${e}.kind IN (${BANK_LINE_KINDS_SQL}) AND ${e}.local_date IS NOT NULL ` +
    `THEN ${e}.local_date < @fromDate ELSE ${e}.occurred_at < @fromInstant END)`
  );
}

/** An event row `e` that a later revision of its record has not superseded (migration 9): what balances count. */
export function currentRevisionSql(e: string): string {
  return `${e}.seq NOT IN (SELECT event_seq FROM superseded_events)`;
}

/** The business month of an event. */
export function businessMonth(kind: string, occurredAt: string, localDate: string | null, timeZone: string): string {
  if (localDate !== null && (kind === 'bank_credit' || kind === 'bank_debit')) return localDate.slice(0, 7);
  return utcInstantToLocalDate(occurredAt, timeZone).slice(0, 7);
}

/** The business date (YYYY-MM-DD) of an event. */
export function businessDate(kind: string, occurredAt: string, localDate: string | null, timeZone: string): string {
  if (localDate !== null && (kind === 'bank_credit' || kind === 'bank_debit')) return localDate;
  return utcInstantToLocalDate(occurredAt, timeZone);
}
