// A counterpart in another currency is compared in one currency when a source states the conversion (DESIGN §5): the
// processor's customer-facing (presentment) amount, or PayPal's currency conversion rows. Never an outside rate.
import { formatAmount } from '../../../shared/money/amountText.ts';
import { currencyExponent } from '../../../shared/money/currencies.ts';
import type { MatchEvent } from './model.ts';
import type { TextSource } from './eventFields.ts';

export interface FxBasis {
  /** Both sides' amounts in `currency`, the currency they are compared in. */
  left: number;
  right: number;
  currency: string;
  /** For the explanation: what stated the conversion and the rate it implies. */
  note: string;
}

/** The presentment amount an event carries in `currency` (attributes.presentment_amount_minor/_currency), or null. */
function presentment(texts: TextSource, e: MatchEvent, currency: string): number | null {
  if (texts.text(e, 'attributes.presentment_currency')?.toUpperCase() !== currency) return null;
  const v = Number(texts.text(e, 'attributes.presentment_amount_minor'));
  return Number.isSafeInteger(v) ? v : null;
}

function money(minor: number, currency: string): string {
  try {
    return formatAmount(minor, currency, { code: 'suffix' });
  } catch {
    return `${minor} ${currency}`;
  }
}

/** `settled` units of `settledCurrency` per unit of `currency`, as the two amounts imply it (minor units differ per currency). */
function impliedRate(settled: number, settledCurrency: string, stated: number, currency: string): string {
  const major = (minor: number, c: string): number => Math.abs(minor) / 10 ** currencyExponent(c);
  const rate = major(settled, settledCurrency) / major(stated, currency);
  return Number.isFinite(rate) ? `${rate.toFixed(4)} ${settledCurrency} per ${currency}` : 'n/a';
}

/**
 * The conversion that lets `left` (in its currency) be compared with `right` (in another), or null: no source states
 * one, and the pair stays a CURRENCY_MISMATCH. Tried in order: the right event's presentment amount in the left's
 * currency (a Stripe charge settled in USD for a EUR order), the left's presentment amount in the right's currency
 * (an order recorded in the shop's currency, paid in the customer's), the right's conversion rows.
 */
export function fxBasis(texts: TextSource, left: MatchEvent, right: MatchEvent): FxBasis | null {
  const rightStated = presentment(texts, right, left.currency);
  if (rightStated !== null) {
    return {
      left: left.amount,
      right: rightStated,
      currency: left.currency,
      note:
        `FX basis: the ${right.kind}'s customer-facing amount ${money(rightStated, left.currency)} for ${money(right.amount, right.currency)} settled ` +
        `(implied rate ${impliedRate(right.amount, right.currency, rightStated, left.currency)})`,
    };
  }
  const leftStated = presentment(texts, left, right.currency);
  if (leftStated !== null) {
    return {
      left: leftStated,
      right: right.amount,
      currency: right.currency,
      note:
        `FX basis: the ${left.kind}'s presentment amount ${money(leftStated, right.currency)} for ${money(left.amount, left.currency)} ` +
        `(implied rate ${impliedRate(left.amount, left.currency, leftStated, right.currency)})`,
    };
  }
  const converted = texts.converted(right, left.currency);
  if (converted !== null) {
    return {
      left: left.amount,
      right: converted,
      currency: left.currency,
      note:
        `FX basis: the source's currency conversion of ${money(right.amount, right.currency)} into ${money(converted, left.currency)} ` +
        `(implied rate ${impliedRate(right.amount, right.currency, converted, left.currency)})`,
    };
  }
  return null;
}
