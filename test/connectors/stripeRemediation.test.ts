import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { importFiles } from '../../src/main/import/importFiles.ts';
import { makeTempDir } from '../support/tempDir.ts';
import { syncSource } from '../../src/main/connectors/syncRunner.ts';
import { remediateWithStripe } from '../../src/main/connectors/remediation/stripeRemediation.ts';
import { readConnector } from '../../src/main/connectors/connectorStore.ts';
import { ApiHttp } from '../../src/main/connectors/http/apiHttp.ts';
import type { Workspace } from '../../src/main/workspace/workspace.ts';
import { FakeStripe, stripeDataFromRows } from './support/fakeStripe.ts';
import { connectedWorkspace, FAST_HTTP } from './support/connectorWorkspace.ts';
import { openClassB } from './support/classBException.ts';
import { stripeMonthRows } from './support/stripeMonth.ts';

const KEY = 'sk_test_51NremediationKey00000003';

describe('class B remediation by the Stripe API', () => {
  const dir = makeTempDir('tieout-remediation-');
  const stripe = new FakeStripe(stripeDataFromRows(stripeMonthRows(40, 9)), KEY);
  let url = '';
  beforeAll(async () => {
    url = await stripe.start();
  });
  afterAll(() => stripe.close());

  it("asks Stripe about a payout not in the bank and a missing payment, journals each call on its exception, and escalates a failed payout with Stripe's reason", async () => {
    const ws = await connectedWorkspace(join(dir, 'books'), { source: 'stripe:main', baseUrl: url, backfillDays: 120 }, { api_key: KEY });
    expect((await syncSource(ws, 'stripe:main', { api_key: KEY }, { trigger: 'test', http: FAST_HTTP, remediate: false })).state).toBe('ok');
    const payouts = ws.db
      .prepare("SELECT seq, json_extract(attributes, '$.source_id') AS po FROM events WHERE kind = 'payout' ORDER BY seq LIMIT 2")
      .all() as Array<{ seq: number; po: string }>;
    const [failed, paid] = payouts as [{ seq: number; po: string }, { seq: number; po: string }];
    const failedPayout = stripe.data.payouts.find((p) => p.id === failed.po) as Record<string, unknown>;
    Object.assign(failedPayout, { status: 'failed', failure_code: 'account_closed', failure_message: 'The bank account has been closed.' });
    openClassB(ws, 'x_failedpayout', 'PAYOUT_NOT_IN_BANK', failed.seq);
    openClassB(ws, 'x_paidpayout', 'PAYOUT_NOT_IN_BANK', paid.seq);
    // An order whose payment is missing here: Stripe has a charge for it.
    const charge = stripe.data.charges.find((c) => (c.metadata as Record<string, unknown>).order_id !== undefined) as Record<string, unknown>;
    const orderId = (charge.metadata as Record<string, string>).order_id as string;
    const orderSeq = importOrder(ws, orderId);
    openClassB(ws, 'x_missingpayment', 'MISSING_PAYMENT', orderSeq);

    const connector = readConnector(ws.db, 'stripe:main');
    const http = new ApiHttp({ ...FAST_HTTP, secrets: [KEY] });
    const report = await remediateWithStripe(ws, 'stripe:main', connector?.config as never, { api_key: KEY }, http);
    expect(report).toEqual({ calls: 3, escalated: 1 });
    const calls = ws.db
      .prepare("SELECT subject_id, reason, payload FROM journal WHERE entry_type = 'exception.remediation' ORDER BY subject_id")
      .all() as Array<{ subject_id: string; reason: string; payload: string }>;
    expect(calls.map((c) => c.subject_id)).toEqual(['x_failedpayout', 'x_missingpayment', 'x_paidpayout']);
    expect(calls[0]?.reason).toBe(`Stripe says payout ${failed.po} failed (account_closed): The bank account has been closed.`);
    expect(JSON.parse(calls[0]?.payload as string)).toMatchObject({
      provider: 'stripe',
      request: `GET /v1/payouts/${failed.po}`,
      status: 'failed',
      failure_code: 'account_closed',
    });
    expect(calls[1]?.reason).toBe(`Stripe has ${String(charge.id)} (succeeded) for order ${orderId}`);
    expect(calls[2]?.reason).toMatch(new RegExp(`^Stripe says payout ${paid.po} is paid, arriving \\d{4}-\\d\\d-\\d\\d$`));
    const cls = ws.db
      .prepare(
        "SELECT exception_id, class, state FROM exceptions WHERE exception_id IN ('x_failedpayout', 'x_missingpayment', 'x_paidpayout') ORDER BY exception_id",
      )
      .all();
    expect(cls).toEqual([
      { exception_id: 'x_failedpayout', class: 'C', state: 'open' },
      { exception_id: 'x_missingpayment', class: 'B', state: 'in_remediation' },
      { exception_id: 'x_paidpayout', class: 'B', state: 'in_remediation' },
    ]);
    const escalated = ws.db.prepare("SELECT reason FROM journal WHERE entry_type = 'exception.escalated'").pluck().all();
    expect(escalated).toEqual([`Stripe says payout ${failed.po} failed (account_closed): The bank account has been closed.`]);
    expect(JSON.stringify(ws.db.prepare('SELECT * FROM journal').all())).not.toContain(KEY);

    // Asked once per cadence: a second pass within the hour calls nothing.
    expect(await remediateWithStripe(ws, 'stripe:main', connector?.config as never, { api_key: KEY }, http)).toEqual({ calls: 0, escalated: 0 });

    // A later run derives the same findings again (class B, in remediation, the same amounts): the failed payout's
    // escalation is a fact Stripe stated, so it stays class C and nothing is journaled; the others are unchanged.
    const journaled = (): number => ws.db.prepare('SELECT count(*) FROM journal').pluck().get() as number;
    const before = journaled();
    openClassB(ws, 'x_failedpayout', 'PAYOUT_NOT_IN_BANK', failed.seq);
    openClassB(ws, 'x_paidpayout', 'PAYOUT_NOT_IN_BANK', paid.seq);
    const classOf = (id: string): unknown => ws.db.prepare("SELECT class || ' ' || state FROM exceptions WHERE exception_id = ?").pluck().get(id);
    expect(classOf('x_failedpayout')).toBe('C open');
    expect(classOf('x_paidpayout')).toBe('B in_remediation');
    expect(journaled()).toBe(before);
    // Another amount at stake is another finding: it is derived again as usual.
    openClassB(ws, 'x_failedpayout', 'PAYOUT_NOT_IN_BANK', failed.seq, -2000);
    expect(classOf('x_failedpayout')).toBe('B in_remediation');
    ws.close();
  });
});

/** A paid order of the store, imported from a Shopify orders export, for a MISSING_PAYMENT to name. */
function importOrder(ws: Workspace, orderId: string): number {
  const file = join(ws.dir, '..', 'orders.csv');
  writeFileSync(
    file,
    `Name,Id,Financial Status,Paid at,Currency,Total,Created at\n#${orderId},${orderId},paid,2026-10-05 10:00:00 +0000,USD,10.00,2026-10-05 10:00:00 +0000\n`,
  );
  importFiles(ws.db, ws.settings, { source: 'shopify:store', files: [file], actor: 'user:test', format: 'shopify-orders-csv' });
  return ws.db.prepare("SELECT seq FROM events WHERE source = 'shopify:store' AND kind = 'order'").pluck().get() as number;
}
