// The matches grid and match detail over a real reconciled month with a manual match and an unmatch.
import { describe, it, expect, beforeAll } from 'vitest';
import { queryMatches, matchDetail } from '../../src/main/review/matchesQuery.ts';
import { manualMatch, unmatch } from '../../src/main/matching/decisions.ts';
import { humanSummary } from '../../src/main/review/explanationWords.ts';
import { readMatchExplanation, type StoredMatchColumns } from '../../src/main/matching/engine/explain.ts';
import {
  MATCH_SORT_FIELDS,
  MatchDetailSchema,
  parseRequest,
  type MatchFilter,
  type MatchRow,
  type RequestOf,
} from '../../src/shared/api/contract.ts';
import { useDemo, ids, count, DEMO_ACTOR } from './reviewDemo.ts';

const demo = useDemo('tieout-review-matches-');
const db = () => demo.current.workspace.db;

function query(request: Partial<RequestOf<'matches.query'>>): { rows: MatchRow[]; totalRows: number } {
  return queryMatches(db(), parseRequest('matches.query', { startRow: 0, endRow: 10_000, ...request }), demo.current.workspace.settings.time_zone);
}

function allPages(filter: MatchFilter, sort: RequestOf<'matches.query'>['sort'] = []): MatchRow[] {
  const rows: MatchRow[] = [];
  for (let start = 0; ; start += 40) {
    const page = query({ startRow: start, endRow: start + 40, filter, sort });
    rows.push(...page.rows);
    if (page.rows.length < 40) {
      expect(rows.length).toBe(page.totalRows);
      return rows;
    }
  }
}

const sorted = (values: string[]): string[] => [...values].sort();

let manualId: string;
let brokenId: string;

beforeAll(() => {
  // The demo's two payouts of 409.34 credited the same day: a person ties one of them to the first credit.
  const ambiguous = ids(
    db(),
    "SELECT exception_id FROM exceptions WHERE code = 'AMBIGUOUS_MATCH' AND ended_at IS NULL ORDER BY exception_id",
  )[0] as string;
  const events = db()
    .prepare('SELECT e.event_id, e.kind FROM exception_event_ids xe JOIN events e USING (event_id) WHERE xe.exception_id = ? ORDER BY e.external_id')
    .all(ambiguous) as Array<{ event_id: string; kind: string }>;
  const payout = events.find((e) => e.kind === 'payout')?.event_id as string;
  const bank = events.find((e) => e.kind === 'bank_credit')?.event_id as string;
  manualId = manualMatch(db(), {
    link: 'bank_payout',
    leftEventIds: [payout],
    rightEventIds: [bank],
    actor: DEMO_ACTOR,
    reason: 'remittance advice',
  });
  brokenId = ids(db(), "SELECT match_id FROM matches WHERE link = 'refund_payment' AND ended_at IS NULL ORDER BY match_id")[0] as string;
  unmatch(db(), { matchId: brokenId, actor: DEMO_ACTOR, reason: 'refund belongs to another charge' });
});

