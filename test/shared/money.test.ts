// Tests for the ISO 4217 table and the Money value type.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  ALL_CURRENCIES,
  currencyExponent,
  currencyForSymbol,
  getCurrency,
  isCurrencyCode,
  UnknownCurrencyError,
} from '../../src/shared/money/currencies.ts';
import { addMoney, bpsOf, compareMoney, CurrencyMismatchError, money, negateMoney, subtractMoney, sumMoney } from '../../src/shared/money/money.ts';
import type { Money } from '../../src/shared/money/money.ts';

const MAX = Number.MAX_SAFE_INTEGER;

describe('currency table', () => {
  it('is large, unique and well-formed', () => {
    expect(ALL_CURRENCIES.length).toBeGreaterThanOrEqual(150);
    const codes = ALL_CURRENCIES.map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of ALL_CURRENCIES) {
      expect(c.code).toMatch(/^[A-Z]{3}$/);
      expect(c.numeric).toMatch(/^\d{3}$/);
      expect([0, 2, 3, 4]).toContain(c.exponent);
      expect(c.name.length).toBeGreaterThan(0);
    }
  });

  it('shares a numeric code only between ANG and its successor XCG', () => {
    const byNumeric = new Map<string, string[]>();
    for (const c of ALL_CURRENCIES) byNumeric.set(c.numeric, [...(byNumeric.get(c.numeric) ?? []), c.code]);
    const shared = [...byNumeric.values()].filter((codes) => codes.length > 1);
    expect(shared).toEqual([['ANG', 'XCG']]);
  });

  it.each([
    ['JPY', 0],
    ['KRW', 0],
    ['CLP', 0],
    ['ISK', 0],
    ['VND', 0],
    ['XOF', 0],
    ['XAF', 0],
    ['UGX', 0],
    ['PYG', 0],
    ['RWF', 0],
    ['KMF', 0],
    ['GNF', 0],
    ['DJF', 0],
    ['VUV', 0],
    ['XPF', 0],
    ['BIF', 0],
    ['USD', 2],
    ['EUR', 2],
    ['GBP', 2],
    ['CHF', 2],
    ['HUF', 2],
    ['IDR', 2],
    ['ZWG', 2],
    ['VES', 2],
    ['SLE', 2],
    ['KWD', 3],
    ['BHD', 3],
    ['OMR', 3],
    ['JOD', 3],
    ['TND', 3],
    ['LYD', 3],
    ['IQD', 3],
    ['CLF', 4],
    ['UYW', 4],
    ['XAU', 0],
    ['XDR', 0],
    ['XXX', 0],
    ['XTS', 0],
  ] as const)('%s has exponent %i', (code, exponent) => {
    expect(currencyExponent(code)).toBe(exponent);
    expect(getCurrency(code)?.exponent).toBe(exponent);
  });

  it.each([
    ['USD', '840'],
    ['EUR', '978'],
    ['JPY', '392'],
    ['ALL', '008'],
    ['ZWG', '924'],
    ['XAU', '959'],
  ])('%s has numeric code %s', (code, numeric) => expect(getCurrency(code)?.numeric).toBe(numeric));

  it.each(['HRK', 'SLL', 'VEF', 'ZWL', 'MRO', 'STD', 'LTL', 'BTC'])('does not list withdrawn or unofficial %s', (code) => {
    expect(isCurrencyCode(code)).toBe(false);
    expect(getCurrency(code)).toBeUndefined();
  });

  it.each(['usd', 'Usd', ' USD', 'USD ', 'US', 'USDD', ''])('isCurrencyCode(%j) is false (exact uppercase only)', (code) => {
    expect(isCurrencyCode(code)).toBe(false);
  });

  it('currencyExponent throws UnknownCurrencyError with a quoting message', () => {
    expect(() => currencyExponent('XYZ')).toThrow(UnknownCurrencyError);
    expect(() => currencyExponent('XYZ')).toThrow('unknown currency "XYZ"');
    expect(() => currencyExponent('usd')).toThrow(UnknownCurrencyError);
  });

  it.each([
    ['€', 'EUR'],
    ['£', 'GBP'],
    ['₹', 'INR'],
    ['₩', 'KRW'],
    ['₺', 'TRY'],
    ['₽', 'RUB'],
    ['₪', 'ILS'],
    ['₫', 'VND'],
    ['₴', 'UAH'],
    ['₱', 'PHP'],
    ['zł', 'PLN'],
    ['Kč', 'CZK'],
    ['R$', 'BRL'],
    ['US$', 'USD'],
    ['₦', 'NGN'],
    ['฿', 'THB'],
  ])('symbol %s is %s', (symbol, code) => {
    expect(currencyForSymbol(symbol)).toBe(code);
  });

  it.each(['$', '¥', 'kr', '₨', 'C$', 'X', '', 'EUR'])('ambiguous or unknown symbol %j resolves to nothing', (symbol) => {
    expect(currencyForSymbol(symbol)).toBeUndefined();
  });

  it('every symbol resolves to a currency in the table', () => {
    for (const s of ['€', '£', '₹', '₩', 'zł', 'Kč', 'R$', 'Rp', 'RM', 'Ft', 'lei', 'лв']) {
      expect(isCurrencyCode(currencyForSymbol(s) ?? '')).toBe(true);
    }
  });
});

