// Human decisions on real sample events: manual match, unmatch, resolve/comment/reopen/assign, bulk, and the journal they leave.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { join } from 'node:path';
import { createWorkspace, type Workspace } from '../../src/main/workspace/workspace.ts';
import { verifyLedger } from '../../src/main/ledger/verify.ts';
import {
  manualMatch,
  unmatch,
  resolveException,
  resolveExceptions,
  commentException,
  commentExceptions,
  reopenException,
  assignException,
  exceptionHistory,
  matchHistory,
  humanTouchedExceptionIds,
  DecisionError,
} from '../../src/main/matching/decisions.ts';
import { reconcile } from '../../src/main/matching/engine/engine.ts';
import { reconciliationStatus } from '../../src/main/matching/status.ts';
import { makeTempDir } from '../support/tempDir.ts';
import { importSamples, sampleIds, insertEngineMatch, insertEngineException } from '../support/matchingFixtures.ts';

const root = makeTempDir('tieout-decisions-');
let n = 0;
let ws: Workspace;
let ids: ReturnType<typeof sampleIds>;

beforeEach(() => {
  ws = createWorkspace(join(root, `ws${n++}`));
  importSamples(ws);
  ids = sampleIds(ws.db);
});
afterEach(() => ws.close());

const count = (sql: string, ...params: unknown[]): number =>
  ws.db
    .prepare(sql)
    .pluck()
    .get(...params) as number;
const row = (sql: string, ...params: unknown[]): Record<string, unknown> => ws.db.prepare(sql).get(...params) as Record<string, unknown>;
const journalSize = (): number => count('SELECT count(*) FROM journal');
const alice = 'user:alice';

