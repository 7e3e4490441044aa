// The accuracy scorer (bench/accuracy.ts) end to end on a small generated month: generate → import → reconcile → score,
// then known edits through the public decision service (unmatch, manual match) must move the score exactly as expected.
// The engine's own accuracy is not asserted here (it is being tuned); only the scorer's bookkeeping is.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/tempDir.ts';
import { createWorkspace, type Workspace } from '../../src/main/workspace/workspace.ts';
import { BANK_ACCOUNT, writeMonthFiles, type MonthFiles } from '../../src/main/synthetic/monthFiles.ts';
import { reconcile } from '../../src/main/matching/engine/engine.ts';
import { manualMatch, unmatch } from '../../src/main/matching/decisions.ts';
import { readLines, scoreAgainstTruth, type AccuracyReport } from '../../bench/accuracy.ts';
import { importGeneratedMonth } from '../matching/monthBuilder.ts';

interface TruthMatch {
  type: 'match';
  strategy: string;
  keys: { left: string[]; right: string[] };
}
interface TruthException {
  type: 'exception';
  code: string;
  externalIds: string[];
}

const dir = makeTempDir('tieout-accuracy-');
let month: MonthFiles;
let ws: Workspace;
let truth: Array<TruthMatch | TruthException>;

const eventId = (externalId: string): string => ws.db.prepare('SELECT event_id FROM events WHERE external_id = ?').pluck().get(externalId) as string;
const score = (): AccuracyReport => scoreAgainstTruth(ws.db, month.truthPath, BANK_ACCOUNT);

beforeAll(() => {
  month = writeMonthFiles(join(dir, 'files'), { orders: 1500, seed: 4242 });
  ws = createWorkspace(join(dir, 'ws'), { reportingCurrency: 'USD', timeZone: 'America/New_York' });
  importGeneratedMonth(ws, month, { shopify: 'shopify:t', stripe: 'stripe:t', bank: 'bank:t' }, 'system:test');
  reconcile(ws.db, ws.settings, { mode: 'full' });
  truth = [...readLines(month.truthPath)].filter((l) => l !== '').map((l) => JSON.parse(l) as TruthMatch | TruthException);
  return () => ws.close();
});

