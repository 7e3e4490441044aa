// Class B remediation by the Stripe API (DESIGN §6, issue 14): for an open class B exception the connected Stripe
// source can speak to, ask Stripe and journal the call and its answer on the exception (through the exceptions store):
// MISSING_PAYMENT → search the charges for the order's payment; PAYOUT_NOT_IN_BANK → the payout's status and arrival
// date, a failed or canceled payout escalated to class C with Stripe's reason; REFUND_UNMATCHED → the refund's status.
// Still open when the window ends, the engine escalates it to class C as for any class B exception.
import type { Workspace } from '../../workspace/workspace.ts';
import { JournalWriter } from '../../ledger/journal.ts';
import { ExceptionStore, type StoreContext } from '../../exceptions/exceptionStore.ts';
import type { ApiHttp } from '../http/apiHttp.ts';
import type { ConnectorConfig, Credentials } from '../connectorTypes.ts';
import { ConnectorError } from '../connectorTypes.ts';
import { ConnectorHttpError } from '../http/apiHttp.ts';
import { stripeGet } from '../stripe/stripeApi.ts';

export const REMEDIATION_ACTOR = 'system:remediation';

interface Candidate {
  exception_id: string;
  code: string;
  due_at: string | null;
  policy_gated: number;
  kind: string;
  external_id: string;
  order_ref: string | null;
  source_id: string | null;
}

export interface RemediationReport {
  calls: number;
  escalated: number;
}

type Obj = Record<string, unknown>;
const text = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : JSON.stringify(v));
const day = (unix: unknown): string | null => (typeof unix === 'number' ? new Date(unix * 1000).toISOString().slice(0, 10) : null);

/** The open class B exceptions this Stripe source can remediate, each not asked about within the cadence. */
function candidates(ws: Workspace, source: string, sinceIso: string): Candidate[] {
  return ws.db
    .prepare(
      `SELECT x.exception_id, x.code, x.due_at, x.policy_gated, e.kind, e.external_id, e.order_ref, json_extract(e.attributes, '$.source_id') AS source_id
       FROM exceptions x JOIN exception_members xm ON xm.exception_seq = x.seq JOIN events e ON e.seq = xm.event_seq
       WHERE x.ended_at IS NULL AND x.class = 'B' AND x.state IN ('open', 'in_remediation')
         AND ((x.code = 'PAYOUT_NOT_IN_BANK' AND e.kind = 'payout' AND e.source = @source)
           OR (x.code = 'REFUND_UNMATCHED' AND e.kind = 'refund' AND e.source = @source)
           OR (x.code = 'MISSING_PAYMENT' AND e.kind = 'order'))
         AND NOT EXISTS (SELECT 1 FROM journal j WHERE j.subject_id = x.exception_id AND j.entry_type = 'exception.remediation' AND j.created_at >= @since)
       GROUP BY x.exception_id ORDER BY x.exception_id`,
    )
    .all({ source, since: sinceIso }) as Candidate[];
}

/** Asks Stripe about each candidate; a call that fails is journaled as such and never fails the sync. */
export async function remediateWithStripe(
  ws: Workspace,
  source: string,
  config: ConnectorConfig,
  credentials: Credentials,
  http: ApiHttp,
): Promise<RemediationReport> {
  const report: RemediationReport = { calls: 0, escalated: 0 };
  const since = new Date(Date.now() - config.cadenceHours * 3_600_000).toISOString();
  for (const c of candidates(ws, source, since)) {
    const asked = request(c);
    if (asked === null) continue;
    let answer: Obj | null = null;
    let failure: string | null = null;
    try {
      answer = (await stripeGet(http, config.baseUrl, credentials, asked.path, asked.query)).json;
    } catch (err) {
      if (!(err instanceof ConnectorError) && !(err instanceof ConnectorHttpError)) throw err;
      failure = err.message;
    }
    report.calls++;
    const ctx: StoreContext = { actor: REMEDIATION_ACTOR, now: new Date().toISOString(), runId: null };
    ws.db.transaction(() => {
      const store = new ExceptionStore(ws.db, new JournalWriter(ws.db));
      const said = failure === null ? outcome(c, answer as Obj) : { words: `Stripe could not be asked: ${failure}`, facts: {}, failedReason: null };
      store.remediationCall(
        c.exception_id,
        { provider: 'stripe', request: asked.label, outcome: said.words, facts: { source, code: c.code, ...said.facts } },
        ctx,
      );
      if (said.failedReason !== null) {
        store.escalate(c.exception_id, c.due_at, ctx, c.policy_gated === 1, said.failedReason);
        report.escalated++;
      }
    })();
  }
  return report;
}

function request(c: Candidate): { path: string; query: Array<[string, string]>; label: string } | null {
  if (c.code === 'PAYOUT_NOT_IN_BANK') {
    const id = [c.source_id, c.external_id].find((v) => v?.startsWith('po_') === true);
    return id === undefined ? null : { path: `/v1/payouts/${id}`, query: [], label: `GET /v1/payouts/${id}` };
  }
  if (c.code === 'REFUND_UNMATCHED') {
    const id = [c.source_id, c.external_id].find((v) => v?.startsWith('re_') === true);
    return id === undefined ? null : { path: `/v1/refunds/${id}`, query: [], label: `GET /v1/refunds/${id}` };
  }
  const order = c.order_ref ?? c.external_id;
  const q = `metadata['order_id']:'${order.replace(/'/g, '')}'`;
  return { path: '/v1/charges/search', query: [['query', q]], label: `GET /v1/charges/search?query=${q}` };
}

function outcome(c: Candidate, a: Obj): { words: string; facts: Record<string, unknown>; failedReason: string | null } {
  if (c.code === 'PAYOUT_NOT_IN_BANK') {
    const status = text(a.status);
    const facts = {
      payout_id: a.id,
      status,
      arrival_date: day(a.arrival_date),
      failure_code: a.failure_code ?? null,
      failure_message: a.failure_message ?? null,
    };
    if (status === 'failed' || status === 'canceled') {
      const why = `Stripe says payout ${text(a.id)} ${status}${a.failure_code ? ` (${text(a.failure_code)})` : ''}${a.failure_message ? `: ${text(a.failure_message)}` : ''}`;
      return { words: why, facts, failedReason: why };
    }
    return {
      words: `Stripe says payout ${text(a.id)} is ${status}, arriving ${facts.arrival_date ?? 'on a date it does not give'}`,
      facts,
      failedReason: null,
    };
  }
  if (c.code === 'REFUND_UNMATCHED') {
    return {
      words: `Stripe says refund ${text(a.id)} is ${text(a.status)} (charge ${text(a.charge)})`,
      facts: { refund_id: a.id, status: a.status, charge: a.charge ?? null },
      failedReason: null,
    };
  }
  const found = Array.isArray(a.data) ? (a.data as Obj[]) : [];
  const order = c.order_ref ?? c.external_id;
  if (found.length === 0) return { words: `Stripe has no charge for order ${order}`, facts: { order, charges: [] }, failedReason: null };
  const charges = found.map((ch) => ({ id: ch.id, status: ch.status, amount_minor: ch.amount, currency: ch.currency }));
  return {
    words: `Stripe has ${charges.map((ch) => `${text(ch.id)} (${text(ch.status)})`).join(', ')} for order ${order}`,
    facts: { order, charges },
    failedReason: null,
  };
}