describe('matches.query', () => {
  const activeIds = (where = '1', ...params: unknown[]): string[] =>
    ids(db(), `SELECT match_id FROM matches WHERE ended_at IS NULL AND ${where} ORDER BY match_id`, ...params);
  const got = (filter: MatchFilter): string[] => sorted(allPages(filter).map((r) => r.matchId));

  it('pages through the active matches only', () => {
    const all = allPages({});
    expect(all).toHaveLength(count(db(), 'SELECT count(*) FROM matches WHERE ended_at IS NULL'));
    expect(sorted(all.map((r) => r.matchId))).toEqual(activeIds());
    expect(all.some((r) => r.matchId === brokenId)).toBe(false);
    expect(query({ startRow: 5, endRow: 9 }).rows.map((r) => r.matchId)).toEqual(
      query({})
        .rows.slice(5, 9)
        .map((r) => r.matchId),
    );
    expect(query({ startRow: 100_000, endRow: 100_010 })).toEqual({ rows: [], totalRows: all.length });
  });

  it('fills rows: left amount and currency, first events left side first, count, summary', () => {
    for (const r of query({}).rows) {
      const members = db()
        .prepare('SELECT me.side, e.amount_minor, e.currency FROM match_event_ids me JOIN events e USING (event_id) WHERE me.match_id = ?')
        .all(r.matchId) as Array<{ side: string; amount_minor: number; currency: string }>;
      const left = members.filter((m) => m.side === 'left');
      expect(r.eventCount).toBe(members.length);
      expect(r.amountMinor).toBe(left.reduce((s, m) => s + m.amount_minor, 0));
      expect(r.currency).toBe(left[0]?.currency);
      expect(r.events).toHaveLength(Math.min(3, members.length));
      const stored = db().prepare('SELECT * FROM matches WHERE match_id = ?').get(r.matchId) as StoredMatchColumns;
      const summary = (readMatchExplanation(db(), stored) as { summary?: string }).summary;
      expect(r.summary).toBe(humanSummary(summary ?? 'matched by hand by user:test: remittance advice', r.currency));
      expect(r.summary).not.toMatch(/minor units|\d\.\d{4,} h|amount delta/);
    }
  });

  type Key = string | number | null;
  for (const field of MATCH_SORT_FIELDS) {
    for (const dir of ['asc', 'desc'] as const) {
      it(`orders by ${field} ${dir}, nulls last, ties by match id`, () => {
        const rows = allPages({}, [{ field, dir }]);
        for (let i = 1; i < rows.length; i++) {
          const a = rows[i - 1] as MatchRow;
          const b = rows[i] as MatchRow;
          const ka = a[field] as Key;
          const kb = b[field] as Key;
          if (ka === kb) expect(a.matchId < b.matchId).toBe(true);
          else if (ka === null || kb === null) expect(kb).toBeNull();
          else expect(dir === 'asc' ? ka < kb : ka > kb).toBe(true);
        }
        if (field === 'ruleId' || field === 'score') expect(rows[rows.length - 1]?.matchId).toBe(manualId);
      });
    }
  }

  it('filters by status and link', () => {
    expect(got({ statuses: ['manual'] })).toEqual([manualId]);
    expect(got({ statuses: ['auto_resolved', 'matched'] })).toEqual(activeIds("status IN ('auto_resolved', 'matched')"));
    expect(got({ links: ['payout_items', 'refund_payment'] })).toEqual(activeIds("link IN ('payout_items', 'refund_payment')"));
    expect(got({ links: ['bank_payout'], statuses: ['manual'] })).toEqual([manualId]);
    expect(got({ links: [] })).toEqual([]);
  });

  it('searches match ids, rule ids and the external ids and order refs of events', () => {
    expect(got({ search: manualId.slice(3, 15) })).toEqual([manualId]);
    expect(got({ search: 'order-payment.amount-window' })).toEqual(activeIds("rule_id = 'order-payment.amount-window'"));
    const viaEvents = (where: string, ...params: unknown[]): string[] =>
      activeIds(`match_id IN (SELECT match_id FROM match_event_ids me JOIN events e USING (event_id) WHERE ${where})`, ...params);
    const byOrder = viaEvents("e.order_ref = '1001'");
    expect(byOrder.length).toBeGreaterThanOrEqual(2);
    expect(got({ search: '#1001' })).toEqual(byOrder);
    const payment = ids(db(), "SELECT external_id FROM events WHERE kind = 'payment' ORDER BY seq LIMIT 1")[0] as string;
    expect(got({ search: payment })).toEqual(viaEvents('e.external_id = ?', payment));
    expect(got({ search: payment }).length).toBeGreaterThanOrEqual(2);
  });
});

