// The fuzzy strategy (customer_ref mailbox similarity + same amount + window) exercised directly: with the default
// rule set, where amount-window leaves a same-amount tie to it, and alone, through the pure computeOutcome().
import { describe, it, expect } from 'vitest';
import { makeTempDir } from '../support/tempDir.ts';
import { reconcile } from '../../src/main/matching/engine/engine.ts';
import { explain } from '../../src/main/matching/engine/explain.ts';
import { emailSimilarity, trigramSimilarity } from '../../src/main/matching/rules/strategies/candidates.ts';
import { activeExceptionLines, activeMatchLines, charge, importMonth, newWorkspace, order, snapshot, type MonthFiles } from './monthBuilder.ts';
import { ev, exceptionsOf, explanationOf, matchesOf, run, ruleSetOf } from './mevent.ts';
import { raiseUnclaimedTies, runAmountWindow } from '../../src/main/matching/rules/strategies/amountWindow.ts';
import { objectEventSets, type MatchState, type MatchEvent } from '../../src/main/matching/rules/model.ts';
import { EVENT_TEXTS } from '../../src/main/matching/rules/eventFields.ts';

const dir = makeTempDir('tieout-fuzzy-');
let n = 0;
const ws = () => newWorkspace(dir, `f${++n}`);
type W = ReturnType<typeof ws>;

const rows = (w: W, table: 'matches' | 'exceptions'): string[] =>
  table === 'matches' ? activeMatchLines(w, 'm.rule_id') : activeExceptionLines(w, "x.code || ' ' || coalesce(x.rule_id, '-')");

const nokey = { pi: '', order: '' };
/** Order #1 (13.00, no payment reference, 13:00 UTC) and two unkeyed charges of 13.00 an hour later, five minutes apart, with the given e-mails. */
const tieMonth = (a: string | undefined, b: string | undefined): MonthFiles => ({
  orders: [order(1, '13.00', '2026-10-01 09:00:00', { email: 'ana.lopez@example.com', ref: '' })],
  txns: [
    charge(93, '13.00', '2026-10-01 14:00:00', { ...nokey, ...(a === undefined ? {} : { email: a }) }),
    charge(94, '13.00', '2026-10-01 14:05:00', { ...nokey, ...(b === undefined ? {} : { email: b }) }),
  ],
});

describe('default rule set: a same-amount tie goes to the fuzzy rule', () => {
  it('the customer e-mail separates two same-amount charges: a fuzzy match, the other charge stays free (MISSING_ORDER)', () => {
    const w = ws();
    importMonth(w, dir, tieMonth('ana.lopes@example.com', 'zed@other.org'));
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(rows(w, 'matches')).toEqual(['order-payment.fuzzy-customer: 9001 txn_c93']);
    expect(rows(w, 'exceptions')).toEqual(['MISSING_ORDER -: txn_c94']);
    const id = w.db.prepare('SELECT match_id FROM matches').pluck().get() as string;
    const e = explain(w.db, id).items[0]?.explanation;
    expect(e?.keys).toEqual([
      {
        left_field: 'customer_ref',
        right_field: 'customer_ref',
        left_value: 'ana.lopez@example.com',
        right_value: 'ana.lopes@example.com',
        compare: 'similarity',
        value: 0.8,
        agreed: true,
      },
    ]);
    expect(e?.summary).toBe(
      'order-payment.fuzzy-customer: keys customer_ref↔customer_ref (similarity 0.8) agree; amount delta 0, 1 h apart; ' +
        'the amount alone tied 2 candidates under order-payment.amount-window; the similarity key decided',
    );
  });

  it('incremental runs in any batch order end where the full run does', () => {
    const month = tieMonth('ana.lopes@example.com', 'zed@other.org');
    const full = ws();
    importMonth(full, dir, month);
    reconcile(full.db, full.settings, { mode: 'full' });
    const parts: MonthFiles[] = [{ orders: month.orders ?? [] }, { txns: [(month.txns ?? [])[0]!] }, { txns: [(month.txns ?? [])[1]!] }];
    for (const order3 of [
      [0, 1, 2],
      [2, 1, 0],
      [1, 0, 2],
      [2, 0, 1],
    ]) {
      const w = ws();
      for (const i of order3) reconcile(w.db, w.settings, { mode: 'incremental', newEventIds: importMonth(w, dir, parts[i] ?? {}) });
      expect(snapshot(w)).toEqual(snapshot(full));
    }
  });

  it('when the e-mails do not separate them, the amount-window AMBIGUOUS_MATCH stands as before', () => {
    const w = ws();
    importMonth(w, dir, tieMonth('zed@other.org', 'kim@else.net'));
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(rows(w, 'matches')).toEqual([]);
    expect(rows(w, 'exceptions')).toEqual(['AMBIGUOUS_MATCH order-payment.amount-window: 9001 txn_c93 txn_c94']);
  });

  it('charges without an e-mail: no fuzzy candidate, the amount-window AMBIGUOUS_MATCH stands', () => {
    const w = ws();
    importMonth(w, dir, tieMonth(undefined, undefined));
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(rows(w, 'exceptions')).toEqual(['AMBIGUOUS_MATCH order-payment.amount-window: 9001 txn_c93 txn_c94']);
  });

  it('both e-mails equally similar: the fuzzy rule refuses to guess (AMBIGUOUS_MATCH of the fuzzy rule)', () => {
    const w = ws();
    importMonth(w, dir, tieMonth('ana.lopez@example.com', 'ana.lopez@example.com'));
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(rows(w, 'matches')).toEqual([]);
    expect(rows(w, 'exceptions')).toEqual(['AMBIGUOUS_MATCH order-payment.fuzzy-customer: 9001 txn_c93 txn_c94']);
  });

  it('a charge the amount-window rule pairs clearly is not second-guessed by the e-mail', () => {
    const w = ws();
    importMonth(w, dir, {
      orders: [order(1, '13.00', '2026-10-01 09:00:00', { email: 'ana.lopez@example.com', ref: '' })],
      txns: [
        charge(93, '13.00', '2026-10-01 10:00:00', { ...nokey, email: 'zed@other.org' }),
        charge(94, '13.00', '2026-10-03 20:00:00', { ...nokey, email: 'ana.lopez@example.com' }),
      ],
    });
    reconcile(w.db, w.settings, { mode: 'full' });
    expect(rows(w, 'matches')).toEqual(['order-payment.amount-window: 9001 txn_c93']);
  });
});

