// Tests for date/time text: formats, zones, DST gaps and overlaps, validation, and round trips.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  isValidTimeZone,
  parseDateTimeToUtc,
  parseLocalDate,
  type DateTimeParseResult,
  unixSecondsToIso,
  utcInstantToLocalDate,
} from '../../src/shared/time/dateText.ts';

describe('parseDateTimeToUtc with explicit formats', () => {
  it.each([
    ['2024-01-31', 'YYYY-MM-DD', 'UTC', '2024-01-31T00:00:00Z'],
    ['2024-01-31 09:30:15', 'YYYY-MM-DD HH:mm:ss', 'UTC', '2024-01-31T09:30:15Z'],
    ['31.01.2024 09:30', 'DD.MM.YYYY HH:mm', 'Europe/Berlin', '2024-01-31T08:30:00Z'],
    ['31.07.2024 09:30', 'DD.MM.YYYY HH:mm', 'Europe/Berlin', '2024-07-31T07:30:00Z'],
    ['1/5/2024 9:05', 'M/D/YYYY H:mm', 'America/New_York', '2024-01-05T14:05:00Z'],
    ['12/25/24', 'MM/DD/YY', 'UTC', '2024-12-25T00:00:00Z'],
    ['05-Mar-24 9:05', 'DD-MMM-YY H:mm', 'America/New_York', '2024-03-05T14:05:00Z'],
    ['05 MAR 2024', 'DD MMM YYYY', 'UTC', '2024-03-05T00:00:00Z'],
    ['05 dec 2024', 'DD MMM YYYY', 'UTC', '2024-12-05T00:00:00Z'],
    ['2024-01-01 12:00:00.250', 'YYYY-MM-DD HH:mm:ss.SSS', 'UTC', '2024-01-01T12:00:00.250Z'],
    ['2024-01-01 12:00:00.000', 'YYYY-MM-DD HH:mm:ss.SSS', 'UTC', '2024-01-01T12:00:00.000Z'],
    ['2024-01-01 12:00 +0200', 'YYYY-MM-DD HH:mm Z', 'America/New_York', '2024-01-01T10:00:00Z'],
    ['2024-01-01 12:00 +02:00', 'YYYY-MM-DD HH:mm Z', 'UTC', '2024-01-01T10:00:00Z'],
    ['2024-01-01 12:00 -04:00', 'YYYY-MM-DD HH:mm Z', 'UTC', '2024-01-01T16:00:00Z'],
    ['2024-01-01 12:00Z', 'YYYY-MM-DD HH:mmZ', 'Asia/Tokyo', '2024-01-01T12:00:00Z'],
    ['2024-01-01 00:30', 'YYYY-MM-DD HH:mm', 'Asia/Kolkata', '2023-12-31T19:00:00Z'],
    ['2024-01-01 00:30', 'YYYY-MM-DD HH:mm', 'Asia/Kathmandu', '2023-12-31T18:45:00Z'],
    ['2024-01-01    00:30', 'YYYY-MM-DD HH:mm', 'UTC', '2024-01-01T00:30:00Z'],
    ['  2024-01-01  ', 'YYYY-MM-DD', 'UTC', '2024-01-01T00:00:00Z'],
    ['2024-02-29', 'YYYY-MM-DD', 'UTC', '2024-02-29T00:00:00Z'],
    ['2000-02-29', 'YYYY-MM-DD', 'UTC', '2000-02-29T00:00:00Z'],
    ['20240131', 'YYYYMMDD', 'UTC', '2024-01-31T00:00:00Z'],
    ['0050-06-01', 'YYYY-MM-DD', 'UTC', '0050-06-01T00:00:00Z'],
    ['2024-01-01 00:00', 'YYYY-MM-DD HH:mm', 'Pacific/Kiritimati', '2023-12-31T10:00:00Z'],
  ])('%j as %s in %s → %s', (text, format, zone, iso) => {
    expect(parseDateTimeToUtc(text, format, zone)).toEqual({ ok: true, iso });
  });

  it.each([
    ['2024-02-30', 'YYYY-MM-DD', '"2024-02-30" is not a valid date (expected YYYY-MM-DD)'],
    ['2023-02-29', 'YYYY-MM-DD', '"2023-02-29" is not a valid date (expected YYYY-MM-DD)'],
    ['1900-02-29', 'YYYY-MM-DD', '"1900-02-29" is not a valid date (expected YYYY-MM-DD)'],
    ['2024-13-01', 'YYYY-MM-DD', '"2024-13-01" is not a valid date (expected YYYY-MM-DD)'],
    ['2024-00-10', 'YYYY-MM-DD', '"2024-00-10" is not a valid date (expected YYYY-MM-DD)'],
    ['2024-04-31', 'YYYY-MM-DD', '"2024-04-31" is not a valid date (expected YYYY-MM-DD)'],
    ['2024-04-00', 'YYYY-MM-DD', '"2024-04-00" is not a valid date (expected YYYY-MM-DD)'],
    ['0000-01-01', 'YYYY-MM-DD', '"0000-01-01" is not a valid date (expected YYYY-MM-DD)'],
    ['13/25/2024', 'MM/DD/YYYY', '"13/25/2024" is not a valid date (expected MM/DD/YYYY)'],
    ['2024-01-01 24:00', 'YYYY-MM-DD HH:mm', '"2024-01-01 24:00" is not a valid time (expected YYYY-MM-DD HH:mm)'],
    ['2024-01-01 23:60', 'YYYY-MM-DD HH:mm', '"2024-01-01 23:60" is not a valid time (expected YYYY-MM-DD HH:mm)'],
    ['2024-01-01 23:59:60', 'YYYY-MM-DD HH:mm:ss', '"2024-01-01 23:59:60" is not a valid time (expected YYYY-MM-DD HH:mm:ss)'],
    ['2024/01/01', 'YYYY-MM-DD', '"2024/01/01" does not match format "YYYY-MM-DD"'],
    ['2024-1-01', 'YYYY-MM-DD', '"2024-1-01" does not match format "YYYY-MM-DD"'],
    ['2024-01-01 12:00', 'YYYY-MM-DD', '"2024-01-01 12:00" does not match format "YYYY-MM-DD"'],
    ['2024-01-01', 'YYYY-MM-DD HH:mm', '"2024-01-01" does not match format "YYYY-MM-DD HH:mm"'],
    ['05-Mrz-24', 'DD-MMM-YY', '"05-Mrz-24" does not match format "DD-MMM-YY"'],
    ['2024-01-01 12:00 +2', 'YYYY-MM-DD HH:mm Z', '"2024-01-01 12:00 +2" does not match format "YYYY-MM-DD HH:mm Z"'],
    ['2024-01-01 12:00 +25:00', 'YYYY-MM-DD HH:mm Z', '"2024-01-01 12:00 +25:00" does not match format "YYYY-MM-DD HH:mm Z"'],
    ['', 'YYYY-MM-DD', '"" does not match format "YYYY-MM-DD"'],
    ['2024-01-01', 'YYY-MM-DD', 'invalid date format "YYY-MM-DD": "YYY" is not a format token'],
    ['2024-01', 'YYYY-MM', 'invalid date format "YYYY-MM": it needs a year, a month and a day'],
    ['2024-01-01 12', 'YYYY-MM-DD ss', 'invalid date format "YYYY-MM-DD ss": seconds need minutes'],
    ['2024-01-01-2024', 'YYYY-MM-DD-YYYY', 'invalid date format "YYYY-MM-DD-YYYY": "Y" appears twice'],
  ])('rejects %j as %s', (text, format, error) => {
    expect(parseDateTimeToUtc(text, format, 'UTC')).toEqual({ ok: false, error });
  });

  it('rejects unknown time zones', () => {
    expect(parseDateTimeToUtc('2024-01-01', 'YYYY-MM-DD', 'Mars/Olympus')).toEqual({
      ok: false,
      error: 'unknown time zone "Mars/Olympus"',
    });
  });

  it('rejects instants that leave four-digit years once shifted to UTC', () => {
    expect(parseDateTimeToUtc('9999-12-31 23:00 -05:00', 'YYYY-MM-DD HH:mm Z', 'UTC').ok).toBe(false);
    expect(parseDateTimeToUtc('0001-01-01 00:30 +01:00', 'YYYY-MM-DD HH:mm Z', 'UTC').ok).toBe(false);
  });
});

