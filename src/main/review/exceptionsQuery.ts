// The exceptions grid: filtered, sorted pages computed in SQL (in the review period, by business time), and the values
// its filters offer.
import type { z } from 'zod';
import type { LedgerDb } from '../ledger/database.ts';
import type { ExceptionRow, ExceptionsViewSchema, Period, ResponseOf } from '../../shared/api/contract.ts';
import { readResolution } from '../../shared/review/resolution.ts';
import { explanationSummary } from './eventDetails.ts';
import { humanSummary } from './explanationWords.ts';
import { OPEN_STATES_SQL } from '../../shared/exceptions/states.ts';
import { EVENT_LINE_COLUMNS, ageDays, containsPattern, pageBounds, toEventLine, DAY_MS, type EventLineRow } from './reviewSupport.ts';
import { businessDateOf, ensureExceptionBusinessTimes, exceptionInPeriod } from './businessTime.ts';
import { EVENT_TEXT_LIKE_SQL } from './eventTextSearch.ts';
import { queueCountsSql, queueParams, queueTerms, type QueueContext } from '../owners/queues.ts';
import { slaStateAt } from '../owners/exceptionHandOff.ts';
import { endOfDayIn } from '../owners/metricsPeriod.ts';

/** What the grid shows (filter, sort, period), paged or not. */
export type ExceptionsView = z.output<typeof ExceptionsViewSchema>;
type SortField = ExceptionsView['sort'][number]['field'];

/** Events shown in a grid row; eventCount says how many the exception has. */
const ROW_EVENTS = 3;

/** Sort keys; nullable ones sort their nulls last in both directions, ageDays runs against the business time. */
const SORT_SQL: Record<SortField, { expr: string; nullable: boolean; reversed: boolean }> = {
  businessDate: { expr: 'x.business_at', nullable: false, reversed: false },
  createdAt: { expr: 'x.created_at', nullable: false, reversed: false },
  code: { expr: 'x.code', nullable: false, reversed: false },
  class: { expr: 'x.class', nullable: false, reversed: false },
  state: { expr: 'x.state', nullable: false, reversed: false },
  // The money at stake, whatever its sign: a -1,089.68 payout gap is as large as a 1,089.68 one.
  amountMinor: { expr: 'abs(x.amount_minor)', nullable: false, reversed: false },
  dueAt: { expr: 'x.due_at', nullable: true, reversed: false },
  owner: { expr: 'x.owner', nullable: true, reversed: false },
  ageDays: { expr: 'x.business_at', nullable: false, reversed: true },
  domain: { expr: 'x.domain', nullable: true, reversed: false },
  slaDueAt: { expr: 'x.sla_due_at', nullable: true, reversed: false },
  // CRITICAL first when ascending: the tiers' own order, not the alphabet's.
  slaTier: {
    expr: "CASE x.sla_tier WHEN 'CRITICAL' THEN 0 WHEN 'HIGH' THEN 1 WHEN 'MEDIUM' THEN 2 WHEN 'LOW' THEN 3 END",
    nullable: true,
    reversed: false,
  },
  escalationLevel: { expr: 'x.escalation_level', nullable: false, reversed: false },
};

/** The stored row as the grid needs it (explanation still packed). */
export interface StoredExceptionRow {
  seq: number;
  exception_id: string;
  code: string;
  class: string;
  default_class: string;
  policy_gated: number;
  state: string;
  amount_minor: number;
  currency: string;
  explanation: string;
  origin: string;
  rule_id: string | null;
  rule_set_id: string | null;
  rule_version: number | null;
  owner: string | null;
  due_at: string | null;
  created_at: string;
  resolved_at: string | null;
  resolved_by: string | null;
  resolution: string | null;
  ended_at: string | null;
  created_run_id: string | null;
  business_at: string;
  business_local_date: string | null;
  domain: string | null;
  backup: string | null;
  sla_tier: 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | null;
  sla_due_at: string | null;
  escalation_level: number;
}

interface Where {
  sql: string;
  params: Record<string, unknown>;
}

/** Millisecond instant of the business time, so bounds compare exactly whatever its sub-second digits. */
const BUSINESS_MS = "round(unixepoch(x.business_at, 'subsec') * 1000)";

