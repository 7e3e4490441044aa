// The review period over real ledgers: months offered, business dates (a bank booking date kept as written, however
// its time zone and the workspace's differ), and every query and figure cut by it, checked against plain SQL and
// against each other (the months of a ledger partition its figures).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { createWorkspace, type Workspace } from '../../src/main/workspace/workspace.ts';
import { importAndReconcile } from '../../src/main/workflows/importAndReconcile.ts';
import { GENERIC_CSV_FORMAT } from '../../src/main/import/formatRegistry.ts';
import { availablePeriods } from '../../src/main/review/periods.ts';
import { queryExceptions } from '../../src/main/review/exceptionsQuery.ts';
import { queryMatches } from '../../src/main/review/matchesQuery.ts';
import { queryPayouts } from '../../src/main/review/payouts.ts';
import { dashboard } from '../../src/main/review/dashboard.ts';
import { searchEvents } from '../../src/main/review/eventSearch.ts';
import { parseRequest, type Period } from '../../src/shared/api/contract.ts';
import { monthPeriod, periodBounds } from '../../src/shared/time/period.ts';
import { utcInstantToLocalDate } from '../../src/shared/time/dateText.ts';
import { PROJECT_ROOT } from '../support/cli.ts';
import { makeTempDir } from '../support/tempDir.ts';
import { useDemo, count } from './reviewDemo.ts';

const SAMPLES = join(PROJECT_ROOT, 'resources/samples');
const NOW = new Date('2026-12-15T12:00:00.000Z');

