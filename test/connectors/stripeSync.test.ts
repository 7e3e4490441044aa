import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { makeTempDir } from '../support/tempDir.ts';
import type { SyntheticMonthStripeRow } from '../../src/main/synthetic/monthGenerator.ts';
import { MONTH_STRIPE_HEADER, monthStripeRowCsv } from '../../src/main/synthetic/monthFiles.ts';
import { createWorkspace } from '../../src/main/workspace/workspace.ts';
import { importFiles } from '../../src/main/import/importFiles.ts';
import { syncSource } from '../../src/main/connectors/syncRunner.ts';
import { verifyLedger } from '../../src/main/ledger/verify.ts';
import { FakeStripe, stripeDataFromRows } from './support/fakeStripe.ts';
import { connectedWorkspace, FAST_HTTP } from './support/connectorWorkspace.ts';
import { latestEvents } from './support/eventCompare.ts';
import { stripeMonthRows } from './support/stripeMonth.ts';

const KEY = 'sk_test_51NsecretKeyForTests0001';

describe('Stripe connector: a month by API and by CSV', () => {
  const dir = makeTempDir('tieout-stripe-sync-');
  const rows = stripeMonthRows(120, 11);
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
    expect(again.steps.map((s) => [s.step, s.pages])).toEqual([
      ['payouts', 1],
      ['payout_items', 0],
      ['disputes', 1],
      ['balance_transactions', 1],
    ]);
    expect(verifyLedger(byApi.db).ok).toBe(true);
    byFile.close();
    byApi.close();
  });
});

