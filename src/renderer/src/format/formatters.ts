// Display formatting in the workspace's locale and time zone: amounts exact from minor units (the shared
// formatter, never a float), dates through Intl in the workspace time zone.
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
function dateFormat(prefs: DisplayPrefs, withTime: boolean): Intl.DateTimeFormat {
  const key = `${prefs.locale}|${prefs.timeZone}|${withTime ? 't' : 'd'}`;
  let format = dateFormats.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(prefs.locale, {
      timeZone: prefs.timeZone,
      year: 'numeric',
      month: 'short',
      day: '2-digit',
      ...(withTime ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' as const } : {}),
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
  return dateFormat(prefs, options.time ?? true).format(date);
}

export function formatPercent(rate: number | null, locale: string): string {
  if (rate === null) return '—';
  return new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(rate);
}

export function formatCount(n: number, locale: string): string {
  return new Intl.NumberFormat(locale).format(n);
}

export function formatAge(days: number): string {
  if (days < 1) return `${Math.max(0, Math.round(days * 24))} h`;
  return `${Math.floor(days)} d`;
}
