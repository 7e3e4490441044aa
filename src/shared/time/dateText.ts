// Date and time text from import files → UTC instants or calendar dates, with explicit formats and zones.
//
// Wall times without an offset are read in the source's IANA zone. Two cases have no single answer:
// - DST gap (wall time skipped, e.g. 02:30 on a spring-forward night): we move forward by the length
//   of the gap (02:30 → 03:30 in Europe/Berlin), i.e. use the offset in force before the transition,
//   as Temporal's "compatible" disambiguation and most databases do.
// - DST overlap (wall time occurs twice, e.g. 02:30 on a fall-back night): we take the earlier
//   instant (the first 02:30, still on summer time), also as Temporal "compatible" does.
// Instants are returned as `YYYY-MM-DDTHH:mm:ssZ`, with `.SSS` only when the input carried
// fractional seconds. Digits beyond milliseconds are truncated: the ledger stores millisecond instants.
import { DAY_MS } from './duration.ts';

export type DateTimeParseResult = { ok: true; iso: string } | { ok: false; error: string };
export type LocalDateParseResult = { ok: true; date: string } | { ok: false; error: string };

type TokenKind = 'YYYY' | 'YY' | 'MMM' | 'MM' | 'M' | 'DD' | 'D' | 'HH' | 'H' | 'mm' | 'ss' | 'SSS' | 'Z';
type Token = { kind: TokenKind } | { kind: 'literal'; text: string };

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millis: number | undefined;
  offsetMinutes: number | undefined;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MINUTE_MS = 60_000;
// 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.999Z: what four-digit ISO years can express.
const MIN_MS = -62_135_596_800_000;
const MAX_MS = 253_402_300_799_999;

const VALID_RUNS: Readonly<Record<string, readonly number[]>> = {
  Y: [2, 4],
  M: [1, 2, 3],
  D: [1, 2],
  H: [1, 2],
  m: [2],
  s: [2],
  S: [3],
  Z: [1],
};

const compiled = new Map<string, Token[] | string>();

// Returns the token list, or an error message when the format itself is malformed.
function compileFormat(format: string): Token[] | string {
  const cached = compiled.get(format);
  if (cached !== undefined) return cached;
  const tokens: Token[] = [];
  let problem: string | undefined;
  const seen = new Set<string>();
  for (let i = 0; i < format.length && problem === undefined;) {
    const ch = format.charAt(i);
    const lengths = VALID_RUNS[ch];
    if (lengths === undefined) {
      tokens.push({ kind: 'literal', text: ch });
      i++;
      continue;
    }
    let j = i;
    while (format.charAt(j) === ch) j++;
    const run = format.slice(i, j);
    if (!lengths.includes(run.length)) problem = `"${run}" is not a format token`;
    else if (seen.has(ch)) problem = `"${ch}" appears twice`;
    seen.add(ch);
    tokens.push({ kind: run as TokenKind });
    i = j;
  }
  if (problem === undefined) {
    if (!seen.has('Y') || !seen.has('M') || !seen.has('D')) problem = 'it needs a year, a month and a day';
    else if (seen.has('m') && !seen.has('H')) problem = 'minutes need an hour';
    else if (seen.has('s') && !seen.has('m')) problem = 'seconds need minutes';
    else if (seen.has('S') && !seen.has('s')) problem = 'milliseconds need seconds';
  }
  const result = problem === undefined ? tokens : `invalid date format "${format}": ${problem}`;
  compiled.set(format, result);
  return result;
}

function isWhitespace(ch: string): boolean {
  return /\s/.test(ch);
}

function readDigits(text: string, at: number, min: number, max: number): [number, number] | undefined {
  let j = at;
  while (j < text.length && j - at < max && text.charAt(j) >= '0' && text.charAt(j) <= '9') j++;
  return j - at < min ? undefined : [Number(text.slice(at, j)), j];
}

