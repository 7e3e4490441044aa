import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { writeFileSync, readFileSync } from 'node:fs';
import { makeTempDir } from '../support/tempDir.ts';
import { generateMonth, type SyntheticOrder } from '../../src/main/synthetic/monthGenerator.ts';
import { SHOPIFY_ORDERS_HEADER, shopifyOrderLines } from '../../src/main/synthetic/shopifyOrdersWriter.ts';
import { createWorkspace } from '../../src/main/workspace/workspace.ts';
import { importFiles } from '../../src/main/import/importFiles.ts';
import { syncSource } from '../../src/main/connectors/syncRunner.ts';
import { verifyLedger } from '../../src/main/ledger/verify.ts';
import { FakeShopify, orderNode } from './support/fakeShopify.ts';
import { connectedWorkspace, FAST_HTTP } from './support/connectorWorkspace.ts';
import { latestEvents } from './support/eventCompare.ts';

const TOKEN = 'shpat_test0123456789abcdef0123456789';
const SHOP = 'ridge-outfitters.myshopify.com';
const PAYMENTS_CSV = new URL('../import/files/shopify/payment_transactions_export_1.csv', import.meta.url);

function monthOrders(orders: number, seed: number): SyntheticOrder[] {
  const out: SyntheticOrder[] = [];
  generateMonth({ orders, seed }, { order: (o) => out.push(o), stripeRow: () => {}, bankLine: () => {}, truth: () => {} });
  return out;
}

/** The Shopify Payments export's rows as the Admin API's balance transactions (same transactions, the API's shape). */
function balanceTransactionsOf(csv: string): Record<string, unknown>[] {
  const [header, ...rows] = csv.trim().split('\n');
  const cols = (header as string).split(',');
  return rows.map((line, i) => {
    const cells = line.split(',');
    const get = (name: string) => cells[cols.indexOf(name)] ?? '';
    const [date, time, offset] = get('Transaction Date').split(' ') as [string, string, string];
    const payout = get('Payout ID');
    const currency = get('Currency');
    return {
      id: `gid://shopify/ShopifyPaymentsBalanceTransaction/${9000 + i}`,
      type: get('Type').toUpperCase(),
      test: false,
      transactionDate: `${date}T${time}${offset.slice(0, 3)}:${offset.slice(3)}`,
      sourceType: get('Type').toUpperCase(),
      amount: { amount: get('Amount'), currencyCode: currency },
      fee: { amount: get('Fee'), currencyCode: currency },
      net: { amount: get('Net'), currencyCode: currency },
      associatedOrder: get('Order') === '' ? null : { id: `gid://shopify/Order/${5000 + i}`, name: get('Order') },
      associatedPayout:
        payout === ''
          ? { id: null, status: null }
          : { id: `gid://shopify/ShopifyPaymentsPayout/${payout}`, status: get('Payout Status').toUpperCase() },
    };
  });
}

