// Shopify's Admin GraphQL API on 127.0.0.1 as Shopify documents it: the access-token header, `orders` paged by endCursor
// with a search query and sortKey UPDATED_AT, a bulk operation (run, poll, a JSONL result whose line items are their
// own lines naming their order by __parentId, after all the orders), shopifyPaymentsAccount balance transactions and
// payouts, and a cost extension on every answer. THROTTLED answers are scripted as faults.
import { FakeHttpServer, type FakeAnswer, type FakeRequest } from './fakeHttp.ts';
import type { SyntheticOrder } from '../../../src/main/synthetic/monthGenerator.ts';

type Node = Record<string, unknown>;

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
const money = (minor: number, currency: string): Node => ({ amount: (minor / 100).toFixed(2), currencyCode: currency });
const set = (minor: number, currency: string): Node => ({ shopMoney: money(minor, currency) });

/** A generated order as the Admin API shows it (what the orders export of the same order says). */
export function orderNode(o: SyntheticOrder): Node {
  const fulfilled = o.fulfilledMs !== null;
  return {
    id: `gid://shopify/Order/${o.id}`,
    legacyResourceId: o.id,
    name: o.name,
    email: o.email,
    createdAt: iso(o.createdMs),
    updatedAt: iso(Math.max(o.paidMs, o.fulfilledMs ?? 0, o.createdMs)),
    processedAt: iso(o.createdMs),
    cancelledAt: null,
    sourceName: 'web',
    test: false,
    displayFinancialStatus: o.financialStatus.toUpperCase(),
    displayFulfillmentStatus: fulfilled ? 'FULFILLED' : 'UNFULFILLED',
    paymentGatewayNames: ['stripe'],
    totalPriceSet: set(o.totalMinor, o.currency),
    subtotalPriceSet: set(o.subtotalMinor, o.currency),
    totalShippingPriceSet: set(o.shippingMinor, o.currency),
    totalTaxSet: set(o.taxesMinor, o.currency),
    totalDiscountsSet: set(o.discountMinor, o.currency),
    totalRefundedSet: set(o.refundedMinor, o.currency),
    totalOutstandingSet: set(0, o.currency),
    customAttributes: (o.noteAttributes ?? '')
      .split('\n')
      .filter((l) => l.includes(':'))
      .map((l) => ({ key: l.slice(0, l.indexOf(':')).trim(), value: l.slice(l.indexOf(':') + 1).trim() })),
    transactions: [
      {
        id: `gid://shopify/OrderTransaction/${o.id}1`,
        kind: 'SALE',
        status: 'SUCCESS',
        gateway: 'stripe',
        paymentId: o.paymentReference,
        processedAt: iso(o.paidMs),
        amountSet: set(o.totalMinor, o.currency),
      },
    ],
    refunds:
      o.refundedMinor > 0
        ? [{ id: `gid://shopify/Refund/${o.id}`, createdAt: iso(o.paidMs + 86_400_000), totalRefundedSet: set(o.refundedMinor, o.currency) }]
        : [],
    fulfillments: fulfilled ? [{ createdAt: iso(o.fulfilledMs as number), status: 'SUCCESS' }] : [],
    lineItems: { nodes: o.lineItems.map((l) => ({ quantity: l.quantity, unfulfilledQuantity: fulfilled ? 0 : l.quantity })) },
  };
}

export interface ShopifyData {
  orders: Node[];
  balanceTransactions: Node[];
  payouts: Node[];
}

/** `FIELD:>='A' AND FIELD:<='B'` → [A, B] (either may be missing). */
function window(search: string, field: string): [string | null, string | null] {
  const gte = new RegExp(`${field}:>='([^']+)'`).exec(search);
  const lte = new RegExp(`${field}:<='([^']+)'`).exec(search);
  return [gte?.[1] ?? null, lte?.[1] ?? null];
}

function within(value: string, [from, to]: [string | null, string | null]): boolean {
  const t = Date.parse(value);
  return (from === null || t >= Date.parse(from)) && (to === null || t <= Date.parse(to));
}

export class FakeShopify {
  readonly server: FakeHttpServer;
  data: ShopifyData;
  token: string;
  /** Polls a bulk operation answers RUNNING before COMPLETED. */
  bulkPolls = 2;
  /** Set to refuse bulk operations (another is running). */
  refuseBulk = false;
  bulk: { id: string; search: string; polls: number } | null = null;
  readonly costs: number[] = [];

  constructor(data: ShopifyData, token = 'shpat_0123456789abcdef0123456789abcdef') {
    this.data = data;
    this.token = token;
    this.server = new FakeHttpServer((r) => this.route(r));
  }

  start(): Promise<string> {
    return this.server.start();
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private answer(data: Node, cost = 12): FakeAnswer {
    this.costs.push(cost);
    return {
      json: {
        data,
        extensions: {
          cost: {
            requestedQueryCost: cost,
            actualQueryCost: cost,
            throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 2000 - cost, restoreRate: 100 },
          },
        },
      },
    };
  }

