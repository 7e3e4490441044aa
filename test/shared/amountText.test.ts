// Tests for amount text: every accepted and rejected form, locale styles, formatting, and round trips.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ALL_CURRENCIES, UnknownCurrencyError } from '../../src/shared/money/currencies.ts';
import {
  formatAmount,
  minorToDecimalString,
  numberStyleForLocale,
  parseAmount,
  parseAmountText,
  parseMinorInteger,
} from '../../src/shared/money/amountText.ts';
import { currencyExponent } from '../../src/shared/money/currencies.ts';
import type { NumberStyle } from '../../src/shared/money/amountText.ts';

const EN: NumberStyle = { decimal: '.', group: ',' };
const DE: NumberStyle = { decimal: ',', group: '.' };
const FR: NumberStyle = { decimal: ',', group: ' ' };
const CH: NumberStyle = { decimal: '.', group: "'" };
const PLAIN: NumberStyle = { decimal: '.', group: '' };

describe('numberStyleForLocale', () => {
  it.each([
    ['en', EN],
    ['en-US', EN],
    ['en-GB', EN],
    ['en-IN', EN],
    ['en_US', EN],
    ['ja', EN],
    ['zh', EN],
    ['zh-Hant-TW', EN],
    ['de', DE],
    ['de-DE', DE],
    ['es', DE],
    ['it', DE],
    ['nl', DE],
    ['pt-BR', DE],
    ['da', DE],
    ['tr', DE],
    ['id', DE],
    ['fr', FR],
    ['fr-FR', FR],
    ['sv', FR],
    ['nb', FR],
    ['fi', FR],
    ['pl', FR],
    ['cs', FR],
    ['ru', FR],
    ['uk', FR],
    ['pt-PT', FR],
    ['de-CH', CH],
    ['fr-CH', CH],
    ['it-CH', CH],
    ['DE-ch', CH],
  ] as const)('%s → %j', (locale, style) => {
    expect(numberStyleForLocale(locale)).toEqual(style);
  });

  it('falls back from an unknown region to the language', () => {
    expect(numberStyleForLocale('de-BE')).toEqual(DE);
    expect(numberStyleForLocale('fr-CA')).toEqual(FR);
  });

  it.each(['xx', 'tlh-US', '', 'klingon'])('throws for unknown locale %j, naming it', (locale) => {
    expect(() => numberStyleForLocale(locale)).toThrow(`"${locale}"`);
  });

  it('returns a copy callers cannot use to corrupt the table', () => {
    const s = numberStyleForLocale('en-US');
    s.decimal = ',';
    expect(numberStyleForLocale('en-US').decimal).toBe('.');
  });
});

type Accept = [text: string, currency: string, style: NumberStyle, minor: number];