describe('a rule set with only the fuzzy rule', () => {
  const fuzzyOnly = ruleSetOf(['order-payment.fuzzy-customer']);
  const withThreshold = (threshold: number) =>
    ruleSetOf(['order-payment.fuzzy-customer'], {}, (r) => ({ ...r, keys: (r.keys ?? []).map((k) => ({ ...k, threshold })) }));
  const o = (email: string, amount = 1300) => ev('o', 'order', amount, 0, { customerRef: email });
  const p = (id: string, email: string | null, hours = 5, amount = 1300) => ev(id, 'payment', amount, hours, { customerRef: email });

  it('similarity above the threshold and the same amount: a match whose explanation records the similarity', () => {
    const s = run([o('ana.lopez@example.com'), p('p', 'ana.lopes@example.com')], fuzzyOnly);
    expect(matchesOf(s)).toEqual(['order-payment.fuzzy-customer: o | p']);
    const k = explanationOf(s.matches[0])?.keys[0];
    // Mailboxes ana.lopez / ana.lopes, same domain (similarity_of: email).
    expect(k).toMatchObject({ compare: 'similarity', value: 0.8, agreed: true });
    // score = 0.5·similarity + 0.3·A + 0.2·T, T over the 10-day reach.
    expect(s.matches[0]?.score).toBeCloseTo(0.5 * 0.8 + 0.3 + 0.2 * (1 - 5 / 240), 5);
  });

  it('similarity below the threshold: no match (same amount and time are not enough for this rule)', () => {
    expect(emailSimilarity('ana.lopez@example.com', 'lopez.ana@example.com')).toBeLessThan(0.7);
    const s = run([o('ana.lopez@example.com'), p('p', 'lopez.ana@example.com')], fuzzyOnly);
    expect(matchesOf(s)).toEqual([]);
    expect(exceptionsOf(s)).toEqual(['MISSING_ORDER: p', 'MISSING_PAYMENT: o']);
  });

  it('the threshold is inclusive', () => {
    // The same mailbox at another domain: 1 × 0.75.
    expect(emailSimilarity('jo@x.io', 'jo@y.io')).toBe(0.75);
    expect(matchesOf(run([o('jo@x.io'), p('p', 'jo@y.io')], withThreshold(0.75)))).toEqual(['order-payment.fuzzy-customer: o | p']);
    expect(matchesOf(run([o('jo@x.io'), p('p', 'jo@y.io')], withThreshold(0.751)))).toEqual([]);
  });

  it('a different amount or a missing e-mail is no candidate', () => {
    expect(matchesOf(run([o('ana.lopez@example.com'), p('p', 'ana.lopez@example.com', 5, 1301)], fuzzyOnly))).toEqual([]);
    expect(matchesOf(run([o('ana.lopez@example.com'), p('p', null)], fuzzyOnly))).toEqual([]);
  });

  it('the more similar candidate wins by more than the tie margin; the other is its runner-up and stays free', () => {
    const s = run([o('ana.lopez@example.com'), p('p1', 'ana.lopez@example.com'), p('p2', 'ana.lopez@example.org')], fuzzyOnly);
    expect(matchesOf(s)).toEqual(['order-payment.fuzzy-customer: o | p1']);
    const ex = explanationOf(s.matches[0]);
    expect(ex?.runners_up).toEqual([{ event_id: 'p2', score: expect.any(Number), reason: 'lower score' }]);
    // p2 is the same mailbox at another domain: similarity 0.75.
    expect((ex?.score ?? 0) - (ex?.runners_up[0]?.score ?? 1)).toBeCloseTo(0.5 * (1 - 0.75), 5);
    expect(exceptionsOf(s)).toEqual(['MISSING_ORDER: p2']);
  });

  it('two candidates within the tie margin: AMBIGUOUS_MATCH naming both, never a coin flip', () => {
    const a = emailSimilarity('ana.lopez@example.com', 'anna.lopez@example.com');
    const b = emailSimilarity('ana.lopez@example.com', 'a.lopez@example.com');
    expect(0.5 * Math.abs(a - b)).toBeLessThan(0.05);
    const s = run([o('ana.lopez@example.com'), p('p1', 'anna.lopez@example.com'), p('p2', 'a.lopez@example.com')], fuzzyOnly);
    expect(matchesOf(s)).toEqual([]);
    expect(exceptionsOf(s)).toEqual(['AMBIGUOUS_MATCH: o,p1,p2']);
    expect(s.exceptions[0]?.explanation.runners_up.map((r) => `${r.event_id} ${r.reason}`)).toEqual(['p1 tied', 'p2 tied']);
    expect(s.exceptions[0]?.amount).toBe(1300);
  });

  describe('normalization (similarity_of: email): what the similarity folds and what it does not', () => {
    const sim = (order: string, payment: string): number | undefined =>
      explanationOf(run([o(order), p('p', payment)], withThreshold(0)).matches[0])?.keys[0]?.value;

    it('case and runs of whitespace are folded (the importers also lower-case e-mails)', () => {
      expect(sim('Ana.Lopez@Example.COM', 'ana.lopez@example.com')).toBe(1);
      expect(sim('Ana  Lopez ', 'ana lopez')).toBe(1);
    });

    it('a +tag is removed; dots in the mailbox only lower the similarity', () => {
      expect(sim('ana.lopez@example.com', 'ana.lopez+shop@example.com')).toBe(1);
      expect(sim('ana.lopez@example.com', 'analopez@example.com')).toBe(0.736842);
    });

    it('mailboxes are compared, not whole strings: different people at one domain stay apart', () => {
      expect(sim('john@gmail.com', 'joan@gmail.com')).toBe(0.4);
      expect(matchesOf(run([o('john@gmail.com'), p('p', 'joan@gmail.com')], fuzzyOnly))).toEqual([]);
    });

    it('as plain text (similarity_of omitted, the v2 behaviour) the shared domain carries them over the threshold', () => {
      const asText = ruleSetOf(['order-payment.fuzzy-customer'], {}, (r) => ({ ...r, keys: (r.keys ?? []).map(({ similarity_of: _, ...k }) => k) }));
      expect(trigramSimilarity('john@gmail.com', 'joan@gmail.com')).toBe(0.8);
      expect(matchesOf(run([o('john@gmail.com'), p('p', 'joan@gmail.com')], asText))).toEqual(['order-payment.fuzzy-customer: o | p']);
    });

    it('values that are not e-mail addresses are compared as text', () => {
      expect(emailSimilarity('Ana Lopez', 'ana lopez')).toBe(trigramSimilarity('Ana Lopez', 'ana lopez'));
      expect(emailSimilarity('ana@x.io', 'not an address')).toBe(trigramSimilarity('ana@x.io', 'not an address'));
    });
  });
});

