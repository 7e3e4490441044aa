// The locales, time zones and currencies the settings and first-launch forms offer.
import { ALL_CURRENCIES } from '../../../../shared/money/currencies.ts';

/** Locales with a known number style (src/shared/money/amountText.ts), with the currency usual there. */
export const LOCALE_CHOICES: readonly { locale: string; label: string; currency: string }[] = [
  { locale: 'en-US', label: 'English (United States)', currency: 'USD' },
  { locale: 'en-GB', label: 'English (United Kingdom)', currency: 'GBP' },
  { locale: 'de-DE', label: 'Deutsch (Deutschland)', currency: 'EUR' },
  { locale: 'fr-FR', label: 'Français (France)', currency: 'EUR' },
  { locale: 'nl-NL', label: 'Nederlands (Nederland)', currency: 'EUR' },
  { locale: 'es-ES', label: 'Español (España)', currency: 'EUR' },
  { locale: 'it-IT', label: 'Italiano (Italia)', currency: 'EUR' },
  { locale: 'sv-SE', label: 'Svenska (Sverige)', currency: 'SEK' },
  { locale: 'pl-PL', label: 'Polski (Polska)', currency: 'PLN' },
  { locale: 'pt-BR', label: 'Português (Brasil)', currency: 'BRL' },
  { locale: 'ja-JP', label: '日本語 (日本)', currency: 'JPY' },
  { locale: 'de-CH', label: 'Deutsch (Schweiz)', currency: 'CHF' },
];

/** The browser's locale when the list has it, else en-US. */
export function defaultLocale(preferred: string | undefined): string {
  return LOCALE_CHOICES.find((c) => c.locale === preferred)?.locale ?? 'en-US';
}

export function currencyForLocale(locale: string): string {
  return LOCALE_CHOICES.find((c) => c.locale === locale)?.currency ?? 'USD';
}

let timeZones: readonly string[] | null = null;
/** The IANA time zones this runtime knows (UTC first: Intl leaves it out of the list). */
export function timeZoneChoices(): readonly string[] {
  if (timeZones === null) {
    const listed = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
    timeZones = ['UTC', ...listed.filter((z) => z !== 'UTC')];
  }
  return timeZones;
}

export function defaultTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export const CURRENCY_CHOICES: readonly { code: string; name: string }[] = [...ALL_CURRENCIES]
  .sort((a, b) => a.code.localeCompare(b.code))
  .map((c) => ({ code: c.code, name: c.name }));

/** Whether this runtime's Intl knows the time zone (the services check again with their own). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}