describe('manual match', () => {
  it('pins the events, journals match.manual, supersedes the engine match and resolves the exception it answers', () => {
    // The engine paired order 1004 with payment 1005 and left payment 1004 without an order.
    insertEngineMatch(ws.db, { matchId: 'm_engine', link: 'order_payment', left: [ids.order(4)], right: [ids.payment(5)] });
    insertEngineException(ws.db, { exceptionId: 'x_missing_order', code: 'MISSING_ORDER', amountMinor: 4999, eventIds: [ids.payment(4)] });
    insertEngineException(ws.db, { exceptionId: 'x_other', code: 'MISSING_PAYMENT', amountMinor: 7500, eventIds: [ids.order(6)] });

    const matchId = manualMatch(ws.db, {
      link: 'order_payment',
      leftEventIds: [ids.order(4)],
      rightEventIds: [ids.payment(4)],
      actor: alice,
      reason: 'same customer, same amount',
    });

    expect(row('SELECT status, origin, created_by, ended_at FROM matches WHERE match_id = ?', matchId)).toEqual({
      status: 'manual',
      origin: 'human',
      created_by: alice,
      ended_at: null,
    });
    expect(JSON.parse(row('SELECT explanation FROM matches WHERE match_id = ?', matchId)['explanation'] as string)).toEqual({
      by: alice,
      reason: 'same customer, same amount',
      events: { left: [ids.order(4)], right: [ids.payment(4)] },
    });
    expect(ws.db.prepare('SELECT event_id, link FROM pinned_events WHERE match_id = ? ORDER BY event_id').all(matchId)).toEqual(
      [ids.order(4), ids.payment(4)].sort().map((event_id) => ({ event_id, link: 'order_payment' })),
    );
    expect(row("SELECT ended_by, end_reason FROM matches WHERE match_id = 'm_engine'")).toEqual({
      ended_by: alice,
      end_reason: 'superseded by manual match',
    });
    expect(row("SELECT state, resolution, resolved_by FROM exceptions WHERE exception_id = 'x_missing_order'")).toEqual({
      state: 'resolved',
      resolution: 'resolved by manual match',
      resolved_by: alice,
    });
    expect(row("SELECT ended_at IS NOT NULL AS ended FROM exceptions WHERE exception_id = 'x_missing_order'")).toEqual({ ended: 1 });
    expect(row("SELECT state, ended_at FROM exceptions WHERE exception_id = 'x_other'")).toEqual({ state: 'open', ended_at: null });

    const entry = row("SELECT actor, reason, subject_id, payload FROM journal WHERE entry_type = 'match.manual'");
    expect(entry).toMatchObject({ actor: alice, reason: 'same customer, same amount', subject_id: matchId });
    expect(JSON.parse(entry['payload'] as string)).toEqual({
      match_id: matchId,
      link: 'order_payment',
      left: [ids.order(4)],
      right: [ids.payment(4)],
      superseded_matches: ['m_engine'],
      resolved_exceptions: ['x_missing_order'],
    });
    expect(matchHistory(ws.db, 'm_engine').map((e) => e.type)).toEqual(['match.manual']);
    expect(exceptionHistory(ws.db, 'x_missing_order').map((e) => e.type)).toEqual(['exception.opened', 'match.manual']);
    expect([...humanTouchedExceptionIds(ws.db, ['x_missing_order', 'x_other'])]).toEqual(['x_missing_order']);
    expect(verifyLedger(ws.db).ok).toBe(true);
  });

  it('refuses an event already in a manual match of the link, naming the event and the match; nothing changes', () => {
    const first = manualMatch(ws.db, {
      link: 'order_payment',
      leftEventIds: [ids.order(1)],
      rightEventIds: [ids.payment(1)],
      actor: alice,
      reason: 'ok',
    });
    const before = [journalSize(), count('SELECT count(*) FROM matches'), count('SELECT count(*) FROM pinned_events')];
    expect(() =>
      manualMatch(ws.db, { link: 'order_payment', leftEventIds: [ids.order(2)], rightEventIds: [ids.payment(1)], actor: alice, reason: 'again' }),
    ).toThrow(new DecisionError(`event ${ids.payment(1)} is already in manual match ${first} of link order_payment; unmatch it first`));
    expect([journalSize(), count('SELECT count(*) FROM matches'), count('SELECT count(*) FROM pinned_events')]).toEqual(before);
    // Another link is another question: the same payment may sit in a payout match.
    expect(
      manualMatch(ws.db, { link: 'payout_items', leftEventIds: [ids.payout], rightEventIds: [ids.payment(1)], actor: alice, reason: 'in po_1' }),
    ).toMatch(/^mm_/);
  });

  it('refuses bad input before touching the ledger', () => {
    const base = { link: 'order_payment', leftEventIds: [ids.order(1)], rightEventIds: [ids.payment(1)], actor: alice, reason: 'r' };
    expect(() => manualMatch(ws.db, { ...base, actor: 'system:engine' })).toThrow(/only a person/);
    expect(() => manualMatch(ws.db, { ...base, reason: '  ' })).toThrow(/reason .* is required|is required/);
    expect(() => manualMatch(ws.db, { ...base, rightEventIds: [] })).toThrow(/at least one event on each side/);
    expect(() => manualMatch(ws.db, { ...base, rightEventIds: [ids.order(1)] })).toThrow(`event ${ids.order(1)} is listed twice`);
    expect(() => manualMatch(ws.db, { ...base, rightEventIds: ['ev_nope'] })).toThrow('event ev_nope does not exist');
    expect(() => manualMatch(ws.db, { ...base, link: 'Order Payment' })).toThrow(/not a link name/);
    expect(count('SELECT count(*) FROM matches')).toBe(0);
  });
});

