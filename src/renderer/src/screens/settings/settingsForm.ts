// The settings form as text the person edits, and its exact conversion to the contract's Settings: the policy
// gate is typed in major units of the currency and becomes integer minor units without a float in between.
import type { Settings } from '../../../../shared/api/contract.ts';
import { formatAmount, numberStyleForLocale, parseAmount, type NumberStyle } from '../../../../shared/money/amountText.ts';
import { isCurrencyCode } from '../../../../shared/money/currencies.ts';
import type { SettingsFieldErrors } from '../../store/settingsSlice.ts';
import { isKnownTimeZone } from './regionalChoices.ts';

export interface SettingsDraft {
  name: string;
  reportingCurrency: string;
  timeZone: string;
  locale: string;
  /** Major units as written in the number style of the workspace's saved locale, e.g. "1,000.00". */
  policyGate: string;
}

export type DraftResult = { ok: true; settings: Settings } | { ok: false; errors: SettingsFieldErrors };

/** The separators of the saved locale (the one the gate is shown in), en-US when it has none known. */
export function gateNumberStyle(locale: string): NumberStyle {
  try {
    return numberStyleForLocale(locale);
  } catch {
    return numberStyleForLocale('en-US');
  }
}

export function draftFromSettings(settings: Settings): SettingsDraft {
  const style = gateNumberStyle(settings.locale);
  const policyGate = isCurrencyCode(settings.reportingCurrency)
    ? formatAmount(settings.policyGateMinor, settings.reportingCurrency, { style })
    : String(settings.policyGateMinor);
  return {
    name: settings.name,
    reportingCurrency: settings.reportingCurrency,
    timeZone: settings.timeZone,
    locale: settings.locale,
    policyGate,
  };
}

export function draftChanged(draft: SettingsDraft, saved: SettingsDraft): boolean {
  return (Object.keys(saved) as (keyof SettingsDraft)[]).some((key) => draft[key] !== saved[key]);
}

/**
 * Settings from the draft, or why not, per field. `gateLocale` is the saved locale: the gate text was shown
 * in its number style, so a locale changed in the same edit must not change how "1.000" is read.
 */
export function settingsFromDraft(draft: SettingsDraft, gateLocale: string): DraftResult {
  const errors: SettingsFieldErrors = {};
  const name = draft.name.trim();
  if (name === '') errors.name = 'A name is required.';
  const reportingCurrency = draft.reportingCurrency.trim().toUpperCase();
  if (!isCurrencyCode(reportingCurrency))
    errors.reportingCurrency = `"${draft.reportingCurrency.trim()}" is not an ISO 4217 currency code (e.g. EUR, USD, GBP).`;
  const timeZone = draft.timeZone.trim();
  if (timeZone === '') errors.timeZone = 'A time zone is required.';
  else if (!isKnownTimeZone(timeZone)) errors.timeZone = `"${timeZone}" is not an IANA time zone (e.g. Europe/Berlin, America/New_York).`;
  let policyGateMinor = 0;
  if (errors.reportingCurrency === undefined) {
    const parsed = parseAmount(draft.policyGate, reportingCurrency, gateNumberStyle(gateLocale));
    if (!parsed.ok) errors.policyGateMinor = parsed.error === 'empty amount' ? 'Enter an amount.' : `${parsed.error}.`;
    else if (parsed.minor < 0) errors.policyGateMinor = 'The policy gate cannot be negative.';
    else policyGateMinor = parsed.minor;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, settings: { name, reportingCurrency, timeZone, locale: draft.locale, policyGateMinor } };
}
