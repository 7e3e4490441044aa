// The exceptions grid over a real reconciled month: paging, every sort field, every filter and the facets, each
// checked against counts computed here with plain SQL.
import { describe, it, expect, beforeAll } from 'vitest';
import { queryExceptions, exceptionFacets } from '../../src/main/review/exceptionsQuery.ts';
import { assignException, resolveExceptions } from '../../src/main/matching/decisions.ts';
import { unpackExplanation } from '../../src/main/matching/engine/explanationText.ts';
import { humanSummary } from '../../src/main/review/explanationWords.ts';
import { EXCEPTION_SORT_FIELDS, parseRequest, type ExceptionFilter, type ExceptionRow, type RequestOf } from '../../src/shared/api/contract.ts';
import { useDemo, ids, count, DEMO_ACTOR } from './reviewDemo.ts';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { importAndReconcile } from '../../src/main/workflows/importAndReconcile.ts';
import { PROJECT_ROOT } from '../support/cli.ts';
import { utcInstantToLocalDate } from '../../src/shared/time/dateText.ts';

const demo = useDemo('tieout-review-exceptions-');
const db = () => demo.current.workspace.db;
const now = new Date('2026-12-01T00:00:00.000Z');

function query(request: Partial<RequestOf<'exceptions.query'>>, at = now): { rows: ExceptionRow[]; totalRows: number } {
  return queryExceptions(
    db(),
    parseRequest('exceptions.query', { startRow: 0, endRow: 1000, ...request }),
    at,
    demo.current.workspace.settings.time_zone,
  );
}

/** Every row of the filtered set, fetched page by page (7 rows a page) to exercise LIMIT/OFFSET. */
function allPages(filter: ExceptionFilter, sort: RequestOf<'exceptions.query'>['sort'] = [], at = now): ExceptionRow[] {
  const rows: ExceptionRow[] = [];
  for (let start = 0; ; start += 7) {
    const page = query({ startRow: start, endRow: start + 7, filter, sort }, at);
    rows.push(...page.rows);
    if (page.rows.length < 7) {
      expect(rows.length).toBe(page.totalRows);
      return rows;
    }
  }
}

