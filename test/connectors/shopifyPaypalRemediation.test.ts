import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { makeTempDir } from '../support/tempDir.ts';
import { generateMonth, type SyntheticOrder } from '../../src/main/synthetic/monthGenerator.ts';
import { importFiles } from '../../src/main/import/importFiles.ts';
import { syncSource } from '../../src/main/connectors/syncRunner.ts';
import type { Workspace } from '../../src/main/workspace/workspace.ts';
import { FakeShopify, orderNode } from './support/fakeShopify.ts';
import { FakePaypal, type PaypalEntry } from './support/fakePaypal.ts';
import { connectedWorkspace, FAST_HTTP } from './support/connectorWorkspace.ts';
import { openClassB, remediationCalls } from './support/classBException.ts';

const TOKEN = 'shpat_test0123456789abcdef0remediate';
const SHOP = 'ridge-outfitters.myshopify.com';
const PAYPAL = {
  client_id: 'AYSq3RDGsmBLJE-otTkBtM-jBRd1TCQwFf9RGfwddNXWz0uFU9ztymylOhRS',
  client_secret: 'EGnHDxD_remediationSecret_0000000000000000',
};

function monthOrders(orders: number, seed: number): SyntheticOrder[] {
  const out: SyntheticOrder[] = [];
  generateMonth({ orders, seed }, { order: (o) => out.push(o), stripeRow: () => {}, bankLine: () => {}, truth: () => {} });
  return out;
}

