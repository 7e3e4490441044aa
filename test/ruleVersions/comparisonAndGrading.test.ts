// The comparison of a shadow version with the live projection (each category, money per category and rule, pages
// sorted and filtered in SQL) and its grading against people's past decisions, on a month built for it.
import { describe, expect, it } from 'vitest';
import { createVersion } from '../../src/main/ruleVersions/versionLifecycle.ts';
import { compareVersion, diffPage, withLane } from '../../src/main/ruleVersions/shadowComparison.ts';
import { gradeRuleSet } from '../../src/main/ruleVersions/versionGrading.ts';
import { comparisonReport } from '../../src/main/ruleVersions/comparisonReport.ts';
import { reconcile } from '../../src/main/matching/engine/engine.ts';
import { matchByHand, unmatchByHand } from '../../src/main/workflows/matchDecisions.ts';
import { reopenException, resolveExceptions } from '../../src/main/matching/decisions.ts';
import { DEFAULT_RULE_SET } from '../../src/shared/rules/defaultRuleSet.ts';
import type { RuleSet } from '../../src/shared/rules/ruleSet.ts';
import { makeTempDir } from '../support/tempDir.ts';
import { charge, importMonth, newWorkspace, order } from '../matching/monthBuilder.ts';

const root = makeTempDir('tieout-compare-');

/**
 * The version: the key rule takes a payment within 1 cent as exact and up to 5 cents as rounding (default: exact, 2);
 * the amount rule accepts a payment at most 12 hours before the order (default: a day).
 */
const VERSION: RuleSet = {
  ...structuredClone(DEFAULT_RULE_SET),
  name: 'looser key amounts, tighter amount window',
  rules: DEFAULT_RULE_SET.rules.map((r) => {
    if (r.id === 'order-payment.exact-key') return { ...r, amount: { ...r.amount, tolerance_minor: 1, rounding_minor: 5 } };
    if (r.id === 'order-payment.amount-window') return { ...r, window: { ...r.window, before_days: 0.5 } };
    return r;
  }),
};

const noKeys = { pi: '', order: '' };

