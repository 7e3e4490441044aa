// The comparison of a version's lane with the live projection, per event (issue 11): newly matched, newly unmatched,
// other counterpart, other code or class; with counts and money at stake per category and per rule. Computed in SQL
// over the ledger (attached) and the lane, stored in the lane's `shadow_diffs` table until either side changes, and
// served from there in pages (a grid of 100,000+ rows is sorted and filtered by SQLite).
import type { LedgerDb } from '../ledger/database.ts';
import type { WorkspaceSettings } from '../../shared/workspace/settings.ts';
import { CODES_RAISED_OUTSIDE_THE_MATCHER, type RuleSet } from '../../shared/rules/ruleSet.ts';
import { versionLabel, type VersionRef } from '../../shared/rules/ruleVersions.ts';
import { owesWork } from '../matching/engine/pendingWork.ts';
import { LEDGER_SCHEMA, ledgerPathOf, openLane, readLaneMeta, writeLaneMeta } from './shadowFile.ts';
import { runLane } from './shadowRuns.ts';
import { ruleSetOf } from './versionStates.ts';

export const DIFF_CATEGORIES = ['newly_matched', 'newly_unmatched', 'other_counterpart', 'other_code_or_class'] as const;
export type DiffCategory = (typeof DIFF_CATEGORIES)[number];

export interface DiffRow {
  eventId: string;
  kind: string;
  source: string;
  occurredAt: string;
  amountMinor: number;
  currency: string;
  category: DiffCategory;
  link: string | null;
  /** The rule behind the difference: the version's for what it matches or raises, the live one's for what it no longer does; null for a leftover. */
  ruleId: string | null;
  activeMatchId: string | null;
  shadowMatchId: string | null;
  /** The counterparts (event ids) in the live match and in the version's (at most 5, then `+N more`). */
  activeWith: string[];
  shadowWith: string[];
  /** `CODE/class` of the exceptions on the event (and `awaiting CODE`), live and in the version. */
  activeExceptions: string[];
  shadowExceptions: string[];
  activeExceptionId: string | null;
  shadowExceptionId: string | null;
  /** Money at stake, minor units of `currency`, counted once per difference (a match's left event; an exception's first event). */
  stakeMinor: number;
}

export interface MoneyTotal {
  currency: string;
  amountMinor: number;
}
export interface CategoryCount {
  category: DiffCategory;
  count: number;
  money: MoneyTotal[];
}
export interface ComparisonSummary {
  version: string;
  /** The version the live projection was made by. */
  live: string;
  diffs: number;
  byCategory: CategoryCount[];
  byRule: Array<{ ruleId: string | null } & CategoryCount>;
  /** The ledger's latest business time the version's lane has seen, and the live runs'. */
  laneAsOf: string | null;
  liveAsOf: string | null;
}

const OUTSIDE = CODES_RAISED_OUTSIDE_THE_MATCHER.map((c) => `'${c}'`).join(', ');
const L = LEDGER_SCHEMA;

/** Opens the version's lane, catching it up first when it owes work (its runs follow imports; a decision or a lane made now may be pending). */
export function withLane<T>(ledger: LedgerDb, settings: WorkspaceSettings, v: VersionRef, fn: (lane: LedgerDb) => T): T {
  catchUpLane(ledger, settings, v);
  const { db: lane } = openLane(ledgerPathOf(ledger), v);
  try {
    return fn(lane);
  } finally {
    lane.close();
  }
}

function catchUpLane(ledger: LedgerDb, settings: WorkspaceSettings, v: VersionRef): void {
  const opened = openLane(ledgerPathOf(ledger), v);
  let owes: boolean;
  try {
    const meta = readLaneMeta(opened.db);
    const decided = opened.db
      .prepare(`SELECT 1 FROM ${L}.journal WHERE seq > ? AND entry_type IN ('match.manual', 'match.broken') LIMIT 1`)
      .get(meta.ledger_journal_through);
    owes = opened.fresh || owesWork(opened.db) || decided !== undefined;
  } finally {
    opened.db.close();
  }
  if (owes) runLane(ledger, settings, v, { mode: 'incremental' });
}

