// Class B remediation by PayPal's Transaction Search (DESIGN §6, issue 14), as stripeRemediation.ts does it for Stripe:
// for an open class B MISSING_PAYMENT, search the transactions around the order's time (a window within PayPal's 31
// days) for one whose invoice id or custom field names the order, and journal the call and what PayPal has on the
// exception, through the exceptions store. Transaction Search cannot filter by invoice id: the window's first page
// (500 transactions) is read and filtered here. Still open when the window ends, the engine escalates it to class C.
import type { Workspace } from '../../workspace/workspace.ts';
import { JournalWriter } from '../../ledger/journal.ts';
import { ExceptionStore, type StoreContext } from '../../exceptions/exceptionStore.ts';
import type { ApiHttp } from '../http/apiHttp.ts';
import type { ConnectorConfig, Credentials, StepContext } from '../connectorTypes.ts';
import { ConnectorError } from '../connectorTypes.ts';
import { ConnectorHttpError } from '../http/apiHttp.ts';
import { paypalErrorText, paypalGet } from '../paypal/paypalApi.ts';
import { REMEDIATION_ACTOR, type RemediationReport } from './stripeRemediation.ts';

type Obj = Record<string, unknown>;
interface Candidate {
  exception_id: string;
  order: string;
  occurred_at: string;
}

const DAY_MS = 86_400_000;
/** Searched from a day before the order to a week after it: a payment is taken at checkout, captured within days. */
const BEFORE_MS = DAY_MS;
const AFTER_MS = 7 * DAY_MS;
const isoSeconds = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
/** `#1001` and `1001` name the same order (stores write the invoice id either way). */
const bare = (ref: string): string => ref.trim().replace(/^#/, '');

/** Open class B MISSING_PAYMENTs on any order, each not asked about within the cadence. */
function candidates(ws: Workspace, sinceIso: string): Candidate[] {
  return ws.db
    .prepare(
      `SELECT x.exception_id, coalesce(e.order_ref, e.external_id) AS "order", e.occurred_at
       FROM exceptions x JOIN exception_members xm ON xm.exception_seq = x.seq JOIN events e ON e.seq = xm.event_seq
       WHERE x.ended_at IS NULL AND x.class = 'B' AND x.state IN ('open', 'in_remediation') AND x.code = 'MISSING_PAYMENT' AND e.kind = 'order'
         AND NOT EXISTS (SELECT 1 FROM journal j WHERE j.subject_id = x.exception_id AND j.entry_type = 'exception.remediation' AND j.created_at >= @since)
       GROUP BY x.exception_id ORDER BY x.exception_id`,
    )
    .all({ since: sinceIso }) as Candidate[];
}

/** Searches PayPal for each candidate's payment; a call that fails is journaled as such and never fails the sync. */
export async function remediateWithPaypal(
  ws: Workspace,
  source: string,
  config: ConnectorConfig,
  credentials: Credentials,
  http: ApiHttp,
): Promise<RemediationReport> {
  const report: RemediationReport = { calls: 0, escalated: 0 };
  const since = new Date(Date.now() - config.cadenceHours * 3_600_000).toISOString();
  const ctx: StepContext = { http, config, credentials, source, db: ws.db, now: () => http.serverNow(), syncId: 'remediation' };
  for (const c of candidates(ws, since)) {
    const at = Date.parse(c.occurred_at);
    const query = {
      start_date: isoSeconds(at - BEFORE_MS),
      end_date: isoSeconds(Math.min(at + AFTER_MS, ctx.now())),
      fields: 'transaction_info',
      page_size: 500,
      page: 1,
    };
    let label = `GET /v1/reporting/transactions (${query.start_date} to ${query.end_date})`;
    let said: { words: string; facts: Record<string, unknown> };
    try {
      const answer = await paypalGet(ctx, '/v1/reporting/transactions', query);
      label = answer.label;
      said =
        answer.response.status === 200 && answer.json !== null
          ? outcome(c.order, answer.json)
          : { words: `PayPal could not be searched: ${paypalErrorText(answer)}`, facts: {} };
    } catch (err) {
      if (!(err instanceof ConnectorError) && !(err instanceof ConnectorHttpError)) throw err;
      said = { words: `PayPal could not be asked: ${err.message}`, facts: {} };
    }
    report.calls++;
    const sc: StoreContext = { actor: REMEDIATION_ACTOR, now: new Date().toISOString(), runId: null };
    ws.db.transaction(() => {
      new ExceptionStore(ws.db, new JournalWriter(ws.db)).remediationCall(
        c.exception_id,
        { provider: 'paypal', request: label, outcome: said.words, facts: { source, code: 'MISSING_PAYMENT', ...said.facts } },
        sc,
      );
    })();
  }
  return report;
}

/** The transactions of the window whose invoice id or custom field names the order. */
function outcome(order: string, json: Obj): { words: string; facts: Record<string, unknown> } {
  const details = Array.isArray(json.transaction_details) ? (json.transaction_details as Obj[]) : [];
  const found = details
    .map((d) => (d.transaction_info ?? {}) as Obj)
    .filter((t) => [t.invoice_id, t.custom_field].some((v) => typeof v === 'string' && bare(v) === bare(order)))
    .map((t) => {
      const amount = (t.transaction_amount ?? {}) as Obj;
      return {
        id: t.transaction_id,
        event_code: t.transaction_event_code,
        status: t.transaction_status,
        value: String(amount.value ?? ''),
        currency: String(amount.currency_code ?? ''),
        initiated: t.transaction_initiation_date ?? null,
      };
    });
  const searched = { order, searched: details.length, total_pages: json.total_pages ?? null };
  if (found.length === 0)
    return { words: `PayPal has no transaction for order ${order} in the window searched`, facts: { ...searched, transactions: [] } };
  return {
    words: `PayPal has ${found.map((t) => `${String(t.id)} (${t.value} ${t.currency}, status ${String(t.status)})`).join(', ')} for order ${order}`,
    facts: { ...searched, transactions: found },
  };
}
