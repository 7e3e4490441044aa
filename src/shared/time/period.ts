// The review period (a month or any range of calendar days in the workspace time zone) and the business date of an
// event: what every review screen, figure, chart and export filters on. Pure: the services turn a period into the
// UTC instants and calendar dates their SQL compares; the renderer labels and steps it.
import { parseDateTimeToUtc, utcInstantToLocalDate } from './dateText.ts';
import { DAY_MS } from './duration.ts';

/** Inclusive calendar days YYYY-MM-DD, read in the workspace time zone. */
export interface Period {
  from: string;
  to: string;
}

/**
 * What SQL compares a period with. Events are in the period by their business date: a bank line (bank_credit,
 * bank_debit) with a booking date by that calendar date as the bank wrote it (DESIGN §2: never converted through a
 * time zone), anything else by its occurred_at instant, in [fromInstant, toInstant). `wideFrom`/`wideTo` widen the
 * instant range by two days each way so an index range on occurred_at also reaches every booking date in the period,
 * whatever the bank's time zone.
 */
export interface PeriodBounds {
  fromDate: string;
  toDate: string;
  fromInstant: string;
  toInstant: string;
  wideFrom: string;
  wideTo: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;

export function isCalendarDate(text: string): boolean {
  const m = DATE.exec(text);
  if (m === null) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** The calendar day `days` after `date` (negative: before). */
export function addDays(date: string, days: number): string {
  const m = DATE.exec(date);
  if (m === null) throw new RangeError(`${JSON.stringify(date)} is not a calendar date YYYY-MM-DD`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The whole month YYYY-MM as a period. */
export function monthPeriod(month: string): Period {
  const m = MONTH.exec(month);
  if (m === null) throw new RangeError(`${JSON.stringify(month)} is not a month YYYY-MM`);
  const last = new Date(Date.UTC(Number(m[1]), Number(m[2]), 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}

/** The month YYYY-MM `delta` months after `month`. */
export function shiftMonth(month: string, delta: number): string {
  const m = MONTH.exec(month);
  if (m === null) throw new RangeError(`${JSON.stringify(month)} is not a month YYYY-MM`);
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1 + delta, 1));
  return d.toISOString().slice(0, 7);
}

/** The month the period is exactly, or null when it is another range. */
export function periodMonth(period: Period): string | null {
  const month = period.from.slice(0, 7);
  const whole = monthPeriod(month);
  return whole.from === period.from && whole.to === period.to ? month : null;
}

/** Every calendar day of the period, in order. */
export function periodDays(period: Period): string[] {
  const days: string[] = [];
  for (let d = period.from; d <= period.to; d = addDays(d, 1)) days.push(d);
  return days;
}

/** The UTC instant at which `date` begins in `timeZone`. */
export function startOfDay(date: string, timeZone: string): string {
  const parsed = parseDateTimeToUtc(`${date} 00:00:00`, 'YYYY-MM-DD HH:mm:ss', timeZone);
  if (!parsed.ok) throw new RangeError(parsed.error);
  return withMillis(parsed.iso);
}

/**
 * Stored instants carry `.SSS` only when their source had it; bounds always do, so text comparison orders an event
 * exactly at a bound ("…00Z" > "…00.000Z") on the right side of it, and one a millisecond before below it.
 */
function withMillis(iso: string): string {
  return iso.includes('.') ? iso : iso.replace(/Z$/, '.000Z');
}

export function periodBounds(period: Period, timeZone: string): PeriodBounds {
  const fromInstant = startOfDay(period.from, timeZone);
  const toInstant = startOfDay(addDays(period.to, 1), timeZone);
  return {
    fromDate: period.from,
    toDate: period.to,
    fromInstant,
    toInstant,
    wideFrom: new Date(Date.parse(fromInstant) - 2 * DAY_MS).toISOString(),
    wideTo: new Date(Date.parse(toInstant) + 2 * DAY_MS).toISOString(),
  };
}

export const BANK_LINE_KINDS = ['bank_credit', 'bank_debit'] as const;

/** An event's business date: a bank line's booking date as written, else the date of occurred_at in `timeZone`. */
export function businessDate(event: { kind: string; occurredAt: string; localDate: string | null }, timeZone: string): string {
  if (event.localDate !== null && (BANK_LINE_KINDS as readonly string[]).includes(event.kind)) return event.localDate;
  return utcInstantToLocalDate(event.occurredAt, timeZone);
}