describe('a shadow version compared and graded', () => {
  const ws = newWorkspace(root, 'cmp');
  importMonth(ws, root, {
    orders: [
      order(1, '10.00', '2026-10-05 09:00:00'), // its charge is 3 cents more: AMOUNT_MISMATCH live, a match with ROUNDING_DIFF in the version
      order(2, '20.00', '2026-10-06 09:00:00'), // 1 cent more: a match with ROUNDING_DIFF live, a plain match in the version
      order(3, '30.00', '2026-10-07 09:00:00', { ref: 'none3' }), // no key: paid by amount; the version takes the later payment
      order(4, '40.00', '2026-10-08 09:00:00'), // never paid: MISSING_PAYMENT
    ],
    txns: [
      charge(1, '10.03', '2026-10-05 14:00:00'),
      charge(2, '20.01', '2026-10-06 14:00:00'),
      charge(31, '30.00', '2026-10-06 17:00:00', noKeys), // 20 h before #3 (its time +4h): in the default's day, not in the version's 12 h
      charge(32, '30.00', '2026-10-09 21:00:00', noKeys), // 60 h after
    ],
  });
  reconcile(ws.db, ws.settings, { mode: 'full' });
  const v = createVersion(ws.db, ws.settings, { definition: VERSION, reason: 'looser keys', actor: 'user:ana' }).version;
  const id = (external: string): string => ws.db.prepare('SELECT event_id FROM events WHERE external_id = ?').pluck().get(external) as string;

  it('lists every event whose outcome differs, by category, with money per category and per rule', () => {
    const summary = compareVersion(ws.db, ws.settings, v);
    const rows = withLane(
      ws.db,
      ws.settings,
      v,
      (lane) => diffPage(lane, { startRow: 0, endRow: 100, sort: [{ field: 'eventId', dir: 'asc' }] }).rows,
    );
    const byEvent = Object.fromEntries(rows.map((r) => [r.eventId, r]));
    // #1 and its charge: newly matched (the order counts the money once).
    expect(byEvent[id('9001')]).toMatchObject({
      category: 'newly_matched',
      ruleId: 'order-payment.exact-key',
      stakeMinor: 1000,
      activeExceptions: ['AMOUNT_MISMATCH/C'],
      shadowExceptions: ['ROUNDING_DIFF/A'],
    });
    expect(byEvent[id('9001')]?.shadowWith).toEqual([id('txn_c1')]);
    expect(byEvent[id('txn_c1')]).toMatchObject({ category: 'newly_matched', stakeMinor: 0 });
    // #2: the same match, without its ROUNDING_DIFF.
    expect(byEvent[id('9002')]).toMatchObject({
      category: 'other_code_or_class',
      activeExceptions: ['ROUNDING_DIFF/A'],
      shadowExceptions: [],
      stakeMinor: 1,
    });
    // #3: another payment; the one it had is left without an order.
    expect(byEvent[id('9003')]).toMatchObject({
      category: 'other_counterpart',
      ruleId: 'order-payment.amount-window',
      activeWith: [id('txn_c31')],
      shadowWith: [id('txn_c32')],
      stakeMinor: 3000,
    });
    expect(byEvent[id('txn_c31')]).toMatchObject({
      category: 'newly_unmatched',
      ruleId: 'order-payment.amount-window',
      shadowExceptions: ['MISSING_ORDER/B'],
    });
    expect(byEvent[id('txn_c32')]).toMatchObject({ category: 'newly_matched' });
    expect(byEvent[id('9004')]).toBeUndefined();
    expect(summary.diffs).toBe(rows.length);
    const count = (c: string): number => summary.byCategory.find((x) => x.category === c)?.count ?? -1;
    expect([count('newly_matched'), count('newly_unmatched'), count('other_counterpart'), count('other_code_or_class')]).toEqual([3, 1, 1, 2]);
    expect(summary.byCategory.find((x) => x.category === 'newly_matched')?.money).toEqual([{ currency: 'USD', amountMinor: 1000 }]);
    expect(summary.byRule.find((r) => r.ruleId === 'order-payment.amount-window' && r.category === 'newly_matched')?.count).toBe(1);
  });

  it('serves pages filtered and sorted by SQLite', () => {
    withLane(ws.db, ws.settings, v, (lane) => {
      const page = diffPage(lane, { startRow: 1, endRow: 3, sort: [{ field: 'stakeMinor', dir: 'desc' }] });
      expect(page.totalRows).toBe(7);
      expect(page.rows.map((r) => r.stakeMinor)).toEqual([1000, 1]);
      const filtered = diffPage(lane, { startRow: 0, endRow: 10, filter: { categories: ['newly_matched'], kinds: ['payment'] } });
      expect(filtered.rows.map((r) => r.eventId).sort()).toEqual([id('txn_c1'), id('txn_c32')].sort());
      expect(diffPage(lane, { startRow: 0, endRow: 10, filter: { ruleId: 'order-payment.exact-key' } }).totalRows).toBe(4);
    });
  });

  it('grades the version and the live rules against what people decided', () => {
    const live = (code: string, event: string): string =>
      ws.db
        .prepare(
          `SELECT x.exception_id FROM exceptions x JOIN exception_event_ids xe USING (exception_id) WHERE x.code = ? AND xe.event_id = ? AND x.ended_at IS NULL`,
        )
        .pluck()
        .get(code, event) as string;
    // A person reopens #2's auto-resolved rounding difference: the amounts should agree to the cent.
    reopenException(ws.db, { exceptionId: live('ROUNDING_DIFF', id('9002')), actor: 'user:ana', reason: 'the customer was charged a cent too much' });
    // …unmatches #3 from the payment the amount rule chose…
    const m3 = ws.db.prepare('SELECT match_id FROM match_event_ids WHERE event_id = ?').pluck().get(id('9003')) as string;
    unmatchByHand(ws, { matchId: m3, actor: 'user:ana', reason: 'the later charge paid it' });
    // …matches #1 with its charge by hand, and resolves #4's missing payment.
    matchByHand(ws, {
      link: 'order_payment',
      leftEventIds: [id('9001')],
      rightEventIds: [id('txn_c1')],
      actor: 'user:ana',
      reason: '3 cents of card rounding',
    });
    resolveExceptions(ws.db, { exceptionIds: [live('MISSING_PAYMENT', id('9004'))], actor: 'user:ana', reason: 'paid in cash' });

    const g = gradeRuleSet(ws.db, ws.settings, VERSION);
    expect(g.grades.map((x) => [x.type, x.agrees, x.autoResolves, x.overturned])).toEqual([
      ['exception.reopened', false, true, true],
      ['match.broken', true, false, false],
      ['match.manual', true, true, false],
      ['exception.resolved', true, false, false],
    ]);
    expect([g.decisions, g.agreed, g.restsOn, g.overturned, g.falsePositiveRate]).toEqual([4, 3, 2, 1, 0.5]);
    const liveRules = gradeRuleSet(ws.db, ws.settings, DEFAULT_RULE_SET);
    expect(liveRules.grades.map((x) => [x.type, x.agrees, x.overturned])).toEqual([
      ['exception.reopened', false, true],
      ['match.broken', false, true],
      ['match.manual', false, false],
      ['exception.resolved', true, false],
    ]);
    expect([liveRules.agreed, liveRules.restsOn, liveRules.falsePositiveRate]).toEqual([1, 2, 1]);
    const report = comparisonReport(ws.db, ws.settings, v);
    expect([report.grading.falsePositiveRate, report.grading.live.falsePositiveRate]).toEqual([0.5, 1]);
    // The events people decided are theirs: pinned and blocked pairs are respected by the lane as live, so #1 and #3 no longer differ.
    expect(report.diffs.map((d) => d.eventId)).not.toContain(id('9001'));
    expect(report.window?.met).toBe(false);
  });
});
