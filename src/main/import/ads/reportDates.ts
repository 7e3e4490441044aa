// Calendar dates as ad platforms and their billing pages write them: ISO, `Oct 1, 2026`, `1 October 2026`,
// with or without a weekday, and slashed dates read month-first or day-first as the report's language says.
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

export type SlashOrder = 'mdy' | 'dmy';

const pad = (n: number): string => String(n).padStart(2, '0');

function valid(y: number, m: number, d: number): string | null {
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1000 || y > 9999) return null;
  const t = new Date(Date.UTC(y, m - 1, d));
  if (t.getUTCMonth() !== m - 1) return null;
  return `${y}-${pad(m)}-${pad(d)}`;
}

function monthNumber(word: string): number {
  const i = MONTHS.indexOf(word.slice(0, 3).toLowerCase());
  return i < 0 ? 0 : i + 1;
}

/** A calendar date `YYYY-MM-DD`, or null when the text is not one. A time after the date is ignored here. */
export function reportDate(text: string, slash: SlashOrder = 'mdy'): string | null {
  const t = text.trim().replace(/^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+/i, '');
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$/.exec(t);
  if (m !== null) return valid(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})(?:\s.*)?$/.exec(t);
  if (m !== null) return valid(Number(m[3]), monthNumber(m[1] as string), Number(m[2]));
  m = /^(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})(?:\s.*)?$/.exec(t);
  if (m !== null) return valid(Number(m[3]), monthNumber(m[2] as string), Number(m[1]));
  m = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?:\s.*)?$/.exec(t);
  if (m !== null) {
    const [a, b] = [Number(m[1]), Number(m[2])];
    return slash === 'mdy' ? valid(Number(m[3]), a, b) : valid(Number(m[3]), b, a);
  }
  return null;
}

/** `HH:mm[:ss]` after the date part, or null. */
export function reportTime(text: string): string | null {
  const m = /\b(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?\s*$/.exec(text.trim());
  if (m === null) return null;
  let h = Number(m[1]);
  const ampm = m[4]?.toLowerCase();
  if (ampm === 'pm' && h < 12) h += 12;
  if (ampm === 'am' && h === 12) h = 0;
  if (h > 23 || Number(m[2]) > 59 || Number(m[3] ?? 0) > 59) return null;
  return `${pad(h)}:${m[2]}:${m[3] ?? '00'}`;
}

export interface DateRange {
  start: string;
  end: string;
  /** The language the range was written in: `1 October 2026 - …` is day-first (en-GB), `October 1, 2026 - …` month-first. */
  slash: SlashOrder;
}

/**
 * A report's date range line or a billing row's range: `October 1, 2026 - October 31, 2026`,
 * `1 October 2026 - 31 October 2026`, `Oct 1 - 31, 2026`, `1 - 31 Oct 2026`, `2026-10-01 - 2026-10-31`,
 * or one date (start = end). Null when it is none of these.
 */
export function reportDateRange(text: string): DateRange | null {
  const t = text.trim().replace(/^"|"$/g, '').replace(/[–—]/g, '-');
  const single = reportDate(t);
  if (single !== null) return { start: single, end: single, slash: /^\d{1,2}\s/.test(t) ? 'dmy' : 'mdy' };
  const parts = t.split(/\s+-\s+|\s+to\s+/i);
  if (parts.length === 2) {
    const [a, b] = parts as [string, string];
    const dayFirst = /^\d{1,2}\s+[A-Za-z]/.test(a) || /^\d{1,2}$/.test(a.trim());
    const slash: SlashOrder = dayFirst ? 'dmy' : 'mdy';
    let end = reportDate(b, slash);
    // `Oct 1 - 31, 2026`: the end leaves out the month, which the start names.
    const dayYear = /^(\d{1,2}),?\s+(\d{4})$/.exec(b.trim());
    const startMonth = /^([A-Za-z]{3,9})\.?\s+\d{1,2}$/.exec(a.trim());
    if (end === null && dayYear !== null && startMonth !== null)
      end = valid(Number(dayYear[2]), monthNumber(startMonth[1] as string), Number(dayYear[1]));
    if (end === null) return null;
    let start = reportDate(a, slash);
    if (start === null) {
      // The shared parts left out of the first date: `Oct 1 - 31, 2026` or `1 - 31 Oct 2026` or `Oct 1 - Nov 3, 2026`.
      const year = end.slice(0, 4);
      const month = end.slice(5, 7);
      const monthDay = /^([A-Za-z]{3,9})\.?\s+(\d{1,2})$/.exec(a.trim());
      const dayOnly = /^(\d{1,2})$/.exec(a.trim());
      const dayMonth = /^(\d{1,2})\s+([A-Za-z]{3,9})\.?$/.exec(a.trim());
      if (monthDay !== null) start = valid(Number(year), monthNumber(monthDay[1] as string), Number(monthDay[2]));
      else if (dayMonth !== null) start = valid(Number(year), monthNumber(dayMonth[2] as string), Number(dayMonth[1]));
      else if (dayOnly !== null) start = valid(Number(year), Number(month), Number(dayOnly[1]));
    }
    if (start === null || start > end) return null;
    return { start, end, slash };
  }
  return null;
}