/** What the stored diffs were computed from: the latest live run, the lane's latest run, the ledger's journal head. */
function stamp(lane: LedgerDb): string {
  const live = lane.prepare(`SELECT run_id FROM ${L}.recon_runs ORDER BY rowid DESC LIMIT 1`).pluck().get() as string | undefined;
  const own = lane.prepare('SELECT run_id FROM main.recon_runs ORDER BY rowid DESC LIMIT 1').pluck().get() as string | undefined;
  const head = lane.prepare(`SELECT max(seq) FROM ${L}.journal`).pluck().get() as number | null;
  return `${live ?? '-'} ${own ?? '-'} ${head ?? 0}`;
}

const DIFFS_TABLE = `CREATE TABLE IF NOT EXISTS main.shadow_diffs (
  seq INTEGER PRIMARY KEY, event_seq INTEGER NOT NULL, event_id TEXT NOT NULL, kind TEXT NOT NULL, source TEXT NOT NULL, occurred_at TEXT NOT NULL,
  amount_minor INTEGER NOT NULL, currency TEXT NOT NULL, category TEXT NOT NULL, link TEXT, rule_id TEXT,
  active_match_id TEXT, shadow_match_id TEXT, active_with TEXT NOT NULL, shadow_with TEXT NOT NULL, active_exceptions TEXT NOT NULL,
  shadow_exceptions TEXT NOT NULL, active_exception_id TEXT, shadow_exception_id TEXT, stake_minor INTEGER NOT NULL
)`;
const DIFF_INDEXES = [
  'CREATE INDEX IF NOT EXISTS main.shadow_diffs_by_category ON shadow_diffs (category, occurred_at)',
  'CREATE INDEX IF NOT EXISTS main.shadow_diffs_by_rule ON shadow_diffs (rule_id, category)',
  'CREATE INDEX IF NOT EXISTS main.shadow_diffs_by_time ON shadow_diffs (occurred_at)',
  'CREATE INDEX IF NOT EXISTS main.shadow_diffs_by_event ON shadow_diffs (event_id)',
];

/** The lane's diffs table (empty), with its indexes. */
export function makeDiffsTable(lane: LedgerDb): void {
  lane.exec(DIFFS_TABLE);
  for (const sql of DIFF_INDEXES) lane.exec(sql);
}

/** The differences, computed again when the live projection or the lane changed since they were stored. */
export function ensureDiffs(lane: LedgerDb, ruleSet: RuleSet): void {
  makeDiffsTable(lane);
  const now = stamp(lane);
  const stored = lane.prepare("SELECT value FROM main.lane_meta WHERE key = 'diff_stamp'").pluck().get() as string | undefined;
  if (stored === now) return;
  lane.transaction(() => {
    lane.exec('DELETE FROM main.shadow_diffs');
    computeDiffs(lane, ruleSet);
  })();
  writeLaneMeta(lane, { diff_stamp: now });
}

/** A match as one side holds it for an event of a link. */
interface Held {
  match_id: string;
  seq: number;
  rule_id: string | null;
  side: 'left' | 'right';
}

function matchesOf(lane: LedgerDb, schema: string) {
  return lane.prepare(
    `SELECT m.match_id, m.seq, m.rule_id, mm.side FROM ${schema}.match_members mm CROSS JOIN ${schema}.matches m ON m.seq = mm.match_seq
     WHERE mm.event_seq = ? AND m.link = ? AND m.ended_at IS NULL AND m.origin = 'engine' LIMIT 1`,
  );
}

/**
 * Fills main.shadow_diffs: the lane's projection (main) against `base`'s (the ledger's live projection, or another lane
 * attached for a replay). Memberships and exceptions are compared as sets of (event, link, match id) and (event,
 * exception id, class) rows (ids are hashes of what they join: equal ids, equal outcomes), so only the events that
 * differ are looked at one by one.
 */