function whereClause(view: Pick<ExceptionsView, 'filter' | 'period'>, now: Date, timeZone: string, queues: QueueContext): Where {
  const filter = view.filter;
  const parts: string[] = [];
  const params: Record<string, unknown> = {};
  const inPeriod = exceptionInPeriod(view.period, timeZone);
  if (view.period !== undefined) {
    parts.push(inPeriod.sql);
    Object.assign(params, inPeriod.params);
  }
  if (filter.businessDateFrom !== undefined || filter.businessDateTo !== undefined) {
    const days: Period = { from: filter.businessDateFrom ?? '0001-01-01', to: filter.businessDateTo ?? '9999-12-30' };
    const inDays = exceptionInPeriod(days, timeZone, 'x', 'd');
    parts.push(inDays.sql);
    Object.assign(params, inDays.params);
  }
  if (filter.includeEnded !== true) parts.push('x.ended_at IS NULL');
  const list = (name: string, column: string, values: readonly string[] | undefined): void => {
    if (values === undefined) return;
    parts.push(`${column} IN (SELECT value FROM json_each(@${name}))`);
    params[name] = JSON.stringify(values);
  };
  list('codes', 'x.code', filter.codes);
  list('classes', 'x.class', filter.classes);
  list('states', 'x.state', filter.states);
  if (filter.sources !== undefined) {
    parts.push(`EXISTS (SELECT 1 FROM exception_members xm CROSS JOIN events e ON e.seq = xm.event_seq
      WHERE xm.exception_seq = x.seq AND e.source IN (SELECT value FROM json_each(@sources)))`);
    params.sources = JSON.stringify(filter.sources);
  }
  if (filter.amountMinMinor !== undefined) {
    parts.push('abs(x.amount_minor) >= @amountMin');
    params.amountMin = filter.amountMinMinor;
  }
  if (filter.amountMaxMinor !== undefined) {
    parts.push('abs(x.amount_minor) <= @amountMax');
    params.amountMax = filter.amountMaxMinor;
  }
  // age ≥ min ⇔ business time ≤ now − min; age ≤ max ⇔ business time ≥ now − max.
  if (filter.ageDaysMin !== undefined) {
    parts.push(`${BUSINESS_MS} <= @businessAtMostMs`);
    params.businessAtMostMs = now.getTime() - filter.ageDaysMin * DAY_MS;
  }
  if (filter.ageDaysMax !== undefined) {
    parts.push(`${BUSINESS_MS} >= @businessAtLeastMs`);
    params.businessAtLeastMs = now.getTime() - filter.ageDaysMax * DAY_MS;
  }
  const search = filter.search?.trim() ?? '';
  if (search !== '') {
    // Ids, codes and owners by substring (LIKE ignores ASCII case); an event's external id or order ref exactly (a
    // leading "#" of an order number is ignored), its customer, counterparty or description by substring.
    parts.push(`(x.exception_id LIKE @like ESCAPE '\\' OR x.code = upper(@q) OR x.owner LIKE @like ESCAPE '\\'
      OR EXISTS (SELECT 1 FROM exception_members xm CROSS JOIN events e ON e.seq = xm.event_seq WHERE xm.exception_seq = x.seq
        AND (e.external_id = @q OR e.order_ref = @orderRef OR e.customer_ref LIKE @like ESCAPE '\\' OR ${EVENT_TEXT_LIKE_SQL})))`);
    params.q = search;
    params.like = containsPattern(search);
    params.orderRef = search.replace(/^#/, '');
  }
  const q = queueTerms(filter, queues);
  parts.push(...q.parts);
  Object.assign(params, q.params);
  return { sql: parts.length === 0 ? '1' : parts.join(' AND '), params };
}

function orderBy(sort: ExceptionsView['sort']): string {
  const keys = sort.length === 0 ? [{ field: 'createdAt' as const, dir: 'desc' as const }] : sort;
  const terms = keys.flatMap(({ field, dir }) => {
    const s = SORT_SQL[field];
    const d = (dir === 'desc') !== s.reversed ? 'DESC' : 'ASC';
    return s.nullable ? [`(${s.expr} IS NULL)`, `${s.expr} ${d}`] : [`${s.expr} ${d}`];
  });
  return [...terms, 'x.exception_id ASC'].join(', ');
}

/**
 * Where the page query reads its filtered set: live rows only (the grid's default) from exceptions_grid_cover, which
 * holds every column the filter, the sort and the materialized set use, so the wide rows are never read; a code
 * filter still seeks exceptions_open; anything else as tableFor says.
 */
function pageSource(view: ExceptionsView): string {
  if (view.filter.includeEnded !== true && view.filter.codes === undefined) return 'exceptions x INDEXED BY exceptions_grid_cover';
  return tableFor(view);
}

/** The table scanned (NOT INDEXED) unless a code or state filter can seek the partial indexes (see queryExceptions). */
function tableFor(view: ExceptionsView): string {
  const seekable = view.filter.codes !== undefined || view.filter.states !== undefined;
  return `exceptions x${seekable ? '' : ' NOT INDEXED'}`;
}

/**
 * One page of the filtered, sorted exceptions and the size of the whole set. The filter runs once: its rows (ids and
 * sort keys) are materialized, counted and sorted, so an EXISTS over the events (sources, search) is paid once per
 * exception, not once for the count and again for the page. Live rows are read from the covering index
 * exceptions_grid_cover (pageSource); otherwise the table is scanned (NOT INDEXED) unless a code or state filter can
 * seek the partial indexes: walking exceptions_open for `ended_at IS NULL` alone reads every row in index order,
 * several times slower than the scan. The period and the ages compare the business time kept on each
 * row (businessTime.ts), so they cost nothing beyond the scan.
 */
export function queryExceptions(
  db: LedgerDb,
  request: ExceptionsView & { startRow: number; endRow: number },
  now: Date,
  timeZone: string,
  queues: QueueContext = noQueues(now, timeZone),
): { rows: ExceptionRow[]; totalRows: number } {
  const where = whereClause(request, now, timeZone, queues);
  const { limit, offset } = pageBounds(request);
  return db.transaction(() => {
    ensureExceptionBusinessTimes(db);
    // The count first, then the page's ids in their sorted order (a compound SELECT emits its parts in turn), from
    // the one materialized set: an empty page still brings the count, without a second pass.
    const result = db
      .prepare(
        `WITH f AS MATERIALIZED (
           SELECT x.exception_id, x.business_at, x.created_at, x.code, x.class, x.state, x.amount_minor, x.due_at, x.owner, x.domain, x.sla_due_at, x.sla_tier,
             x.escalation_level FROM ${pageSource(request)}
           WHERE ${where.sql})
         SELECT NULL AS exception_id, count(*) AS total FROM f
         UNION ALL
         SELECT exception_id, NULL FROM (SELECT x.exception_id FROM f AS x ORDER BY ${orderBy(request.sort)} LIMIT @limit OFFSET @offset)`,
      )
      .all({ ...where.params, limit, offset }) as Array<{ exception_id: string | null; total: number | null }>;
    const totalRows = result[0]?.total ?? 0;
    const ids = result.slice(1).map((r) => r.exception_id as string);
    const byId = db.prepare('SELECT * FROM exceptions WHERE exception_id = ?');
    const reader = exceptionRowReader(db, timeZone);
    return { rows: ids.map((id) => reader(byId.get(id) as StoredExceptionRow, now)), totalRows };
  })();
}

/** Every row of the view in its order, read in one statement (an export of the grid as it stands). */
export function* exceptionsInView(
  db: LedgerDb,
  view: ExceptionsView,
  now: Date,
  timeZone: string,
  queues: QueueContext = noQueues(now, timeZone),
): Generator<ExceptionRow> {
  ensureExceptionBusinessTimes(db);
  const where = whereClause(view, now, timeZone, queues);
  const reader = exceptionRowReader(db, timeZone);
  const rows = db.prepare(`SELECT x.* FROM ${tableFor(view)} WHERE ${where.sql} ORDER BY ${orderBy(view.sort)}`).iterate(where.params);
  for (const row of rows as Iterable<StoredExceptionRow>) yield reader(row, now);
}

function firstText(events: readonly ExceptionRow['events'][number][], field: 'counterparty' | 'description' | 'orderRef'): string | null {
  for (const e of events) if (e[field] !== null) return e[field];
  return null;
}

/** Builds grid rows from stored rows: first events, distinct sources, what they read as, the explanation's summary. */
export function exceptionRowReader(db: LedgerDb, timeZone: string): (row: StoredExceptionRow, now: Date) => ExceptionRow {
  // Chosen from the member rows alone (first imported first), then read: an AMBIGUOUS_MATCH may name thousands of events.
  const firstEvents = db.prepare(
    `SELECT ${EVENT_LINE_COLUMNS} FROM (SELECT event_seq FROM exception_members WHERE exception_seq = ? ORDER BY event_seq LIMIT ${ROW_EVENTS}) f
     CROSS JOIN events e ON e.seq = f.event_seq ORDER BY e.occurred_at, e.event_id`,
  );
  const eventCount = db.prepare('SELECT count(*) FROM exception_members WHERE exception_seq = ?').pluck();
  const sources = db
    .prepare(
      'SELECT DISTINCT e.source FROM exception_members xm CROSS JOIN events e ON e.seq = xm.event_seq WHERE xm.exception_seq = ? ORDER BY e.source',
    )
    .pluck();
  let today = { now: NaN, end: '' };
  return (x, now) => {
    if (today.now !== now.getTime()) today = { now: now.getTime(), end: endOfDayIn(now.toISOString(), timeZone) };
    const events = (firstEvents.all(x.seq) as EventLineRow[]).map(toEventLine);
    return {
      exceptionId: x.exception_id,
      businessAt: x.business_at,
      businessDate: businessDateOf(x.business_at, x.business_local_date, timeZone),
      code: x.code as ExceptionRow['code'],
      class: x.class as ExceptionRow['class'],
      state: x.state as ExceptionRow['state'],
      policyGated: x.policy_gated === 1,
      amountMinor: x.amount_minor,
      currency: x.currency,
      sources: sources.all(x.seq) as string[],
      events,
      eventCount: eventCount.get(x.seq) as number,
      counterparty: firstText(events, 'counterparty'),
      description: firstText(events, 'description'),
      orderRef: firstText(events, 'orderRef'),
      summary: humanSummary(explanationSummary(x.explanation), x.currency),
      owner: x.owner,
      createdAt: x.created_at,
      dueAt: x.due_at,
      resolvedAt: x.resolved_at,
      ageDays: ageDays(x.business_at, now),
      raisedAgeDays: ageDays(x.created_at, now),
      ended: x.ended_at !== null,
      resolution: x.state === 'resolved' && x.resolution !== null ? readResolution(x.resolution) : null,
      domain: x.domain,
      backup: x.backup,
      slaTier: x.sla_tier,
      slaDueAt: x.sla_due_at,
      slaState: slaStateAt(x.sla_due_at, x.ended_at === null && x.state !== 'resolved', now.toISOString(), today.end),
      escalationLevel: x.escalation_level,
    };
  };
}

/** Queues read without a "me" (My queue empty), at `now`. */
/** Live rows read from the narrow covering index (migration 11), not the wide table rows: facets count them. */
const LIVE_COVER = 'exceptions x INDEXED BY exceptions_grid_cover';

function noQueues(now: Date, timeZone: string): QueueContext {
  return { me: null, contactDomains: [], now: now.toISOString(), endOfToday: endOfDayIn(now.toISOString(), timeZone) };
}

/**
 * Codes present in the ledger with their open rows in the period (not ended, in an open state), the sources that
 * imported anything, and the currencies exceptions are kept in. One pass over exceptions; sources from the batches.
 */
export function exceptionFacets(db: LedgerDb, period: Period | undefined, timeZone: string, queues?: QueueContext): ResponseOf<'exceptions.facets'> {
  const inPeriod = exceptionInPeriod(period, timeZone, 'exceptions');
  const q = queues ?? noQueues(new Date(), timeZone);
  return db.transaction(() => {
    ensureExceptionBusinessTimes(db);
    const groups = db
      .prepare(
        `SELECT code, currency, coalesce(sum(ended_at IS NULL AND state IN (${OPEN_STATES_SQL}) AND ${inPeriod.sql}), 0) AS open
         FROM exceptions GROUP BY code, currency ORDER BY code, currency`,
      )
      .all(inPeriod.params) as Array<{ code: string; currency: string; open: number }>;
    const codes = new Map<string, number>();
    for (const g of groups) codes.set(g.code, (codes.get(g.code) ?? 0) + g.open);
    const sources = db.prepare('SELECT DISTINCT source FROM import_batches ORDER BY source').pluck().all() as string[];
    const xIn = exceptionInPeriod(period, timeZone, 'x');
    const live = `x.ended_at IS NULL AND x.state IN (${OPEN_STATES_SQL}) AND ${xIn.sql}`;
    const owners = db
      .prepare(`SELECT x.owner AS owner, count(*) AS open FROM ${LIVE_COVER} WHERE ${live} AND x.owner IS NOT NULL GROUP BY x.owner ORDER BY x.owner`)
      .all(xIn.params) as Array<{ owner: string; open: number }>;
    const domains = db
      .prepare(
        `SELECT x.domain AS domain, count(*) AS open FROM ${LIVE_COVER} WHERE ${live} AND x.domain IS NOT NULL GROUP BY x.domain ORDER BY x.domain`,
      )
      .all(xIn.params) as Array<{ domain: string; open: number }>;
    const counts = db
      .prepare(queueCountsSql(xIn.sql, LIVE_COVER))
      .get({ ...xIn.params, ...queueParams(q) }) as ResponseOf<'exceptions.facets'>['queues'];
    return {
      codes: [...codes].map(([code, open]) => ({ code: code as ExceptionRow['code'], open })),
      sources,
      currencies: [...new Set(groups.map((g) => g.currency))].sort(),
      owners,
      domains,
      queues: counts,
      me: q.me,
    };
  })();
}
