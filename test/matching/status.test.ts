// `tieout status` figures on a known state built over the real samples: exact counts, rates and amounts.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { join } from 'node:path';
import { createWorkspace, type Workspace } from '../../src/main/workspace/workspace.ts';
import { reconciliationStatus, formatStatus } from '../../src/main/matching/status.ts';
import { manualMatch } from '../../src/main/matching/decisions.ts';
import { makeTempDir } from '../support/tempDir.ts';
import { importSamples, sampleIds, insertEngineMatch, insertEngineException } from '../support/matchingFixtures.ts';

const root = makeTempDir('tieout-status-');
let n = 0;
let ws: Workspace;

beforeEach(() => {
  ws = createWorkspace(join(root, `ws${n++}`), { name: 'Ridge' });
});
afterEach(() => ws.close());

/**
 * 4 active matches (1 auto-resolved) + 1 ended; 6 live exceptions (4 open; x3 is m3's own ROUNDING_DIFF,
 * x7 a stand-alone class-A DUPLICATE_RECORD) + 1 ended.
 */
function knownState(): void {
  importSamples(ws);
  const ids = sampleIds(ws.db);
  insertEngineMatch(ws.db, { matchId: 'm1', link: 'order_payment', left: [ids.order(1)], right: [ids.payment(1)] });
  insertEngineMatch(ws.db, { matchId: 'm2', link: 'order_payment', left: [ids.order(2)], right: [ids.payment(2)] });
  insertEngineMatch(ws.db, { matchId: 'm3', link: 'order_payment', left: [ids.order(3)], right: [ids.payment(3)], status: 'auto_resolved' });
  insertEngineMatch(ws.db, { matchId: 'm4', link: 'payout_bank', left: [ids.payout], right: [ids.bankPayout] });
  insertEngineMatch(ws.db, {
    matchId: 'm5',
    link: 'order_payment',
    left: [ids.order(4)],
    right: [ids.payment(4)],
    endedAt: '2026-11-02T00:00:00.000Z',
  });
  const x = (spec: Parameters<typeof insertEngineException>[1]): void => insertEngineException(ws.db, spec);
  x({ exceptionId: 'x1', code: 'MISSING_PAYMENT', amountMinor: 7500, eventIds: [ids.order(6)], createdAt: '2026-11-03T00:00:00.000Z' });
  x({
    exceptionId: 'x2',
    code: 'UNKNOWN_BANK_LINE',
    policyGated: true,
    amountMinor: 125000,
    eventIds: [ids.bankUnknown],
    createdAt: '2026-10-20T08:00:00.000Z',
  });
  x({ exceptionId: 'x3', code: 'ROUNDING_DIFF', state: 'resolved', amountMinor: 1, eventIds: [ids.payment(3)] });
  x({ exceptionId: 'x4', code: 'REFUND_UNMATCHED', state: 'in_remediation', amountMinor: -4000, eventIds: [ids.refund] });
  x({ exceptionId: 'x5', code: 'AMOUNT_MISMATCH', amountMinor: 999, eventIds: [ids.payment(4)], endedAt: '2026-11-02T00:00:00.000Z' });
  x({ exceptionId: 'x6', code: 'CURRENCY_MISMATCH', amountMinor: 1234, currency: 'EUR', eventIds: [ids.order(5), ids.payment(5)] });
  x({ exceptionId: 'x7', code: 'DUPLICATE_RECORD', state: 'resolved', amountMinor: 8400, eventIds: [ids.payment(1)] });
}

