// The operating metrics of a month computed by hand: the shipped samples arrive at known instants (Date faked), runs
// match them, a second Stripe download repeats two records, a person resolves, comments and reassigns. Every figure
// below is worked out from that story in the comments, not read back from the code.
import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { createWorkspace, type Workspace } from '../../src/main/workspace/workspace.ts';
import { importFiles } from '../../src/main/import/importFiles.ts';
import { reconcile } from '../../src/main/matching/engine/engine.ts';
import { resolveException, commentException, assignException } from '../../src/main/matching/decisions.ts';
import { computeMetrics } from '../../src/main/owners/metrics.ts';
import { SAMPLES_DIR } from '../support/matchingFixtures.ts';
import { makeTempDir } from '../support/tempDir.ts';

const root = makeTempDir('tieout-metrics-');
let ws: Workspace;

function at(iso: string, fn: () => void): void {
  vi.setSystemTime(new Date(iso));
  fn();
}

function importAt(iso: string, source: string, file: string, extra: { format?: string; mappingPath?: string } = {}): void {
  at(iso, () => {
    importFiles(ws.db, ws.settings, { source, files: [file], actor: 'user:ana', periodEnd: '2026-10-31', ...extra });
    reconcile(ws.db, ws.settings, { mode: 'incremental' });
  });
}

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  ws = createWorkspace(join(root, 'books'), { name: 'Ridge', reportingCurrency: 'USD', timeZone: 'America/New_York' });
  // 2 Nov 09:00 New York: the Stripe balance report (8 events). Its charges, refund and fee tie to payout po_1Sb0001
  // (their nets sum to the payout) and the refund to its charge, in the run that follows: all 8 matched within the hour.
  importAt('2026-11-02T14:00:00.000Z', 'stripe:main', join(SAMPLES_DIR, 'stripe-balance-2026-10.csv'));
  // 09:30: the Shopify orders (6): #1001–#1005 pair with their charges at once; #1006 is pending, never paid: unmatched.
  importAt('2026-11-02T14:30:00.000Z', 'shopify:store', join(SAMPLES_DIR, 'shopify-orders-2026-10.csv'));
  // 11:00: another Stripe download repeating the first two charges: no new event, two DUPLICATE_RECORD resolved as
  // they open (class A).
  const lines = readFileSync(join(SAMPLES_DIR, 'stripe-balance-2026-10.csv'), 'utf8').split('\n');
  const overlap = join(root, 'stripe-overlap.csv');
  writeFileSync(overlap, `${lines.slice(0, 3).join('\n')}\n`);
  importAt('2026-11-02T16:00:00.000Z', 'stripe:main', overlap);
  // 4 Nov 10:00: the bank statement (3 lines): the payout's credit matches; the rent (2,400.00 out) and the unknown wire
  // (1,250.00 in) stay unmatched and open UNKNOWN_BANK_LINE, both above the 1,000.00 policy gate.
  importAt('2026-11-04T15:00:00.000Z', 'bank:main', join(SAMPLES_DIR, 'bank-statement-2026-10.csv'), {
    format: 'generic-csv',
    mappingPath: join(SAMPLES_DIR, 'bank-statement-mapping.json'),
  });
  const idOf = (amount: number): string =>
    ws.db.prepare("SELECT exception_id FROM exceptions WHERE code = 'UNKNOWN_BANK_LINE' AND amount_minor = ?").pluck().get(amount) as string;
  // 5 Nov 16:00 (30 h after it opened): Ana resolves the rent.
  at('2026-11-05T21:00:00.000Z', () => resolveException(ws.db, { exceptionId: idOf(-240000), actor: 'user:ana', reason: 'office rent' }));
  // 6 Nov 10:00: she comments on the wire and hands it to Ben: two more of a person's decisions.
  at('2026-11-06T15:00:00.000Z', () => {
    commentException(ws.db, { exceptionId: idOf(125000), actor: 'user:ana', text: 'asked the bank for the payer' });
    assignException(ws.db, { exceptionId: idOf(125000), actor: 'user:ana', owner: 'Ben Okafor <ben@ridge.test>' });
  });
});
afterAll(() => {
  ws.close();
  vi.useRealTimers();
});