describe('class B remediation by the Shopify Admin API', () => {
  const dir = makeTempDir('tieout-shopify-remediation-');
  const nodes = monthOrders(12, 4).map(orderNode);
  const shopify = new FakeShopify({ orders: nodes, balanceTransactions: [], payouts: [] }, TOKEN);
  let url = '';
  beforeAll(async () => {
    url = await shopify.start();
  });
  afterAll(() => shopify.close());

  it("reads a MISSING_PAYMENT order's transactions after a sync and journals what Shopify records, a declined payment as none", async () => {
    const ws = await connectedWorkspace(
      join(dir, 'books'),
      { source: 'shopify:store', shop: SHOP, baseUrl: url, backfillDays: 120 },
      { access_token: TOKEN },
    );
    expect((await syncSource(ws, 'shopify:store', { access_token: TOKEN }, { trigger: 'test', http: FAST_HTTP, remediate: false })).state).toBe('ok');
    const [paid, declined] = nodes as [Record<string, unknown>, Record<string, unknown>];
    // The second order's only payment was declined at the gateway.
    const tx = (declined.transactions as Array<Record<string, unknown>>)[0] as Record<string, unknown>;
    Object.assign(tx, { status: 'FAILURE' });
    openClassB(ws, 'x_paid', 'MISSING_PAYMENT', orderSeq(ws, String(paid.name)));
    openClassB(ws, 'x_declined', 'MISSING_PAYMENT', orderSeq(ws, String(declined.name)));

    // A sync with nothing new still asks: remediation follows every sync that reached Shopify. The engine's own class B
    // MISSING_PAYMENT (an order of the last days, no payment feed yet) is asked about as well.
    const report = await syncSource(ws, 'shopify:store', { access_token: TOKEN }, { trigger: 'test', http: FAST_HTTP });
    const openB = ws.db
      .prepare("SELECT count(*) FROM exceptions WHERE code = 'MISSING_PAYMENT' AND class = 'B' AND ended_at IS NULL")
      .pluck()
      .get() as number;
    expect(openB).toBeGreaterThan(2);
    expect(report.remediation).toEqual({ calls: openB, escalated: 0 });
    const calls = remediationCalls(ws).filter((c) => c.subject_id === 'x_paid' || c.subject_id === 'x_declined');
    expect(calls.map((c) => c.subject_id)).toEqual(['x_declined', 'x_paid']);
    const amount = (n: Record<string, unknown>) => (n.totalPriceSet as { shopMoney: { amount: string } }).shopMoney.amount;
    const ref = (n: Record<string, unknown>) => String(n.name).replace(/^#/, '');
    expect(calls[1]?.reason).toBe(
      `Shopify records sale ${amount(paid)} USD by stripe (payment ${String((paid.transactions as Array<Record<string, unknown>>)[0]?.paymentId)}) for order ${ref(paid)}`,
    );
    expect(calls[0]?.reason).toMatch(new RegExp(`^Shopify records no successful payment for order ${ref(declined)} \\(financial status `));
    expect(calls[0]?.payload).toMatchObject({ provider: 'shopify', code: 'MISSING_PAYMENT', transactions: [{ kind: 'SALE', status: 'FAILURE' }] });
    expect(calls[1]?.payload.request).toBe(`POST graphql OrderPayments name:'${ref(paid)}'`);
    expect(JSON.stringify(ws.db.prepare('SELECT * FROM journal').all())).not.toContain(TOKEN);
    // Once per cadence.
    expect((await syncSource(ws, 'shopify:store', { access_token: TOKEN }, { trigger: 'test', http: FAST_HTTP })).remediation).toEqual({
      calls: 0,
      escalated: 0,
    });
    ws.close();
  });
});

function orderSeq(ws: Workspace, name: string): number {
  const seq = ws.db
    .prepare("SELECT seq FROM events WHERE kind = 'order' AND (order_ref = ? OR order_ref = ?) ORDER BY seq DESC LIMIT 1")
    .pluck()
    .get(name, name.replace(/^#/, '')) as number | undefined;
  if (seq === undefined) throw new Error(`no order event ${name}`);
  return seq;
}

describe('class B remediation by PayPal Transaction Search', () => {
  const dir = makeTempDir('tieout-paypal-remediation-');
  const entry = (n: number, invoice: string, at: string): PaypalEntry => ({
    transactionId: `7KX${String(n).padStart(3, '0')}2394L7091${n}`,
    occurredAt: at,
    timeZone: 'PDT',
    name: 'Ana Lopez',
    type: 'Express Checkout Payment',
    status: 'Completed',
    currency: 'USD',
    grossMinor: 4200 + n,
    feeMinor: -196,
    fromEmail: `buyer${n}@example.com`,
    toEmail: 'store@ridge.example',
    referenceTxnId: '',
    invoiceNumber: invoice,
    receiptId: '',
    balanceMinor: null,
    subject: '',
    note: '',
    eventCode: 'T0006',
  });
  const paypal = new FakePaypal(
    [entry(1, 'R2001', '2026-10-05T10:02:11Z'), entry(2, 'R2002', '2026-10-06T11:00:00Z'), entry(3, '#R2003', '2026-10-07T09:30:00Z')],
    PAYPAL.client_id,
    PAYPAL.client_secret,
  );
  let url = '';
  beforeAll(async () => {
    url = await paypal.start();
  });
  afterAll(() => paypal.close());

  it('searches the days around the order for a transaction naming it, and journals what PayPal has (or that it has none)', async () => {
    const ws = await connectedWorkspace(join(dir, 'books'), { source: 'paypal:main', baseUrl: url, backfillDays: 30 }, PAYPAL);
    expect((await syncSource(ws, 'paypal:main', PAYPAL, { trigger: 'test', http: FAST_HTTP, remediate: false })).state).toBe('ok');
    // Orders of October, which this connection (a 30-day backfill) never synced: R2002's PayPal payment is there to be
    // searched for; R2999 has none.
    importOrder(ws, '#R2002', '2026-10-06 10:59:00 +0000', '42.02');
    importOrder(ws, '#R2999', '2026-10-07 09:00:00 +0000', '42.03');

    const report = await syncSource(ws, 'paypal:main', PAYPAL, { trigger: 'test', http: FAST_HTTP });
    expect(report.remediation).toEqual({ calls: 2, escalated: 0 });
    const calls = remediationCalls(ws).sort((a, b) => String(a.payload.order).localeCompare(String(b.payload.order)));
    expect(calls.map((c) => c.reason)).toEqual([
      'PayPal has 7KX0022394L70912 (42.02 USD, status S) for order R2002',
      'PayPal has no transaction for order R2999 in the window searched',
    ]);
    expect(calls[0]?.payload).toMatchObject({
      provider: 'paypal',
      code: 'MISSING_PAYMENT',
      transactions: [{ id: '7KX0022394L70912', event_code: 'T0006' }],
    });
    expect(String(calls[0]?.payload.request)).toMatch(
      /^GET \/v1\/reporting\/transactions\?start_date=2026-10-05T10%3A59%3A00Z&end_date=2026-10-13T10%3A59%3A00Z&/,
    );
    const subjects = ws.db
      .prepare("SELECT code, class FROM exceptions WHERE exception_id IN (SELECT subject_id FROM journal WHERE entry_type = 'exception.remediation')")
      .all();
    expect(subjects).toEqual([
      { code: 'MISSING_PAYMENT', class: 'B' },
      { code: 'MISSING_PAYMENT', class: 'B' },
    ]);
    expect(JSON.stringify(ws.db.prepare('SELECT * FROM journal').all())).not.toContain(PAYPAL.client_secret);
    ws.close();
  });
});

/** A paid order of the store, imported from a Shopify orders export, for a MISSING_PAYMENT to name. */
function importOrder(ws: Workspace, name: string, paidAt: string, total: string): void {
  const file = join(ws.dir, '..', `order-${name.replace('#', '')}.csv`);
  const id = String(5_375_189_000 + Number(name.replace(/\D/g, '')));
  writeFileSync(file, `Name,Id,Financial Status,Paid at,Currency,Total,Created at\n${name},${id},paid,${paidAt},USD,${total},${paidAt}\n`);
  importFiles(ws.db, ws.settings, { source: 'shopify:store', files: [file], actor: 'user:test', format: 'shopify-orders-csv' });
}
