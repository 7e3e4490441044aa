// The days a metrics report covers: calendar days of the workspace time zone, their start instants (so wall-clock
// times fall into days by one binary search), and the weeks (Monday to Sunday) they belong to.
import { parseDateTimeToUtc, utcInstantToLocalDate } from '../../shared/time/dateText.ts';
import { UserError } from '../../shared/errors/userError.ts';

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class MetricsPeriodError extends UserError {
  constructor(message: string) {
    super(message);
  }
}

export interface MetricsDays {
  from: string;
  to: string;
  days: string[];
  /** starts[i] is the instant days[i] begins; `end` the instant after the last day. */
  starts: string[];
  end: string;
}

function checkDate(text: string, what: string): string {
  if (!DATE.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`)) || new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) !== text) {
    throw new MetricsPeriodError(`${what}: "${text}" is not a date YYYY-MM-DD`);
  }
  return text;
}

export function addCalendarDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** The instant a calendar day begins in a time zone. */
export function dayStart(date: string, timeZone: string): string {
  const r = parseDateTimeToUtc(`${date} 00:00:00`, 'YYYY-MM-DD HH:mm:ss', timeZone);
  if (!r.ok) throw new MetricsPeriodError(r.error);
  return new Date(Date.parse(r.iso)).toISOString();
}

/** The instant the workspace's day of `instant` ends. */
export function endOfDayIn(instant: string, timeZone: string): string {
  return dayStart(addCalendarDays(utcInstantToLocalDate(instant, timeZone), 1), timeZone);
}

/** `from`..`to` inclusive (default: the 30 days ending `today`); at most 731 days. */
export function metricsDays(timeZone: string, today: string, from?: string, to?: string): MetricsDays {
  const last = checkDate(to ?? today, '--to');
  const first = checkDate(from ?? addCalendarDays(last, -29), '--from');
  if (first > last) throw new MetricsPeriodError(`--from ${first} is after --to ${last}`);
  const days: string[] = [];
  for (let d = first; d <= last; d = addCalendarDays(d, 1)) {
    days.push(d);
    if (days.length > 731) throw new MetricsPeriodError('a metrics period covers at most two years');
  }
  return { from: first, to: last, days, starts: days.map((d) => dayStart(d, timeZone)), end: dayStart(addCalendarDays(last, 1), timeZone) };
}

/** Index of the day an instant falls in, or -1 outside the period. */
export function dayIndex(p: MetricsDays, instant: string): number {
  const t = Date.parse(instant);
  if (t < Date.parse(p.starts[0] as string) || t >= Date.parse(p.end)) return -1;
  let lo = 0;
  let hi = p.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (Date.parse(p.starts[mid] as string) <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The Monday starting the week of a calendar day. */
export function weekOf(date: string): string {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  return addCalendarDays(date, -((dow + 6) % 7));
}
