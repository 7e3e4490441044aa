// Exact parsing and formatting of amount text as bank and provider files write it, in integer minor units.
import { currencyExponent, isCurrencyCode, isKnownCurrencySymbol, symbolMayDenote } from './currencies.ts';

export interface NumberStyle {
  decimal: '.' | ',';
  group: ',' | '.' | ' ' | "'" | '';
}

export type AmountParseResult = { ok: true; minor: number } | { ok: false; error: string };

export interface ParseAmountOptions {
  allowExcessPrecision?: boolean;
}

export interface FormatAmountOptions {
  style?: NumberStyle;
  grouping?: boolean;
  negative?: 'minus' | 'parens' | 'trailing';
  code?: 'none' | 'prefix' | 'suffix';
}

const DOT_COMMA: NumberStyle = Object.freeze({ decimal: '.', group: ',' });
const COMMA_DOT: NumberStyle = Object.freeze({ decimal: ',', group: '.' });
const COMMA_SPACE: NumberStyle = Object.freeze({ decimal: ',', group: ' ' });
const DOT_APOSTROPHE: NumberStyle = Object.freeze({ decimal: '.', group: "'" });

// A fixed table rather than Intl: the meaning of "1.234" in an import must not change with the
// ICU version of whichever runtime happens to parse it. Keys are "lang" or "lang-REGION";
// a region entry overrides its language.
const LOCALE_STYLES: ReadonlyMap<string, NumberStyle> = new Map<string, NumberStyle>([
  ['en', DOT_COMMA],
  ['en-ZA', COMMA_SPACE],
  ['ja', DOT_COMMA],
  ['zh', DOT_COMMA],
  ['ko', DOT_COMMA],
  ['th', DOT_COMMA],
  ['he', DOT_COMMA],
  ['hi', DOT_COMMA],
  ['ms', DOT_COMMA],
  ['fil', DOT_COMMA],
  ['de', COMMA_DOT],
  ['de-AT', COMMA_SPACE],
  ['de-CH', DOT_APOSTROPHE],
  ['de-LI', DOT_APOSTROPHE],
  ['es', COMMA_DOT],
  ['es-MX', DOT_COMMA],
  ['es-US', DOT_COMMA],
  ['it', COMMA_DOT],
  ['it-CH', DOT_APOSTROPHE],
  ['nl', COMMA_DOT],
  ['pt', COMMA_DOT],
  ['pt-BR', COMMA_DOT],
  ['pt-PT', COMMA_SPACE],
  ['da', COMMA_DOT],
  ['tr', COMMA_DOT],
  ['id', COMMA_DOT],
  ['el', COMMA_DOT],
  ['ro', COMMA_DOT],
  ['hr', COMMA_DOT],
  ['sl', COMMA_DOT],
  ['sr', COMMA_DOT],
  ['vi', COMMA_DOT],
  ['fr', COMMA_SPACE],
  ['fr-CH', DOT_APOSTROPHE],
  ['sv', COMMA_SPACE],
  ['nb', COMMA_SPACE],
  ['nn', COMMA_SPACE],
  ['no', COMMA_SPACE],
  ['fi', COMMA_SPACE],
  ['pl', COMMA_SPACE],
  ['cs', COMMA_SPACE],
  ['sk', COMMA_SPACE],
  ['ru', COMMA_SPACE],
  ['uk', COMMA_SPACE],
  ['hu', COMMA_SPACE],
  ['bg', COMMA_SPACE],
  ['lt', COMMA_SPACE],
  ['lv', COMMA_SPACE],
  ['et', COMMA_SPACE],
]);

export function numberStyleForLocale(locale: string): NumberStyle {
  const parts = locale.trim().replace(/_/g, '-').split('-');
  const lang = (parts[0] ?? '').toLowerCase();
  // Skip a script subtag (zh-Hant-TW): only language and region decide separators.
  const region = parts
    .slice(1)
    .find((p) => /^(?:[A-Za-z]{2}|\d{3})$/.test(p))
    ?.toUpperCase();
  const style = (region !== undefined ? LOCALE_STYLES.get(`${lang}-${region}`) : undefined) ?? LOCALE_STYLES.get(lang);
  if (style === undefined) throw new Error(`no number style known for locale "${locale}"`);
  return { ...style };
}