describe('DST handling', () => {
  it.each([
    // Gaps: the skipped wall time moves forward by the gap length.
    ['2024-03-31 02:30', 'Europe/Berlin', '2024-03-31T01:30:00Z'], // = 03:30 CEST
    ['2024-03-31 02:00', 'Europe/Berlin', '2024-03-31T01:00:00Z'], // = 03:00 CEST
    ['2024-03-10 02:15', 'America/New_York', '2024-03-10T07:15:00Z'], // = 03:15 EDT
    ['2024-10-06 02:15', 'Australia/Lord_Howe', '2024-10-05T15:45:00Z'], // 30-minute gap: = 02:45 +11
    ['2011-12-30 12:00', 'Pacific/Apia', '2011-12-30T22:00:00Z'], // a whole skipped day: = Dec 31 12:00
    // Overlaps: the earlier instant wins.
    ['2024-10-27 02:30', 'Europe/Berlin', '2024-10-27T00:30:00Z'], // first 02:30, still CEST
    ['2024-11-03 01:30', 'America/New_York', '2024-11-03T05:30:00Z'], // first 01:30, still EDT
    ['2024-04-07 01:45', 'Australia/Lord_Howe', '2024-04-06T14:45:00Z'], // first 01:45, +11
    // Either side of the transitions is unaffected.
    ['2024-03-31 01:59', 'Europe/Berlin', '2024-03-31T00:59:00Z'],
    ['2024-03-31 03:00', 'Europe/Berlin', '2024-03-31T01:00:00Z'],
    ['2024-10-27 03:00', 'Europe/Berlin', '2024-10-27T02:00:00Z'],
    ['2024-10-27 01:59', 'Europe/Berlin', '2024-10-26T23:59:00Z'],
  ])('%s in %s → %s', (text, zone, iso) => {
    expect(parseDateTimeToUtc(text, 'YYYY-MM-DD HH:mm', zone)).toEqual({ ok: true, iso });
  });

  it('an explicit offset disambiguates an overlap', () => {
    expect(parseDateTimeToUtc('2024-10-27 02:30 +01:00', 'YYYY-MM-DD HH:mm Z', 'Europe/Berlin')).toEqual({
      ok: true,
      iso: '2024-10-27T01:30:00Z',
    });
  });
});