describe('Shopify connector: orders by API and by the orders export', () => {
  const dir = makeTempDir('tieout-shopify-sync-');
  const orders = monthOrders(80, 3);
  const shopify = new FakeShopify({ orders: orders.map(orderNode), balanceTransactions: [], payouts: [] }, TOKEN);
  let url = '';
  beforeAll(async () => {
    url = await shopify.start();
  });
  afterAll(() => shopify.close());

  it("backfills with a bulk operation and gives the export's events; a later change is a new revision", async () => {
    const csv = join(dir, 'orders_export.csv');
    writeFileSync(
      csv,
      `${SHOPIFY_ORDERS_HEADER.join(',')}\n${orders
        .flatMap(shopifyOrderLines)
        .map((l) => `${l}\n`)
        .join('')}`,
    );
    const byFile = createWorkspace(join(dir, 'by-file'), { timeZone: 'UTC' });
    importFiles(byFile.db, byFile.settings, { source: 'shopify:store', files: [csv], actor: 'user:test' });

    const byApi = await connectedWorkspace(
      join(dir, 'by-api'),
      { source: 'shopify:store', shop: SHOP, baseUrl: url, backfillDays: 120 },
      { access_token: TOKEN },
    );
    const report = await syncSource(byApi, 'shopify:store', { access_token: TOKEN }, { trigger: 'test', http: FAST_HTTP });
    expect(report.error).toBeNull();
    // The backfill ran as one bulk operation, its JSONL one page; no order was paged.
    const ops = shopify.server.requests.map((r) =>
      r.method === 'GET' ? 'GET bulk' : (/(mutation|query) (\w+)/.exec(JSON.parse(r.body).query as string)?.[2] ?? '?'),
    );
    expect(ops.slice(0, 5)).toEqual(['RunBulk', 'BulkStatus', 'BulkStatus', 'BulkStatus', 'GET bulk']);
    expect(byApi.db.prepare("SELECT format, file_name FROM import_batches WHERE format = 'shopify-bulk-orders'").all()).toHaveLength(1);

    const fromFile = latestEvents(byFile.db, 'shopify:store', ['customer_ref', 'channel']);
    const fromApi = latestEvents(byApi.db, 'shopify:store', ['customer_ref', 'channel']);
    expect(fromApi.size).toBeGreaterThan(orders.length);
    expect([...fromApi.keys()]).toEqual([...fromFile.keys()]);
    for (const [id, e] of fromFile) expect(fromApi.get(id)).toEqual(e);

    // A refund today: the order is changed, so it is read again (updated_at) and lands as its next revision.
    const changed = shopify.data.orders[0] as Record<string, unknown>;
    const now = new Date(Date.now() - 60_000).toISOString();
    Object.assign(changed, {
      updatedAt: now,
      displayFinancialStatus: 'PARTIALLY_REFUNDED',
      totalRefundedSet: { shopMoney: { amount: '5.00', currencyCode: 'USD' } },
    });
    const again = await syncSource(byApi, 'shopify:store', { access_token: TOKEN }, { trigger: 'test', http: FAST_HTTP });
    expect(again.state).toBe('ok');
    expect(again.eventsCreated).toBe(1);
    const revisions = byApi.db
      .prepare(
        "SELECT state, seq IN (SELECT event_seq FROM superseded_events) AS superseded FROM events WHERE kind = 'order' AND external_id = ? ORDER BY seq",
      )
      .all(changed.legacyResourceId);
    expect(revisions).toEqual([
      { state: (orders[0] as SyntheticOrder).financialStatus, superseded: 1 },
      { state: 'partially_refunded', superseded: 0 },
    ]);
    expect(verifyLedger(byApi.db).ok).toBe(true);
    byFile.close();
    byApi.close();
  });

  it('waits out THROTTLED in a 200 answer for the cost it needs, and pages the backfill when a bulk operation is refused', async () => {
    const ws = await connectedWorkspace(
      join(dir, 'throttled'),
      { source: 'shopify:store', shop: SHOP, baseUrl: url, backfillDays: 120 },
      { access_token: TOKEN },
    );
    shopify.refuseBulk = true;
    const throttled = {
      errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }],
      extensions: {
        cost: {
          requestedQueryCost: 600,
          actualQueryCost: null,
          throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 500, restoreRate: 50 },
        },
      },
    };
    shopify.server.inject({ when: (r) => r.body.includes('query Orders'), times: 1, fault: { kind: 'answer', answer: { json: throttled } } });
    const before = shopify.server.requests.length;
    const t0 = Date.now();
    try {
      const report = await syncSource(ws, 'shopify:store', { access_token: TOKEN }, { trigger: 'test', http: FAST_HTTP });
      expect(report.error).toBeNull();
      // (600 − 500) / 50 = 2 s before the query was asked again.
      expect(Date.now() - t0).toBeGreaterThanOrEqual(2000);
      const orderPages = shopify.server.requests.slice(before).filter((r) => r.body.includes('query Orders'));
      expect(orderPages.length).toBe(1 + Math.ceil(orders.length / 100));
      expect(ws.db.prepare("SELECT count(*) FROM events WHERE kind = 'order'").pluck().get()).toBe(orders.length);
    } finally {
      shopify.refuseBulk = false;
    }
    ws.close();
  });

  it('fails when the token is refused, saying so without the token', async () => {
    const ws = await connectedWorkspace(
      join(dir, 'refused'),
      { source: 'shopify:store', shop: SHOP, baseUrl: url, backfillDays: 120 },
      { access_token: 'shpat_wrong_token_000000000000' },
    );
    const report = await syncSource(ws, 'shopify:store', { access_token: 'shpat_wrong_token_000000000000' }, { trigger: 'test', http: FAST_HTTP });
    expect(report.state).toBe('failed');
    expect(report.needsPerson).toBe(true);
    expect(report.error).toMatch(/Shopify refused the access token \(HTTP 401\)/);
    expect(report.error).not.toContain('shpat_wrong');
    ws.close();
  });
});

describe('Shopify connector: Shopify Payments by API and by the transactions export', () => {
  const dir = makeTempDir('tieout-shopify-payments-');
  it("gives the export's events under shopify-payments:NAME, and the payout as its own event", async () => {
    const csvText = readFileSync(PAYMENTS_CSV, 'utf8');
    const payout = {
      id: 'gid://shopify/ShopifyPaymentsPayout/98812365490',
      legacyResourceId: '98812365490',
      issuedAt: '2024-03-06T06:00:00Z',
      status: 'PAID',
      transactionType: 'DEPOSIT',
      net: { amount: '1300.33', currencyCode: 'EUR' },
    };
    const shopify = new FakeShopify({ orders: [], balanceTransactions: balanceTransactionsOf(csvText), payouts: [payout] }, TOKEN);
    const url = await shopify.start();
    try {
      const byFile = createWorkspace(join(dir, 'by-file'), { timeZone: 'UTC' });
      importFiles(byFile.db, byFile.settings, { source: 'shopify-payments:store', files: [PAYMENTS_CSV.pathname], actor: 'user:test' });
      const byApi = await connectedWorkspace(
        join(dir, 'by-api'),
        { source: 'shopify:store', shop: SHOP, baseUrl: url, backfillDays: 1500 },
        { access_token: TOKEN },
      );
      const report = await syncSource(byApi, 'shopify:store', { access_token: TOKEN }, { trigger: 'test', http: FAST_HTTP });
      expect(report.error).toBeNull();
      const fromFile = latestEvents(byFile.db, 'shopify-payments:store');
      const fromApi = latestEvents(byApi.db, 'shopify-payments:store');
      const payoutEvents = [...fromApi.values()].filter((e) => e.kind === 'payout');
      expect(payoutEvents).toMatchObject([
        { external_id: '98812365490', payout_ref: '98812365490', amount_minor: -130033, state: 'paid', source_revision: 'paid' },
      ]);
      for (const p of payoutEvents) fromApi.delete(p.event_id as string);
      expect([...fromApi.keys()]).toEqual([...fromFile.keys()]);
      for (const [id, e] of fromFile) expect(fromApi.get(id)).toEqual(e);
      byFile.close();
      byApi.close();
    } finally {
      await shopify.close();
    }
  });
});
