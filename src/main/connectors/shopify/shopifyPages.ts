// Shopify Admin GraphQL answers (and a bulk operation's JSONL) as events, by the rules of the Shopify exports, so a
// sync and the exports of the same month give the same events:
//   orders                an order event as shopify-orders-csv makes it: external_id = the numeric order id
//                         (legacyResourceId), order_ref = the name, the same revision hash (financial status, total,
//                         refunded, outstanding, cancelled at), occurred_at = when it was paid (its first successful
//                         sale or capture) else created, trace_id = that transaction's payment id; and, for a fulfilled
//                         or partly fulfilled order, its fulfillment event with the same revision rule. Transactions and
//                         refunds are read for the order's figures, not as events of their own: a Shopify Payments
//                         order's money is its balance transaction (below), another gateway's is that processor's feed.
//   balance_transactions  Shopify Payments balance transactions as shopify-payments-csv makes them (the export has no
//                         id: `type order time amount`), under the `shopify-payments:NAME` source; payout_ref and the
//                         revision = the payout's numeric id once the transaction is in one.
//   payouts               a Shopify Payments payout: external_id = payout_ref = its numeric id, amount = −net for a
//                         deposit to the bank (+net for a withdrawal), revision = its status (scheduled, in_transit,
//                         paid, failed, canceled: a failed payout is a new revision the remediation reads).
//   control               an answer that moves the cursor but carries no record (a bulk operation started).
import type { EventDraftInput, EventKind } from '../../../shared/events/canonicalEvent.ts';
import { normalizeRef } from '../../../shared/events/canonicalEvent.ts';
import { parseAmount } from '../../../shared/money/amountText.ts';
import { isCurrencyCode } from '../../../shared/money/currencies.ts';
import { FormatError, type RecordResult } from '../../import/parserTypes.ts';
import { marketingKeys, shopifyFulfillmentRevision, shopifyOrderRevision } from '../../import/parsers/shopifyOrdersCsv.ts';
import { shopifyPaymentsContentKey, shopifyPaymentsKind } from '../../import/parsers/shopifyPaymentsCsv.ts';
import { ContentIds } from '../../import/parsers/csvCells.ts';
import type { PageContext, PageFormat } from '../pages/pageFormat.ts';

type Node = Record<string, unknown>;
type Attrs = Record<string, string | number | boolean | null>;

class NodeProblem extends Error {}

const obj = (v: unknown): Node => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Node) : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const list = (v: unknown): Node[] =>
  Array.isArray(v)
    ? (v as Node[])
    : Array.isArray(obj(v).nodes)
      ? (obj(v).nodes as Node[])
      : Array.isArray(obj(v).edges)
        ? (obj(v).edges as Node[]).map((e) => obj(e.node))
        : [];