const ACCEPTED: Accept[] = [
  ['1,234.56', 'USD', EN, 123456],
  ['1234.56', 'USD', EN, 123456],
  ['  1,234.56\t', 'USD', EN, 123456],
  ['1,234,567.89', 'USD', EN, 123456789],
  ['1.234,56', 'EUR', DE, 123456],
  ['1.234.567,89', 'EUR', DE, 123456789],
  ['(12.34)', 'USD', EN, -1234],
  ['-12.34', 'USD', EN, -1234],
  ['12.34-', 'USD', EN, -1234],
  ['+12.34', 'USD', EN, 1234],
  ['\u221212.34', 'USD', EN, -1234],
  ['- 12.34', 'USD', EN, -1234],
  ['$1,234.56', 'USD', EN, 123456],
  ['-$5.00', 'USD', EN, -500],
  ['$-5.00', 'USD', EN, -500],
  ['($5.00)', 'USD', EN, -500],
  ['$5', 'CAD', EN, 500],
  ['US$5', 'USD', EN, 500],
  ['€ 12,50', 'EUR', DE, 1250],
  ['12,50 €', 'EUR', DE, 1250],
  ['12,50€', 'EUR', DE, 1250],
  ['-12,50 €', 'EUR', DE, -1250],
  ['USD 12.50', 'USD', EN, 1250],
  ['USD12.50', 'USD', EN, 1250],
  ['12.50 EUR', 'EUR', EN, 1250],
  ['12.50 eur', 'EUR', EN, 1250],
  ['12.50 USD-', 'USD', EN, -1250],
  ['$12.50 USD', 'USD', EN, 1250],
  ["CHF 1'234.50", 'CHF', CH, 123450],
  ['CHF 1\u2019234.50', 'CHF', CH, 123450],
  ['£1,000', 'GBP', EN, 100000],
  ['£1,000', 'GIP', EN, 100000],
  ['¥1,000', 'JPY', EN, 1000],
  ['¥1,000', 'CNY', EN, 100000],
  ['₹1,234.00', 'INR', EN, 123400],
  ['1 234,56 zł', 'PLN', FR, 123456],
  ['1 234,56 Kč', 'CZK', FR, 123456],
  ['kr. 12,50', 'DKK', DE, 1250],
  ['12,50 kr.', 'DKK', DE, 1250],
  ['12,50 kr', 'SEK', FR, 1250],
  // Spaces group thousands in any style, as long as the groups are threes.
  ['1 234 567.89', 'USD', EN, 123456789],
  ['1\u00A0234,56', 'EUR', DE, 123456],
  ['1\u202F234,56', 'EUR', FR, 123456],
  ['1 234.56', 'USD', PLAIN, 123456],
  ['1234.56', 'USD', PLAIN, 123456],
  // Fewer decimals than the exponent.
  ['12.5', 'USD', EN, 1250],
  ['12', 'USD', EN, 1200],
  ['.5', 'USD', EN, 50],
  ['0', 'USD', EN, 0],
  ['-0.00', 'USD', EN, 0],
  ['007.50', 'USD', EN, 750],
  // Extra decimals that are all zeros lose nothing.
  ['10.000', 'USD', EN, 1000],
  ['12.00', 'JPY', EN, 12],
  ['1,000', 'JPY', EN, 1000],
  ['1,234.567', 'KWD', EN, 1234567],
  ['0.1234', 'CLF', EN, 1234],
  ['1,5', 'UYW', DE, 15000],
  ['9,007,199,254,740,991', 'JPY', EN, Number.MAX_SAFE_INTEGER],
  ['-90,071,992,547,409.91', 'USD', EN, -Number.MAX_SAFE_INTEGER],
];

describe('parseAmount accepts', () => {
  it.each(ACCEPTED)('%j as %s → %i', (text, currency, style, minor) => {
    const result = parseAmount(text, currency, style);
    expect(result).toEqual({ ok: true, minor });
    if (result.ok) expect(Object.is(result.minor, -0)).toBe(false);
  });

  it('uses the en style by default', () => {
    expect(parseAmount('1,234.56', 'USD')).toEqual({ ok: true, minor: 123456 });
    expect(parseAmount('1.234,56', 'USD').ok).toBe(false);
  });

  it('lets the declared style decide, never the digits', () => {
    expect(parseAmount('1.234', 'KWD', EN)).toEqual({ ok: true, minor: 1234 });
    expect(parseAmount('1.234', 'KWD', DE)).toEqual({ ok: true, minor: 1234000 });
    expect(parseAmount('1,234', 'USD', EN)).toEqual({ ok: true, minor: 123400 });
    expect(parseAmount('1,234', 'USD', DE)).toEqual({ ok: false, error: '"1,234" has 3 decimals but USD allows 2' });
  });
});

type Reject = [text: string, currency: string, style: NumberStyle, error: string | RegExp];