const DEFAULT_STYLE: NumberStyle = DOT_COMMA;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

// Regular, no-break, narrow no-break and thin spaces: all appear as thousands separators in exports.
function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\u00A0' || ch === '\u202F' || ch === '\u2009' || ch === '\t';
}

function isDigit(ch: string): boolean {
  return ch >= '0' && ch <= '9';
}

function isSign(ch: string): boolean {
  return ch === '-' || ch === '+' || ch === '\u2212';
}

// Marker characters form currency codes and symbols; number punctuation never does.
function isMarkerChar(ch: string): boolean {
  return !(isDigit(ch) || isSpace(ch) || isSign(ch) || ch === '(' || ch === ')' || ch === '.' || ch === ',' || ch === "'" || ch === '\u2019');
}

function isKnownMarker(marker: string): boolean {
  return isKnownCurrencySymbol(marker) || isCurrencyCode(marker.toUpperCase());
}

function fail(error: string): { ok: false; error: string } {
  return { ok: false, error };
}

// Checks a code or symbol written next to the number against the currency the caller declared.
function checkMarker(q: string, marker: string, currency: string): string | undefined {
  const upper = marker.toUpperCase();
  if (/^[A-Z]{3}$/.test(upper) && isCurrencyCode(upper)) {
    return upper === currency ? undefined : `${q} is in ${upper}, not ${currency}`;
  }
  if (isKnownCurrencySymbol(marker)) {
    return symbolMayDenote(marker, currency) ? undefined : `${q}: "${marker}" does not denote ${currency}`;
  }
  return `${q} contains unrecognized text "${marker}"`;
}

function describeChar(ch: string): string {
  return isSpace(ch) ? 'a space' : `"${ch}"`;
}

// "-1234.56" as exports write most amounts: a sign, at most 15 digits, the style's decimal separator. Anything else,
// or more decimals than the currency has, goes the general way.
const PLAIN_DOT = /^(-?)(\d{1,15})(?:\.(\d{1,15}))?$/;
const PLAIN_COMMA = /^(-?)(\d{1,15})(?:,(\d{1,15}))?$/;

/** The general parser's answer for plain text, reached without it (the import parses millions of amounts); else null. */
function plainAmount(text: string, exponent: number, decimal: NumberStyle['decimal']): number | null {
  const m = (decimal === '.' ? PLAIN_DOT : PLAIN_COMMA).exec(text);
  if (m === null) return null;
  const frac = m[3] ?? '';
  if (frac.length > exponent) return null;
  const digits = `${m[2] as string}${frac.padEnd(exponent, '0')}`;
  if (digits.length > 15) return null;
  const magnitude = Number(digits);
  return m[1] === '-' && magnitude !== 0 ? -magnitude : magnitude;
}

export function parseAmount(text: string, currency: string, style: NumberStyle = DEFAULT_STYLE, options: ParseAmountOptions = {}): AmountParseResult {
  if (!isCurrencyCode(currency)) return fail(`unknown currency "${currency}"`);
  if (style.decimal === style.group) return fail(`invalid number style: "${style.decimal}" is both decimal and group separator`);
  const exponent = currencyExponent(currency);
  const plain = plainAmount(text, exponent, style.decimal);
  if (plain !== null) return { ok: true, minor: plain };
  return parseAmountText(text, currency, exponent, style, options);
}

