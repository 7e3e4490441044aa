// PayPal Transaction Search answers (GET /v1/reporting/transactions, fields=all) as events, by the rules of the
// activity download (paypalActivityCsv.ts), so a sync and an English download of the same month give the same events:
//   external_id   transaction_info.transaction_id; source_revision = the status as the download writes it
//                 (S Completed, P Pending, D Denied, V Reversed, F Partially Refunded): a pending payment completed
//                 later is a new revision.
//   kind          from the transaction event code (T-code) group, as the download's Type text maps: T00 payments
//                 (money in; money out is an adjustment, as a payment the merchant sent), T01 fees, T02 currency
//                 conversions (linked by paypal_reference_id as conversion_group), T04 withdrawals to the bank
//                 (payouts), T1107 refunds, T1106 and T12 reversals and chargebacks (disputes), T11 holds for a dispute
//                 and their releases, T15 and T21 holds and releases (adjustments), everything else an adjustment.
//   amounts       transaction_amount as PayPal signs it; fee_minor = −fee_amount (PayPal writes fees negative; a
//                 transaction without one has fee 0, as the download's Fee column); net = gross + fee as written.
//   refs          trace_id = paypal_reference_id, order_ref = invoice_id, customer_ref = the counterparty's e-mail
//                 (payer_info), payout_ref = the transaction id of a withdrawal.
//   times         occurred_at = transaction_initiation_date (PayPal writes it in the account's zone with its offset);
//                 local_date = its calendar date as written.
import type { EventDraftInput } from '../../../shared/events/canonicalEvent.ts';
import { normalizeRef } from '../../../shared/events/canonicalEvent.ts';
import { parseAmount } from '../../../shared/money/amountText.ts';
import { isCurrencyCode } from '../../../shared/money/currencies.ts';
import { FormatError, type RecordResult } from '../../import/parserTypes.ts';
import type { PaypalTypeMapping } from '../../import/parsers/paypalActivityCsv.ts';
import type { PageFormat } from '../pages/pageFormat.ts';

type Node = Record<string, unknown>;

const STATUS_WORDS: Record<string, string> = { S: 'Completed', P: 'Pending', D: 'Denied', V: 'Reversed', F: 'Partially Refunded' };

class DetailProblem extends Error {}

const obj = (v: unknown): Node => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Node) : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The kind a T-code stands for; see the module comment. */
export function paypalKindForEventCode(code: string, grossMinor: number): PaypalTypeMapping {
  const group = code.slice(0, 3);
  if (group === 'T00') return grossMinor > 0 ? { kind: 'payment' } : { kind: 'adjustment', sent: true };
  if (group === 'T01') return { kind: 'fee' };
  if (group === 'T02') return { kind: 'adjustment', conversion: true };
  if (group === 'T04') return { kind: 'payout' };
  if (code === 'T1107') return { kind: 'refund' };
  if (code === 'T1108') return { kind: 'fee' };
  if (code === 'T1106' || group === 'T12') return { kind: 'dispute' };
  if (code === 'T1110') return { kind: 'dispute', hold: 'hold' };
  if (code === 'T1111') return { kind: 'dispute', hold: 'release' };
  if (group === 'T15' || group === 'T21') return { kind: 'adjustment', hold: Number(code.slice(3)) % 2 === 1 ? 'hold' : 'release' };
  return { kind: 'adjustment' };
}

function money(v: unknown, what: string): { minor: number; currency: string } | null {
  const m = obj(v);
  if (m.value === undefined) return null;
  const currency = (str(m.currency_code) ?? '').toUpperCase();
  if (!isCurrencyCode(currency)) throw new DetailProblem(`${what}: "${currency}" is not a known currency`);
  const parsed = parseAmount(String(m.value), currency, { decimal: '.', group: '' });
  if (!parsed.ok) throw new DetailProblem(`${what}: ${JSON.stringify(m.value)} is not an amount (${parsed.error})`);
  return { minor: parsed.minor, currency };
}