const REJECTED: Reject[] = [
  ['', 'USD', EN, 'empty amount'],
  ['   ', 'USD', EN, 'empty amount'],
  ['-', 'USD', EN, '"-" has no digits'],
  ['+', 'USD', EN, '"+" has no digits'],
  ['()', 'USD', EN, '"()" has no digits'],
  ['$', 'USD', EN, '"$" has no digits'],
  ['--12', 'USD', EN, '"--12" has more than one sign'],
  ['+-12', 'USD', EN, '"+-12" has more than one sign'],
  ['-12-', 'USD', EN, '"-12-" has more than one sign'],
  ['(-12)', 'USD', EN, '"(-12)" has more than one sign'],
  ['(12', 'USD', EN, '"(12" has unbalanced parentheses'],
  ['12)', 'USD', EN, '"12)" has unbalanced parentheses'],
  ['((12))', 'USD', EN, '"((12))" has unbalanced parentheses'],
  ['1.2.3', 'USD', EN, '"1.2.3" has more than one decimal separator "."'],
  ['1,2,3', 'EUR', DE, '"1,2,3" has more than one decimal separator ","'],
  ['12.', 'USD', EN, '"12." has no digits after the decimal separator'],
  ['abc', 'USD', EN, '"abc" contains unrecognized text "abc"'],
  ['1a2', 'USD', EN, '"1a2" contains unexpected "a"'],
  ['12.34abc', 'USD', EN, '"12.34abc" contains unrecognized text "abc"'],
  ['1e5', 'USD', EN, '"1e5" contains unexpected "e"'],
  ['12.3x4', 'USD', EN, '"12.3x4" contains unexpected "x"'],
  // Grouping must be threes.
  ['1,23.45', 'USD', EN, '"1,23.45" has invalid digit grouping'],
  ['1,2345.00', 'USD', EN, '"1,2345.00" has invalid digit grouping'],
  ['1234,567.00', 'USD', EN, '"1234,567.00" has invalid digit grouping'],
  [',123.00', 'USD', EN, '",123.00" has invalid digit grouping'],
  ['1,234,', 'USD', EN, '"1,234," has invalid digit grouping'],
  ['1,,234', 'USD', EN, '"1,,234" has invalid digit grouping'],
  ['12 34', 'USD', EN, '"12 34" has invalid digit grouping'],
  ['1 234,567.00', 'USD', EN, '"1 234,567.00" mixes digit-group separators'],
  // The other convention's decimal separator, never silently reinterpreted.
  ['12,34', 'USD', EN, '"12,34" is ambiguous: expected "." as decimal separator'],
  ['12.34', 'EUR', DE, '"12.34" is ambiguous: expected "," as decimal separator'],
  ['12.34', 'EUR', FR, '"12.34" is ambiguous: expected "," as decimal separator'],
  ['1,234', 'USD', PLAIN, '"1,234" is ambiguous: expected "." as decimal separator'],
  ['1,234.56', 'USD', PLAIN, '"1,234.56" contains unexpected ","'],
  ["1'234.50", 'USD', EN, '"1\'234.50" contains unexpected "\'"'],
  ['1.234,56', 'USD', EN, '"1.234,56" has a group separator after the decimal separator'],
  ['1,234.56', 'EUR', DE, '"1,234.56" has a group separator after the decimal separator'],
  ['12. 34', 'USD', EN, '"12. 34" has a group separator after the decimal separator'],
  ['12.3 4', 'USD', EN, '"12.3 4" has a group separator after the decimal separator'],
  // Too many decimals.
  ['12.345', 'USD', EN, '"12.345" has 3 decimals but USD allows 2'],
  ['1.5', 'JPY', EN, '"1.5" has 1 decimal but JPY allows 0'],
  ['1.2345', 'KWD', EN, '"1.2345" has 4 decimals but KWD allows 3'],
  ['10.001', 'USD', EN, '"10.001" has 3 decimals but USD allows 2'],
  // Currency markers that contradict the declared currency.
  ['€5', 'USD', EN, '"€5": "€" does not denote USD'],
  ['$5', 'EUR', EN, '"$5": "$" does not denote EUR'],
  ['¥5', 'KRW', EN, '"¥5": "¥" does not denote KRW'],
  ['GBP 5', 'EUR', EN, '"GBP 5" is in GBP, not EUR'],
  ['5 usd', 'EUR', EN, '"5 usd" is in USD, not EUR'],
  ['$5 EUR', 'USD', EN, '"$5 EUR" is in EUR, not USD'],
  ['XYZ 5', 'USD', EN, '"XYZ 5" contains unrecognized text "XYZ"'],
  // Out of range.
  ['9,007,199,254,740,992', 'JPY', EN, '"9,007,199,254,740,992" is too large to represent exactly'],
  ['90071992547409.92', 'USD', EN, '"90071992547409.92" is too large to represent exactly'],
  ['12.50', 'XYZ', EN, 'unknown currency "XYZ"'],
  ['12.50', 'usd', EN, 'unknown currency "usd"'],
];