describe('metrics of November, computed by hand', () => {
  it('gives the issue’s figures', () => {
    const m = computeMetrics(ws.db, ws.settings, { asOf: '2026-12-01T12:00:00.000Z', from: '2026-11-01', to: '2026-11-30' });
    const weeks = ['2026-10-26', '2026-11-02', '2026-11-09', '2026-11-16', '2026-11-23', '2026-11-30'];
    const trend = [0, 2, 0, 0, 0, 0].map((count, i) => ({ week: weeks[i], count }));
    expect(m.summary).toEqual({
      // 17 matchable events arrived (8 + 6 + 3); #1006 and the two bank lines were not matched within the hour: 3 / 17.
      unmatched_rate_1h: 0.1765,
      // One exception resolved after it opened: the rent, 30 h.
      mean_time_to_resolution_hours: 30,
      // Four opened (2 DUPLICATE_RECORD, 2 UNKNOWN_BANK_LINE), the two duplicates closed without a person.
      auto_resolve_rate: 0.5,
      // Resolve, comment, assign: 3 decisions over 30 days.
      manual_actions_per_day: 0.1,
      // At the end of November only the wire is open above the gate.
      high_value_open: { count: 1, value_minor: 125000 },
      top_exceptions: [
        { code: 'DUPLICATE_RECORD', count: 2, trend },
        { code: 'UNKNOWN_BANK_LINE', count: 2, trend },
      ],
    });
  });

  it('and one point per New York day for the Dashboard', () => {
    const m = computeMetrics(ws.db, ws.settings, { asOf: '2026-12-01T12:00:00.000Z', from: '2026-11-01', to: '2026-11-30' });
    expect(m.days).toHaveLength(30);
    const day = (date: string) => m.days.find((d) => d.date === date);
    expect(day('2026-11-02')).toMatchObject({
      arrived: 14,
      unmatched1h: 1,
      unmatchedRate1h: 0.0714,
      opened: 2,
      autoResolved: 2,
      autoResolveRate: 1,
      highValueOpen: 0,
    });
    expect(day('2026-11-04')).toMatchObject({ arrived: 3, unmatched1h: 2, opened: 2, autoResolved: 0, highValueOpen: 2, highValueMinor: 365000 });
    expect(day('2026-11-05')).toMatchObject({ resolved: 1, mttrHours: 30, manualActions: 1, highValueOpen: 1, highValueMinor: 125000 });
    expect(day('2026-11-06')).toMatchObject({ manualActions: 2, resolved: 0, mttrHours: null });
    expect(day('2026-11-01')).toMatchObject({ arrived: 0, unmatchedRate1h: null, highValueOpen: 0 });
  });

  it('a period before anything happened has no rates, and bad dates are refused', () => {
    const m = computeMetrics(ws.db, ws.settings, { asOf: '2026-12-01T12:00:00.000Z', from: '2026-10-01', to: '2026-10-31' });
    expect(m.summary).toEqual({
      unmatched_rate_1h: null,
      mean_time_to_resolution_hours: null,
      auto_resolve_rate: null,
      manual_actions_per_day: 0,
      high_value_open: { count: 0, value_minor: 0 },
      top_exceptions: [],
    });
    expect(() => computeMetrics(ws.db, ws.settings, { asOf: '2026-12-01T12:00:00.000Z', from: '2026-11-31' })).toThrow(
      /--from: "2026-11-31" is not a date/,
    );
    expect(() => computeMetrics(ws.db, ws.settings, { asOf: '2026-12-01T12:00:00.000Z', from: '2026-11-10', to: '2026-11-01' })).toThrow(
      /after --to/,
    );
  });
});