describe('matches.detail', () => {
  it('shows an engine match with its events by side, its explanation, and the run that made it as its history', () => {
    const id = ids(db(), "SELECT match_id FROM matches WHERE link = 'payout_items' AND ended_at IS NULL ORDER BY match_id")[0] as string;
    const d = MatchDetailSchema.parse(matchDetail(db(), id, demo.current.workspace.settings.time_zone));
    const members = db().prepare('SELECT event_id, side FROM match_event_ids WHERE match_id = ? ORDER BY side, event_id').all(id) as Array<{
      event_id: string;
      side: string;
    }>;
    expect(d.events.map((e) => [e.eventId, e.side]).sort()).toEqual(members.map((m) => [m.event_id, m.side]).sort());
    expect(d.events[0]).toMatchObject({ side: 'left', kind: 'payout' });
    expect(d.events.every((e) => e.raw.text.startsWith(e.externalId))).toBe(true);
    expect(d.match).toMatchObject({
      matchId: id,
      link: 'payout_items',
      status: 'matched',
      origin: 'engine',
      ruleId: 'payout-items.payout-ref',
      ruleVersion: 4,
      endedAt: null,
      endedBy: null,
    });
    expect(d.explanation).toMatchObject({
      ruleId: 'payout-items.payout-ref',
      ruleSetId: 'default',
      ruleVersion: 4,
      strategy: 'payout_items',
      link: 'payout_items',
      score: 1,
      amountDeltaMinor: 0,
    });
    expect(d.history.map((h) => [h.type, h.summary])).toEqual([
      ['reconcile.run', expect.stringMatching(/^made by the (full|incremental) reconcile run r_\S+ \(rule set default v4\)$/)],
    ]);
  });

  it('shows a standard match with the key comparisons it made, the texts compared read from its two events', () => {
    const id = ids(
      db(),
      "SELECT match_id FROM matches WHERE rule_id = 'order-payment.exact-key' AND ended_at IS NULL ORDER BY match_id",
    )[0] as string;
    const stored = db().prepare('SELECT explanation FROM matches WHERE match_id = ?').pluck().get(id) as string;
    // Stored: the figures only (explanationText.ts `"e":1`), no key texts, no summary.
    expect(JSON.parse(stored)).toMatchObject({ v: 2, e: 1 });
    expect(stored).not.toMatch(/order_ref|summary/);
    const d = matchDetail(db(), id, demo.current.workspace.settings.time_zone);
    const [order, payment] = d.events as [(typeof d.events)[number], (typeof d.events)[number]];
    const orderRef = db().prepare('SELECT order_ref FROM events WHERE event_id = ?').pluck().get(order.eventId) as string;
    expect(d.explanation.strategy).toBe('exact_key');
    expect(d.explanation.keys).toContainEqual({
      leftField: 'order_ref',
      rightField: 'order_ref',
      leftValue: orderRef,
      rightValue: orderRef,
      compare: 'equal',
      value: 1,
      agreed: true,
    });
    // In words: the fields that agreed, "same amount", the time apart in days and hours.
    expect(d.explanation.summary).toMatch(/^order-payment\.exact-key: order ref.* agree; same amount, (\d+ d )?(\d+ h|\d+ min|\d+ h \d+ min) apart$/);
    expect(payment.side).toBe('right');
    expect(d.explanation.score).toBe(d.match.score);
  });

  it('shows a manual match with the person’s note and its journal entry', () => {
    const d = matchDetail(db(), manualId, demo.current.workspace.settings.time_zone);
    expect(d.match).toMatchObject({ status: 'manual', origin: 'human', ruleId: null, score: null, createdBy: DEMO_ACTOR, amountMinor: -40934 });
    expect(d.explanation).toMatchObject({
      summary: 'matched by hand by user:test: remittance advice',
      ruleId: null,
      keys: [],
      runnersUp: [],
      policy: null,
    });
    expect(d.events.map((e) => e.side)).toEqual(['left', 'right']);
    expect(d.history).toHaveLength(1);
    expect(d.history[0]).toMatchObject({ type: 'match.manual', actor: DEMO_ACTOR, reason: 'remittance advice' });
    // The ambiguity named both payouts: matching one of them answers neither of its two exceptions.
    expect(d.history[0]?.summary).toBe('matched by hand in bank_payout (1 ↔ 1 events): remittance advice');
  });

  it('shows an ended match with who ended it and the unmatch in its history', () => {
    const d = matchDetail(db(), brokenId, demo.current.workspace.settings.time_zone);
    expect(d.match.endedBy).toBe(DEMO_ACTOR);
    expect(d.match.endedAt).not.toBeNull();
    expect(d.history.map((h) => [h.type, h.summary])).toEqual([
      ['reconcile.run', expect.stringMatching(/^made by the /)],
      ['match.broken', 'unmatched: refund belongs to another charge'],
    ]);
  });

  it('answers not_found for an unknown match', () => {
    expect(() => matchDetail(db(), 'm_nope', demo.current.workspace.settings.time_zone)).toThrow(
      expect.objectContaining({ kind: 'not_found', message: 'match m_nope does not exist' }) as Error,
    );
  });
});