export function computeDiffs(lane: LedgerDb, ruleSet: RuleSet, base: string = L): void {
  const memberships = (schema: string): string =>
    `SELECT mm.event_seq AS ev, m.link AS link, m.match_id AS mid FROM ${schema}.matches m CROSS JOIN ${schema}.match_members mm ON mm.match_seq = m.seq
     WHERE m.ended_at IS NULL AND m.origin = 'engine'`;
  const exceptionsOn = (schema: string): string =>
    `SELECT xm.event_seq AS ev, x.exception_id AS xid, x.class AS cls FROM ${schema}.exceptions x CROSS JOIN ${schema}.exception_members xm ON xm.exception_seq = x.seq
     WHERE x.ended_at IS NULL AND x.origin = 'engine' AND x.code NOT IN (${OUTSIDE})`;
  lane.exec('DROP TABLE IF EXISTS temp.cmp_links; DROP TABLE IF EXISTS temp.cmp_events');
  lane.exec(`CREATE TEMP TABLE cmp_links AS SELECT DISTINCT ev, link FROM (
      SELECT ev, link FROM (${memberships(base)} EXCEPT ${memberships('main')})
      UNION ALL SELECT ev, link FROM (${memberships('main')} EXCEPT ${memberships(base)}))`);
  lane.exec(`CREATE TEMP TABLE cmp_events AS SELECT DISTINCT ev FROM (
      SELECT ev FROM (${exceptionsOn(base)} EXCEPT ${exceptionsOn('main')})
      UNION ALL SELECT ev FROM (${exceptionsOn('main')} EXCEPT ${exceptionsOn(base)})
      UNION ALL SELECT ev FROM (SELECT event_seq AS ev, code FROM ${base}.awaiting EXCEPT SELECT event_seq, code FROM main.awaiting)
      UNION ALL SELECT ev FROM (SELECT event_seq AS ev, code FROM main.awaiting EXCEPT SELECT event_seq, code FROM ${base}.awaiting))`);

  const event = lane.prepare('SELECT event_id, kind, source, occurred_at, amount_minor, currency FROM events WHERE seq = ?');
  const activeMatch = matchesOf(lane, base);
  const shadowMatch = matchesOf(lane, 'main');
  const members = (schema: string) =>
    lane.prepare(`SELECT mm.event_seq FROM ${schema}.match_members mm WHERE mm.match_seq = ? ORDER BY mm.event_seq`).pluck();
  const activeMembers = members(base);
  const shadowMembers = members('main');
  const idOf = lane.prepare('SELECT event_id FROM events WHERE seq = ?').pluck();
  const xOn = (schema: string) =>
    lane.prepare(
      `SELECT x.exception_id, x.code, x.class, x.rule_id, x.amount_minor, (SELECT min(m2.event_seq) FROM ${schema}.exception_members m2 WHERE m2.exception_seq = x.seq) AS first
       FROM ${schema}.exception_members xm CROSS JOIN ${schema}.exceptions x ON x.seq = xm.exception_seq
       WHERE xm.event_seq = ? AND x.ended_at IS NULL AND x.origin = 'engine' AND x.code NOT IN (${OUTSIDE}) ORDER BY x.code, x.exception_id`,
    );
  const activeX = xOn(base);
  const shadowX = xOn('main');
  const awaitingOn = (schema: string) => lane.prepare(`SELECT code FROM ${schema}.awaiting WHERE event_seq = ? ORDER BY code`).pluck();
  const activeAwaiting = awaitingOn(base);
  const shadowAwaiting = awaitingOn('main');
  const insert = lane.prepare(
    `INSERT INTO main.shadow_diffs (event_seq, event_id, kind, source, occurred_at, amount_minor, currency, category, link, rule_id, active_match_id,
       shadow_match_id, active_with, shadow_with, active_exceptions, shadow_exceptions, active_exception_id, shadow_exception_id, stake_minor)
     VALUES (@event_seq, @event_id, @kind, @source, @occurred_at, @amount_minor, @currency, @category, @link, @rule_id, @active_match_id,
       @shadow_match_id, @active_with, @shadow_with, @active_exceptions, @shadow_exceptions, @active_exception_id, @shadow_exception_id, @stake_minor)`,
  );
  type XRow = { exception_id: string; code: string; class: string; rule_id: string | null; amount_minor: number; first: number };
  const ruleLink = new Map(ruleSet.rules.map((r) => [r.id, r.link]));
  const counterparts = (ev: number, seqs: number[]): string => {
    const others = seqs.filter((s) => s !== ev);
    const shown = others.slice(0, 5).map((s) => idOf.get(s) as string);
    if (others.length > 5) shown.push(`+${others.length - 5} more`);
    return JSON.stringify(shown);
  };
  const exceptionTexts = (xs: XRow[], awaiting: string[]): string =>
    JSON.stringify([...xs.map((x) => `${x.code}/${x.class}`), ...awaiting.map((c) => `awaiting ${c}`)]);
  const withLink = new Set<number>();

  for (const k of lane.prepare('SELECT ev, link FROM temp.cmp_links ORDER BY ev, link').all() as Array<{ ev: number; link: string }>) {
    const a = activeMatch.get(k.ev, k.link) as Held | undefined;
    const s = shadowMatch.get(k.ev, k.link) as Held | undefined;
    const aSeqs = a === undefined ? [] : (activeMembers.all(a.seq) as number[]);
    const sSeqs = s === undefined ? [] : (shadowMembers.all(s.seq) as number[]);
    let category: DiffCategory;
    if (a === undefined && s !== undefined) category = 'newly_matched';
    else if (a !== undefined && s === undefined) category = 'newly_unmatched';
    else if (aSeqs.join(',') !== sSeqs.join(',')) category = 'other_counterpart';
    else continue; // the same events matched by another rule: no outcome differs
    withLink.add(k.ev);
    const held = category === 'newly_unmatched' ? a : s;
    const e = event.get(k.ev) as { event_id: string; kind: string; source: string; occurred_at: string; amount_minor: number; currency: string };
    const ax = activeX.all(k.ev) as XRow[];
    const sx = shadowX.all(k.ev) as XRow[];
    insert.run({
      event_seq: k.ev,
      ...e,
      category,
      link: k.link,
      rule_id: held?.rule_id ?? null,
      active_match_id: a?.match_id ?? null,
      shadow_match_id: s?.match_id ?? null,
      active_with: counterparts(k.ev, aSeqs),
      shadow_with: counterparts(k.ev, sSeqs),
      active_exceptions: exceptionTexts(ax, activeAwaiting.all(k.ev) as string[]),
      shadow_exceptions: exceptionTexts(sx, shadowAwaiting.all(k.ev) as string[]),
      active_exception_id: ax[0]?.exception_id ?? null,
      shadow_exception_id: sx[0]?.exception_id ?? null,
      stake_minor: held?.side === 'left' ? Math.abs(e.amount_minor) : 0,
    });
  }

  for (const ev of lane.prepare('SELECT ev FROM temp.cmp_events ORDER BY ev').pluck().all() as number[]) {
    if (withLink.has(ev)) continue;
    const ax = activeX.all(ev) as XRow[];
    const sx = shadowX.all(ev) as XRow[];
    const aw = activeAwaiting.all(ev) as string[];
    const sw = shadowAwaiting.all(ev) as string[];
    const key = (xs: XRow[]): string => xs.map((x) => `${x.exception_id}/${x.class}`).join(' ');
    if (key(ax) === key(sx) && aw.join() === sw.join()) continue;
    const e = event.get(ev) as { event_id: string; kind: string; source: string; occurred_at: string; amount_minor: number; currency: string };
    const sIds = new Set(sx.map((x) => `${x.exception_id}/${x.class}`));
    const aIds = new Set(ax.map((x) => `${x.exception_id}/${x.class}`));
    const changed = [...sx.filter((x) => !aIds.has(`${x.exception_id}/${x.class}`)), ...ax.filter((x) => !sIds.has(`${x.exception_id}/${x.class}`))];
    const lead = changed[0] ?? sx[0] ?? ax[0];
    const stakes = new Map<string, number>();
    for (const x of changed) if (x.first === ev) stakes.set(x.exception_id, Math.max(stakes.get(x.exception_id) ?? 0, Math.abs(x.amount_minor)));
    insert.run({
      event_seq: ev,
      ...e,
      category: 'other_code_or_class',
      link: lead?.rule_id == null ? null : (ruleLink.get(lead.rule_id) ?? null),
      rule_id: lead?.rule_id ?? null,
      active_match_id: null,
      shadow_match_id: null,
      active_with: '[]',
      shadow_with: '[]',
      active_exceptions: exceptionTexts(ax, aw),
      shadow_exceptions: exceptionTexts(sx, sw),
      active_exception_id: ax[0]?.exception_id ?? null,
      shadow_exception_id: sx[0]?.exception_id ?? null,
      stake_minor: [...stakes.values()].reduce((t, n) => t + n, 0),
    });
  }
  lane.exec('DROP TABLE temp.cmp_links; DROP TABLE temp.cmp_events');
}