/** ISO 8601 with an offset → a UTC instant at whole seconds, as the exports' times are. */
function instant(v: unknown, what: string): string {
  const t = str(v);
  const ms = t === null ? Number.NaN : Date.parse(t);
  if (Number.isNaN(ms)) throw new NodeProblem(`${what}: ${JSON.stringify(v ?? null)} is not a date and time`);
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** A MoneyV2 (or a set's shopMoney) in minor units of its own currency. */
function money(v: unknown, what: string): { minor: number; currency: string } {
  const m = obj(v);
  const currency = str(m.currencyCode)?.toUpperCase() ?? '';
  if (!isCurrencyCode(currency)) throw new NodeProblem(`${what}: "${currency}" is not a known currency`);
  const parsed = parseAmount(String(m.amount ?? ''), currency, { decimal: '.', group: '' });
  if (!parsed.ok) throw new NodeProblem(`${what}: ${JSON.stringify(m.amount ?? null)} is not an amount (${parsed.error})`);
  return { minor: parsed.minor, currency };
}

const shop = (set: unknown, what: string) => money(obj(set).shopMoney, what);

/** The numeric id at the end of a global id (`gid://shopify/Order/5375189`), as the exports write ids. */
export function numericId(gid: unknown): string | null {
  const m = /\/(\d+)$/.exec(str(gid) ?? '');
  return m === null ? str(gid) : (m[1] as string);
}

/** The order's first successful sale or capture: when it was paid, and its payment id. */
function paidBy(order: Node): Node | null {
  const paid = list(order.transactions).filter((t) => (t.kind === 'SALE' || t.kind === 'CAPTURE') && t.status === 'SUCCESS');
  paid.sort((a, b) => (String(a.processedAt) < String(b.processedAt) ? -1 : 1));
  return paid[0] ?? null;
}

function orderDrafts(order: Node, lineItems: Node[]): EventDraftInput[] {
  const name = str(order.name);
  const id = numericId(order.id) ?? str(order.legacyResourceId);
  if (name === null || id === null) throw new NodeProblem('an order without its id or name');
  const total = shop(order.totalPriceSet, `order ${name} totalPriceSet`);
  const refunded =
    order.totalRefundedSet === undefined || order.totalRefundedSet === null
      ? null
      : shop(order.totalRefundedSet, `order ${name} totalRefundedSet`).minor;
  const outstanding =
    order.totalOutstandingSet === undefined || order.totalOutstandingSet === null
      ? null
      : shop(order.totalOutstandingSet, `order ${name} totalOutstandingSet`).minor;
  const state = (str(order.displayFinancialStatus) ?? '').toLowerCase();
  const createdAt = instant(order.createdAt, `order ${name} createdAt`);
  const cancelledAt = str(order.cancelledAt) === null ? null : instant(order.cancelledAt, `order ${name} cancelledAt`);
  const payment = paidBy(order);
  const paidAt = payment === null ? null : instant(payment.processedAt, `order ${name} transaction processedAt`);
  const attrs: Attrs = { created_at: createdAt, order_id: str(order.legacyResourceId) ?? id };
  if (paidAt !== null) attrs.paid_at = paidAt;
  if (cancelledAt !== null) attrs.cancelled_at = cancelledAt;
  if (refunded !== null) attrs.refunded_minor = refunded;
  if (outstanding !== null) attrs.outstanding_balance_minor = outstanding;
  for (const [field, key] of [
    ['subtotalPriceSet', 'subtotal_minor'],
    ['totalShippingPriceSet', 'shipping_minor'],
    ['totalTaxSet', 'taxes_minor'],
    ['totalDiscountsSet', 'discount_minor'],
  ] as const) {
    if (order[field] !== undefined && order[field] !== null) attrs[key] = shop(order[field], `order ${name} ${field}`).minor;
  }
  const gateways = Array.isArray(order.paymentGatewayNames) ? (order.paymentGatewayNames as unknown[]).filter((g) => typeof g === 'string') : [];
  if (gateways.length > 0) attrs.payment_method = gateways.join(' + ');
  if (payment !== null && str(payment.paymentId) !== null) attrs.payment_id = str(payment.paymentId);
  const fulfillment = (str(order.displayFulfillmentStatus) ?? '').toLowerCase();
  if (fulfillment !== '') attrs.fulfillment_status = fulfillment;
  if (str(order.sourceName) !== null) attrs.source = str(order.sourceName);
  if (order.test === true) attrs.test = true;
  const notes = list(order.customAttributes)
    .map((a) => `${String(a.key)}: ${String(a.value ?? '')}`)
    .join('\n');
  if (notes !== '') {
    attrs.note_attributes = notes;
    Object.assign(attrs, marketingKeys(notes));
  }
  const quantity = lineItems.reduce((n, l) => n + (typeof l.quantity === 'number' ? l.quantity : 0), 0);
  attrs.line_items = lineItems.length;
  attrs.items_quantity = quantity;
  const email = str(order.email);
  const event: EventDraftInput = {
    kind: 'order',
    external_id: id,
    source_revision: shopifyOrderRevision({
      financialStatus: state,
      totalMinor: total.minor,
      refundedMinor: refunded,
      outstandingMinor: outstanding,
      cancelledAt,
    }),
    order_ref: name,
    customer_ref: email === null ? null : email.toLowerCase(),
    payout_ref: null,
    trace_id: payment === null ? null : str(payment.paymentId),
    amount_minor: total.minor,
    currency: total.currency,
    fee_minor: null,
    net_minor: null,
    state,
    channel: str(order.sourceName),
    occurred_at: paidAt ?? createdAt,
    local_date: null,
    attributes: attrs,
  };
  const fulfilled = fulfillmentDraft(order, event, lineItems, fulfillment);
  return fulfilled === null ? [event] : [event, fulfilled];
}

/** As shopify-orders-csv: a fulfilled or partly fulfilled order with a fulfillment time is also a fulfillment event. */
function fulfillmentDraft(order: Node, event: EventDraftInput, lineItems: Node[], display: string): EventDraftInput | null {
  const status = display === 'fulfilled' ? 'fulfilled' : display === 'partially_fulfilled' ? 'partial' : null;
  const times = list(order.fulfillments)
    .map((f) => str(f.createdAt))
    .filter((t): t is string => t !== null)
    .sort();
  if (status === null || times.length === 0) return null;
  const fulfilledAt = instant(times[times.length - 1], `order ${event.order_ref ?? ''} fulfillment createdAt`);
  const fulfilledQuantity = lineItems.reduce(
    (n, l) => n + (typeof l.unfulfilledQuantity === 'number' && l.unfulfilledQuantity === 0 && typeof l.quantity === 'number' ? l.quantity : 0),
    0,
  );
  return {
    kind: 'fulfillment',
    external_id: event.external_id,
    source_revision: shopifyFulfillmentRevision(status, fulfilledAt, fulfilledQuantity),
    order_ref: event.order_ref ?? null,
    amount_minor: 0,
    currency: event.currency,
    state: status,
    occurred_at: fulfilledAt,
    attributes: {
      fulfillment_source: 'store',
      fulfilled_at: fulfilledAt,
      fulfilled_quantity: fulfilledQuantity,
      items_quantity: (event.attributes?.items_quantity as number | undefined) ?? null,
    },
  };
}

function balanceTransactionDraft(t: Node, ids: ContentIds): EventDraftInput {
  const type = (str(t.type) ?? '').toLowerCase();
  if (type === '') throw new NodeProblem('a balance transaction without its type');
  const gross = money(t.amount, 'amount');
  const fee = money(t.fee, 'fee');
  const net = money(t.net, 'net');
  if (gross.minor - fee.minor !== net.minor)
    throw new NodeProblem(`amount ${gross.minor} − fee ${fee.minor} ≠ net ${net.minor}: the transaction does not add up`);
  const when = instant(t.transactionDate, 'transactionDate');
  const orderName = str(obj(t.associatedOrder).name) ?? '';
  const payoutId = numericId(obj(t.associatedPayout).id);
  const kind: EventKind = shopifyPaymentsKind(type);
  const attrs: Attrs = { type, balance_transaction_id: numericId(t.id) };
  if (str(t.sourceType) !== null) attrs.source_type = str(t.sourceType);
  if (str(t.adjustmentReason) !== null) attrs.adjustment_reason = str(t.adjustmentReason);
  if (str(obj(t.associatedPayout).status) !== null) attrs.payout_status = (str(obj(t.associatedPayout).status) as string).toLowerCase();
  if (t.test === true) attrs.test = true;
  return {
    kind,
    external_id: ids.idFor(shopifyPaymentsContentKey(type, orderName, when, gross.minor, gross.currency)),
    source_revision: kind === 'payout' || payoutId === null ? '' : payoutId,
    order_ref: normalizeRef(orderName),
    customer_ref: null,
    payout_ref: normalizeRef(payoutId),
    trace_id: null,
    amount_minor: gross.minor,
    currency: gross.currency,
    fee_minor: fee.minor,
    net_minor: net.minor,
    state: type,
    channel: null,
    occurred_at: when,
    local_date: null,
    attributes: attrs,
  };
}

function payoutDraft(p: Node): EventDraftInput {
  const id = str(p.legacyResourceId) ?? numericId(p.id);
  if (id === null) throw new NodeProblem('a payout without its id');
  const net = money(p.net, `payout ${id} net`);
  const withdrawal = str(p.transactionType) === 'WITHDRAWAL';
  const status = (str(p.status) ?? '').toLowerCase();
  const issuedAt = instant(p.issuedAt, `payout ${id} issuedAt`);
  return {
    kind: 'payout',
    external_id: id,
    source_revision: status,
    order_ref: null,
    customer_ref: null,
    payout_ref: id,
    trace_id: null,
    amount_minor: withdrawal ? Math.abs(net.minor) : -Math.abs(net.minor),
    currency: net.currency,
    fee_minor: null,
    net_minor: null,
    state: status,
    channel: null,
    occurred_at: issuedAt,
    local_date: issuedAt.slice(0, 10),
    attributes: { transaction_type: (str(p.transactionType) ?? '').toLowerCase(), payout_status: status },
  };
}

/** Maps each node, a node it cannot read rejected at `line` (a GraphQL answer is one line). */
function* mapNodes(nodes: Node[], line: number, map: (n: Node) => EventDraftInput | EventDraftInput[]): Generator<RecordResult> {
  for (const n of nodes) {
    try {
      const drafts = map(n);
      yield { ok: true, events: Array.isArray(drafts) ? drafts : [drafts], lineStart: line, lineEnd: line };
    } catch (err) {
      if (!(err instanceof NodeProblem)) throw err;
      yield { ok: false, position: { line, column: 1 }, message: err.message, raw: JSON.stringify(n).slice(0, 2000), lineEnd: line };
    }
  }
}

function parseJson(text: string): Node {
  try {
    return obj(JSON.parse(text));
  } catch (err) {
    throw new FormatError(`not a GraphQL answer: ${(err as Error).message}`);
  }
}

export const shopifyGraphqlPageFormat: PageFormat = {
  format: 'shopify-graphql-page',
  version: 1,
  kinds: ['order', 'fulfillment', 'payment', 'refund', 'fee', 'payout', 'dispute', 'adjustment'],
  map(text: string, context: PageContext): Iterable<RecordResult> {
    if (context.kind === 'control') return [];
    const data = obj(parseJson(text).data);
    const account = obj(data.shopifyPaymentsAccount);
    switch (context.kind) {
      case 'orders':
        return mapNodes(list(data.orders), 1, (o) => orderDrafts(o, list(o.lineItems)));
      case 'balance_transactions': {
        const ids = new ContentIds();
        return mapNodes(list(account.balanceTransactions), 1, (t) => balanceTransactionDraft(t, ids));
      }
      case 'payouts':
        return mapNodes(list(account.payouts), 1, payoutDraft);
      default:
        throw new FormatError(`a Shopify page of an unknown kind ${String(context.kind)}`);
    }
  },
};

/**
 * A bulk operation's JSONL: one order per line, each line item its own line naming its order (`__parentId`), not
 * necessarily right after it. The file is read whole (bulk results are what a backfill needs at once), then each order
 * is mapped with its line items, at its own line.
 */
export const shopifyBulkOrdersFormat: PageFormat = {
  format: 'shopify-bulk-orders',
  version: 1,
  kinds: ['order', 'fulfillment'],
  *map(text: string): Iterable<RecordResult> {
    const orders: Array<{ node: Node; line: number }> = [];
    const items = new Map<string, Node[]>();
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const raw = (lines[i] as string).trim();
      if (raw === '') continue;
      let node: Node;
      try {
        node = obj(JSON.parse(raw));
      } catch (err) {
        yield {
          ok: false,
          position: { line: i + 1, column: 1 },
          message: `not a JSON line (${(err as Error).message})`,
          raw: raw.slice(0, 2000),
          lineEnd: i + 1,
        };
        continue;
      }
      const parent = str(node.__parentId);
      if (parent === null) orders.push({ node, line: i + 1 });
      else items.set(parent, [...(items.get(parent) ?? []), node]);
    }
    for (const { node, line } of orders) yield* mapNodes([node], line, (o) => orderDrafts(o, items.get(str(o.id) ?? '') ?? []));
  },
};