describe('parseAmount rejects', () => {
  it.each(REJECTED)('%j as %s', (text, currency, style, error) => {
    const result = parseAmount(text, currency, style);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toEqual(error);
  });

  it('rejects a style whose separators coincide', () => {
    const bad = { decimal: '.', group: '.' } as const;
    expect(parseAmount('1.5', 'USD', bad)).toEqual({ ok: false, error: expect.stringContaining('invalid number style') });
  });
});

describe('parseAmount with allowExcessPrecision', () => {
  it.each([
    ['12.345', 1235],
    ['12.3449', 1234],
    ['-12.345', -1235],
    ['(12.345)', -1235],
    ['0.005', 1],
    ['-0.005', -1],
    ['-0.004', 0],
    ['12.34', 1234],
    ['0.995', 100],
  ])('%j USD → %i (half away from zero)', (text, minor) => {
    const result = parseAmount(text, 'USD', EN, { allowExcessPrecision: true });
    expect(result).toEqual({ ok: true, minor });
    if (result.ok) expect(Object.is(result.minor, -0)).toBe(false);
  });

  it('still rejects malformed text', () => {
    expect(parseAmount('12,34', 'USD', EN, { allowExcessPrecision: true }).ok).toBe(false);
  });
});

describe('formatAmount', () => {
  it.each([
    [123456, 'USD', {}, '1,234.56'],
    [-123456, 'USD', {}, '-1,234.56'],
    [5, 'USD', {}, '0.05'],
    [-5, 'USD', {}, '-0.05'],
    [0, 'USD', {}, '0.00'],
    [1234567, 'JPY', {}, '1,234,567'],
    [-1234, 'KWD', {}, '-1.234'],
    [1, 'CLF', {}, '0.0001'],
    [100000, 'USD', { grouping: false }, '1000.00'],
    [123456789, 'EUR', { style: DE }, '1.234.567,89'],
    [123456789, 'EUR', { style: FR }, '1 234 567,89'],
    [123456789, 'CHF', { style: CH }, "1'234'567.89"],
    [123456789, 'USD', { style: PLAIN }, '1234567.89'],
    [-1234, 'USD', { negative: 'parens' }, '(12.34)'],
    [-1234, 'USD', { negative: 'trailing' }, '12.34-'],
    [1234, 'USD', { negative: 'parens' }, '12.34'],
    [1234, 'USD', { code: 'prefix' }, 'USD 12.34'],
    [1234, 'USD', { code: 'suffix' }, '12.34 USD'],
    [-1234, 'USD', { code: 'prefix' }, 'USD -12.34'],
    [-1234, 'USD', { code: 'suffix' }, '-12.34 USD'],
    [-1234, 'USD', { code: 'prefix', negative: 'parens' }, '(USD 12.34)'],
    [-1234, 'EUR', { code: 'suffix', negative: 'trailing', style: DE }, '12,34- EUR'],
    [Number.MAX_SAFE_INTEGER, 'USD', {}, '90,071,992,547,409.91'],
    [-Number.MAX_SAFE_INTEGER, 'JPY', {}, '-9,007,199,254,740,991'],
  ] as const)('%i %s %j → %j', (minor, currency, options, expected) => {
    expect(formatAmount(minor, currency, options)).toBe(expected);
  });

  it('throws on bad input', () => {
    expect(() => formatAmount(1.5, 'USD')).toThrow(RangeError);
    expect(() => formatAmount(Number.MAX_SAFE_INTEGER + 1, 'USD')).toThrow(RangeError);
    expect(() => formatAmount(1, 'XYZ')).toThrow(UnknownCurrencyError);
  });
});

describe('minorToDecimalString', () => {
  it.each([
    [-123456, 'USD', '-1234.56'],
    [5, 'USD', '0.05'],
    [0, 'EUR', '0.00'],
    [-1234, 'JPY', '-1234'],
    [1234, 'KWD', '1.234'],
    [-1, 'CLF', '-0.0001'],
    [100, 'XAU', '100'],
  ])('%i %s → %s', (minor, currency, expected) => {
    expect(minorToDecimalString(minor, currency)).toBe(expected);
  });
});