// "+0200", "+02:00", "-04", "Z" → minutes east of UTC; undefined when malformed or beyond ±18:00.
function parseOffset(text: string): number | undefined {
  if (text === 'Z' || text === 'z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(text);
  if (m === null) return undefined;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? '0');
  if (hours > 18 || minutes > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

type Match = { fields: Fields } | { mismatch: true };

function matchFormat(text: string, tokens: readonly Token[]): Match {
  const f: Fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, millis: undefined, offsetMinutes: undefined };
  let i = 0;
  for (const token of tokens) {
    if (token.kind === 'literal') {
      // One space in a format stands for any run of whitespace: exports pad columns freely.
      if (isWhitespace(token.text)) {
        if (i >= text.length || !isWhitespace(text.charAt(i))) return { mismatch: true };
        while (i < text.length && isWhitespace(text.charAt(i))) i++;
      } else {
        if (text.charAt(i) !== token.text) return { mismatch: true };
        i++;
      }
      continue;
    }
    if (token.kind === 'MMM') {
      const month = MONTHS.indexOf(text.slice(i, i + 3).toLowerCase());
      if (month < 0) return { mismatch: true };
      f.month = month + 1;
      i += 3;
      continue;
    }
    if (token.kind === 'Z') {
      const m = /^(?:[Zz]|[+-]\d{2}(?::?\d{2})?)/.exec(text.slice(i));
      const offset = m === null ? undefined : parseOffset(m[0]);
      if (m === null || offset === undefined) return { mismatch: true };
      f.offsetMinutes = offset;
      i += m[0].length;
      continue;
    }
    const width = token.kind.length;
    const variable = token.kind === 'M' || token.kind === 'D' || token.kind === 'H';
    const read = readDigits(text, i, variable ? 1 : width, variable ? 2 : width);
    if (read === undefined) return { mismatch: true };
    const [value, next] = read;
    i = next;
    switch (token.kind) {
      case 'YYYY':
        f.year = value;
        break;
      case 'YY':
        f.year = 2000 + value;
        break;
      case 'MM':
      case 'M':
        f.month = value;
        break;
      case 'DD':
      case 'D':
        f.day = value;
        break;
      case 'HH':
      case 'H':
        f.hour = value;
        break;
      case 'mm':
        f.minute = value;
        break;
      case 'ss':
        f.second = value;
        break;
      case 'SSS':
        f.millis = value;
        break;
    }
  }
  return i === text.length ? { fields: f } : { mismatch: true };
}

// The formats the import meets most (Stripe's and Shopify's exports), read by one regular expression. Each accepts
// only text its format's token walk accepts with the same fields; anything else goes the general way.
const COMMON_FORMATS: ReadonlyMap<string, RegExp> = new Map([
  ['YYYY-MM-DD HH:mm:ss', /^(\d{4})-(\d{2})-(\d{2})\s+(\d{2}):(\d{2}):(\d{2})$/],
  ['YYYY-MM-DD HH:mm:ss Z', /^(\d{4})-(\d{2})-(\d{2})\s+(\d{2}):(\d{2}):(\d{2})\s+([Zz]|[+-]\d{2}(?::?\d{2})?)$/],
]);

/** matchFormat's answer for a common format, or undefined when the general walk must decide. */
function matchCommon(text: string, format: string): Match | undefined {
  const m = COMMON_FORMATS.get(format)?.exec(text);
  if (m === undefined || m === null) return undefined;
  const offset = m[7] === undefined ? undefined : parseOffset(m[7]);
  if (m[7] !== undefined && offset === undefined) return undefined;
  return {
    fields: {
      year: Number(m[1]),
      month: Number(m[2]),
      day: Number(m[3]),
      hour: Number(m[4]),
      minute: Number(m[5]),
      second: Number(m[6]),
      millis: undefined,
      offsetMinutes: offset,
    },
  };
}

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;

function matchIso(text: string): Match {
  const m = ISO_RE.exec(text);
  if (m === null) return { mismatch: true };
  const offset = m[8] === undefined ? undefined : parseOffset(m[8]);
  if (m[8] !== undefined && offset === undefined) return { mismatch: true };
  return {
    fields: {
      year: Number(m[1]),
      month: Number(m[2]),
      day: Number(m[3]),
      hour: Number(m[4] ?? '0'),
      minute: Number(m[5] ?? '0'),
      second: Number(m[6] ?? '0'),
      millis: m[7] === undefined ? undefined : Number(m[7].slice(0, 3).padEnd(3, '0')),
      offsetMinutes: offset,
    },
  };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function describeFormat(format: string): string {
  return format === 'iso' ? 'ISO 8601, e.g. 2024-01-31T09:30:00+01:00' : format;
}

// Parses and validates the calendar and clock fields; a string is the user-facing error.
function parseFields(text: string, format: string): Fields | string {
  // Quoted only on the error paths: this runs for every date of every imported row.
  const q = (): string => JSON.stringify(text);
  let match: Match;
  if (format === 'iso') {
    match = matchIso(text.trim());
  } else {
    const tokens = compileFormat(format);
    if (typeof tokens === 'string') return tokens;
    const trimmed = text.trim();
    match = matchCommon(trimmed, format) ?? matchFormat(trimmed, tokens);
  }
  if ('mismatch' in match) return `${q()} does not match format "${describeFormat(format)}"`;
  const f = match.fields;
  if (f.year < 1 || f.month < 1 || f.month > 12 || f.day < 1 || f.day > daysInMonth(f.year, f.month)) {
    return `${q()} is not a valid date (expected ${describeFormat(format)})`;
  }
  if (f.hour > 23 || f.minute > 59 || f.second > 59) {
    return `${q()} is not a valid time (expected ${describeFormat(format)})`;
  }
  return f;
}

// Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not.
function wallToMs(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, ms);
  return d.getTime();
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

// The wall clock in `timeZone` at instant `ms`, itself encoded as if it were a UTC instant.
function wallMsAt(ms: number, timeZone: string): number {
  const seconds = Math.floor(ms / 1000) * 1000;
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(seconds)) parts[p.type] = p.value;
  const yearOfEra = Number(parts['year']);
  const year = parts['era'] === 'BC' || parts['era'] === 'B' ? 1 - yearOfEra : yearOfEra;
  const hour = Number(parts['hour']) % 24;
  return wallToMs(year, Number(parts['month']), Number(parts['day']), hour, Number(parts['minute']), Number(parts['second']), ms - seconds);
}

const UTC_ZONES = new Set(['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/Universal', 'Etc/Zulu', 'Zulu', 'Universal']);
const QUARTER_HOUR_MS = 15 * 60 * 1000;
const offsetCache = new Map<string, Map<number, number>>();

// Intl formatting is the import hot path's slowest step, so offsets are cached per zone and
// quarter hour. A bucket is cached only when its first and last millisecond share one offset:
// real transitions fall on quarter-hour boundaries, and a bucket that straddles one (historic
// local-mean-time changes) is simply computed every time.
function offsetAt(ms: number, timeZone: string): number {
  if (UTC_ZONES.has(timeZone)) return 0;
  let zone = offsetCache.get(timeZone);
  if (zone === undefined) {
    zone = new Map();
    offsetCache.set(timeZone, zone);
  }
  const bucket = Math.floor(ms / QUARTER_HOUR_MS);
  const cached = zone.get(bucket);
  if (cached !== undefined) return cached;
  const offset = wallMsAt(ms, timeZone) - ms;
  const start = bucket * QUARTER_HOUR_MS;
  if (wallMsAt(start, timeZone) - start === offset && wallMsAt(start + QUARTER_HOUR_MS - 1, timeZone) - (start + QUARTER_HOUR_MS - 1) === offset) {
    if (zone.size > 100_000) zone.clear();
    zone.set(bucket, offset);
  }
  return offset;
}

function wallToInstant(wall: number, timeZone: string): number {
  // Offsets in force a day either side cover both sides of any single transition near `wall`.
  const candidates = new Set([offsetAt(wall - DAY_MS, timeZone), offsetAt(wall, timeZone), offsetAt(wall + DAY_MS, timeZone)]);
  const valid: number[] = [];
  const all: number[] = [];
  for (const offset of candidates) {
    const instant = wall - offset;
    all.push(instant);
    if (offsetAt(instant, timeZone) === offset) valid.push(instant);
  }
  // Overlap: earliest instant. Gap: no candidate is valid; the latest candidate uses the smaller,
  // pre-transition offset, which lands the gap's length after the requested wall time.
  return valid.length > 0 ? Math.min(...valid) : Math.max(...all);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function formatInstant(ms: number, withMillis: boolean): string {
  const d = new Date(ms);
  const base =
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
    `T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  return withMillis ? `${base}.${pad(d.getUTCMilliseconds(), 3)}Z` : `${base}Z`;
}

export function isValidTimeZone(tz: string): boolean {
  if (typeof tz !== 'string' || tz.trim() === '' || tz !== tz.trim()) return false;
  try {
    formatterFor(tz);
    return true;
  } catch {
    return false;
  }
}

export function unixSecondsToIso(seconds: number): string {
  if (!Number.isSafeInteger(seconds)) throw new RangeError(`unix time ${String(seconds)} is not an integer number of seconds`);
  const ms = seconds * 1000;
  if (ms < MIN_MS || ms > MAX_MS) throw new RangeError(`unix time ${String(seconds)} is outside years 0001-9999`);
  return formatInstant(ms, false);
}

export function parseDateTimeToUtc(text: string, format: string, timeZone: string): DateTimeParseResult {
  if (!UTC_ZONES.has(timeZone) && !isValidTimeZone(timeZone)) return { ok: false, error: `unknown time zone "${timeZone}"` };
  // Quoted only on the error paths: this runs once per imported row.
  const q = (): string => JSON.stringify(text);
  if (format === 'unix') {
    const trimmed = text.trim();
    const seconds = /^-?\d{1,15}$/.test(trimmed) ? Number(trimmed) : NaN;
    if (!Number.isSafeInteger(seconds)) return { ok: false, error: `${q()} is not a whole number of unix seconds` };
    if (seconds * 1000 < MIN_MS || seconds * 1000 > MAX_MS) return { ok: false, error: `${q()} is outside years 0001-9999` };
    return { ok: true, iso: unixSecondsToIso(seconds) };
  }
  const f = parseFields(text, format);
  if (typeof f === 'string') return { ok: false, error: f };
  const wall = wallToMs(f.year, f.month, f.day, f.hour, f.minute, f.second, f.millis ?? 0);
  const instant = f.offsetMinutes !== undefined ? wall - f.offsetMinutes * MINUTE_MS : wallToInstant(wall, timeZone);
  if (instant < MIN_MS || instant > MAX_MS) return { ok: false, error: `${q()} is outside years 0001-9999 in UTC` };
  return { ok: true, iso: formatInstant(instant, f.millis !== undefined) };
}

// A calendar date as written (bank booking dates): time and offset fields are validated but do not
// shift the date, because the source's own calendar is what the bank statement means.
export function parseLocalDate(text: string, format: string): LocalDateParseResult {
  if (format === 'unix') return { ok: false, error: 'unix timestamps have no calendar date without a time zone' };
  const f = parseFields(text, format);
  if (typeof f === 'string') return { ok: false, error: f };
  return { ok: true, date: `${pad(f.year, 4)}-${pad(f.month, 2)}-${pad(f.day, 2)}` };
}

export function utcInstantToLocalDate(iso: string, timeZone: string): string {
  if (!isValidTimeZone(timeZone)) throw new RangeError(`unknown time zone "${timeZone}"`);
  const m = matchIso(iso.trim());
  if ('mismatch' in m || m.fields.offsetMinutes === undefined) {
    throw new RangeError(`${JSON.stringify(iso)} is not an ISO 8601 instant with an offset or Z`);
  }
  const parsed = parseDateTimeToUtc(iso, 'iso', 'UTC');
  if (!parsed.ok) throw new RangeError(parsed.error);
  const wall = new Date(wallMsAt(Date.parse(parsed.iso), timeZone));
  return `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1, 2)}-${pad(wall.getUTCDate(), 2)}`;
}