describe('a Berlin bank account in a New York workspace', () => {
  const root = makeTempDir('tieout-period-');
  let ws: Workspace;
  const tz = 'America/New_York';

  beforeAll(() => {
    ws = createWorkspace(join(root, 'books'), { name: 'Ridge', reportingCurrency: 'USD', timeZone: tz });
    // Bookings on the first and last day of October and the first of November, read in Europe/Berlin by the mapping.
    const statement = [
      'Account statement;Ridge Outfitters LLC - USD account',
      'Account;DE12 5001 0517 0648 4898 90',
      'Period;01.10.2026 - 01.11.2026',
      '',
      'Booking date;Value date;Description;Debit;Credit;Balance',
      '01.10.2026;01.10.2026;Wire from ACME GmbH INV-7;;500,00;500,00',
      '31.10.2026;31.10.2026;Office rent October;200,00;;300,00',
      '01.11.2026;01.11.2026;Wire from Beta SARL;;75,00;375,00',
    ].join('\r\n');
    const file = join(root, 'berlin.csv');
    writeFileSync(file, iconv.encode(`${statement}\r\n`, 'windows-1252'));
    importAndReconcile(ws, {
      source: 'bank:berlin',
      files: [file],
      format: GENERIC_CSV_FORMAT,
      mappingPath: join(SAMPLES, 'bank-statement-mapping.json'),
      actor: 'user:test',
    });
    // A processor feed that has delivered through November: until then an unknown bank line only awaits the payout
    // that could explain it (DESIGN §5) and is no exception yet. Its one payout, unrelated and too late for the bank
    // statement above, awaits its deposit and adds one event to November.
    const stripe = join(root, 'stripe.csv');
    writeFileSync(
      stripe,
      [
        'balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,net,reporting_category,source_id,description,customer_email,automatic_payout_id,payment_intent_id,payment_metadata[order_id]',
        'txn_po_1,2026-11-20 12:00:00,2026-11-20 12:00:00,usd,-12.34,0.00,-12.34,payout,po_1,STRIPE PAYOUT,,po_1,,',
        '',
      ].join('\n'),
    );
    importAndReconcile(ws, { source: 'stripe', files: [stripe], periodEnd: '2026-11-30', actor: 'user:test' });
  });
  afterAll(() => ws.close());

  const line = (description: string) =>
    ws.db.prepare("SELECT occurred_at, local_date FROM events WHERE json_extract(attributes, '$.description') = ?").get(description) as {
      occurred_at: string;
      local_date: string;
    };

  it('keeps the booking date as written while its instant falls on the day before in New York', () => {
    const acme = line('Wire from ACME GmbH INV-7');
    expect(acme).toEqual({ occurred_at: '2026-09-30T22:00:00Z', local_date: '2026-10-01' });
    expect(utcInstantToLocalDate(acme.occurred_at, tz)).toBe('2026-09-30');
  });

  it('offers October and November, counting each line in the month of its booking date', () => {
    expect(availablePeriods(ws.db, tz)).toEqual({
      timeZone: tz,
      months: [
        { month: '2026-11', events: 2 },
        { month: '2026-10', events: 2 },
      ],
      latest: '2026-11',
    });
  });

  it('finds a line in the period of its booking date, never in the day before', () => {
    const search = (period: Period) =>
      searchEvents(ws.db, parseRequest('events.search', { startRow: 0, endRow: 50, period }), tz).rows.map((r) => [r.description, r.businessDate]);
    expect(search(monthPeriod('2026-10'))).toEqual([
      ['Office rent October', '2026-10-31'],
      ['Wire from ACME GmbH INV-7', '2026-10-01'],
    ]);
    expect(search(monthPeriod('2026-09'))).toEqual([]);
    expect(search({ from: '2026-10-31', to: '2026-11-01' })).toEqual([
      ['Wire from Beta SARL', '2026-11-01'],
      ['Office rent October', '2026-10-31'],
    ]);
  });

  it('puts each unknown bank line’s exception in the month of its booking date, with who and what', () => {
    const grid = (period: Period | undefined) =>
      queryExceptions(
        ws.db,
        parseRequest('exceptions.query', { startRow: 0, endRow: 50, period, sort: [{ field: 'businessDate', dir: 'asc' }] }),
        NOW,
        tz,
      ).rows;
    const october = grid(monthPeriod('2026-10'));
    expect(october.map((r) => [r.code, r.businessDate, r.counterparty, r.description])).toEqual([
      ['UNKNOWN_BANK_LINE', '2026-10-01', null, 'Wire from ACME GmbH INV-7'],
      ['UNKNOWN_BANK_LINE', '2026-10-31', null, 'Office rent October'],
    ]);
    expect(grid(monthPeriod('2026-09'))).toEqual([]);
    expect(grid(monthPeriod('2026-11')).map((r) => r.description)).toEqual(['Wire from Beta SARL']);
    // The age runs from the booking's instant, not from the run that raised the exception seconds ago.
    const first = october[0] as (typeof october)[number];
    expect(first.ageDays).toBeCloseTo((NOW.getTime() - Date.parse('2026-09-30T22:00:00Z')) / 86_400_000, 6);
  });
});

