// A person's match or unmatch is followed by an incremental run over the events it freed or took: what the engine
// concludes from the decision shows at once, and that run's outcome is the one a full run reaches.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { makeTempDir } from '../support/tempDir.ts';
import { createWorkspace, type Workspace } from '../../src/main/workspace/workspace.ts';
import { writeMonthFiles } from '../../src/main/synthetic/monthFiles.ts';
import { reconcile } from '../../src/main/matching/engine/engine.ts';
import { matchByHand, unmatchByHand } from '../../src/main/workflows/matchDecisions.ts';
import { snapshot, importGeneratedMonth } from '../matching/monthBuilder.ts';

const dir = makeTempDir('tieout-decisions-');
// This month's bank statement holds two credits of one amount two payouts of that amount could each be (seed 11,
// the month the desktop end-to-end test reconciles): the engine refuses to guess and raises AMBIGUOUS_MATCH twice.
const month = writeMonthFiles(join(dir, 'month'), { orders: 150, seed: 11 });

function reconciled(name: string): Workspace {
  const ws = createWorkspace(join(dir, name), { name, reportingCurrency: 'USD', timeZone: 'UTC' });
  importGeneratedMonth(ws, month, { shopify: 'shopify:ridge', stripe: 'stripe:main', bank: 'bank:operating' });
  reconcile(ws.db, ws.settings, { mode: 'full' });
  return ws;
}

interface Tie {
  exceptionId: string;
  payouts: string[];
  credit: string;
}

/** The open AMBIGUOUS_MATCH exceptions of the bank ↔ payout link: each names one bank credit and the tied payouts. */
function bankTies(ws: Workspace): Tie[] {
  const rows = ws.db
    .prepare(
      `SELECT x.exception_id, e.event_id, e.kind FROM exceptions x JOIN exception_event_ids xe USING (exception_id) JOIN events e USING (event_id)
       WHERE x.code = 'AMBIGUOUS_MATCH' AND x.rule_id LIKE 'bank-payout.%' AND x.ended_at IS NULL ORDER BY x.exception_id, e.event_id`,
    )
    .all() as Array<{ exception_id: string; event_id: string; kind: string }>;
  const ties = new Map<string, Tie>();
  for (const r of rows) {
    const t = ties.get(r.exception_id) ?? { exceptionId: r.exception_id, payouts: [], credit: '' };
    if (r.kind === 'payout') t.payouts.push(r.event_id);
    else t.credit = r.event_id;
    ties.set(r.exception_id, t);
  }
  return [...ties.values()];
}

const bankMatchOf = (ws: Workspace, eventId: string): string | undefined =>
  ws.db
    .prepare(
      `SELECT other.event_id FROM match_event_ids me JOIN matches m USING (match_id) JOIN match_event_ids other ON other.match_id = m.match_id AND other.event_id <> me.event_id
       WHERE me.event_id = ? AND m.link = 'bank_payout' AND m.ended_at IS NULL`,
    )
    .pluck()
    .get(eventId) as string | undefined;

describe('a decision followed by an incremental run', () => {
  it('settling one side of a tie by hand lets the engine match the other side at once', () => {
    const ws = reconciled('tie');
    const ties = bankTies(ws);
    const [first, second] = ties.filter((t) => t.payouts.length === 2 && ties.filter((u) => u.payouts.join() === t.payouts.join()).length === 2);
    if (first === undefined || second === undefined) throw new Error('the month has no two-credit, two-payout tie');
    const [payoutA, payoutB] = first.payouts as [string, string];
    const { reconcile: run } = matchByHand(ws, {
      link: 'bank_payout',
      leftEventIds: [payoutA],
      rightEventIds: [first.credit],
      actor: 'user:ana',
      reason: 'remittance advice',
    });
    // The other payout now has one candidate left: the other credit, matched by the engine in the same breath.
    expect(run.mode).toBe('incremental');
    expect(run.matches_created).toBeGreaterThanOrEqual(1);
    expect(bankMatchOf(ws, payoutB)).toBe(second.credit);
    expect(bankTies(ws).map((t) => t.exceptionId)).not.toContain(first.exceptionId);
    expect(bankTies(ws).map((t) => t.exceptionId)).not.toContain(second.exceptionId);
    // What the follow-up run left is what a full run reaches.
    const after = snapshot(ws);
    reconcile(ws.db, ws.settings, { mode: 'full' });
    expect(snapshot(ws)).toEqual(after);
    ws.close();
  });

  it('an unmatch frees both events at once: each gets the exception it now deserves', () => {
    const ws = reconciled('unmatch');
    const [matchId, orderId, paymentId] = ws.db
      .prepare(
        `SELECT m.match_id, l.event_id, r.event_id FROM matches m JOIN match_event_ids l ON l.match_id = m.match_id AND l.side = 'left'
           JOIN match_event_ids r ON r.match_id = m.match_id AND r.side = 'right'
         WHERE m.rule_id = 'order-payment.exact-key' AND m.ended_at IS NULL ORDER BY m.match_id LIMIT 1`,
      )
      .raw()
      .get() as [string, string, string];
    const { reconcile: run } = unmatchByHand(ws, { matchId, actor: 'user:ana', reason: 'the customer paid another order with it' });
    expect(run.exceptions_opened).toBeGreaterThanOrEqual(2);
    const codesOf = (id: string): string[] =>
      ws.db
        .prepare(
          'SELECT x.code FROM exceptions x JOIN exception_event_ids xe USING (exception_id) WHERE xe.event_id = ? AND x.ended_at IS NULL ORDER BY 1',
        )
        .pluck()
        .all(id) as string[];
    expect(codesOf(orderId)).toContain('MISSING_PAYMENT');
    expect(codesOf(paymentId)).toContain('MISSING_ORDER');
    const after = snapshot(ws);
    reconcile(ws.db, ws.settings, { mode: 'full' });
    expect(snapshot(ws)).toEqual(after);
    ws.close();
  });
});