describe('money', () => {
  it('builds frozen values and normalises -0', () => {
    const m = money(-0, 'USD');
    expect(Object.is(m.amountMinor, 0)).toBe(true);
    expect(Object.isFrozen(money(5, 'EUR'))).toBe(true);
  });

  it.each([0.5, NaN, Infinity, MAX + 1, -(MAX + 1)])('rejects non-safe-integer amount %d', (amount) => {
    expect(() => money(amount, 'USD')).toThrow(RangeError);
  });

  it('rejects unknown currencies', () => {
    expect(() => money(1, 'XYZ')).toThrow(UnknownCurrencyError);
    expect(() => money(1, 'usd')).toThrow(UnknownCurrencyError);
  });

  it('adds, subtracts, negates and compares', () => {
    const a = money(1050, 'USD');
    const b = money(-250, 'USD');
    expect(addMoney(a, b)).toEqual({ amountMinor: 800, currency: 'USD' });
    expect(subtractMoney(a, b)).toEqual({ amountMinor: 1300, currency: 'USD' });
    expect(negateMoney(a)).toEqual({ amountMinor: -1050, currency: 'USD' });
    expect(Object.is(negateMoney(money(0, 'USD')).amountMinor, 0)).toBe(true);
    expect(compareMoney(a, b)).toBe(1);
    expect(compareMoney(b, a)).toBe(-1);
    expect(compareMoney(a, money(1050, 'USD'))).toBe(0);
  });

  it('throws CurrencyMismatchError at run time and refuses to compile mixed currencies', () => {
    const usd = money(100, 'USD') as Money<'USD'>;
    const eur = money(100, 'EUR') as Money<'EUR'>;
    // @ts-expect-error USD and EUR cannot be added
    expect(() => addMoney(usd, eur)).toThrow(CurrencyMismatchError);
    // @ts-expect-error USD and EUR cannot be subtracted
    expect(() => subtractMoney(usd, eur)).toThrow(CurrencyMismatchError);
    // @ts-expect-error USD and EUR cannot be compared
    expect(() => compareMoney(usd, eur)).toThrow(CurrencyMismatchError);
    // Untyped (Money<string>) values still get the run-time check.
    const x: Money = money(1, 'USD');
    const y: Money = money(1, 'EUR');
    expect(() => addMoney(x, y)).toThrow('currency mismatch: USD vs EUR');
    const err = (() => {
      try {
        compareMoney(x, y);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(CurrencyMismatchError);
    expect((err as CurrencyMismatchError).left).toBe('USD');
    expect((err as CurrencyMismatchError).right).toBe('EUR');
  });

  it('throws RangeError when a result leaves the safe range', () => {
    expect(() => addMoney(money(MAX, 'USD'), money(1, 'USD'))).toThrow(RangeError);
    expect(() => subtractMoney(money(-MAX, 'USD'), money(1, 'USD'))).toThrow(RangeError);
    expect(addMoney(money(MAX, 'USD'), money(-1, 'USD')).amountMinor).toBe(MAX - 1);
  });

  it('sums lists, checks every element and tolerates intermediate overflow', () => {
    expect(sumMoney([], 'JPY')).toEqual({ amountMinor: 0, currency: 'JPY' });
    expect(sumMoney([money(1, 'EUR'), money(2, 'EUR'), money(-10, 'EUR')], 'EUR').amountMinor).toBe(-7);
    expect(sumMoney([money(MAX, 'USD'), money(1, 'USD'), money(-1, 'USD')], 'USD').amountMinor).toBe(MAX);
    expect(() => sumMoney([money(MAX, 'USD'), money(1, 'USD')], 'USD')).toThrow(RangeError);
    expect(() => sumMoney<string>([money(1, 'USD'), money(1, 'EUR')], 'USD')).toThrow(CurrencyMismatchError);
    expect(() => sumMoney<string>([money(1, 'USD')], 'EUR')).toThrow(CurrencyMismatchError);
    expect(() => sumMoney([], 'XYZ')).toThrow(UnknownCurrencyError);
  });

  it('sum equals BigInt sum for arbitrary lists (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e12, max: 1e12 }), { maxLength: 50 }), (xs) => {
        const expected = xs.reduce((s, x) => s + BigInt(x), 0n);
        expect(
          sumMoney(
            xs.map((x) => money(x, 'USD')),
            'USD',
          ).amountMinor,
        ).toBe(Number(expected));
      }),
    );
  });

  it.each([
    [10000, 250, 250],
    [1, 5000, 1], // 0.5 rounds away from zero
    [-1, 5000, -1],
    [1, 4999, 0],
    [-1, 4999, 0],
    [12345, 290, 358], // 358.005 → 358
    [-12345, 290, -358],
    [25, 1000, 3], // 2.5 → 3, not banker's 2
    [-25, 1000, -3],
    [3, 15000, 5], // 4.5 → 5
    [0, 9999, 0],
    [100, -30, 0], // -0.3 → 0, never -0
    [1000, -50, -5],
    [MAX, 1, 900719925474], // 900719925474.0991 → product exceeds 2^53 but result does not
    [MAX, 10000, MAX],
  ])('bpsOf(%i, %i) = %i', (amount, bps, expected) => {
    const got = bpsOf(amount, bps);
    expect(got).toBe(expected);
    expect(Object.is(got, -0)).toBe(false);
  });

  it('bpsOf rejects non-integers and overflow', () => {
    expect(() => bpsOf(1.5, 10)).toThrow(RangeError);
    expect(() => bpsOf(100, 2.5)).toThrow(RangeError);
    expect(() => bpsOf(MAX, 20000)).toThrow(RangeError);
  });

  it('bpsOf matches exact rational rounding (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: -100000, max: 100000 }), (amount, bps) => {
        const got = BigInt(bpsOf(amount, bps));
        const twice = BigInt(amount) * BigInt(bps) * 2n;
        const diff = got * 20000n - twice; // 2*(got*10000 - exact)
        expect(diff <= 10000n && diff >= -10000n).toBe(true);
        // A tie must have been pushed away from zero.
        if (diff === 10000n) expect(twice > 0n).toBe(true);
        if (diff === -10000n) expect(twice < 0n).toBe(true);
      }),
    );
  });
});