describe('unmatch', () => {
  it('ends the match without deleting it, drops its pins and blocks every pair', () => {
    insertEngineException(ws.db, { exceptionId: 'x_missing', code: 'MISSING_PAYMENT', amountMinor: 21500, eventIds: [ids.order(3)] });
    const matchId = manualMatch(ws.db, {
      link: 'order_payment',
      leftEventIds: [ids.order(3)],
      rightEventIds: [ids.payment(3), ids.refund],
      actor: alice,
      reason: 'r',
    });
    const rows = count('SELECT count(*) FROM matches') + count('SELECT count(*) FROM match_event_ids');
    expect(humanTouchedExceptionIds(ws.db, ['x_missing'])).toEqual(new Set(['x_missing']));

    unmatch(ws.db, { matchId, actor: 'user:bob', reason: 'the refund belongs to the payout link' });

    expect(count('SELECT count(*) FROM matches') + count('SELECT count(*) FROM match_event_ids')).toBe(rows);
    expect(row('SELECT ended_by, end_reason, ended_at IS NOT NULL AS ended FROM matches WHERE match_id = ?', matchId)).toEqual({
      ended_by: 'user:bob',
      end_reason: 'the refund belongs to the payout link',
      ended: 1,
    });
    expect(count('SELECT count(*) FROM pinned_events')).toBe(0);
    const seq = count("SELECT seq FROM journal WHERE entry_type = 'match.broken' AND subject_id = ?", matchId);
    expect(ws.db.prepare('SELECT link, left_event_id, right_event_id, journal_seq FROM blocked_pairs ORDER BY right_event_id').all()).toEqual(
      [ids.payment(3), ids.refund]
        .sort()
        .map((right) => ({ link: 'order_payment', left_event_id: ids.order(3), right_event_id: right, journal_seq: seq })),
    );
    expect(matchHistory(ws.db, matchId).map((e) => [e.type, e.actor])).toEqual([
      ['match.manual', alice],
      ['match.broken', 'user:bob'],
    ]);
    expect(() => ws.db.prepare('DELETE FROM blocked_pairs').run()).toThrow(/append-only/);
    expect(() => unmatch(ws.db, { matchId, actor: 'user:bob', reason: 'again' })).toThrow(
      new RegExp(`match ${matchId} already ended at .* by user:bob`),
    );
    expect(humanTouchedExceptionIds(ws.db, ['x_missing'])).toEqual(new Set());
    // Unpinned again: the events can be matched anew.
    expect(
      manualMatch(ws.db, { link: 'order_payment', leftEventIds: [ids.order(3)], rightEventIds: [ids.payment(3)], actor: alice, reason: 'r2' }),
    ).toMatch(/^mm_/);
    expect(verifyLedger(ws.db).ok).toBe(true);
  });

  it('unmatches an engine many-to-one match, blocking each item against the payout', () => {
    insertEngineMatch(ws.db, { matchId: 'm_po', link: 'payout_items', left: [ids.payout], right: [ids.payment(1), ids.payment(2)] });
    unmatch(ws.db, { matchId: 'm_po', actor: alice, reason: 'wrong payout' });
    expect(count("SELECT count(*) FROM blocked_pairs WHERE link = 'payout_items' AND left_event_id = ?", ids.payout)).toBe(2);
    expect(() => unmatch(ws.db, { matchId: 'm_nope', actor: alice, reason: 'x' })).toThrow('match m_nope does not exist');
    expect(() => unmatch(ws.db, { matchId: 'm_po', actor: 'system:engine', reason: 'x' })).toThrow(/only a person/);
  });
});