/** PayPal writes `2024-03-01T10:15:00+0000` (no colon in the offset) or with one; a UTC instant at whole seconds. */
function instant(v: unknown, what: string): string {
  const t = (str(v) ?? '').replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) throw new DetailProblem(`${what}: ${JSON.stringify(v ?? null)} is not a date and time`);
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function detailDraft(detail: Node): EventDraftInput {
  const ti = obj(detail.transaction_info);
  const id = str(ti.transaction_id);
  if (id === null) throw new DetailProblem('a transaction without its transaction_id');
  const gross = money(ti.transaction_amount, `${id} transaction_amount`);
  if (gross === null) throw new DetailProblem(`${id}: no transaction_amount`);
  const fee = money(ti.fee_amount, `${id} fee_amount`);
  const code = str(ti.transaction_event_code) ?? '';
  const mapping = paypalKindForEventCode(code, gross.minor);
  const status = STATUS_WORDS[str(ti.transaction_status) ?? ''] ?? str(ti.transaction_status) ?? '';
  const initiated = str(ti.transaction_initiation_date);
  const occurredAt = instant(initiated, `${id} transaction_initiation_date`);
  const email = str(obj(detail.payer_info).email_address);
  const reference = str(ti.paypal_reference_id);
  const attrs: Record<string, string | number | boolean | null> = { event_code: code };
  if (str(ti.transaction_subject) !== null) attrs.subject = str(ti.transaction_subject);
  if (str(ti.transaction_note) !== null) attrs.note = str(ti.transaction_note);
  if (str(ti.custom_field) !== null) attrs.custom_field = str(ti.custom_field);
  if (str(ti.paypal_reference_id_type) !== null) attrs.reference_type = str(ti.paypal_reference_id_type);
  const ending = money(ti.ending_balance, `${id} ending_balance`);
  if (ending !== null) attrs.balance = ending.minor;
  const name = obj(obj(detail.payer_info).payer_name);
  const fullName = str(name.alternate_full_name) ?? ([str(name.given_name), str(name.surname)].filter((p) => p !== null).join(' ') || null);
  if (fullName !== null) attrs.name = fullName;
  if (mapping.hold !== undefined) attrs.hold = mapping.hold;
  if (mapping.sent === true) attrs.payment_direction = 'sent';
  if (mapping.conversion === true && reference !== null) attrs.conversion_group = reference;
  const feeMinor = fee === null || fee.minor === 0 ? 0 : -fee.minor;
  return {
    kind: mapping.kind,
    external_id: id,
    source_revision: status,
    order_ref: normalizeRef(str(ti.invoice_id)),
    customer_ref: normalizeRef(email?.toLowerCase()),
    payout_ref: mapping.kind === 'payout' ? normalizeRef(id) : null,
    trace_id: normalizeRef(reference),
    amount_minor: gross.minor,
    currency: gross.currency,
    fee_minor: feeMinor,
    net_minor: gross.minor - feeMinor,
    state: status === '' ? null : status,
    channel: null,
    occurred_at: occurredAt,
    local_date: initiated === null ? null : initiated.slice(0, 10),
    attributes: attrs,
  };
}

export const paypalReportingPageFormat: PageFormat = {
  format: 'paypal-reporting-page',
  version: 1,
  kinds: ['payment', 'refund', 'fee', 'payout', 'dispute', 'adjustment'],
  *map(text: string): Iterable<RecordResult> {
    let root: Node;
    try {
      root = obj(JSON.parse(text));
    } catch (err) {
      throw new FormatError(`not a Transaction Search answer: ${(err as Error).message}`);
    }
    const details = Array.isArray(root.transaction_details) ? (root.transaction_details as Node[]) : [];
    for (const detail of details) {
      try {
        yield { ok: true, events: [detailDraft(obj(detail))], lineStart: 1, lineEnd: 1 };
      } catch (err) {
        if (!(err instanceof DetailProblem)) throw err;
        yield { ok: false, position: { line: 1, column: 1 }, message: err.message, raw: JSON.stringify(detail).slice(0, 2000), lineEnd: 1 };
      }
    }
  },
};
