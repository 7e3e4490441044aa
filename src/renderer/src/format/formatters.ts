// Display formatting in the workspace's locale and time zone: amounts exact from minor units (the shared
// formatter, never a float), instants through Intl in the workspace time zone, calendar dates (business dates,
// bank booking dates) as the dates they are, never moved through a time zone.
import { formatAmount, numberStyleForLocale } from '../../../shared/money/amountText.ts';

export interface DisplayPrefs {
  locale: string;
  timeZone: string;
}

export function formatMoney(minor: number, currency: string, prefs: DisplayPrefs, options: { code?: boolean } = {}): string {
  let style;
  try {
    style = numberStyleForLocale(prefs.locale);
  } catch {
    style = numberStyleForLocale('en-US');
  }
  return formatAmount(minor, currency, { style, code: options.code === false ? 'none' : 'suffix', negative: 'minus' });
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();
function dateFormat(locale: string, timeZone: string, style: 'date' | 'time' | 'short'): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${style}`;
  let format = dateFormats.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(locale, {
      timeZone,
      ...(style === 'short' ? {} : { year: 'numeric' }),
      month: 'short',
      day: '2-digit',
      ...(style === 'time' ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' as const } : {}),
    });
    dateFormats.set(key, format);
  }
  return format;
}

/** An ISO instant as a date (and time) in the workspace time zone; the raw text when it is not a date. */
export function formatInstant(iso: string | null, prefs: DisplayPrefs, options: { time?: boolean } = {}): string {
  if (iso === null) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return dateFormat(prefs.locale, prefs.timeZone, (options.time ?? true) ? 'time' : 'date').format(date);
}

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A calendar date YYYY-MM-DD (a business date, a booking date) as the locale writes it, read as that very day: it is
 * formatted in UTC from UTC midnight, so no time zone can move it to the day before. `short` leaves the year out.
 */
export function formatDate(date: string | null, locale: string, options: { short?: boolean } = {}): string {
  if (date === null) return '—';
  const m = CALENDAR_DATE.exec(date);
  if (m === null) return date;
  return dateFormat(locale, 'UTC', options.short === true ? 'short' : 'date').format(
    new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))),
  );
}

/** "October 2026" for a month YYYY-MM. */
export function formatMonth(month: string, locale: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Intl.DateTimeFormat(locale, { timeZone: 'UTC', year: 'numeric', month: 'long' }).format(new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, 1)));
}

export function formatPercent(rate: number | null, locale: string): string {
  if (rate === null) return '—';
  return new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(rate);
}

export function formatCount(n: number, locale: string): string {
  return new Intl.NumberFormat(locale).format(n);
}

/** A duration in hours as a person says it: "1 d 2 h", "3 h 20 min", "45 min", "0 h". Sign dropped. */
export function formatDuration(hours: number): string {
  const minutes = Math.round(Math.abs(hours) * 60);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m > 0 && h < 6 ? `${h} h ${m} min` : `${h} h`;
  return m > 0 ? `${m} min` : '0 h';
}

/** An age in days: "12 d 3 h", "5 h"; `compact` keeps whole days only once it is a day or more ("34 d"). */
export function formatAge(days: number, options: { compact?: boolean } = {}): string {
  const d = Math.max(0, days);
  if (options.compact === true && d >= 1) return `${Math.floor(d)} d`;
  return formatDuration(d * 24);
}

/** A score in [0, 1] as a percentage, "83%"; a dash when there is none. */
export function formatScore(score: number | null): string {
  return score === null ? '—' : `${Math.round(score * 100)}%`;
}

/** "PAYOUT_NOT_IN_BANK" → "Payout not in bank". */
export function codeLabel(code: string): string {
  const words = code.toLowerCase().split('_');
  return [words[0]?.replace(/^./, (c) => c.toUpperCase()) ?? '', ...words.slice(1)].join(' ');
}

/** "bank_payout" → "Bank ↔ payout"-style words for a link: "order_payment" → "Order ↔ payment". */
export function linkLabel(link: string): string {
  const LABELS: Record<string, string> = {
    order_payment: 'Order ↔ payment',
    refund_payment: 'Refund ↔ payment',
    dispute_payment: 'Dispute ↔ payment',
    payout_items: 'Payout ↔ its items',
    bank_payout: 'Payout ↔ bank line',
  };
  return LABELS[link] ?? link.replace(/_/g, ' ');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A stored person ("Ana Lopez <ana@example.com>", or "user:ana") as a person reads it: the name. */
export function personName(text: string): string {
  return text.replace(/\s*<[^>]*>\s*$/, '').replace(/^user:/, '');
}
