import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { makeTempDir } from '../support/tempDir.ts';
import { generateMonth, type SyntheticMonthStripeRow } from '../../src/main/synthetic/monthGenerator.ts';
import { MONTH_STRIPE_HEADER, monthStripeRowCsv } from '../../src/main/synthetic/monthFiles.ts';
import { createWorkspace } from '../../src/main/workspace/workspace.ts';
import { importFiles } from '../../src/main/import/importFiles.ts';
import { syncSource } from '../../src/main/connectors/syncRunner.ts';
import { verifyLedger } from '../../src/main/ledger/verify.ts';
import { FakeStripe, stripeDataFromRows } from './support/fakeStripe.ts';
import { connectedWorkspace, FAST_HTTP } from './support/connectorWorkspace.ts';
import { latestEvents } from './support/eventCompare.ts';

const KEY = 'sk_test_51NsecretKeyForTests0001';

/** A generated month's Stripe rows, as a balance report made after the month would show them. */
function monthRows(orders: number, seed: number): SyntheticMonthStripeRow[] {
  const rows: SyntheticMonthStripeRow[] = [];
  generateMonth({ orders, seed }, { order: () => {}, stripeRow: (r) => rows.push({ ...r }), bankLine: () => {}, truth: () => {} });
  // An item whose payout is not made yet shows no automatic_payout_id: there is no such payout to name.
  const payouts = new Set(rows.filter((r) => r.category === 'payout').map((r) => r.sourceId));
  for (const r of rows) if (r.category !== 'payout' && !payouts.has(r.payoutId)) r.payoutId = '';
  return rows;
}

describe('Stripe connector: a month by API and by CSV', () => {
  const dir = makeTempDir('tieout-stripe-sync-');
  const rows = monthRows(120, 11);
  const stripe = new FakeStripe(stripeDataFromRows(rows), KEY);
  let url = '';
  beforeAll(async () => {
    url = await stripe.start();
  });
  afterAll(() => stripe.close());

  it('gives the same events as the balance report of the same month, and a second sync adds nothing', async () => {
    const csv = join(dir, 'stripe-balance.csv');
    writeFileSync(csv, `${MONTH_STRIPE_HEADER.join(',')}\n${rows.map((r) => `${monthStripeRowCsv(r)}\n`).join('')}`);
    const byFile = createWorkspace(join(dir, 'by-file'), { timeZone: 'UTC' });
    importFiles(byFile.db, byFile.settings, { source: 'stripe:main', files: [csv], actor: 'user:test' });

    const byApi = await connectedWorkspace(join(dir, 'by-api'), { source: 'stripe:main', baseUrl: url, backfillDays: 120 }, { api_key: KEY });
    const report = await syncSource(byApi, 'stripe:main', { api_key: KEY }, { trigger: 'test', http: FAST_HTTP });
    expect(report.error).toBeNull();
    expect(report.state).toBe('ok');

    const fromFile = latestEvents(byFile.db, 'stripe:main');
    const fromApi = latestEvents(byApi.db, 'stripe:main');
    expect(fromApi.size).toBe(rows.length);
    expect([...fromApi.keys()]).toEqual([...fromFile.keys()]);
    for (const [id, e] of fromFile) {
      const a = fromApi.get(id) as Record<string, unknown>;
      // A refund's and a dispute's order: the report states the payment's metadata; the API's refund object has none.
      if (e.kind === 'refund' || e.kind === 'dispute') expect({ ...a, order_ref: null }).toEqual({ ...e, order_ref: null });
      else expect(a).toEqual(e);
    }
    // Payouts were read before the balance history: every item landed once, already as the item of its payout.
    expect(byApi.db.prepare('SELECT count(*) FROM superseded_events').pluck().get()).toBe(0);
    expect(byApi.db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(rows.length);

    const again = await syncSource(byApi, 'stripe:main', { api_key: KEY }, { trigger: 'test', http: FAST_HTTP });
    expect(again.state).toBe('ok');
    expect(again.eventsCreated).toBe(0);
    // The next pass starts an hour before the last one ended: one empty page per windowed step, no payout to itemize.
    expect(again.steps.map((s) => [s.step, s.pages])).toEqual([['payouts', 1], ['payout_items', 0], ['disputes', 1], ['balance_transactions', 1]]);
    expect(verifyLedger(byApi.db).ok).toBe(true);
    byFile.close();
    byApi.close();
  });
});