/** Every form parseAmount accepts: signs, parentheses, currency markers, digit groups, excess precision. */
export function parseAmountText(
  text: string,
  currency: string,
  exponent: number,
  style: NumberStyle,
  options: ParseAmountOptions,
): AmountParseResult {
  const q = JSON.stringify(text);
  if (text.trim() === '') return fail('empty amount');

  let start = 0;
  let end = text.length;
  const signs: string[] = [];
  const markers: string[] = [];
  let parenOpen = false;
  let parenClose = false;

  // Peel signs, parentheses, currency markers and whitespace off the front, in any order.
  while (start < end) {
    const ch = text.charAt(start);
    if (isSpace(ch)) {
      start++;
    } else if (ch === '(') {
      if (parenOpen) return fail(`${q} has unbalanced parentheses`);
      parenOpen = true;
      start++;
    } else if (isSign(ch)) {
      signs.push(ch);
      start++;
    } else if (isMarkerChar(ch)) {
      let j = start;
      while (j < end && isMarkerChar(text.charAt(j))) j++;
      let marker = text.slice(start, j);
      if (text.charAt(j) === '.' && isKnownMarker(`${marker}.`)) {
        marker += '.';
        j++;
      }
      markers.push(marker);
      start = j;
    } else {
      break;
    }
  }
  // And the same off the back, which is where trailing minus and suffix codes live.
  while (end > start) {
    const ch = text.charAt(end - 1);
    if (isSpace(ch)) {
      end--;
    } else if (ch === ')') {
      if (parenClose) return fail(`${q} has unbalanced parentheses`);
      parenClose = true;
      end--;
    } else if (isSign(ch)) {
      signs.push(ch);
      end--;
    } else if (isMarkerChar(ch) || (ch === '.' && end - 1 > start && isMarkerChar(text.charAt(end - 2)))) {
      let j = ch === '.' ? end - 1 : end;
      while (j > start && isMarkerChar(text.charAt(j - 1))) j--;
      const marker = text.slice(j, end);
      // A '.' after letters is part of the marker only for markers like "kr."; otherwise it is the number's.
      if (ch === '.' && !isKnownMarker(marker)) break;
      markers.push(marker);
      end = j;
    } else {
      break;
    }
  }

  for (const marker of markers) {
    const problem = checkMarker(q, marker, currency);
    if (problem !== undefined) return fail(problem);
  }
  if (markers.length > 2) return fail(`${q} has too many currency markers`);
  if (parenOpen !== parenClose) return fail(`${q} has unbalanced parentheses`);
  if (signs.length + (parenOpen ? 1 : 0) > 1) return fail(`${q} has more than one sign`);
  const negative = parenOpen || (signs.length === 1 && signs[0] !== '+');

  const core = text.slice(start, end);
  if (core === '') return fail(`${q} has no digits`);

  const decimalAt = core.indexOf(style.decimal);
  if (decimalAt !== core.lastIndexOf(style.decimal)) {
    return fail(`${q} has more than one decimal separator "${style.decimal}"`);
  }
  const intText = decimalAt < 0 ? core : core.slice(0, decimalAt);
  const fracText = decimalAt < 0 ? undefined : core.slice(decimalAt + 1);
  const other = style.decimal === '.' ? ',' : '.';
  const ambiguous = `${q} is ambiguous: expected "${style.decimal}" as decimal separator`;

  if (fracText !== undefined) {
    if (fracText === '') return fail(`${q} has no digits after the decimal separator`);
    for (const ch of fracText) {
      if (isDigit(ch)) continue;
      if (isSpace(ch) || ch === style.group || ch === other || ch === "'" || ch === '\u2019') {
        return fail(`${q} has a group separator after the decimal separator`);
      }
      return fail(`${q} contains unexpected ${describeChar(ch)}`);
    }
  }

  // Integer part: digits, optionally grouped by threes with one kind of separator.
  let separatorKind: string | undefined;
  const groups: string[] = [''];
  for (const ch of intText) {
    if (isDigit(ch)) {
      groups[groups.length - 1] += ch;
      continue;
    }
    const apostrophe = ch === '\u2019' ? "'" : ch;
    let kind: string;
    if (isSpace(ch)) kind = ' ';
    else if (style.group !== '' && apostrophe === style.group) kind = style.group;
    else if ((ch === other || ch === ',' || ch === '.') && fracText === undefined && intText.split(ch).length === 2) {
      return fail(ambiguous);
    } else return fail(`${q} contains unexpected ${describeChar(ch)}`);
    if (separatorKind !== undefined && separatorKind !== kind) return fail(`${q} mixes digit-group separators`);
    separatorKind = kind;
    groups.push('');
  }
  if (groups.length > 1) {
    const [first, ...rest] = groups;
    const valid = first !== undefined && first.length >= 1 && first.length <= 3 && rest.every((g) => g.length === 3);
    if (!valid) {
      if (fracText === undefined && groups.length === 2 && (separatorKind === ',' || separatorKind === '.')) {
        return fail(ambiguous);
      }
      return fail(`${q} has invalid digit grouping`);
    }
  }
  const intDigits = groups.join('');
  if (intDigits === '' && fracText === undefined) return fail(`${q} has no digits`);

  let fracDigits = fracText ?? '';
  let roundUp = false;
  if (fracDigits.length > exponent) {
    const extra = fracDigits.slice(exponent);
    if (/[1-9]/.test(extra)) {
      if (options.allowExcessPrecision !== true) {
        const n = fracDigits.length;
        return fail(`${q} has ${n} decimal${n === 1 ? '' : 's'} but ${currency} allows ${exponent}`);
      }
      // Half away from zero: on the magnitude that is simply half up.
      roundUp = extra.charAt(0) >= '5';
    }
    fracDigits = fracDigits.slice(0, exponent);
  }
  let magnitude = BigInt(`${intDigits}${fracDigits.padEnd(exponent, '0')}` || '0');
  if (roundUp) magnitude += 1n;
  if (magnitude > MAX_SAFE) return fail(`${q} is too large to represent exactly`);
  const minor = Number(negative ? -magnitude : magnitude);
  return { ok: true, minor: minor === 0 ? 0 : minor };
}

