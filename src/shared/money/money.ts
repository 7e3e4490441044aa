// Money value type: integer minor units tagged with a currency, and the only arithmetic allowed on them.
import { isCurrencyCode, UnknownCurrencyError } from './currencies.ts';

export interface Money<C extends string = string> {
  readonly amountMinor: number;
  readonly currency: C;
}

export class CurrencyMismatchError extends Error {
  readonly left: string;
  readonly right: string;
  constructor(left: string, right: string) {
    super(`currency mismatch: ${left} vs ${right}`);
    this.name = 'CurrencyMismatchError';
    this.left = left;
    this.right = right;
  }
}

function checkedSafe(value: number | bigint, what: string): number {
  const n = Number(value);
  // For bigint input the round trip proves Number() lost nothing.
  if (!Number.isSafeInteger(n) || (typeof value === 'bigint' && BigInt(n) !== value)) {
    throw new RangeError(`${what} is outside the safe integer range`);
  }
  // -0 would print as "0" but compare oddly with Object.is; keep one zero.
  return n === 0 ? 0 : n;
}

export function money<C extends string>(amountMinor: number, currency: C): Money<C> {
  if (!Number.isSafeInteger(amountMinor)) {
    throw new RangeError(`amount ${String(amountMinor)} is not a safe integer of minor units`);
  }
  if (!isCurrencyCode(currency)) throw new UnknownCurrencyError(currency);
  return Object.freeze({ amountMinor: amountMinor === 0 ? 0 : amountMinor, currency });
}

function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new CurrencyMismatchError(a.currency, b.currency);
}

// NoInfer makes the first argument fix C, so Money<'USD'> + Money<'EUR'> fails to compile
// instead of widening C to 'USD' | 'EUR'.
export function addMoney<C extends string>(a: Money<C>, b: Money<NoInfer<C>>): Money<C> {
  sameCurrency(a, b);
  return money(checkedSafe(a.amountMinor + b.amountMinor, 'sum'), a.currency);
}

export function subtractMoney<C extends string>(a: Money<C>, b: Money<NoInfer<C>>): Money<C> {
  sameCurrency(a, b);
  return money(checkedSafe(a.amountMinor - b.amountMinor, 'difference'), a.currency);
}

export function negateMoney<C extends string>(a: Money<C>): Money<C> {
  return money(checkedSafe(-a.amountMinor, 'negation'), a.currency);
}

// Accumulates in BigInt so only the final total has to fit: [MAX, 1, -1] is a valid sum.
export function sumMoney<C extends string>(list: readonly Money<NoInfer<C>>[], currency: C): Money<C> {
  if (!isCurrencyCode(currency)) throw new UnknownCurrencyError(currency);
  let total = 0n;
  for (const item of list) {
    if (item.currency !== currency) throw new CurrencyMismatchError(currency, item.currency);
    total += BigInt(item.amountMinor);
  }
  return money(checkedSafe(total, 'sum'), currency);
}

export function compareMoney<C extends string>(a: Money<C>, b: Money<NoInfer<C>>): -1 | 0 | 1 {
  sameCurrency(a, b);
  return a.amountMinor < b.amountMinor ? -1 : a.amountMinor > b.amountMinor ? 1 : 0;
}

// amount × bps / 10 000, rounded half away from zero. BigInt because amount × bps easily
// exceeds 2^53 for large amounts even when the result is small enough.
export function bpsOf(amountMinor: number, bps: number): number {
  if (!Number.isSafeInteger(amountMinor)) throw new RangeError(`amount ${String(amountMinor)} is not a safe integer`);
  if (!Number.isSafeInteger(bps)) throw new RangeError(`basis points ${String(bps)} must be a safe integer`);
  const product = BigInt(amountMinor) * BigInt(bps);
  const negative = product < 0n;
  const magnitude = negative ? -product : product;
  let quotient = magnitude / 10000n;
  if ((magnitude % 10000n) * 2n >= 10000n) quotient += 1n;
  return checkedSafe(negative ? -quotient : quotient, 'basis-point amount');
}
