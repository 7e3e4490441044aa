// FEED_MISSING: sources with a declared cadence whose latest event is overdue, on ledgers filled through the real import path.
import { describe, it, expect, afterEach } from 'vitest';
import { createHash } from 'node:crypto';
import { makeTempDir } from '../support/tempDir.ts';
import type { Workspace } from '../../src/main/workspace/workspace.ts';
import { JournalWriter } from '../../src/main/ledger/journal.ts';
import { checkFeedHeartbeats, feedMissingIdFor, type FeedHeartbeatReport } from '../../src/main/matching/engine/feedHeartbeats.ts';
import { reconcile } from '../../src/main/matching/engine/engine.ts';
import { manualMatch, resolveExceptions } from '../../src/main/matching/decisions.ts';
import { verifyLedger } from '../../src/main/ledger/verify.ts';
import { WorkspaceSettingsSchema, type WorkspaceSettings } from '../../src/shared/workspace/settings.ts';
import { charge, importMonth, newWorkspace, order, type BankLine, type Order, type Txn } from './monthBuilder.ts';
import { unpackExplanation } from '../../src/main/matching/engine/explanationText.ts';

const dir = makeTempDir('tieout-feeds-');
let n = 0;
const open: Workspace[] = [];
const ws = (): Workspace => {
  const w = newWorkspace(dir, `f${++n}`);
  open.push(w);
  return w;
};
afterEach(() => {
  for (const w of open.splice(0)) w.close();
});

type Feeds = NonNullable<WorkspaceSettings['feeds']>;
const NOW = '2026-11-15T00:00:00.000Z';
let runs = 0;

/** One heartbeat check as reconcile() would run it: in a transaction, as of the ledger's latest occurred_at. */
function check(w: Workspace, feeds: Feeds | undefined, smallSourceEvents?: number): FeedHeartbeatReport {
  return w.db.transaction(() => {
    const asOf = w.db.prepare('SELECT max(occurred_at) FROM events').pluck().get() as string | null;
    const settings = feeds === undefined ? w.settings : { ...w.settings, feeds };
    return checkFeedHeartbeats(w.db, settings, asOf, 'system:engine', `r_test${++runs}`, new JournalWriter(w.db), { now: NOW, smallSourceEvents });
  })();
}

interface FeedRow {
  exception_id: string;
  class: string;
  default_class: string;
  state: string;
  amount_minor: number;
  currency: string;
  origin: string;
  resolution: string | null;
  ended_at: string | null;
  explanation: string;
  event_id: string;
  source: string;
  external_id: string;
}
const feedRows = (w: Workspace): FeedRow[] =>
  w.db
    .prepare(
      `SELECT x.exception_id, x.class, x.default_class, x.state, x.amount_minor, x.currency, x.origin, x.resolution, x.ended_at, x.explanation,
              e.event_id, e.source, e.external_id
       FROM exceptions x JOIN exception_event_ids xe USING (exception_id) JOIN events e USING (event_id) WHERE x.code = 'FEED_MISSING' ORDER BY x.rowid`,
    )
    .all() as FeedRow[];
const eventId = (w: Workspace, source: string, externalId: string): string =>
  w.db.prepare('SELECT event_id FROM events WHERE source = ? AND external_id = ?').pluck().get(source, externalId) as string;
/** FEED_MISSING rows come from no rule: their rule columns are null. */
const NO_RULE = { rule_id: null, rule_set_id: null, rule_version: null };
const summary = (r: FeedRow | undefined): string => unpackExplanation(r?.explanation ?? '{"s":""}', NO_RULE).summary;

/** Orders and bank lines every day from Oct 1 to `lastDay`; Stripe charges only up to `stripeUntil`. */
function month(lastDay: number, stripeUntil: number, from = 1): { orders: Order[]; txns: Txn[]; bank: BankLine[] } {
  const orders: Order[] = [];
  const txns: Txn[] = [];
  const bank: BankLine[] = [];
  for (let d = from; d <= lastDay; d++) {
    const day = String(d).padStart(2, '0');
    orders.push(order(100 + d, '20.00', `2026-10-${day} 10:00:00`));
    if (d <= stripeUntil) txns.push(charge(100 + d, '20.00', `2026-10-${day} 14:00:00`));
    bank.push({ date: `${day}.10.2026`, text: `WIRE ${d}`, credit: '5,00' });
  }
  return { orders, txns, bank };
}