describe('parseMinorInteger', () => {
  it.each([
    [0, 0],
    [-0, 0],
    [1250, 1250],
    [-1250, -1250],
    [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    [12n, 12],
  ])('%s → %s', (value, expected) => {
    const got = parseMinorInteger(value);
    expect(got).toBe(expected);
    expect(Object.is(got, -0)).toBe(false);
  });

  it.each([12.5, NaN, Infinity, Number.MAX_SAFE_INTEGER + 1, 2n ** 60n, '1250', '12.50', null, undefined, true, {}, [1]])('%s → null', (value) => {
    expect(parseMinorInteger(value)).toBeNull();
  });
});

const LOCALES = ['en-US', 'en-IN', 'ja', 'de-DE', 'pt-BR', 'tr', 'fr-FR', 'sv', 'pl', 'pt-PT', 'de-CH', 'it-CH'];
const CODES = ALL_CURRENCIES.map((c) => c.code);

describe('round trip (property)', () => {
  it('parseAmount(formatAmount(x)) === x for every currency, style, sign style, grouping and code placement', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e15, max: 1e15 }),
        fc.constantFrom(...CODES),
        fc.constantFrom(...LOCALES),
        fc.constantFrom('minus', 'parens', 'trailing'),
        fc.boolean(),
        fc.constantFrom('none', 'prefix', 'suffix'),
        (x, currency, locale, negative, grouping, code) => {
          const style = numberStyleForLocale(locale);
          const text = formatAmount(x, currency, { style, grouping, negative, code });
          expect(parseAmount(text, currency, style)).toEqual({ ok: true, minor: x });
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('round-trips every currency at its extremes', () => {
    for (const currency of CODES) {
      for (const x of [0, 1, -1, 999, -1000, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]) {
        for (const locale of LOCALES) {
          const style = numberStyleForLocale(locale);
          expect(parseAmount(formatAmount(x, currency, { style }), currency, style)).toEqual({ ok: true, minor: x });
        }
      }
    }
  });

  it('minorToDecimalString round-trips through the plain style', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e15, max: 1e15 }), fc.constantFrom(...CODES), (x, currency) => {
        expect(parseAmount(minorToDecimalString(x, currency), currency, PLAIN)).toEqual({ ok: true, minor: x });
      }),
    );
  });

  it('never guesses: two-decimal text in one convention is rejected under the other', () => {
    const dotStyles = LOCALES.map(numberStyleForLocale).filter((s) => s.decimal === '.');
    const commaStyles = LOCALES.map(numberStyleForLocale).filter((s) => s.decimal === ',');
    fc.assert(
      fc.property(
        fc.integer({ min: -1e15, max: 1e15 }),
        fc.constantFrom('USD', 'EUR', 'GBP', 'BRL', 'CHF'),
        fc.constantFrom(...dotStyles),
        fc.constantFrom(...commaStyles),
        fc.boolean(),
        fc.boolean(),
        (x, currency, dot, comma, grouping, dotFirst) => {
          const [from, to] = dotFirst ? [dot, comma] : [comma, dot];
          const text = formatAmount(x, currency, { style: from, grouping });
          expect(parseAmount(text, currency, to).ok).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('parseAmount fast path for plain numbers', () => {
  // parseAmount answers "-1234.56"-shaped text without the general parser; it must answer exactly as that parser does,
  // including the texts it hands over (too many decimals, too many digits, the other separator).
  const plainText = fc
    .tuple(fc.boolean(), fc.stringMatching(/^\d{1,18}$/), fc.option(fc.stringMatching(/^\d{0,5}$/)), fc.constantFrom('.', ','))
    .map(([neg, int, frac, sep]) => `${neg ? '-' : ''}${int}${frac === null ? '' : `${sep}${frac}`}`);
  it('agrees with the general parser on every plain number, style and currency', () => {
    fc.assert(
      fc.property(
        plainText,
        fc.constantFrom(EN, DE, FR, CH, PLAIN),
        fc.constantFrom('USD', 'EUR', 'JPY', 'KWD', 'BHD', 'CLF'),
        fc.boolean(),
        (text, style, code, excess) => {
          const options = { allowExcessPrecision: excess };
          expect(parseAmount(text, code, style, options)).toEqual(parseAmountText(text, code, currencyExponent(code), style, options));
        },
      ),
      { numRuns: 3000 },
    );
  });
  it('gives 0, not -0, for a negative zero', () => {
    expect(Object.is((parseAmount('-0.00', 'USD') as { minor: number }).minor, 0)).toBe(true);
  });
});