/** Counts and money per category and per rule (rule null: leftovers, which no rule derives). */
export function diffSummary(lane: LedgerDb, v: VersionRef, base: string = L): ComparisonSummary {
  const rows = lane
    .prepare(
      'SELECT category, rule_id, currency, count(*) AS n, sum(stake_minor) AS money FROM main.shadow_diffs GROUP BY category, rule_id, currency ORDER BY category, rule_id, currency',
    )
    .all() as Array<{ category: DiffCategory; rule_id: string | null; currency: string; n: number; money: number }>;
  const byCategory = new Map<DiffCategory, CategoryCount>(DIFF_CATEGORIES.map((c) => [c, { category: c, count: 0, money: [] }]));
  const byRule = new Map<string, { ruleId: string | null } & CategoryCount>();
  const add = (into: CategoryCount, r: { currency: string; n: number; money: number }): void => {
    into.count += r.n;
    const m = into.money.find((x) => x.currency === r.currency);
    if (m === undefined) into.money.push({ currency: r.currency, amountMinor: r.money });
    else m.amountMinor += r.money;
  };
  for (const r of rows) {
    add(byCategory.get(r.category) as CategoryCount, r);
    const key = `${r.rule_id ?? ''}\u001f${r.category}`;
    let per = byRule.get(key);
    if (per === undefined) byRule.set(key, (per = { ruleId: r.rule_id, category: r.category, count: 0, money: [] }));
    add(per, r);
  }
  const live = lane.prepare(`SELECT rule_set_id, rule_version, as_of FROM ${base}.recon_runs ORDER BY rowid DESC LIMIT 1`).get() as
    { rule_set_id: string; rule_version: number; as_of: string } | undefined;
  const own = lane.prepare('SELECT as_of FROM main.recon_runs ORDER BY rowid DESC LIMIT 1').pluck().get() as string | undefined;
  return {
    version: versionLabel(v),
    live: live === undefined ? '-' : versionLabel({ ruleSetId: live.rule_set_id, version: live.rule_version }),
    diffs: rows.reduce((t, r) => t + r.n, 0),
    byCategory: [...byCategory.values()],
    byRule: [...byRule.values()],
    laneAsOf: own === undefined || own === '' ? null : own,
    liveAsOf: live === undefined || live.as_of === '' ? null : live.as_of,
  };
}