describe('FEED_MISSING: per-source heartbeats', () => {
  it('opens one class-C exception for the overdue source, linked to its latest event; none without a cadence', () => {
    const w = ws();
    importMonth(w, dir, month(10, 4));
    // Orders (shopify:store) have no cadence: never FEED_MISSING. The bank keeps its heartbeat; Stripe stopped on Oct 4.
    const feeds: Feeds = { 'stripe:main': { expected_every_hours: 24 }, 'bank:main': { expected_every_hours: 24, grace_hours: 12 } };
    const r = check(w, feeds);
    expect(r).toEqual({ opened: 1, closed: 0, log: [`+x ${feedMissingIdFor('stripe:main', eventId(w, 'stripe:main', 'txn_c104'))} C open`] });
    const [row] = feedRows(w);
    expect(row).toMatchObject({
      class: 'C',
      default_class: 'C',
      state: 'open',
      amount_minor: 0,
      currency: 'USD',
      origin: 'engine',
      ended_at: null,
      source: 'stripe:main',
      external_id: 'txn_c104',
      event_id: eventId(w, 'stripe:main', 'txn_c104'),
    });
    // as of = the latest orders' time, Oct 10 10:00 -04:00 = 14:00Z; Stripe's last charge Oct 4 14:00Z: 144 h, 6 beats of 24 h.
    expect(summary(row)).toBe(
      'FEED_MISSING: stripe:main last delivered an event at 2026-10-04T14:00:00Z (payment txn_c104); expected every 24 h; ' +
        'as of 2026-10-10T14:00:00Z that is 144 h ago: 6 beats missed',
    );
    const explanation = unpackExplanation(row?.explanation as string, NO_RULE);
    expect(explanation).toMatchObject({ rule_id: null, rule_set_id: null, rule_version: null, time_delta_hours: 144, keys: [], runners_up: [] });
    const opened = w.db
      .prepare("SELECT actor, payload FROM journal WHERE entry_type = 'exception.opened' AND subject_id = ?")
      .get(row?.exception_id) as { actor: string; payload: string } | undefined;
    expect(opened?.actor).toBe('system:engine');
    expect(JSON.parse(opened?.payload as string)).toMatchObject({
      source: 'stripe:main',
      last_event_at: '2026-10-04T14:00:00Z',
      expected_every_hours: 24,
      beats_missed: 6,
    });

    // Idempotent; without any cadence nothing is raised.
    expect(check(w, feeds)).toEqual({ opened: 0, closed: 0, log: [] });
    expect(feedRows(w)).toHaveLength(1);
    const fresh = ws();
    importMonth(fresh, dir, month(10, 4));
    expect(check(fresh, undefined)).toEqual({ opened: 0, closed: 0, log: [] });
    expect(check(fresh, {})).toEqual({ opened: 0, closed: 0, log: [] });
    expect(feedRows(fresh)).toEqual([]);
  });

  it('the cadence and grace decide: overdue only past expected_every_hours + grace_hours', () => {
    const w = ws();
    importMonth(w, dir, month(10, 4));
    // 144 h since Stripe's last event.
    expect(check(w, { 'stripe:main': { expected_every_hours: 144 } }).opened).toBe(0);
    expect(check(w, { 'stripe:main': { expected_every_hours: 120, grace_hours: 24 } }).opened).toBe(0);
    expect(check(w, { 'stripe:main': { expected_every_hours: 120, grace_hours: 23.5 } }).opened).toBe(1);
    expect(summary(feedRows(w)[0])).toMatch(/expected every 120 h \(grace 23\.5 h\); .* 144 h ago: 1 beat missed$/);
    // Widening the cadence ends it; a declared source without any event raises nothing.
    const r = check(w, { 'stripe:main': { expected_every_hours: 200 }, 'paypal:main': { expected_every_hours: 1 } });
    expect(r.closed).toBe(1);
    expect(r.opened).toBe(0);
  });

  it('new data for the source resolves it; a later gap is a new exception with its own id', () => {
    const w = ws();
    const feeds: Feeds = { 'stripe:main': { expected_every_hours: 24 } };
    importMonth(w, dir, month(10, 4));
    check(w, feeds);
    const [first] = feedRows(w);
    // A full reconcile never ends it: the matcher does not derive FEED_MISSING (projectionWriters leaves it out).
    reconcile(w.db, { ...w.settings, feeds }, { mode: 'full' });
    expect(feedRows(w)).toEqual([first]);
    // Stripe catches up to Oct 10.
    importMonth(w, dir, { txns: month(10, 10, 5).txns });
    const r = check(w, feeds);
    expect(r).toEqual({ opened: 0, closed: 1, log: [`-x ${first?.exception_id}`] });
    expect(feedRows(w)[0]).toMatchObject({ exception_id: first?.exception_id, state: 'resolved', resolution: 'resolved by new data', ended_at: NOW });
    const entry = w.db
      .prepare("SELECT actor, reason, payload FROM journal WHERE entry_type = 'exception.resolved_by_new_data' AND subject_id = ?")
      .get(first?.exception_id) as { actor: string; reason: string; payload: string } | undefined;
    expect(entry).toMatchObject({ actor: 'system:engine', reason: 'resolved by new data' });
    expect(JSON.parse(entry?.payload as string)).toMatchObject({
      previous_class: 'C',
      previous_state: 'open',
      source: 'stripe:main',
      why: expect.stringMatching(/^the source delivered newer data/),
    });

    // Orders and bank run on to Oct 20; Stripe stops again on Oct 10: a new gap, a new exception.
    importMonth(w, dir, { orders: month(20, 0, 11).orders, bank: month(20, 0, 11).bank });
    expect(check(w, feeds).opened).toBe(1);
    const rows = feedRows(w);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({
      state: 'open',
      external_id: 'txn_c110',
      exception_id: feedMissingIdFor('stripe:main', eventId(w, 'stripe:main', 'txn_c110')),
    });
    expect(rows[1]?.exception_id).not.toBe(first?.exception_id);
    expect(verifyLedger(w.db).ok).toBe(true);
  });

  it('ids are deterministic: x_ + sha256(code, source, latest event id), equal across ledgers and lookup paths', () => {
    const a = ws();
    const b = ws();
    for (const w of [a, b]) importMonth(w, dir, month(10, 4));
    const feeds: Feeds = { 'stripe:main': { expected_every_hours: 24 }, 'bank:main': { expected_every_hours: 1 } };
    check(a, feeds);
    // b looks every source up by scanning events_by_time instead of reading its batches.
    check(b, feeds, 0);
    const ids = (w: Workspace): string[] =>
      feedRows(w)
        .map((r) => r.exception_id)
        .sort();
    expect(ids(a)).toEqual(ids(b));
    const stripeLatest = eventId(a, 'stripe:main', 'txn_c104');
    const expected = `x_${createHash('sha256').update(`FEED_MISSING\u001fstripe:main\u001f${stripeLatest}`).digest('hex').slice(0, 32)}`;
    expect(feedMissingIdFor('stripe:main', stripeLatest)).toBe(expected);
    expect(ids(a)).toContain(expected);
    // The bank's last line (Oct 10, 00:00 Berlin = Oct 9 22:00Z) is 16 h old: with a 1 h cadence, 16 beats missed.
    expect(summary(feedRows(a).find((r) => r.source === 'bank:main'))).toMatch(/2026-10-09T22:00:00Z .* 16 h ago: 16 beats missed$/);
  });

  it('finds the same latest event whichever way it looks, ties on occurred_at going to the larger event id', () => {
    for (const small of [undefined, 0]) {
      const w = ws();
      const m = month(12, 6);
      // Two Stripe events at the very same time, the latest ones.
      m.txns.push(charge(900, '7.00', '2026-10-06 14:00:00'), charge(901, '8.00', '2026-10-06 14:00:00'));
      importMonth(w, dir, m);
      check(w, { 'stripe:main': { expected_every_hours: 24 }, 'shopify:store': { expected_every_hours: 1 } }, small);
      const latestStripe = w.db
        .prepare("SELECT event_id FROM events WHERE source = 'stripe:main' ORDER BY occurred_at DESC, event_id DESC LIMIT 1")
        .pluck()
        .get() as string;
      const rows = feedRows(w);
      expect(rows.find((r) => r.source === 'stripe:main')?.event_id, `smallSourceEvents ${String(small)}`).toBe(latestStripe);
      // Orders: the last one, Oct 12 10:00 -04:00, is the as-of time itself: within any cadence.
      expect(rows.some((r) => r.source === 'shopify:store')).toBe(false);
    }
  });

  it('keeps reading only what came since: new but still old data for an overdue source moves the exception to it', () => {
    for (const small of [undefined, 0]) {
      const w = ws();
      const feeds: Feeds = { 'stripe:main': { expected_every_hours: 24 } };
      importMonth(w, dir, month(12, 3));
      check(w, feeds, small);
      expect(feedRows(w).map((r) => r.external_id)).toEqual(['txn_c103']);
      // A late file brings Stripe's Oct 4-5 charges: newer than the linked event, still overdue.
      importMonth(w, dir, { txns: month(5, 5, 4).txns });
      expect(check(w, feeds, small)).toMatchObject({ opened: 1, closed: 1 });
      const rows = feedRows(w);
      expect(rows.map((r) => [r.external_id, r.state])).toEqual([
        ['txn_c103', 'resolved'],
        ['txn_c105', 'open'],
      ]);
      // An older backfill changes nothing.
      importMonth(w, dir, { txns: [charge(700, '3.00', '2026-09-20 10:00:00')] });
      expect(check(w, feeds, small)).toEqual({ opened: 0, closed: 0, log: [] });
    }
  });

  it('leaves an exception a person touched alone, and ends one whose cadence was removed', () => {
    const w = ws();
    importMonth(w, dir, month(10, 4));
    const feeds: Feeds = { 'stripe:main': { expected_every_hours: 24 }, 'bank:main': { expected_every_hours: 1 } };
    check(w, feeds);
    const stripeRow = feedRows(w).find((r) => r.source === 'stripe:main');
    resolveExceptions(w.db, {
      exceptionIds: [stripeRow?.exception_id as string],
      actor: 'user:ana',
      reason: 'Stripe export paused, agreed with ops',
    });
    // Stripe catches up: the person's resolution stays as it is (not ended, not re-resolved by the system).
    importMonth(w, dir, { txns: month(10, 10, 5).txns });
    // The bank's cadence is removed: its exception ends.
    const r = check(w, { 'stripe:main': { expected_every_hours: 24 } });
    expect(r.closed).toBe(1);
    const after = feedRows(w);
    expect(after.find((x) => x.source === 'stripe:main')).toMatchObject({
      state: 'resolved',
      ended_at: null,
      resolution: 'Stripe export paused, agreed with ops',
    });
    const bank = after.find((x) => x.source === 'bank:main');
    expect(bank).toMatchObject({ state: 'resolved', ended_at: NOW, resolution: 'resolved by new data' });
    const why = w.db
      .prepare("SELECT payload FROM journal WHERE entry_type = 'exception.resolved_by_new_data' AND subject_id = ?")
      .pluck()
      .get(bank?.exception_id) as string;
    expect(JSON.parse(why)).toMatchObject({ why: 'no cadence is declared for the source any more' });
  });

  it('a manual match of the linked event does not resolve it: matching an event does not bring the feed back', () => {
    const w = ws();
    importMonth(w, dir, month(10, 4));
    check(w, { 'stripe:main': { expected_every_hours: 24 } });
    const [before] = feedRows(w);
    manualMatch(w.db, {
      link: 'order_payment',
      leftEventIds: [eventId(w, 'shopify:store', '9104')],
      rightEventIds: [before?.event_id as string],
      actor: 'user:ana',
      reason: 'checked',
    });
    expect(feedRows(w)).toEqual([before]);
  });

  it('workspace.json validates the feeds setting', () => {
    const base = { format: 'tieout-workspace', version: 1, name: 'x', reporting_currency: 'USD', time_zone: 'UTC', locale: 'en-US' };
    expect(WorkspaceSettingsSchema.safeParse({ ...base, feeds: { 'stripe:main': { expected_every_hours: 24, grace_hours: 6 } } }).success).toBe(true);
    expect(WorkspaceSettingsSchema.safeParse({ ...base, feeds: { 'stripe:main': { expected_every_hours: 0 } } }).success).toBe(false);
    expect(WorkspaceSettingsSchema.safeParse({ ...base, feeds: { 'stripe:main': { expected_every_hours: 1.5 } } }).success).toBe(false);
    expect(WorkspaceSettingsSchema.safeParse({ ...base, feeds: { 'stripe:main': { expected_every_hours: 24, grace_hours: -1 } } }).success).toBe(
      false,
    );
    expect(WorkspaceSettingsSchema.safeParse({ ...base, feeds: { 'Not A Source': { expected_every_hours: 24 } } }).success).toBe(false);
    expect(WorkspaceSettingsSchema.safeParse({ ...base, feeds: { 'stripe:main': { every: 24 } } }).success).toBe(false);
  });
});
