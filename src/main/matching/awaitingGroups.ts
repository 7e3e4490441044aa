// Events awaiting a counterpart's feed (DESIGN §5), grouped as `tieout status`, the dashboard and the Awaiting screen
// state them: per code they would become, kind and the sources they wait on, with how far each source has delivered
// and one sentence ("12,400 orders awaiting payments: no stripe:main data after 2026-10-12").
import type { LedgerDb } from '../ledger/database.ts';
import { readFeeds } from './engine/feedProgress.ts';

export interface AwaitingGroup {
  code: string;
  kind: string;
  count: number;
  /** Sum of |amount_minor| per currency, in that currency's minor units. */
  amount_minor_by_currency: Record<string, number>;
  /** The sources that could hold the counterpart and how far each has delivered (null: nothing yet). */
  waiting_on: AwaitingSource[];
  /** The earliest business time one of them must reach for the first of these events to be decided. */
  first_until: string;
  summary: string;
}

export interface AwaitingSource {
  source: string;
  /** The source's watermark as an ISO instant: its latest business time delivered, or the end of a period its file states. */
  delivered_through: string | null;
}

/** A condition on the awaiting event, aliased `e` (e.g. its review period); none: every awaiting event. */
export interface EventCondition {
  sql: string;
  params: Record<string, unknown>;
}

const EVERY_EVENT: EventCondition = { sql: '1', params: {} };

/** What a missing counterpart of each code is, in the words of the summary. */
const COUNTERPART_WORDS: Record<string, string> = {
  'MISSING_PAYMENT order': 'payments',
  'MISSING_ORDER payment': 'orders',
  'REFUND_UNMATCHED refund': 'the payments they refund',
  'REFUND_UNMATCHED order': 'refunds',
  'PAYOUT_NOT_IN_BANK payout': 'bank lines',
  'UNKNOWN_BANK_LINE bank_credit': 'payouts',
  'UNKNOWN_BANK_LINE bank_debit': 'payouts',
};

function plural(kind: string, n: number): string {
  const word = kind.replace(/_/g, ' ');
  return n === 1 ? word : `${word}s`;
}

/** Every source's watermark, as the awaiting judge reads it (engine/feedProgress.ts). */
export function sourceWatermarks(db: LedgerDb): Map<string, string | null> {
  return new Map(readFeeds(db).sources.map((f) => [f.source, Number.isFinite(f.watermark) ? new Date(f.watermark).toISOString() : null]));
}

/** The sources an awaiting row waits on (stored space-separated) with their watermarks. */
export function waitingOn(waitsOn: string, watermarks: ReadonlyMap<string, string | null>): AwaitingSource[] {
  return waitsOn === '' ? [] : waitsOn.split(' ').map((source) => ({ source, delivered_through: watermarks.get(source) ?? null }));
}

/** Why the counterpart may still come: the source furthest behind. */
export function awaitingReason(code: string, kind: string, sources: readonly AwaitingSource[]): string {
  const what = COUNTERPART_WORDS[`${code} ${kind}`] ?? 'their counterparts';
  const behind = [...sources].sort((a, b) => ((a.delivered_through ?? '') < (b.delivered_through ?? '') ? -1 : 1))[0];
  if (behind === undefined) return `no source of ${what} has delivered yet`;
  return behind.delivered_through === null
    ? `no ${behind.source} data yet`
    : `no ${behind.source} data after ${behind.delivered_through.slice(0, 10)}`;
}

function summary(code: string, kind: string, n: number, sources: readonly AwaitingSource[]): string {
  const what = COUNTERPART_WORDS[`${code} ${kind}`] ?? 'their counterparts';
  return `${n.toLocaleString('en-US')} ${plural(kind, n)} awaiting ${what}: ${awaitingReason(code, kind, sources)}`;
}

interface GroupRow {
  code: string;
  kind: string;
  waits_on: string;
  currency: string;
  n: number;
  amount: number;
  first_until: string;
}

/** The awaiting events that satisfy `where`, per code, kind and sources waited on. */
export function awaitingGroups(db: LedgerDb, where: EventCondition = EVERY_EVENT): { groups: AwaitingGroup[]; total: number; events: number } {
  const rows = db
    .prepare(
      `SELECT a.code, e.kind, a.waits_on, e.currency, count(*) AS n, sum(abs(e.amount_minor)) AS amount, min(a.until) AS first_until
       FROM awaiting a CROSS JOIN events e ON e.seq = a.event_seq WHERE ${where.sql}
       GROUP BY a.code, e.kind, a.waits_on, e.currency ORDER BY a.code, e.kind, a.waits_on, e.currency`,
    )
    .all(where.params) as GroupRow[];
  const watermarks = sourceWatermarks(db);
  const byKey = new Map<string, AwaitingGroup>();
  for (const r of rows) {
    const key = `${r.code}\u001f${r.kind}\u001f${r.waits_on}`;
    let g = byKey.get(key);
    if (g === undefined) {
      g = {
        code: r.code,
        kind: r.kind,
        count: 0,
        amount_minor_by_currency: {},
        waiting_on: waitingOn(r.waits_on, watermarks),
        first_until: r.first_until,
        summary: '',
      };
      byKey.set(key, g);
    }
    g.count += r.n;
    g.amount_minor_by_currency[r.currency] = (g.amount_minor_by_currency[r.currency] ?? 0) + r.amount;
    if (r.first_until < g.first_until) g.first_until = r.first_until;
  }
  const groups = [...byKey.values()];
  for (const g of groups) g.summary = summary(g.code, g.kind, g.count, g.waiting_on);
  const events = db
    .prepare(`SELECT count(DISTINCT a.event_seq) FROM awaiting a CROSS JOIN events e ON e.seq = a.event_seq WHERE ${where.sql}`)
    .pluck()
    .get(where.params) as number;
  return { groups, total: groups.reduce((n, g) => n + g.count, 0), events };
}