describe('reconciliation status', () => {
  it('gives exact figures on a known state', () => {
    knownState();
    const s = reconciliationStatus(ws.db, ws.settings);
    const batches = ws.db.prepare('SELECT source, finished_at FROM import_batches').all() as Array<{ source: string; finished_at: string }>;
    const finished = (source: string): string | undefined => batches.find((b) => b.source === source)?.finished_at;
    expect(s).toEqual({
      workspace: 'Ridge',
      reporting_currency: 'USD',
      matchable_kinds: ['order', 'payment', 'refund', 'dispute', 'fee', 'payout', 'bank_credit', 'bank_debit'],
      events_total: 17,
      events_matchable: 17,
      // Orders and payments 1001-1003, the payout and its bank credit; m5 has ended.
      events_matched: 8,
      unmatched_rate: 9 / 17,
      events_awaiting: 0,
      awaiting_rate: 0,
      awaiting_total: 0,
      awaiting: [],
      by_kind: [
        { kind: 'order', matchable: 6, matched: 3 },
        { kind: 'payment', matchable: 5, matched: 3 },
        { kind: 'refund', matchable: 1, matched: 0 },
        { kind: 'dispute', matchable: 0, matched: 0 },
        { kind: 'fee', matchable: 1, matched: 0 },
        { kind: 'payout', matchable: 1, matched: 1 },
        { kind: 'bank_credit', matchable: 2, matched: 1 },
        { kind: 'bank_debit', matchable: 1, matched: 0 },
      ],
      // m1-m4 + x1, x2, x4, x6, x7 (x3 is m3's finding, counted once as m3); auto: m3 and x7.
      decisions_total: 9,
      decisions_auto_resolved: 2,
      auto_resolve_rate: 2 / 9,
      open_exceptions_total: 4,
      open_exceptions_by_code_and_class: [
        { code: 'CURRENCY_MISMATCH', class: 'C', count: 1, amount_minor_by_currency: { EUR: 1234 } },
        { code: 'MISSING_PAYMENT', class: 'B', count: 1, amount_minor_by_currency: { USD: 7500 } },
        { code: 'REFUND_UNMATCHED', class: 'B', count: 1, amount_minor_by_currency: { USD: 4000 } },
        { code: 'UNKNOWN_BANK_LINE', class: 'C', count: 1, amount_minor_by_currency: { USD: 125000 } },
      ],
      value_at_stake: { EUR: 1234, USD: 136500 },
      oldest_open_exception_at: '2026-10-20T08:00:00.000Z',
      last_import_by_source: [
        { source: 'bank:main', last_import_at: finished('bank:main'), last_event_at: '2026-10-14T22:00:00Z', events: 3 },
        { source: 'shopify:store', last_import_at: finished('shopify:store'), last_event_at: '2026-10-03T20:00:00Z', events: 6 },
        { source: 'stripe:main', last_import_at: finished('stripe:main'), last_event_at: '2026-10-06T02:11:00Z', events: 8 },
      ],
      last_run: null,
    });
  });

  it('follows human decisions: a manual match lowers the unmatched rate and closes what it answers', () => {
    knownState();
    const ids = sampleIds(ws.db);
    manualMatch(ws.db, {
      link: 'order_payment',
      leftEventIds: [ids.order(6)],
      rightEventIds: [ids.bankUnknown],
      actor: 'user:alice',
      reason: 'paid by wire',
    });
    const s = reconciliationStatus(ws.db, ws.settings);
    expect([s.events_matched, s.unmatched_rate]).toEqual([10, 7 / 17]);
    expect(s.open_exceptions_total).toBe(2);
    expect(s.value_at_stake).toEqual({ EUR: 1234, USD: 4000 });
    expect(s.decisions_total).toBe(8);
  });

  it('a DUPLICATE_RECORD is its own auto-resolved decision even beside an auto-resolved match; a FEED_MISSING is open at 0', () => {
    knownState();
    const ids = sampleIds(ws.db);
    // payment 3 sits in m3 (auto_resolved): x3 (ROUNDING_DIFF) is m3's own finding, a re-delivery of the payment is not.
    insertEngineException(ws.db, { exceptionId: 'x8', code: 'DUPLICATE_RECORD', state: 'resolved', amountMinor: 0, eventIds: [ids.payment(3)] });
    insertEngineException(ws.db, {
      exceptionId: 'x9',
      code: 'FEED_MISSING',
      amountMinor: 0,
      eventIds: [ids.payment(5)],
      createdAt: '2026-11-04T00:00:00.000Z',
    });
    const s = reconciliationStatus(ws.db, ws.settings);
    expect([s.decisions_total, s.decisions_auto_resolved]).toEqual([11, 3]);
    expect(s.open_exceptions_total).toBe(5);
    expect(s.open_exceptions_by_code_and_class).toContainEqual({ code: 'FEED_MISSING', class: 'C', count: 1, amount_minor_by_currency: { USD: 0 } });
    expect(s.value_at_stake).toEqual({ EUR: 1234, USD: 136500 });
  });

  it('an empty workspace has no rates rather than a division by zero', () => {
    const s = reconciliationStatus(ws.db, ws.settings);
    expect(s).toMatchObject({
      events_total: 0,
      unmatched_rate: null,
      auto_resolve_rate: null,
      value_at_stake: {},
      oldest_open_exception_at: null,
      last_import_by_source: [],
    });
    expect(formatStatus(s, 'en-US')).toContain('unmatched rate n/a');
  });

  it('formats the CLI text with the locale separators', () => {
    knownState();
    const s = reconciliationStatus(ws.db, ws.settings);
    const en = formatStatus(s, 'en-US');
    expect(en).toContain('Events: 17 total, 17 matchable, 8 matched — unmatched rate 52.9%');
    expect(en).toContain('Decisions: 9, 2 auto-resolved — auto-resolve rate 22.2%');
    expect(en).toContain('Value at stake: 12.34 EUR + 1,365.00 USD');
    expect(en).toMatch(/UNKNOWN_BANK_LINE\s+class C\s+1\s+1,250\.00 USD/);
    const de = formatStatus(s, 'de-DE');
    expect(de).toContain('auto-resolve rate 22,2%');
    expect(de).toContain('Value at stake: 12,34 EUR + 1.365,00 USD');
  });
});