describe('scoreAgainstTruth', () => {
  it('counts every truth record once: expected pairs per strategy and injected anomalies per code', () => {
    const r = score();
    for (const [strategy, n] of Object.entries(month.summary.matches)) {
      if (n === 0) continue;
      const s = r.matches.byStrategy[strategy];
      expect(s?.expected, strategy).toBe(n);
      expect((s?.found ?? 0) + (s?.missed ?? 0), strategy).toBe(n);
    }
    for (const [code, n] of Object.entries(month.summary.anomalies)) {
      if (n === 0) continue;
      const c = r.byCode[code];
      expect(c?.injected, code).toBe(n);
      expect((c?.foundWithCode ?? 0) + (c?.foundOtherCode ?? 0) + (c?.notFound ?? 0), code).toBe(n);
    }
    expect(r.activeMatches).toBe(ws.db.prepare('SELECT count(*) FROM matches WHERE ended_at IS NULL').pluck().get());
  });

  it('maps bank references through the statement account (a wrong account finds no bank match)', () => {
    const right = score().matches.byStrategy['payout_bank'];
    const wrong = scoreAgainstTruth(ws.db, month.truthPath, 'XX00000000000000000000').matches.byStrategy['payout_bank'];
    expect(right?.found ?? 0).toBeGreaterThan(0);
    expect(wrong?.found).toBe(0);
    expect(wrong?.missed).toBe(wrong?.expected);
  });

  it('reports exactly one more missed match after a true match is unmatched, and no new false match', () => {
    const before = score();
    const t = truth.find((x): x is TruthMatch => x.type === 'match' && x.strategy === 'order_payment') as TruthMatch;
    const [orderId, paymentId] = [eventId(t.keys.left[0] as string), eventId(t.keys.right[0] as string)];
    const matchId = ws.db
      .prepare(
        `SELECT m.match_id FROM matches m JOIN match_event_ids a ON a.match_id = m.match_id AND a.event_id = ?
         JOIN match_event_ids b ON b.match_id = m.match_id AND b.event_id = ? WHERE m.ended_at IS NULL AND m.link = 'order_payment'`,
      )
      .pluck()
      .get(orderId, paymentId) as string | undefined;
    expect(matchId, 'the first expected order ↔ payment pair is matched by the engine').toBeDefined();
    unmatch(ws.db, { matchId: matchId as string, actor: 'user:test', reason: 'scorer test' });
    const after = score();
    expect(after.matches.missed).toBe(before.matches.missed + 1);
    expect(after.matches.found).toBe(before.matches.found - 1);
    expect(after.matches.byStrategy['order_payment']?.missed).toBe((before.matches.byStrategy['order_payment']?.missed ?? 0) + 1);
    expect(
      after.matches.missedExamples.some((m) => m.strategy === 'order_payment' && m.ids[0] === t.keys.left[0] && m.ids[1] === t.keys.right[0]),
    ).toBe(true);
    expect(after.falseMatches).toBe(before.falseMatches);
    expect(after.activeMatches).toBe(before.activeMatches - 1);
  });

  it('reports a manual match of two unrelated events as a false match, and the anomalies it closed as not found', () => {
    const before = score();
    const activeCodes = (ext: string): string[] =>
      ws.db
        .prepare(
          `SELECT x.code FROM exceptions x JOIN exception_event_ids xe ON xe.exception_id = x.exception_id JOIN events e ON e.event_id = xe.event_id
           WHERE e.external_id = ? AND x.ended_at IS NULL`,
        )
        .pluck()
        .all(ext) as string[];
    // An order whose payment is missing and a payment whose order is missing: truth pairs them with nothing.
    const pick = (code: string): string =>
      (
        truth.find(
          (x): x is TruthException => x.type === 'exception' && x.code === code && activeCodes(x.externalIds[0] as string).join() === code,
        ) as TruthException
      ).externalIds[0] as string;
    const order = pick('MISSING_PAYMENT');
    const payment = pick('MISSING_ORDER');
    const id = manualMatch(ws.db, {
      link: 'order_payment',
      leftEventIds: [eventId(order)],
      rightEventIds: [eventId(payment)],
      actor: 'user:test',
      reason: 'scorer test',
    });
    const after = score();
    expect(after.falseMatches).toBe(before.falseMatches + 1);
    expect(after.falseByLink['order_payment']).toBe((before.falseByLink['order_payment'] ?? 0) + 1);
    const f = after.falseExamples.find((x) => x.matchId === id);
    // Examples are capped; when the list is full the new one may not be shown, but here it is small.
    expect(f).toMatchObject({
      link: 'order_payment',
      status: 'manual',
      ruleId: null,
      left: [order],
      right: [payment],
      unexpectedPair: [order, payment],
    });
    // The manual match resolved (ended) both exceptions, so both anomalies are no longer reported.
    expect(activeCodes(order)).toEqual([]);
    expect(activeCodes(payment)).toEqual([]);
    for (const code of ['MISSING_PAYMENT', 'MISSING_ORDER']) {
      expect(after.byCode[code]?.foundWithCode, code).toBe((before.byCode[code]?.foundWithCode ?? 0) - 1);
      expect(after.byCode[code]?.notFound, code).toBe((before.byCode[code]?.notFound ?? 0) + 1);
    }
    expect(after.matches.found).toBe(before.matches.found);
  });
});

describe('readLines', () => {
  it('streams lines across chunk boundaries, with or without a final newline', () => {
    const long = 'x'.repeat(1_500_000);
    const path = join(dir, 'lines.txt');
    writeFileSync(path, `a\n${long}\nb\n\nc`);
    expect([...readLines(path)].map((l) => (l.length > 10 ? l.length : l))).toEqual(['a', 1_500_000, 'b', '', 'c']);
  });
});