export interface DiffQuery {
  startRow: number;
  endRow: number;
  sort?: Array<{ field: DiffSortField; dir: 'asc' | 'desc' }>;
  filter?: { categories?: DiffCategory[]; ruleId?: string | null; kinds?: string[]; search?: string };
  /** A further condition on the event (`e`, the ledger's events row of the difference): the review period's. */
  event?: { sql: string; params: Record<string, unknown> };
}

const SORT: Record<string, string> = {
  occurredAt: 'occurred_at',
  category: 'category',
  ruleId: 'rule_id',
  kind: 'kind',
  source: 'source',
  eventId: 'event_id',
  stakeMinor: 'stake_minor',
  amountMinor: 'abs(amount_minor)',
};
export type DiffSortField = 'occurredAt' | 'category' | 'ruleId' | 'kind' | 'source' | 'eventId' | 'stakeMinor' | 'amountMinor';
export const DIFF_SORT_FIELDS = Object.keys(SORT) as DiffSortField[];

interface StoredDiff {
  event_id: string;
  kind: string;
  source: string;
  occurred_at: string;
  amount_minor: number;
  currency: string;
  category: DiffCategory;
  link: string | null;
  rule_id: string | null;
  active_match_id: string | null;
  shadow_match_id: string | null;
  active_with: string;
  shadow_with: string;
  active_exceptions: string;
  shadow_exceptions: string;
  active_exception_id: string | null;
  shadow_exception_id: string | null;
  stake_minor: number;
}