describe('exception decisions', () => {
  beforeEach(() => {
    insertEngineException(ws.db, {
      exceptionId: 'x_bank',
      code: 'UNKNOWN_BANK_LINE',
      policyGated: true,
      amountMinor: 125000,
      eventIds: [ids.bankUnknown],
    });
    insertEngineException(ws.db, { exceptionId: 'x_pay', code: 'MISSING_PAYMENT', amountMinor: 7500, eventIds: [ids.order(6)] });
    insertEngineException(ws.db, { exceptionId: 'x_round', code: 'ROUNDING_DIFF', state: 'resolved', amountMinor: 1, eventIds: [ids.payment(2)] });
  });

  it('resolve requires a non-empty reason and records who, when and why', () => {
    const before = journalSize();
    expect(() => resolveException(ws.db, { exceptionId: 'x_pay', actor: alice, reason: '' })).toThrow(DecisionError);
    expect(() => resolveException(ws.db, { exceptionId: 'x_pay', actor: alice, reason: '   ' })).toThrow(/is required/);
    expect(journalSize()).toBe(before);
    resolveException(ws.db, { exceptionId: 'x_pay', actor: alice, reason: 'gift card, paid in store' });
    expect(row("SELECT state, resolved_by, resolution, resolved_at IS NOT NULL AS at FROM exceptions WHERE exception_id = 'x_pay'")).toEqual({
      state: 'resolved',
      resolved_by: alice,
      resolution: 'gift card, paid in store',
      at: 1,
    });
    expect(() => resolveException(ws.db, { exceptionId: 'x_pay', actor: alice, reason: 'twice' })).toThrow(/already resolved/);
    expect(() => resolveException(ws.db, { exceptionId: 'x_nope', actor: alice, reason: 'r' })).toThrow('exception x_nope does not exist');
  });

  it('a policy-gated exception refuses a system actor and accepts a person', () => {
    expect(() => resolveException(ws.db, { exceptionId: 'x_bank', actor: 'system:remediation', reason: 'auto' })).toThrow(/above the policy gate/);
    expect(row("SELECT state FROM exceptions WHERE exception_id = 'x_bank'")).toEqual({ state: 'open' });
    resolveException(ws.db, { exceptionId: 'x_pay', actor: 'system:remediation', reason: 'payment arrived' });
    resolveException(ws.db, { exceptionId: 'x_bank', actor: alice, reason: 'owner loan, booked manually' });
    expect(count("SELECT count(*) FROM exceptions WHERE state = 'resolved'")).toBe(3);
  });

  it('assign, comment, resolve and reopen build the history, and mark the exception as touched by a human', () => {
    assignException(ws.db, { exceptionId: 'x_bank', actor: alice, owner: 'user:carol' });
    commentException(ws.db, { exceptionId: 'x_bank', actor: 'user:carol', text: 'asked the bank for the payer' });
    resolveException(ws.db, { exceptionId: 'x_bank', actor: 'user:carol', reason: 'owner loan' });
    reopenException(ws.db, { exceptionId: 'x_bank', actor: alice, reason: 'loan agreement missing' });

    expect(row("SELECT state, owner, resolved_at, resolved_by, resolution FROM exceptions WHERE exception_id = 'x_bank'")).toEqual({
      state: 'reopened',
      owner: 'user:carol',
      resolved_at: null,
      resolved_by: null,
      resolution: null,
    });
    const history = exceptionHistory(ws.db, 'x_bank');
    expect(history.map((e) => [e.type, e.actor, e.reason])).toEqual([
      ['exception.opened', 'system:engine', null],
      ['exception.assigned', alice, null],
      ['exception.commented', 'user:carol', null],
      ['exception.resolved', 'user:carol', 'owner loan'],
      ['exception.reopened', alice, 'loan agreement missing'],
    ]);
    expect(history[1]?.payload).toEqual({ exception_id: 'x_bank', owner: 'user:carol', previous_owner: null, from_state: 'open' });
    expect(history[2]?.payload).toEqual({ exception_id: 'x_bank', text: 'asked the bank for the payer' });
    expect(history[4]?.payload).toEqual({ exception_id: 'x_bank', previous_resolution: 'owner loan', previous_resolved_by: 'user:carol' });
    // x_round was resolved by system:engine only: the engine may still revise it.
    expect([...humanTouchedExceptionIds(ws.db, ['x_bank', 'x_pay', 'x_round'])]).toEqual(['x_bank']);
    expect(() => reopenException(ws.db, { exceptionId: 'x_pay', actor: alice, reason: 'r' })).toThrow(
      'exception x_pay is open, not resolved; nothing to reopen',
    );
    expect(() => assignException(ws.db, { exceptionId: 'x_round', actor: alice, owner: 'user:carol' })).toThrow(/reopen it before assigning/);
    expect(verifyLedger(ws.db).ok).toBe(true);
  });

  it('an ended exception takes comments but no other decision', () => {
    insertEngineException(ws.db, {
      exceptionId: 'x_gone',
      code: 'TIMING_DIFF',
      amountMinor: 100,
      eventIds: [ids.payment(1)],
      endedAt: '2026-11-02T00:00:00.000Z',
    });
    commentException(ws.db, { exceptionId: 'x_gone', actor: alice, text: 'fine now' });
    expect(() => resolveException(ws.db, { exceptionId: 'x_gone', actor: alice, reason: 'r' })).toThrow(/ended at 2026-11-02/);
    expect(() => assignException(ws.db, { exceptionId: 'x_gone', actor: alice, owner: 'user:bob' })).toThrow(/can only be commented/);
  });

  it('bulk resolve is atomic: one bad id and nothing changes', () => {
    const before = journalSize();
    expect(() => resolveExceptions(ws.db, { exceptionIds: ['x_pay', 'x_bank', 'x_nope'], actor: alice, reason: 'month end' })).toThrow(
      'exception x_nope does not exist',
    );
    expect(() => resolveExceptions(ws.db, { exceptionIds: ['x_pay', 'x_bank'], actor: 'system:close', reason: 'month end' })).toThrow(/policy gate/);
    expect(() => resolveExceptions(ws.db, { exceptionIds: ['x_pay', 'x_pay'], actor: alice, reason: 'month end' })).toThrow(/listed twice/);
    expect(count("SELECT count(*) FROM exceptions WHERE state = 'resolved'")).toBe(1);
    expect(journalSize()).toBe(before);

    resolveExceptions(ws.db, { exceptionIds: ['x_pay', 'x_bank'], actor: alice, reason: 'month end' });
    expect(count("SELECT count(*) FROM exceptions WHERE state = 'resolved'")).toBe(3);
    expect(journalSize()).toBe(before + 2);
    commentExceptions(ws.db, { exceptionIds: ['x_pay', 'x_bank'], actor: alice, text: 'reviewed' });
    expect(count("SELECT count(*) FROM journal WHERE entry_type = 'exception.commented'")).toBe(2);
    expect(() => commentExceptions(ws.db, { exceptionIds: ['x_pay', 'x_nope'], actor: alice, text: 'x' })).toThrow(/x_nope/);
    expect(count("SELECT count(*) FROM journal WHERE entry_type = 'exception.commented'")).toBe(2);
  });
});

