// events.search over the demo month: what a person looks for to match by hand, each filter against plain SQL, and
// the active match that already holds an event.
import { describe, it, expect } from 'vitest';
import { searchEvents, SEARCH_COUNT_CAP } from '../../src/main/review/eventSearch.ts';
import { parseRequest, type RequestOf } from '../../src/shared/api/contract.ts';
import { monthPeriod } from '../../src/shared/time/period.ts';
import { useDemo, ids, count } from './reviewDemo.ts';

const demo = useDemo('tieout-review-search-');
const db = () => demo.current.workspace.db;
const tz = () => demo.current.workspace.settings.time_zone;

function search(request: Partial<RequestOf<'events.search'>>) {
  return searchEvents(db(), parseRequest('events.search', { startRow: 0, endRow: 500, ...request }), tz());
}

describe('events.search', () => {
  it('filters by kind, currency and |amount|, newest first, and counts the whole set', () => {
    const r = search({ kinds: ['payout'], currency: 'USD', amountMinMinor: 50_000 });
    const expected = ids(
      db(),
      "SELECT event_id FROM events WHERE kind = 'payout' AND currency = 'USD' AND abs(amount_minor) >= 50000 ORDER BY occurred_at DESC, seq DESC",
    );
    expect(expected.length).toBeGreaterThan(2);
    expect(r.rows.map((e) => e.eventId)).toEqual(expected);
    expect(r.totalRows).toBe(expected.length);
    expect(search({ kinds: ['payout'], startRow: 1, endRow: 3 }).rows.map((e) => e.eventId)).toEqual(
      ids(db(), "SELECT event_id FROM events WHERE kind = 'payout' ORDER BY occurred_at DESC, seq DESC LIMIT 2 OFFSET 1"),
    );
  });

  it('finds events by id or reference exactly and by who or what in part', () => {
    const payout = db().prepare("SELECT event_id, external_id, payout_ref FROM events WHERE kind = 'payout' LIMIT 1").get() as {
      event_id: string;
      external_id: string;
      payout_ref: string;
    };
    expect(search({ text: payout.external_id }).rows.map((e) => e.eventId)).toContain(payout.event_id);
    // A bank line's remittance text, found by a part of it in any case.
    const bank = search({ text: 'capital adv', kinds: ['bank_credit'] }).rows;
    expect(bank.length).toBeGreaterThan(0);
    expect(bank.every((e) => (e.description ?? '').toLowerCase().includes('capital adv'))).toBe(true);
    expect(bank.map((e) => e.counterparty)).toContain('SHOPIFY CAPITAL');
    const order = db().prepare("SELECT customer_ref FROM events WHERE kind = 'order' AND customer_ref IS NOT NULL LIMIT 1").pluck().get() as string;
    const byCustomer = search({ text: order.split('@')[0]?.toUpperCase() ?? '' }).rows;
    expect(byCustomer.length).toBeGreaterThan(0);
    expect(byCustomer.every((e) => (e.counterparty ?? '').length > 0)).toBe(true);
    expect(search({ text: '#1001', kinds: ['order'] }).rows.map((e) => e.orderRef)).toEqual(['1001']);
  });

  it('marks what an active match of the link holds, and leaves it out when asked', () => {
    const all = search({ kinds: ['bank_credit'], link: 'bank_payout' });
    const held = all.rows.filter((e) => e.matchedIn !== null);
    expect(held.length).toBeGreaterThan(0);
    expect(held.length).toBeLessThan(all.rows.length);
    for (const e of held) {
      expect(
        count(
          db(),
          `SELECT count(*) FROM match_event_ids me JOIN matches m USING (match_id) WHERE me.event_id = ? AND m.link = 'bank_payout' AND m.ended_at IS NULL AND m.match_id = ?`,
          e.eventId,
          e.matchedIn,
        ),
      ).toBe(1);
    }
    const free = search({ kinds: ['bank_credit'], link: 'bank_payout', freeOnly: true });
    expect(free.rows.map((e) => e.eventId)).toEqual(all.rows.filter((e) => e.matchedIn === null).map((e) => e.eventId));
  });

  it('keeps to the period by business date and stops counting at the cap', () => {
    const october = search({ period: monthPeriod('2026-10'), endRow: 5000 });
    expect(october.rows.every((e) => e.businessDate.startsWith('2026-10'))).toBe(true);
    expect(october.totalRows + search({ period: monthPeriod('2026-11'), endRow: 5000 }).totalRows).toBe(count(db(), 'SELECT count(*) FROM events'));
    expect(SEARCH_COUNT_CAP).toBeGreaterThan(count(db(), 'SELECT count(*) FROM events') - 1);
  });
});