function toDiffRow(r: StoredDiff): DiffRow {
  return {
    eventId: r.event_id,
    kind: r.kind,
    source: r.source,
    occurredAt: r.occurred_at,
    amountMinor: r.amount_minor,
    currency: r.currency,
    category: r.category,
    link: r.link,
    ruleId: r.rule_id,
    activeMatchId: r.active_match_id,
    shadowMatchId: r.shadow_match_id,
    activeWith: JSON.parse(r.active_with) as string[],
    shadowWith: JSON.parse(r.shadow_with) as string[],
    activeExceptions: JSON.parse(r.active_exceptions) as string[],
    shadowExceptions: JSON.parse(r.shadow_exceptions) as string[],
    activeExceptionId: r.active_exception_id,
    shadowExceptionId: r.shadow_exception_id,
    stakeMinor: r.stake_minor,
  };
}

/** The WHERE clause and ORDER BY of a view of the stored differences. */
function diffView(q: Omit<DiffQuery, 'startRow' | 'endRow'>): { where: string; order: string; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  const f = q.filter ?? {};
  if (q.event !== undefined && q.event.sql !== '') {
    where.push(`EXISTS (SELECT 1 FROM ${L}.events e WHERE e.seq = shadow_diffs.event_seq AND ${q.event.sql})`);
    Object.assign(params, q.event.params);
  }
  if (f.categories !== undefined && f.categories.length > 0) {
    where.push('category IN (SELECT value FROM json_each(@categories))');
    params.categories = JSON.stringify(f.categories);
  }
  if (f.ruleId !== undefined) {
    where.push(f.ruleId === null ? 'rule_id IS NULL' : 'rule_id = @rule');
    if (f.ruleId !== null) params.rule = f.ruleId;
  }
  if (f.kinds !== undefined && f.kinds.length > 0) {
    where.push('kind IN (SELECT value FROM json_each(@kinds))');
    params.kinds = JSON.stringify(f.kinds);
  }
  if (f.search !== undefined && f.search.trim() !== '') {
    where.push("(event_id LIKE @search ESCAPE '\\' OR source LIKE @search ESCAPE '\\')");
    params.search = `%${f.search.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  }
  const w = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
  const order = [...(q.sort ?? []).map((s) => `${SORT[s.field] as string} ${s.dir === 'desc' ? 'DESC' : 'ASC'}`), 'seq'].join(', ');
  return { where: w, order, params };
}

/** One page of the stored differences, filtered and sorted in SQL, with the filtered count. */
export function diffPage(lane: LedgerDb, q: DiffQuery): { rows: DiffRow[]; totalRows: number } {
  const { where: w, order, params } = diffView(q);
  const total = lane.prepare(`SELECT count(*) FROM main.shadow_diffs ${w}`).pluck().get(params) as number;
  const rows = lane
    .prepare(`SELECT * FROM main.shadow_diffs ${w} ORDER BY ${order} LIMIT @limit OFFSET @offset`)
    .all({ ...params, limit: Math.max(0, q.endRow - q.startRow), offset: q.startRow }) as StoredDiff[];
  return { rows: rows.map(toDiffRow), totalRows: total };
}

/** Every difference of a view (filter, sort, period), read in one statement: the grid's export. */
export function* diffsInView(lane: LedgerDb, q: Omit<DiffQuery, 'startRow' | 'endRow'>): Generator<DiffRow> {
  const { where, order, params } = diffView(q);
  for (const r of lane.prepare(`SELECT * FROM main.shadow_diffs ${where} ORDER BY ${order}`).iterate(params) as Iterable<StoredDiff>)
    yield toDiffRow(r);
}

/** Every stored difference, in event order (the CLI's JSON). */
export function* allDiffs(lane: LedgerDb): Generator<DiffRow> {
  for (const r of lane.prepare('SELECT * FROM main.shadow_diffs ORDER BY seq').iterate() as Iterable<StoredDiff>) yield toDiffRow(r);
}

/** The comparison's summary, the differences made current first (catching the lane up when it owes work). */
export function compareVersion(ledger: LedgerDb, settings: WorkspaceSettings, v: VersionRef): ComparisonSummary {
  const ruleSet = ruleSetOf(ledger, v);
  return withLane(ledger, settings, v, (lane) => {
    ensureDiffs(lane, ruleSet);
    return diffSummary(lane, v);
  });
}