describe("on the engine's own output, later runs keep human decisions", () => {
  const activeIn = (link: string, eventId: string): Array<{ match_id: string; origin: string }> =>
    ws.db
      .prepare(
        `SELECT m.match_id, m.origin FROM matches m JOIN match_event_ids me ON me.match_id = m.match_id
         WHERE m.link = ? AND me.event_id = ? AND m.ended_at IS NULL`,
      )
      .all(link, eventId) as Array<{ match_id: string; origin: string }>;
  const openCodesOf = (eventId: string): string[] =>
    ws.db
      .prepare(
        `SELECT x.code FROM exceptions x JOIN exception_event_ids xe ON xe.exception_id = x.exception_id
         WHERE xe.event_id = ? AND x.ended_at IS NULL AND x.state <> 'resolved' ORDER BY x.code`,
      )
      .pluck()
      .all(eventId) as string[];

  it('resolve, unmatch and manual match survive full re-runs', () => {
    reconcile(ws.db, ws.settings, { mode: 'full' });
    const before = reconciliationStatus(ws.db, ws.settings);
    // Orders and payments 1001-1005, refund, fee, payout and its bank credit; order 1006 (pending) and two bank lines are not.
    expect([before.events_matchable, before.events_matched, before.open_exceptions_total]).toEqual([17, 14, 2]);

    const rent = ws.db.prepare('SELECT exception_id FROM exception_event_ids WHERE event_id = ?').pluck().get(ids.bankRent) as string;
    expect(() => resolveException(ws.db, { exceptionId: rent, actor: 'system:engine', reason: 'auto' })).toThrow(/policy gate/);
    resolveException(ws.db, { exceptionId: rent, actor: alice, reason: 'office rent, October' });

    const [engineMatch] = activeIn('order_payment', ids.order(2));
    expect(engineMatch?.origin).toBe('engine');
    unmatch(ws.db, { matchId: engineMatch?.match_id ?? '', actor: alice, reason: 'wrong customer' });

    reconcile(ws.db, ws.settings, { mode: 'full' });
    expect(row('SELECT state, resolved_by FROM exceptions WHERE exception_id = ?', rent)).toEqual({ state: 'resolved', resolved_by: alice });
    expect(activeIn('order_payment', ids.order(2))).toEqual([]);
    expect(row('SELECT ended_by, end_reason FROM matches WHERE match_id = ?', engineMatch?.match_id)).toEqual({
      ended_by: alice,
      end_reason: 'wrong customer',
    });
    expect(openCodesOf(ids.order(2))).toEqual(['MISSING_PAYMENT']);
    expect(openCodesOf(ids.payment(2))).toEqual(['MISSING_ORDER']);

    // The person changes their mind: a manual match of a blocked pair is theirs to make, and it answers both exceptions.
    const manual = manualMatch(ws.db, {
      link: 'order_payment',
      leftEventIds: [ids.order(2)],
      rightEventIds: [ids.payment(2)],
      actor: alice,
      reason: 'confirmed with the customer',
    });
    expect([openCodesOf(ids.order(2)), openCodesOf(ids.payment(2))]).toEqual([[], []]);
    reconcile(ws.db, ws.settings, { mode: 'full' });
    expect(activeIn('order_payment', ids.order(2))).toEqual([{ match_id: manual, origin: 'human' }]);
    expect(activeIn('order_payment', ids.payment(2))).toEqual([{ match_id: manual, origin: 'human' }]);
    expect([openCodesOf(ids.order(2)), openCodesOf(ids.payment(2))]).toEqual([[], []]);
    const after = reconciliationStatus(ws.db, ws.settings);
    expect([after.events_matched, after.open_exceptions_total]).toEqual([14, 1]);
    expect(verifyLedger(ws.db).ok).toBe(true);
  });
});