function sorted<T>(values: T[]): T[] {
  return [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

beforeAll(() => {
  // A payout missing from the bank arrives in a later statement: its PAYOUT_NOT_IN_BANK ends (resolved by new data).
  const payout = db()
    .prepare(
      "SELECT e.payout_ref, e.amount_minor, e.occurred_at FROM exceptions x JOIN exception_event_ids xe USING (exception_id) JOIN events e USING (event_id) WHERE x.code = 'PAYOUT_NOT_IN_BANK' AND x.ended_at IS NULL ORDER BY e.occurred_at",
    )
    .get() as { payout_ref: string; amount_minor: number; occurred_at: string };
  const day = new Date(Date.parse(payout.occurred_at) + 86_400_000).toISOString().slice(0, 10).split('-').reverse().join('.');
  const credit = (-payout.amount_minor / 100).toFixed(2).replace('.', ',');
  const file = join(demo.root, 'bank-late.csv');
  writeFileSync(
    file,
    `Account statement;Test\nAccount;DE1\nPeriod;x\n\nBooking date;Value date;Description;Debit;Credit;Balance\n${day};${day};STRIPE PAYOUT ${payout.payout_ref};;${credit};0,00\n`,
    'latin1',
  );
  importAndReconcile(demo.current.workspace, {
    source: 'bank:demo-operating',
    format: 'generic-csv',
    mappingPath: join(PROJECT_ROOT, 'resources/samples/bank-statement-mapping.json'),
    files: [file],
    actor: DEMO_ACTOR,
  });
  const open = ids(db(), "SELECT exception_id FROM exceptions WHERE ended_at IS NULL AND state <> 'resolved' ORDER BY exception_id");
  assignException(db(), { exceptionId: open[0] as string, actor: DEMO_ACTOR, owner: 'user:maria' });
  assignException(db(), { exceptionId: open[1] as string, actor: DEMO_ACTOR, owner: 'user:olaf' });
  resolveExceptions(db(), { exceptionIds: [open[2] as string], actor: DEMO_ACTOR, reason: 'paid by cheque' });
});

describe('exceptions.query paging', () => {
  it('leaves ended rows out by default and counts exactly the live set', () => {
    const live = count(db(), 'SELECT count(*) FROM exceptions WHERE ended_at IS NULL');
    expect(live).toBeGreaterThan(10);
    expect(count(db(), 'SELECT count(*) FROM exceptions WHERE ended_at IS NOT NULL')).toBeGreaterThan(0);
    const all = allPages({});
    expect(all).toHaveLength(live);
    expect(new Set(all.map((r) => r.exceptionId)).size).toBe(live);
    expect(all.every((r) => !r.ended)).toBe(true);
    expect(allPages({ includeEnded: true })).toHaveLength(count(db(), 'SELECT count(*) FROM exceptions'));
  });

  it('returns the rows [startRow, endRow) of the one sorted set, and none past its end', () => {
    const whole = query({}).rows.map((r) => r.exceptionId);
    const page = query({ startRow: 3, endRow: 8 });
    expect(page.rows.map((r) => r.exceptionId)).toEqual(whole.slice(3, 8));
    expect(page.totalRows).toBe(whole.length);
    const past = query({ startRow: whole.length + 5, endRow: whole.length + 10 });
    expect(past).toEqual({ rows: [], totalRows: whole.length });
    expect(query({ startRow: 4, endRow: 2 }).rows).toEqual([]);
  });

  it('fills each row from the ledger: first events, event count, sorted sources, summary, business time and ages', () => {
    for (const r of query({ filter: { includeEnded: true } }).rows) {
      const n = count(db(), 'SELECT count(*) FROM exception_event_ids WHERE exception_id = ?', r.exceptionId);
      expect(r.eventCount).toBe(n);
      expect(r.events).toHaveLength(Math.min(3, n));
      const sources = ids(
        db(),
        'SELECT DISTINCT e.source FROM exception_event_ids xe JOIN events e USING (event_id) WHERE xe.exception_id = ?',
        r.exceptionId,
      );
      expect(r.sources).toEqual(sorted(sources));
      const stored = db().prepare('SELECT * FROM exceptions WHERE exception_id = ?').get(r.exceptionId) as {
        explanation: string;
        rule_id: string | null;
        rule_set_id: string | null;
        rule_version: number | null;
        created_at: string;
        ended_at: string | null;
        amount_minor: number;
      };
      expect(r.summary).toBe(humanSummary(unpackExplanation(stored.explanation, stored).summary, r.currency));
      expect(r.summary).not.toMatch(/minor units|\d\.\d{4,} h/);
      // Business time: the earliest event's; the age runs from it, the time raised is aged apart.
      const earliest = db()
        .prepare(
          'SELECT e.occurred_at, e.kind, e.local_date FROM exception_event_ids xe JOIN events e USING (event_id) WHERE xe.exception_id = ? ORDER BY e.occurred_at, e.seq LIMIT 1',
        )
        .get(r.exceptionId) as { occurred_at: string; kind: string; local_date: string | null };
      expect(r.businessAt).toBe(earliest.occurred_at);
      expect(r.businessDate).toBe(
        earliest.kind.startsWith('bank_') && earliest.local_date !== null
          ? earliest.local_date
          : utcInstantToLocalDate(earliest.occurred_at, 'America/New_York'),
      );
      expect(r.ageDays).toBeCloseTo((now.getTime() - Date.parse(earliest.occurred_at)) / 86_400_000, 9);
      // Ages never go below 0 (this test's now may precede the run that raised the row).
      expect(r.raisedAgeDays).toBeCloseTo(Math.max(0, (now.getTime() - Date.parse(stored.created_at)) / 86_400_000), 9);
      expect(r.ended).toBe(stored.ended_at !== null);
      expect(r.amountMinor).toBe(stored.amount_minor);
    }
  });
});

describe('exceptions.query sorting', () => {
  type Key = string | number | null;
  const TIER_ORDER = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
  const keyOf = (r: ExceptionRow, field: (typeof EXCEPTION_SORT_FIELDS)[number]): Key =>
    field === 'amountMinor'
      ? Math.abs(r.amountMinor)
      : field === 'businessDate'
        ? r.businessAt
        : field === 'slaTier'
          ? r.slaTier === null
            ? null
            : TIER_ORDER.indexOf(r.slaTier)
          : (r[field] as Key);
  const nullable = new Set(['dueAt', 'owner', 'domain', 'slaDueAt', 'slaTier']);

  for (const field of EXCEPTION_SORT_FIELDS) {
    for (const dir of ['asc', 'desc'] as const) {
      it(`orders by ${field} ${dir}, nulls last, ties by exception id`, () => {
        const rows = allPages({ includeEnded: true }, [{ field, dir }]);
        expect(rows).toHaveLength(count(db(), 'SELECT count(*) FROM exceptions'));
        for (let i = 1; i < rows.length; i++) {
          const a = rows[i - 1] as ExceptionRow;
          const b = rows[i] as ExceptionRow;
          const ka = keyOf(a, field);
          const kb = keyOf(b, field);
          if (ka === kb) {
            expect(a.exceptionId < b.exceptionId).toBe(true);
          } else if (ka === null || kb === null) {
            expect(nullable.has(field) && kb === null).toBe(true);
          } else {
            expect(dir === 'asc' ? ka < kb : ka > kb).toBe(true);
          }
        }
      });
    }
  }

  it('applies a second key within ties of the first', () => {
    const rows = allPages({ includeEnded: true }, [
      { field: 'code', dir: 'asc' },
      { field: 'amountMinor', dir: 'desc' },
    ]);
    for (let i = 1; i < rows.length; i++) {
      const a = rows[i - 1] as ExceptionRow;
      const b = rows[i] as ExceptionRow;
      expect(a.code <= b.code).toBe(true);
      if (a.code === b.code) expect(Math.abs(a.amountMinor) >= Math.abs(b.amountMinor)).toBe(true);
    }
  });
});

describe('exceptions.query filters', () => {
  const liveIds = (where: string, ...params: unknown[]): string[] =>
    ids(db(), `SELECT exception_id FROM exceptions WHERE ended_at IS NULL AND ${where} ORDER BY exception_id`, ...params);
  const got = (filter: ExceptionFilter, at = now): string[] => sorted(allPages(filter, [], at).map((r) => r.exceptionId));

  it('filters by codes, classes and states', () => {
    expect(got({ codes: ['PAYOUT_MISMATCH', 'UNKNOWN_BANK_LINE'] })).toEqual(liveIds("code IN ('PAYOUT_MISMATCH', 'UNKNOWN_BANK_LINE')"));
    expect(got({ codes: ['PAYOUT_MISMATCH'] })).toHaveLength(3);
    expect(got({ classes: ['A'] })).toEqual(liveIds("class = 'A'"));
    expect(got({ classes: ['A'] }).length).toBeGreaterThan(0);
    expect(got({ states: ['assigned', 'resolved'] })).toEqual(liveIds("state IN ('assigned', 'resolved')"));
    expect(got({ states: ['assigned'] })).toHaveLength(2);
    expect(got({ codes: ['AMBIGUOUS_MATCH'], states: ['open', 'assigned'], classes: ['C'] })).toEqual(
      liveIds("code = 'AMBIGUOUS_MATCH' AND state IN ('open', 'assigned') AND class = 'C'"),
    );
    expect(got({ codes: [] })).toEqual([]);
  });

  it('filters by the sources of an exception’s events', () => {
    const bySource = (sources: string[]): string[] =>
      liveIds(
        `exception_id IN (SELECT xe.exception_id FROM exception_event_ids xe JOIN events e USING (event_id) WHERE e.source IN (${sources.map(() => '?').join(',')}))`,
        ...sources,
      );
    for (const sources of [['bank:demo-operating'], ['shopify:demo-store'], ['stripe:demo', 'shopify:demo-store']]) {
      const expected = bySource(sources);
      expect(expected.length).toBeGreaterThan(0);
      expect(got({ sources })).toEqual(expected);
    }
    expect(got({ sources: ['paypal:none'] })).toEqual([]);
  });

  it('bounds the absolute amount at stake, inclusively', () => {
    const amounts = sorted(db().prepare('SELECT DISTINCT abs(amount_minor) FROM exceptions WHERE ended_at IS NULL').pluck().all() as number[]);
    const mid = amounts[Math.floor(amounts.length / 2)] as number;
    expect(got({ amountMinMinor: mid })).toEqual(liveIds('abs(amount_minor) >= ?', mid));
    expect(got({ amountMaxMinor: mid })).toEqual(liveIds('abs(amount_minor) <= ?', mid));
    expect(got({ amountMinMinor: mid, amountMaxMinor: mid })).toEqual(liveIds('abs(amount_minor) = ?', mid));
    expect(got({ amountMinMinor: mid, amountMaxMinor: mid }).length).toBeGreaterThan(0);
  });

  it('bounds the age in days since the business time, inclusively, against the given now', () => {
    // Put now exactly 5 days after a middle business time: the age counts from when the business happened, not
    // from when a run raised the exception (all of the demo's were raised within seconds of each other).
    query({}); // fills the business times
    const business = sorted(ids(db(), 'SELECT DISTINCT business_at FROM exceptions WHERE ended_at IS NULL'));
    expect(business.length).toBeGreaterThan(5);
    const pivot = business[Math.floor(business.length / 2)] as string;
    const at = new Date(Date.parse(pivot) + 5 * 86_400_000);
    const olderOrEqual = liveIds('business_at <= ?', pivot);
    const youngerOrEqual = liveIds('business_at >= ?', pivot);
    expect(olderOrEqual.length).toBeGreaterThan(0);
    expect(youngerOrEqual.length).toBeGreaterThan(0);
    expect(got({ ageDaysMin: 5 }, at)).toEqual(olderOrEqual);
    expect(got({ ageDaysMax: 5 }, at)).toEqual(youngerOrEqual);
    expect(got({ ageDaysMin: 5, ageDaysMax: 5 }, at)).toEqual(liveIds('business_at = ?', pivot));
    const latest = business[business.length - 1] as string;
    expect(got({ ageDaysMin: 6 }, new Date(Date.parse(latest) + 5 * 86_400_000))).toEqual(
      liveIds('business_at < ?', new Date(Date.parse(latest) - 86_400_000).toISOString()),
    );
  });

  it('searches ids, codes, owners and the external ids, order refs and customers of events', () => {
    const one = liveIds('1')[5] as string;
    expect(got({ search: one.slice(2, 14) })).toEqual([one]);
    expect(got({ search: 'payout_mismatch' })).toEqual(liveIds("code = 'PAYOUT_MISMATCH'"));
    expect(got({ search: 'MARIA' })).toEqual(liveIds("owner = 'user:maria'"));
    const viaEvent = (where: string, ...params: unknown[]): string[] =>
      liveIds(`exception_id IN (SELECT xe.exception_id FROM exception_event_ids xe JOIN events e USING (event_id) WHERE ${where})`, ...params);
    // The open MISSING_PAYMENT is order #1179.
    const order = db().prepare("SELECT order_ref, external_id, customer_ref FROM events WHERE kind = 'order' AND order_ref = '1179'").get() as {
      order_ref: string;
      external_id: string;
      customer_ref: string;
    };
    expect(got({ search: '#1179' })).toEqual(viaEvent('e.order_ref = ?', '1179'));
    expect(got({ search: '#1179' }).length).toBeGreaterThan(0);
    expect(got({ search: order.external_id })).toEqual(viaEvent('e.external_id = ?', order.external_id));
    const mailbox = order.customer_ref.split('@')[0] as string;
    expect(got({ search: mailbox.toUpperCase() })).toEqual(viaEvent('e.customer_ref LIKE ?', `%${mailbox}%`));
    expect(got({ search: '   ' })).toEqual(liveIds('1'));
    expect(got({ search: '100%_' })).toEqual([]);
  });
});

describe('exceptions.facets', () => {
  it('lists every code present with its open count, the imported sources and the currencies', () => {
    const f = exceptionFacets(db(), undefined, demo.current.workspace.settings.time_zone);
    const codes = db()
      .prepare(
        `SELECT code, sum(ended_at IS NULL AND state IN ('open', 'in_remediation', 'assigned', 'reopened')) AS open
         FROM exceptions GROUP BY code ORDER BY code`,
      )
      .all() as Array<{ code: string; open: number }>;
    expect(f.codes).toEqual(codes);
    expect(f.codes.find((c) => c.code === 'ROUNDING_DIFF')?.open).toBe(0);
    expect(f.sources).toEqual(['bank:demo-operating', 'google-ads:demo', 'meta-ads:demo', 'shipstation:demo', 'shopify:demo-store', 'stripe:demo']);
    expect(f.currencies).toEqual(['USD']);
  });
});