describe('Stripe connector: what the network and the API do', () => {
  const dir = makeTempDir('tieout-stripe-faults-');
  const rows = stripeMonthRows(40, 5);
  const stripe = new FakeStripe(stripeDataFromRows(rows), KEY);
  let url = '';
  beforeAll(async () => {
    url = await stripe.start();
  });
  afterAll(() => stripe.close());

  it('rides out 429 with Retry-After, 500s, a hang past the timeout and a cut-off body, and lands every record once', async () => {
    const ws = await connectedWorkspace(join(dir, 'faults'), { source: 'stripe:main', baseUrl: url, backfillDays: 120 }, { api_key: KEY });
    const bt = (r: { path: string; query: URLSearchParams }) => r.path === '/v1/balance_transactions' && r.query.get('payout') === null;
    stripe.server.inject({
      when: bt,
      fault: { kind: 'status', status: 429, retryAfter: '1', json: { error: { type: 'rate_limit_error', message: 'Too many requests' } } },
    });
    stripe.server.inject({ when: bt, times: 2, fault: { kind: 'status', status: 500 } });
    stripe.server.inject({ when: bt, fault: { kind: 'hang' } });
    stripe.server.inject({ when: bt, fault: { kind: 'malformed' } });
    const before = stripe.server.requests.length;
    const t0 = Date.now();
    const report = await syncSource(ws, 'stripe:main', { api_key: KEY }, { trigger: 'test', http: FAST_HTTP });
    expect(report.error).toBeNull();
    // Retry-After: 1 was honoured (the backoff alone would have taken milliseconds).
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    expect(latestEvents(ws.db, 'stripe:main').size).toBe(rows.length);
    // Five failed attempts of the first balance-history page, then its answer: nothing landed from a failed one.
    const firstPage = stripe.server.requests
      .slice(before)
      .filter((r) => bt(r) && r.query.get('payout') === null && r.query.get('starting_after') === null);
    expect(firstPage.length).toBe(6);
    expect(ws.db.prepare("SELECT count(*) FROM sync_pages WHERE step = 'balance_transactions'").pluck().get()).toBe(
      report.steps.find((s) => s.step === 'balance_transactions')?.pages,
    );
    ws.close();
  });

  it('fails with a message a person can act on when the key is refused, never showing the key, and resumes once connected again', async () => {
    const ws = await connectedWorkspace(join(dir, 'auth'), { source: 'stripe:main', baseUrl: url, backfillDays: 120 }, { api_key: KEY });
    // The key stops working after the first pages (rolled in the Dashboard).
    stripe.server.inject({
      when: (r) => r.path === '/v1/disputes',
      fault: {
        kind: 'status',
        status: 401,
        json: { error: { type: 'invalid_request_error', message: 'Expired API Key provided: sk_test_****0001' } },
      },
    });
    const failed = await syncSource(ws, 'stripe:main', { api_key: KEY }, { trigger: 'test', http: FAST_HTTP });
    expect(failed.state).toBe('failed');
    expect(failed.needsPerson).toBe(true);
    expect(failed.error).toMatch(/refused the API key \(HTTP 401: Expired API Key/);
    expect(failed.error).not.toContain(KEY);
    const landed = failed.eventsCreated;
    expect(landed).toBeGreaterThan(0);
    const journal = ws.db.prepare("SELECT reason, payload FROM journal WHERE entry_type = 'sync.failed'").get() as {
      reason: string;
      payload: string;
    };
    expect(journal.reason).toMatch(/HTTP 401/);
    expect(`${journal.reason}${journal.payload}`).not.toContain(KEY);
    expect(ws.db.prepare('SELECT state, error FROM sync_runs').get()).toMatchObject({ state: 'failed' });

    const resumed = await syncSource(ws, 'stripe:main', { api_key: KEY }, { trigger: 'test', http: FAST_HTTP });
    expect(resumed.state).toBe('ok');
    expect(landed + resumed.eventsCreated).toBe(rows.length);
    expect(latestEvents(ws.db, 'stripe:main').size).toBe(rows.length);
    ws.close();
  });

  for (const skewHours of [3, -3]) {
    it(`reads windows on the server's clock when it is ${skewHours > 0 ? 'ahead of' : 'behind'} ours by ${Math.abs(skewHours)} h`, async () => {
      const ws = await connectedWorkspace(
        join(dir, `skew${skewHours}`),
        { source: 'stripe:main', baseUrl: url, backfillDays: 120 },
        { api_key: KEY },
      );
      stripe.server.skewMs = skewHours * 3_600_000;
      try {
        // A charge made "now" on the server's clock: read by this sync whichever way the clocks differ.
        const now = Math.floor(stripe.server.now() / 1000) - 5;
        stripe.data.balanceTransactions.push({
          id: `txn_skew${skewHours > 0 ? 'A' : 'B'}`,
          object: 'balance_transaction',
          amount: 1234,
          currency: 'usd',
          created: now,
          available_on: now,
          fee: 66,
          net: 1168,
          reporting_category: 'charge',
          type: 'charge',
          status: 'pending',
          source: `ch_skew${skewHours}`,
          description: null,
          fee_details: [],
        });
        const report = await syncSource(ws, 'stripe:main', { api_key: KEY }, { trigger: 'test', http: FAST_HTTP });
        expect(report.state).toBe('ok');
        expect(Math.abs(report.clockOffsetMs - skewHours * 3_600_000)).toBeLessThan(5_000);
        expect(ws.db.prepare('SELECT count(*) FROM events WHERE external_id LIKE ?').pluck().get('txn_skew%')).toBe(1);
        // The watermark is the server's now, not ours.
        const coversTo = ws.db.prepare("SELECT max(covers_to) FROM batch_coverage WHERE source = 'stripe:main'").pluck().get() as string;
        expect(Math.abs(Date.parse(coversTo) - stripe.server.now())).toBeLessThan(60_000);
      } finally {
        stripe.server.skewMs = 0;
        stripe.data.balanceTransactions = stripe.data.balanceTransactions.filter((b) => !String(b.id).startsWith('txn_skew'));
      }
      ws.close();
    });
  }
});

describe('Stripe connector: an item paid out after it was first synced', () => {
  const dir = makeTempDir('tieout-stripe-later-');
  it('lands again as the revision its payout names, superseding the one without a payout', async () => {
    const rows = stripeMonthRows(30, 9);
    const data = stripeDataFromRows(rows);
    const payoutRow = rows.find((r) => r.category === 'payout') as SyntheticMonthStripeRow;
    const items = data.items.get(payoutRow.sourceId) as string[];
    // Before the payout: it does not exist yet, and its items are in no payout.
    const later = new FakeStripe(
      {
        ...data,
        payouts: data.payouts.filter((p) => p.id !== payoutRow.sourceId),
        items: new Map([...data.items].filter(([p]) => p !== payoutRow.sourceId)),
      },
      KEY,
    );
    const url = await later.start();
    try {
      const ws = await connectedWorkspace(join(dir, 'ws'), { source: 'stripe:main', baseUrl: url, backfillDays: 120 }, { api_key: KEY });
      await syncSource(ws, 'stripe:main', { api_key: KEY }, { trigger: 'test', http: FAST_HTTP });
      const first = ws.db.prepare('SELECT source_revision, payout_ref FROM events WHERE external_id = ?').get(items[0]);
      expect(first).toEqual({ source_revision: '', payout_ref: null });
      // The payout is made now, after the first sync: it appears in the next sync's window.
      const now = Math.floor(Date.now() / 1000) - 60;
      const payout = data.payouts.find((p) => p.id === payoutRow.sourceId) as Record<string, unknown>;
      const payoutBt = data.balanceTransactions.find((b) => b.id === payoutRow.id) as Record<string, unknown>;
      payout.created = now;
      payoutBt.created = now;
      later.data = data;
      const report = await syncSource(ws, 'stripe:main', { api_key: KEY }, { trigger: 'test', http: FAST_HTTP });
      expect(report.steps.find((s) => s.step === 'payout_items')?.eventsCreated).toBe(items.length);
      const revisions = ws.db
        .prepare(
          'SELECT source_revision, payout_ref, seq IN (SELECT event_seq FROM superseded_events) AS superseded FROM events WHERE external_id = ? ORDER BY seq',
        )
        .all(items[0]);
      expect(revisions).toEqual([
        { source_revision: '', payout_ref: null, superseded: 1 },
        { source_revision: payoutRow.sourceId, payout_ref: payoutRow.sourceId, superseded: 0 },
      ]);
      // The payout is matched to its items, now that they name it.
      const matched = ws.db.prepare("SELECT count(*) FROM matches WHERE link = 'payout_items' AND ended_at IS NULL").pluck().get() as number;
      expect(matched).toBeGreaterThan(0);
      ws.close();
    } finally {
      await later.close();
    }
  });
});