describe('the months of the demo ledger', () => {
  const demo = useDemo('tieout-period-demo-');
  const db = () => demo.current.workspace.db;
  const settings = () => demo.current.workspace.settings;
  const tz = () => settings().time_zone;
  let months: string[];

  beforeAll(() => {
    months = availablePeriods(db(), tz()).months.map((m) => m.month);
  });

  it('offers every month with events, newest first, their counts adding up to the ledger', () => {
    const offered = availablePeriods(db(), tz());
    expect(offered.latest).toBe(offered.months[0]?.month);
    expect(months).toEqual(['2026-11', '2026-10']);
    expect(offered.months.reduce((n, m) => n + m.events, 0)).toBe(count(db(), 'SELECT count(*) FROM events'));
  });

  it('partitions the exceptions grid: each live exception in exactly one month', () => {
    const grid = (period: Period | undefined) =>
      queryExceptions(db(), parseRequest('exceptions.query', { startRow: 0, endRow: 10_000, period }), NOW, tz());
    const all = grid(undefined);
    const byMonth = months.map((m) => grid(monthPeriod(m)));
    expect(byMonth.reduce((n, g) => n + g.totalRows, 0)).toBe(all.totalRows);
    expect(new Set(byMonth.flatMap((g) => g.rows.map((r) => r.exceptionId))).size).toBe(all.totalRows);
    for (const [i, g] of byMonth.entries()) for (const r of g.rows) expect(r.businessDate.slice(0, 7)).toBe(months[i]);
  });

  it('cuts matches by their left side’s earliest event and payouts by their date', () => {
    const matches = (period: Period | undefined) => queryMatches(db(), parseRequest('matches.query', { startRow: 0, endRow: 10_000, period }), tz());
    const all = matches(undefined);
    const october = matches(monthPeriod('2026-10'));
    const november = matches(monthPeriod('2026-11'));
    expect(october.totalRows + november.totalRows).toBe(all.totalRows);
    expect(november.totalRows).toBeGreaterThan(0);
    for (const r of november.rows) expect(r.businessDate.slice(0, 7)).toBe('2026-11');
    const b = periodBounds(monthPeriod('2026-11'), tz());
    const novemberPayouts = count(
      db(),
      "SELECT count(*) FROM events WHERE kind = 'payout' AND occurred_at >= ? AND occurred_at < ?",
      b.fromInstant,
      b.toInstant,
    );
    const payouts = queryPayouts(db(), parseRequest('payouts.query', { startRow: 0, endRow: 1000, period: monthPeriod('2026-11') }), tz());
    expect(payouts.totalRows).toBe(novemberPayouts);
    expect(payouts.rows.every((r) => r.businessDate.startsWith('2026-11'))).toBe(true);
  });

  it('partitions the dashboard’s figures by month, and each month’s days add up to it', () => {
    const whole = dashboard(db(), settings(), NOW, null);
    const parts = months.map((m) => dashboard(db(), settings(), NOW, monthPeriod(m)));
    const sum = (f: (d: typeof whole) => number) => parts.reduce((n, d) => n + f(d), 0);
    expect(sum((d) => d.eventsTotal)).toBe(whole.eventsTotal);
    expect(sum((d) => d.eventsMatchable)).toBe(whole.eventsMatchable);
    expect(sum((d) => d.eventsMatched)).toBe(whole.eventsMatched);
    expect(sum((d) => d.openExceptionsTotal)).toBe(whole.openExceptionsTotal);
    for (const d of parts) {
      expect(d.days).toHaveLength(d.period?.to === '2026-11-30' || d.period?.to === '2026-10-31' ? Number(d.period.to.slice(8)) : -1);
      expect(d.days.reduce((n, x) => n + x.matchable, 0)).toBe(d.eventsMatchable);
      expect(d.days.reduce((n, x) => n + x.matched, 0)).toBe(d.eventsMatched);
      expect(d.days.reduce((n, x) => n + x.openExceptions, 0)).toBe(d.openExceptionsTotal);
      expect(d.openByAge.reduce((n, x) => n + x.count, 0)).toBe(d.openExceptionsTotal);
      expect(d.openByCodeAndClass.reduce((n, x) => n + x.count, 0)).toBe(d.openExceptionsTotal);
      expect(d.sources.reduce((n, s) => n + s.eventsInPeriod, 0)).toBe(d.eventsTotal);
    }
    const october = parts[1] as (typeof parts)[number];
    // Each day's open exceptions are those the grid dates to it (the days are cut in SQL, across the DST change too).
    let datedDays = 0;
    for (const [i, m] of months.entries()) {
      const grid = queryExceptions(
        db(),
        parseRequest('exceptions.query', {
          startRow: 0,
          endRow: 10_000,
          period: monthPeriod(m),
          filter: { states: ['open', 'in_remediation', 'assigned', 'reopened'] },
        }),
        NOW,
        tz(),
      );
      const perDay = new Map<string, number>();
      for (const r of grid.rows) perDay.set(r.businessDate, (perDay.get(r.businessDate) ?? 0) + 1);
      const days = (parts[i] as (typeof parts)[number]).days.filter((d) => d.openExceptions > 0);
      expect(new Map(days.map((d) => [d.date, d.openExceptions]))).toEqual(perDay);
      datedDays += perDay.size;
    }
    expect(datedDays).toBeGreaterThan(5);
    const day = october.days.find((d) => d.openExceptions > 0);
    expect(day?.atStake.length).toBeGreaterThan(0);
    expect(whole.days).toEqual([]);
  });
});