describe("format 'iso'", () => {
  it.each([
    ['2024-01-31', 'UTC', '2024-01-31T00:00:00Z'],
    ['2024-01-31', 'Asia/Tokyo', '2024-01-30T15:00:00Z'],
    ['2024-01-31T09:30', 'Europe/Berlin', '2024-01-31T08:30:00Z'],
    ['2024-01-31T09:30:15', 'UTC', '2024-01-31T09:30:15Z'],
    ['2024-01-31 09:30:15', 'UTC', '2024-01-31T09:30:15Z'],
    ['2024-01-31T09:30:15Z', 'Asia/Tokyo', '2024-01-31T09:30:15Z'],
    ['2024-01-31T09:30:15+01:00', 'UTC', '2024-01-31T08:30:15Z'],
    ['2024-01-31T09:30:15+0100', 'UTC', '2024-01-31T08:30:15Z'],
    ['2024-01-31T09:30:15-05', 'UTC', '2024-01-31T14:30:15Z'],
    ['2024-01-01T12:00:00.25Z', 'UTC', '2024-01-01T12:00:00.250Z'],
    ['2024-01-01T12:00:00.250Z', 'UTC', '2024-01-01T12:00:00.250Z'],
    ['2024-01-01T12:00:00,5Z', 'UTC', '2024-01-01T12:00:00.500Z'],
    ['2024-01-01T12:00:00.123999Z', 'UTC', '2024-01-01T12:00:00.123Z'], // truncated, not rounded
    ['2024-01-01T00:00:00.000+14:00', 'UTC', '2023-12-31T10:00:00.000Z'],
  ])('%s in %s → %s', (text, zone, iso) => {
    expect(parseDateTimeToUtc(text, 'iso', zone)).toEqual({ ok: true, iso });
  });

  it.each([
    '2024-01-31T',
    '2024-1-31',
    '2024-01-31T9:30',
    '2024-01-31T09:30:15+1',
    '2024-01-31Z',
    'yesterday',
    '2024-02-30T00:00:00Z',
    '2024-01-01T24:00:00Z',
  ])('rejects %j', (text) => {
    const r = parseDateTimeToUtc(text, 'iso', 'UTC');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(JSON.stringify(text));
  });
});