function groupDigits(digits: string, separator: string): string {
  const head = digits.length % 3;
  const parts: string[] = head > 0 ? [digits.slice(0, head)] : [];
  for (let i = head; i < digits.length; i += 3) parts.push(digits.slice(i, i + 3));
  return parts.join(separator);
}

export function formatAmount(minor: number, currency: string, options: FormatAmountOptions = {}): string {
  const exponent = currencyExponent(currency);
  if (!Number.isSafeInteger(minor)) throw new RangeError(`amount ${String(minor)} is not a safe integer of minor units`);
  const style = options.style ?? DEFAULT_STYLE;
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  let intDigits = digits.slice(0, digits.length - exponent);
  const fracDigits = digits.slice(digits.length - exponent);
  if ((options.grouping ?? true) && style.group !== '') intDigits = groupDigits(intDigits, style.group);
  const number = exponent > 0 ? `${intDigits}${style.decimal}${fracDigits}` : intDigits;

  const code = options.code ?? 'none';
  const withCode = (n: string): string => (code === 'prefix' ? `${currency} ${n}` : code === 'suffix' ? `${n} ${currency}` : n);
  if (minor >= 0) return withCode(number);
  switch (options.negative ?? 'minus') {
    case 'minus':
      return code === 'suffix' ? `-${number} ${currency}` : withCode(`-${number}`);
    case 'parens':
      return `(${withCode(number)})`;
    case 'trailing':
      return withCode(`${number}-`);
  }
}

// Plain "-1234.56": what CSV exports write so spreadsheets read a number, not text.
export function minorToDecimalString(minor: number, currency: string): string {
  return formatAmount(minor, currency, { style: { decimal: '.', group: '' }, grouping: false });
}

// JSON amounts from provider APIs that are already integer minor units (Stripe-style). Strings are
// refused on purpose: "12.50" vs "1250" would need a guess about which unit the API meant.
export function parseMinorInteger(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? (value === 0 ? 0 : value) : null;
  if (typeof value === 'bigint') {
    return value <= MAX_SAFE && value >= -MAX_SAFE ? Number(value) : null;
  }
  return null;
}