  private route(r: FakeRequest): FakeAnswer {
    if (r.method === 'GET' && r.path.startsWith('/bulk/')) return { text: this.bulkResult(), headers: { 'content-type': 'application/jsonl' } };
    if (r.path !== '/admin/api/2025-01/graphql.json' || r.method !== 'POST') return { status: 404, json: { errors: 'Not Found' } };
    if (r.headers['x-shopify-access-token'] !== this.token)
      return { status: 401, json: { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' } };
    const { query, variables } = JSON.parse(r.body) as { query: string; variables: Record<string, unknown> };
    if (query.includes('mutation RunBulk')) return this.runBulk(variables.query as string);
    if (query.includes('query BulkStatus')) return this.bulkStatus();
    if (query.includes('query Orders'))
      return this.page('orders', this.data.orders, variables, 'updated_at', 'updatedAt', (nodes, info) => ({ orders: { pageInfo: info, nodes } }));
    if (query.includes('query BalanceTransactions')) {
      return this.page('bt', this.data.balanceTransactions, variables, 'processed_at', 'transactionDate', (nodes, info) => ({
        shopifyPaymentsAccount: { balanceTransactions: { pageInfo: info, nodes } },
      }));
    }
    if (query.includes('query Payouts'))
      return this.page('po', this.data.payouts, variables, 'issued_at', 'issuedAt', (nodes, info) => ({
        shopifyPaymentsAccount: { payouts: { pageInfo: info, nodes } },
      }));
    if (query.includes('query OrderPayments')) {
      const name = /name:'?([^' ]+)/.exec(String(variables.query ?? ''))?.[1];
      return this.answer({ orders: { nodes: this.data.orders.filter((o) => o.name === name || o.name === `#${name ?? ''}`) } });
    }
    if (query.includes('query Payout(')) return this.answer({ node: this.data.payouts.find((p) => p.id === variables.id) ?? null });
    return { json: { errors: [{ message: 'unknown operation' }] } };
  }

  private page(
    kind: string,
    all: Node[],
    variables: Record<string, unknown>,
    field: string,
    at: string,
    wrap: (nodes: Node[], info: Node) => Node,
  ): FakeAnswer {
    const win = window(String(variables.query ?? ''), field);
    const rows = all
      .filter((n) => within(String(n[at]), win))
      .sort((a, b) => (String(a[at]) < String(b[at]) ? -1 : String(a[at]) > String(b[at]) ? 1 : 0));
    const start = typeof variables.after === 'string' ? Number(Buffer.from(variables.after, 'base64').toString().split(':')[1]) : 0;
    const first = Number(variables.first ?? 50);
    const nodes = rows.slice(start, start + first);
    const end = start + nodes.length;
    const info = { hasNextPage: end < rows.length, endCursor: nodes.length === 0 ? null : Buffer.from(`${kind}:${end}`).toString('base64') };
    return this.answer(wrap(nodes, info), 2 + nodes.length * 5);
  }

  private runBulk(bulkQuery: string): FakeAnswer {
    if (this.refuseBulk)
      return this.answer({
        bulkOperationRunQuery: {
          bulkOperation: null,
          userErrors: [{ field: null, message: 'A bulk query operation for this app and shop is already in progress' }],
        },
      });
    const search = /orders\(query: ("(?:[^"\\]|\\.)*")\)/.exec(bulkQuery)?.[1];
    this.bulk = { id: 'gid://shopify/BulkOperation/720118', search: search === undefined ? '' : (JSON.parse(search) as string), polls: 0 };
    return this.answer(
      {
        bulkOperationRunQuery: {
          bulkOperation: { id: this.bulk.id, status: 'CREATED', createdAt: new Date(this.server.now()).toISOString() },
          userErrors: [],
        },
      },
      10,
    );
  }

  private bulkStatus(): FakeAnswer {
    const b = this.bulk;
    if (b === null) return this.answer({ node: null });
    b.polls++;
    const done = b.polls > this.bulkPolls;
    return this.answer({
      node: {
        id: b.id,
        status: done ? 'COMPLETED' : 'RUNNING',
        errorCode: null,
        objectCount: String(this.data.orders.length),
        url: done ? `${this.server.url}/bulk/720118.jsonl` : null,
        partialDataUrl: null,
      },
    });
  }

  /** Orders first, then every line item as its own line naming its order. */
  private bulkResult(): string {
    const win = window(this.bulk?.search ?? '', 'updated_at');
    const orders = this.data.orders.filter((o) => within(String(o.updatedAt), win));
    const lines: string[] = [];
    for (const o of orders) {
      const { lineItems: _items, ...rest } = o;
      lines.push(JSON.stringify(rest));
    }
    for (const o of orders) for (const item of (o.lineItems as Node).nodes as Node[]) lines.push(JSON.stringify({ ...item, __parentId: o.id }));
    return `${lines.join('\n')}\n`;
  }
}