describe("format 'unix'", () => {
  it.each([
    ['0', '1970-01-01T00:00:00Z'],
    ['1700000000', '2023-11-14T22:13:20Z'],
    [' 1700000000 ', '2023-11-14T22:13:20Z'],
    ['-86400', '1969-12-31T00:00:00Z'],
    ['253402300799', '9999-12-31T23:59:59Z'],
  ])('%j → %s', (text, iso) => {
    expect(parseDateTimeToUtc(text, 'unix', 'Europe/Berlin')).toEqual({ ok: true, iso });
  });

  it.each(['1700000000.5', '1.7e9', '', 'abc', '253402300800', '99999999999999999'])('rejects %j', (text) => {
    expect(parseDateTimeToUtc(text, 'unix', 'UTC').ok).toBe(false);
  });
});

describe('parseLocalDate', () => {
  it.each([
    ['31.12.2024', 'DD.MM.YYYY', '2024-12-31'],
    ['12/31/24', 'MM/DD/YY', '2024-12-31'],
    ['1/2/2024', 'D/M/YYYY', '2024-02-01'],
    ['31-Dec-2024', 'DD-MMM-YYYY', '2024-12-31'],
    ['2024-12-31', 'iso', '2024-12-31'],
    // The date as written wins: a late-evening booking with an offset keeps its own calendar day.
    ['2024-12-31T23:30:00-05:00', 'iso', '2024-12-31'],
    ['31.12.2024 23:59', 'DD.MM.YYYY HH:mm', '2024-12-31'],
  ])('%j as %s → %s', (text, format, date) => {
    expect(parseLocalDate(text, format)).toEqual({ ok: true, date });
  });

  it.each([
    ['31.02.2024', 'DD.MM.YYYY', '"31.02.2024" is not a valid date (expected DD.MM.YYYY)'],
    ['31.12.2024 25:00', 'DD.MM.YYYY HH:mm', '"31.12.2024 25:00" is not a valid time (expected DD.MM.YYYY HH:mm)'],
    ['2024-12-31', 'DD.MM.YYYY', '"2024-12-31" does not match format "DD.MM.YYYY"'],
    ['1700000000', 'unix', 'unix timestamps have no calendar date without a time zone'],
  ])('rejects %j as %s', (text, format, error) => {
    expect(parseLocalDate(text, format)).toEqual({ ok: false, error });
  });
});

describe('utcInstantToLocalDate', () => {
  it.each([
    ['2024-01-01T23:30:00Z', 'UTC', '2024-01-01'],
    ['2024-01-01T23:30:00Z', 'Asia/Tokyo', '2024-01-02'],
    ['2024-01-01T03:30:00Z', 'America/Los_Angeles', '2023-12-31'],
    ['2024-01-01T03:30:00.999Z', 'America/Los_Angeles', '2023-12-31'],
    ['2024-01-01T03:30:00+05:00', 'UTC', '2023-12-31'],
    ['2011-12-30T10:00:00Z', 'Pacific/Apia', '2011-12-31'],
  ])('%s in %s → %s', (iso, zone, date) => {
    expect(utcInstantToLocalDate(iso, zone)).toBe(date);
  });

  it('throws on naive or malformed instants and unknown zones', () => {
    expect(() => utcInstantToLocalDate('2024-01-01T12:00:00', 'UTC')).toThrow(RangeError);
    expect(() => utcInstantToLocalDate('2024-02-30T12:00:00Z', 'UTC')).toThrow(RangeError);
    expect(() => utcInstantToLocalDate('2024-01-01T12:00:00Z', 'Nowhere/Land')).toThrow('unknown time zone');
  });
});

describe('isValidTimeZone and unixSecondsToIso', () => {
  it.each(['UTC', 'Europe/Berlin', 'America/Argentina/Buenos_Aires', 'Asia/Kathmandu'])('%s is valid', (tz) => {
    expect(isValidTimeZone(tz)).toBe(true);
  });

  it.each(['', ' UTC', 'Mars/Olympus', 'Europe/Berlinn', 'EST5EDT6'])('%j is not valid', (tz) => {
    expect(isValidTimeZone(tz)).toBe(false);
  });

  it('formats unix seconds and rejects non-integers and out-of-range values', () => {
    expect(unixSecondsToIso(0)).toBe('1970-01-01T00:00:00Z');
    expect(unixSecondsToIso(1704067200)).toBe('2024-01-01T00:00:00Z');
    expect(unixSecondsToIso(-62135596800)).toBe('0001-01-01T00:00:00Z');
    expect(() => unixSecondsToIso(1.5)).toThrow(RangeError);
    expect(() => unixSecondsToIso(253402300800)).toThrow(RangeError);
    expect(() => unixSecondsToIso(-62135596801)).toThrow(RangeError);
  });
});