describe('an amount tie left to the fuzzy rule', () => {
  it('is still raised as AMBIGUOUS_MATCH if the fuzzy rule never runs over it', () => {
    const rs = ruleSetOf(['order-payment.amount-window', 'order-payment.fuzzy-customer']);
    const [o, p1, p2] = [ev('o', 'order', 1300, 0), ev('p1', 'payment', 1300, 5), ev('p2', 'payment', 1300, 5)].map((e, i) => ({
      ...e,
      rank: i,
    })) as [MatchEvent, MatchEvent, MatchEvent];
    const state: MatchState = {
      ruleSet: rs,
      newEventSet: objectEventSets,
      texts: EVENT_TEXTS,
      used: new Map(),
      accounted: new Map(),
      blocked: new Set(),
      matches: [],
      exceptions: [],
      pending: new Map(),
      awaiting: [],
      awaitingJudge: null,
    };
    const amountRule = rs.rules.find((r) => r.id === 'order-payment.amount-window');
    if (amountRule === undefined) throw new Error('rule missing');
    runAmountWindow(state, amountRule, [o], [p1, p2]);
    expect(state.exceptions).toEqual([]);
    raiseUnclaimedTies(state);
    expect(exceptionsOf(state)).toEqual(['AMBIGUOUS_MATCH: o,p1,p2']);
    raiseUnclaimedTies(state);
    expect(state.exceptions).toHaveLength(1);
  });
});
