// Class B remediation by the Shopify Admin API (DESIGN §6, issue 14), as stripeRemediation.ts does it for Stripe: for an
// open class B MISSING_PAYMENT on an order this Shopify source delivered, read the order's transactions and journal the
// call and what Shopify records (a successful sale or capture, or none) on the exception, through the exceptions store.
// Still open when the window ends, the engine escalates it to class C as for any class B exception.
import type { Workspace } from '../../workspace/workspace.ts';
import { JournalWriter } from '../../ledger/journal.ts';
import { ExceptionStore, type StoreContext } from '../../exceptions/exceptionStore.ts';
import type { ApiHttp } from '../http/apiHttp.ts';
import type { ConnectorConfig, Credentials, StepContext } from '../connectorTypes.ts';
import { ConnectorError } from '../connectorTypes.ts';
import { ConnectorHttpError } from '../http/apiHttp.ts';
import { shopifyGraphql } from '../shopify/shopifyApi.ts';
import { ORDER_PAYMENTS_QUERY } from '../shopify/shopifyQueries.ts';
import { REMEDIATION_ACTOR, type RemediationReport } from './stripeRemediation.ts';

type Obj = Record<string, unknown>;
interface Candidate {
  exception_id: string;
  order: string;
}

/** Open class B MISSING_PAYMENTs on this source's orders, each not asked about within the cadence. */
function candidates(ws: Workspace, source: string, sinceIso: string): Candidate[] {
  return ws.db
    .prepare(
      `SELECT x.exception_id, coalesce(e.order_ref, e.external_id) AS "order"
       FROM exceptions x JOIN exception_members xm ON xm.exception_seq = x.seq JOIN events e ON e.seq = xm.event_seq
       WHERE x.ended_at IS NULL AND x.class = 'B' AND x.state IN ('open', 'in_remediation') AND x.code = 'MISSING_PAYMENT'
         AND e.kind = 'order' AND e.source = @source
         AND NOT EXISTS (SELECT 1 FROM journal j WHERE j.subject_id = x.exception_id AND j.entry_type = 'exception.remediation' AND j.created_at >= @since)
       GROUP BY x.exception_id ORDER BY x.exception_id`,
    )
    .all({ source, since: sinceIso }) as Candidate[];
}

/** Asks Shopify about each candidate's order; a call that fails is journaled as such and never fails the sync. */
export async function remediateWithShopify(
  ws: Workspace,
  source: string,
  config: ConnectorConfig,
  credentials: Credentials,
  http: ApiHttp,
): Promise<RemediationReport> {
  const report: RemediationReport = { calls: 0, escalated: 0 };
  const since = new Date(Date.now() - config.cadenceHours * 3_600_000).toISOString();
  const ctx: StepContext = { http, config, credentials, source, db: ws.db, now: () => http.serverNow(), syncId: 'remediation' };
  for (const c of candidates(ws, source, since)) {
    const search = `name:'${c.order.replace(/'/g, '')}'`;
    let words: string;
    let facts: Record<string, unknown> = {};
    try {
      const answer = await shopifyGraphql(ctx, 'OrderPayments', ORDER_PAYMENTS_QUERY, { query: search });
      ({ words, facts } = outcome(c.order, answer.data));
    } catch (err) {
      if (!(err instanceof ConnectorError) && !(err instanceof ConnectorHttpError)) throw err;
      words = `Shopify could not be asked: ${err.message}`;
    }
    report.calls++;
    const at: StoreContext = { actor: REMEDIATION_ACTOR, now: new Date().toISOString(), runId: null };
    ws.db.transaction(() => {
      new ExceptionStore(ws.db, new JournalWriter(ws.db)).remediationCall(
        c.exception_id,
        {
          provider: 'shopify',
          request: `POST graphql OrderPayments ${search}`,
          outcome: words,
          facts: { source, code: 'MISSING_PAYMENT', ...facts },
        },
        at,
      );
    })();
  }
  return report;
}

const money = (v: unknown): { amount: string; currency: string } => {
  const m = ((v as Obj | null)?.shopMoney ?? {}) as Obj;
  return { amount: String(m.amount ?? ''), currency: String(m.currencyCode ?? '') };
};

/** What Shopify records for the order: its sale/capture transactions and their status. */
function outcome(order: string, data: Obj): { words: string; facts: Record<string, unknown> } {
  // A name search may also match other orders (a prefix): only the order itself counts.
  const bare = (v: unknown): string => String(v ?? '').replace(/^#/, '');
  const nodes = (((data.orders as Obj | null)?.nodes ?? []) as Obj[]).filter((o) => bare(o.name) === bare(order));
  if (nodes.length === 0) return { words: `Shopify has no order ${order}`, facts: { order, transactions: [] } };
  const transactions = nodes.flatMap((o) =>
    ((o.transactions ?? []) as Obj[]).map((t) => ({
      id: t.id,
      kind: t.kind,
      status: t.status,
      gateway: t.gateway,
      payment_id: t.paymentId ?? null,
      processed_at: t.processedAt ?? null,
      ...money(t.amountSet),
    })),
  );
  const paid = transactions.filter((t) => (t.kind === 'SALE' || t.kind === 'CAPTURE') && t.status === 'SUCCESS');
  const status = String(nodes[0]?.displayFinancialStatus ?? '').toLowerCase();
  const words =
    paid.length === 0
      ? `Shopify records no successful payment for order ${order} (financial status ${status || 'unknown'})`
      : `Shopify records ${paid.map((t) => `${String(t.kind).toLowerCase()} ${t.amount} ${t.currency} by ${String(t.gateway)} (payment ${String(t.payment_id ?? '-')})`).join(', ')} for order ${order}`;
  return { words, facts: { order, financial_status: status, transactions } };
}