// Independent wall-clock rendering for the property tests (test-side, not the implementation's).
const ZONES = [
  'UTC',
  'Europe/Berlin',
  'Europe/London',
  'America/New_York',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'America/St_Johns',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Asia/Tokyo',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Pacific/Apia',
  'Pacific/Kiritimati',
  'Africa/Casablanca',
];
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface Wall {
  y: string;
  mo: string;
  d: string;
  h: string;
  mi: string;
  s: string;
  ms: string;
  offset: string;
}

function wallOf(ms: number, zone: string): Wall {
  const parts: Record<string, string> = {};
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'longOffset',
  });
  for (const p of fmt.formatToParts(new Date(ms))) parts[p.type] = p.value;
  const tzName = parts['timeZoneName'] ?? '';
  const offset = tzName === 'GMT' ? '+00:00' : tzName.replace('GMT', '');
  return {
    y: (parts['year'] ?? '').padStart(4, '0'),
    mo: parts['month'] ?? '',
    d: parts['day'] ?? '',
    h: parts['hour'] ?? '',
    mi: parts['minute'] ?? '',
    s: parts['second'] ?? '',
    ms: String(((ms % 1000) + 1000) % 1000).padStart(3, '0'),
    offset,
  };
}

const RENDERERS: { format: string; render: (w: Wall) => string; naive: boolean; millis: boolean }[] = [
  { format: 'YYYY-MM-DD HH:mm:ss', render: (w) => `${w.y}-${w.mo}-${w.d} ${w.h}:${w.mi}:${w.s}`, naive: true, millis: false },
  { format: 'DD.MM.YYYY HH:mm:ss.SSS', render: (w) => `${w.d}.${w.mo}.${w.y} ${w.h}:${w.mi}:${w.s}.${w.ms}`, naive: true, millis: true },
  { format: 'M/D/YYYY H:mm:ss', render: (w) => `${Number(w.mo)}/${Number(w.d)}/${w.y} ${Number(w.h)}:${w.mi}:${w.s}`, naive: true, millis: false },
  {
    format: 'DD MMM YYYY HH:mm:ss',
    render: (w) => `${w.d} ${MONTH_NAMES[Number(w.mo) - 1] ?? ''} ${w.y} ${w.h}:${w.mi}:${w.s}`,
    naive: true,
    millis: false,
  },
  { format: 'YYYY-MM-DD HH:mm:ss Z', render: (w) => `${w.y}-${w.mo}-${w.d} ${w.h}:${w.mi}:${w.s} ${w.offset}`, naive: false, millis: false },
  { format: 'iso', render: (w) => `${w.y}-${w.mo}-${w.d}T${w.h}:${w.mi}:${w.s}.${w.ms}${w.offset}`, naive: false, millis: true },
  { format: 'iso', render: (w) => `${w.y}-${w.mo}-${w.d}T${w.h}:${w.mi}:${w.s}`, naive: true, millis: false },
];

function sameWall(a: Wall, b: Wall): boolean {
  return a.y === b.y && a.mo === b.mo && a.d === b.d && a.h === b.h && a.mi === b.mi && a.s === b.s;
}

describe('round trip (property)', () => {
  it('formatting an instant in a zone and parsing it back yields the instant (earliest reading in overlaps)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2099, 11, 31) }),
        fc.constantFrom(...ZONES),
        fc.constantFrom(...RENDERERS),
        (rawMs, zone, renderer) => {
          const ms = renderer.millis ? rawMs : rawMs - (((rawMs % 1000) + 1000) % 1000);
          const wall = wallOf(ms, zone);
          const text = renderer.render(wall);
          const result = parseDateTimeToUtc(text, renderer.format, zone);
          expect(result.ok, text).toBe(true);
          if (!result.ok) return;
          const parsed = Date.parse(result.iso);
          expect(result.iso.includes('.')).toBe(renderer.millis);
          if (!renderer.naive) {
            expect(parsed).toBe(ms);
          } else {
            // Same wall clock reading, and never a later instant than the one we formatted.
            expect(sameWall(wallOf(parsed, zone), wall), `${text} → ${result.iso}`).toBe(true);
            expect(parsed).toBeLessThanOrEqual(ms);
            if (parsed !== ms) expect(wallOf(parsed, zone).offset).not.toBe(wall.offset);
          }
          expect(utcInstantToLocalDate(result.iso, zone)).toBe(`${wall.y}-${wall.mo}-${wall.d}`);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('instants inside overlaps round-trip to the earlier instant', () => {
    // 2024-10-27 in Berlin: 00:00Z..01:00Z is CEST 02:xx, 01:00Z..02:00Z is CET 02:xx again.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3599 }), (sec) => {
        const first = Date.UTC(2024, 9, 27, 0, 0, sec);
        const second = first + 3_600_000;
        const text = `2024-10-27 02:${String(Math.floor(sec / 60)).padStart(2, '0')}:${String(sec % 60).padStart(2, '0')}`;
        const r = parseDateTimeToUtc(text, 'YYYY-MM-DD HH:mm:ss', 'Europe/Berlin');
        expect(r).toEqual({ ok: true, iso: new Date(first).toISOString().replace('.000Z', 'Z') });
        expect(Date.parse(r.ok ? r.iso : '')).not.toBe(second);
      }),
    );
  });

  it('unix seconds round-trip through unixSecondsToIso', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62135596800, max: 253402300799 }), (s) => {
        const iso = unixSecondsToIso(s);
        expect(Date.parse(iso)).toBe(s * 1000);
        expect(parseDateTimeToUtc(String(s), 'unix', 'UTC')).toEqual({ ok: true, iso });
      }),
    );
  });
});

describe('the common formats read by one regular expression', () => {
  // 'YYYY-MM-DD HH:mm:ss' and '... Z' take a short cut; the same formats written with tabs (any whitespace literal
  // means a run of whitespace) take the general token walk. Both must give the same answer for any text near the format.
  const two = (max: number): fc.Arbitrary<string> => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
  const mostly = <T>(good: fc.Arbitrary<T>, odd: fc.Arbitrary<T>): fc.Arbitrary<T> =>
    fc.oneof({ arbitrary: good, weight: 8 }, { arbitrary: odd, weight: 1 });
  const near = fc
    .tuple(
      mostly(fc.integer({ min: 1900, max: 2100 }).map(String), fc.stringMatching(/^\d{3,5}$/)),
      mostly(two(13), fc.stringMatching(/^\d{1,3}$/)),
      mostly(two(32), fc.stringMatching(/^\d{1,3}$/)),
      mostly(fc.constant(' '), fc.constantFrom('  ', '\t', 'T', '')),
      mostly(two(24), fc.stringMatching(/^\d{1,3}$/)),
      two(60),
      two(60),
      mostly(
        fc.constantFrom(' Z', ' +0400', ' -04:00', ' -0500'),
        fc.constantFrom('', ' z', ' +04', ' -1900', ' +0460', '+0100', ' +04:0', ' UTC', ' -0400 x'),
      ),
    )
    .map(([y, mo, d, sep, h, mi, s, z]) => `${y}-${mo}-${d}${sep}${h}:${mi}:${s}${z}`);
  // The error texts name the format as written: the tab variant's is compared with its tabs read as spaces.
  const general = (text: string, format: string, zone: string): DateTimeParseResult => {
    const r = parseDateTimeToUtc(text, format, zone);
    return r.ok ? r : { ok: false, error: r.error.replaceAll('\t', ' ') };
  };
  it('agrees with the general walk', () => {
    let shortCut = 0;
    fc.assert(
      fc.property(near, fc.constantFrom('UTC', 'America/New_York', 'Europe/Berlin'), (text, zone) => {
        const plain = parseDateTimeToUtc(text, 'YYYY-MM-DD HH:mm:ss', zone);
        const zoned = parseDateTimeToUtc(text, 'YYYY-MM-DD HH:mm:ss Z', zone);
        shortCut += Number(plain.ok) + Number(zoned.ok);
        expect(plain).toEqual(general(text, 'YYYY-MM-DD\tHH:mm:ss', zone));
        expect(zoned).toEqual(general(text, 'YYYY-MM-DD\tHH:mm:ss\tZ', zone));
      }),
      { numRuns: 4000 },
    );
    expect(shortCut).toBeGreaterThan(100);
  });
});
