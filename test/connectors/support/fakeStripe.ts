// A Stripe API on 127.0.0.1 as Stripe documents it: list endpoints newest first with starting_after pagination,
// created[gte]/[lte] filters, limit ≤ 100, expand[], `payout=` on balance transactions for automatic payouts, search,
// retrieve by id, bearer-key auth with Stripe's error shape. Its data is built from balance-report rows, so the same
// month can be imported as the CSV and synced from here.
import { FakeHttpServer, type FakeAnswer, type FakeRequest } from './fakeHttp.ts';
import type { SyntheticStripeRow } from '../../../src/main/synthetic/stripeBalanceCsvWriter.ts';

type Obj = Record<string, unknown>;

/** A balance-report row with the id columns the month generator adds (all optional for the plain rows). */
export type StripeRowLike = SyntheticStripeRow & { paymentIntentId?: string; chargeId?: string; customerId?: string };

export interface StripeData {
  balanceTransactions: Obj[];
  payouts: Obj[];
  disputes: Obj[];
  charges: Obj[];
  refunds: Obj[];
  /** payout id → its items' balance transaction ids. */
  items: Map<string, string[]>;
}

const unix = (utcText: string): number => Math.floor(Date.parse(`${utcText.replace(' ', 'T')}Z`) / 1000);

const TYPE_OF: Record<string, string> = { charge: 'charge', refund: 'refund', dispute: 'adjustment', payout: 'payout', fee: 'stripe_fee' };

/** Stripe objects for balance-report rows: each row a balance transaction with its charge, refund, dispute or payout. */
export function stripeDataFromRows(rows: Iterable<StripeRowLike>): StripeData {
  const data: StripeData = { balanceTransactions: [], payouts: [], disputes: [], charges: [], refunds: [], items: new Map() };
  for (const r of rows) {
    const created = unix(r.created);
    const currency = r.currency.toLowerCase();
    const metadata: Obj = r.orderId === '' ? {} : { order_id: r.orderId };
    const pi = r.paymentIntentId !== undefined && r.paymentIntentId !== '' ? r.paymentIntentId : null;
    const charge = r.chargeId !== undefined && r.chargeId !== '' ? r.chargeId : null;
    let source: Obj;
    if (r.category === 'charge') {
      source = {
        id: r.sourceId,
        object: 'charge',
        amount: r.grossMinor,
        currency,
        created,
        status: 'succeeded',
        captured: true,
        payment_intent: pi,
        customer: r.customerId ?? null,
        billing_details: { email: r.email === '' ? null : r.email },
        metadata,
        description: r.description,
        balance_transaction: r.id,
      };
      data.charges.push(source);
    } else if (r.category === 'refund') {
      source = {
        id: r.sourceId,
        object: 'refund',
        amount: -r.grossMinor,
        currency,
        created,
        status: 'succeeded',
        charge,
        payment_intent: pi,
        metadata: {},
        balance_transaction: r.id,
      };
      data.refunds.push(source);
    } else if (r.category === 'dispute') {
      source = {
        id: r.sourceId,
        object: 'dispute',
        amount: -r.grossMinor,
        currency,
        created,
        status: 'needs_response',
        reason: 'fraudulent',
        charge,
        payment_intent: pi,
        metadata: {},
      };
    } else if (r.category === 'payout') {
      source = {
        id: r.sourceId,
        object: 'payout',
        amount: -r.grossMinor,
        currency,
        created,
        arrival_date: created + 2 * 86_400,
        automatic: true,
        status: 'paid',
        method: 'standard',
        type: 'bank_account',
        destination: 'ba_1Dest',
        failure_code: null,
        failure_message: null,
        balance_transaction: r.id,
        metadata: {},
      };
    } else {
      source = { id: r.sourceId, object: 'unknown' };
    }
    const bt: Obj = {
      id: r.id,
      object: 'balance_transaction',
      amount: r.grossMinor,
      currency,
      created,
      available_on: unix(r.available),
      description: r.description,
      exchange_rate: null,
      fee: r.feeMinor,
      fee_details: [],
      net: r.grossMinor - r.feeMinor,
      reporting_category: r.category,
      source,
      status: 'available',
      type: TYPE_OF[r.category] ?? 'adjustment',
    };
    data.balanceTransactions.push(bt);
    if (r.category === 'payout') data.payouts.push(source);
    else if (r.payoutId !== '') data.items.set(r.payoutId, [...(data.items.get(r.payoutId) ?? []), r.id]);
    if (r.category === 'dispute') data.disputes.push({ ...source, balance_transactions: [{ ...bt, source: r.sourceId }] });
  }
  return data;
}

const desc = (a: Obj, b: Obj): number => (b.created as number) - (a.created as number) || ((b.id as string) < (a.id as string) ? -1 : 1);

export class FakeStripe {
  readonly server: FakeHttpServer;
  data: StripeData;
  /** The key requests must bear. */
  key: string;
  /**
   * Keep each list's filtered, sorted rows between pages (the bench's 100,000 objects; tests change `data` between
   * syncs, so they leave it off).
   */
  cacheLists = false;
  private readonly lists = new Map<string, { rows: Obj[]; at: Map<unknown, number> }>();

  constructor(data: StripeData, key = 'sk_test_4eC39HqLyjWDarjtT1zdp7dc') {
    this.data = data;
    this.key = key;
    this.server = new FakeHttpServer((r) => this.route(r));
  }

  start(): Promise<string> {
    return this.server.start();
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private route(r: FakeRequest): FakeAnswer {
    if (r.headers.authorization !== `Bearer ${this.key}`) {
      const shown = String(r.headers.authorization ?? '').slice(-4);
      return { status: 401, json: { error: { type: 'invalid_request_error', message: `Invalid API Key provided: sk_test_****${shown}` } } };
    }
    const expand = r.query.getAll('expand[]');
    const by = (list: Obj[], id: string): Obj | undefined => list.find((o) => o.id === id);
    let m = /^\/v1\/payouts\/([\w]+)$/.exec(r.path);
    if (m !== null) return this.one(by(this.data.payouts, m[1] as string), expand, 'payout');
    m = /^\/v1\/refunds\/([\w]+)$/.exec(r.path);
    if (m !== null) return this.one(by(this.data.refunds, m[1] as string), expand, 'refund');
    switch (r.path) {
      case '/v1/balance_transactions': {
        const payout = r.query.get('payout');
        const ids = payout === null ? null : new Set(this.data.items.get(payout) ?? []);
        return this.list(
          r,
          this.data.balanceTransactions.filter((b) => ids === null || ids.has(b.id as string)),
          expand,
        );
      }
      case '/v1/payouts':
        return this.list(r, this.data.payouts, expand);
      case '/v1/disputes':
        return this.list(r, this.data.disputes, expand);
      case '/v1/charges/search':
        return this.search(r, expand);
      default:
        return { status: 404, json: { error: { type: 'invalid_request_error', message: `Unrecognized request URL (GET: ${r.path})` } } };
    }
  }

  private one(obj: Obj | undefined, expand: string[], what: string): FakeAnswer {
    if (obj === undefined) return { status: 404, json: { error: { type: 'invalid_request_error', message: `No such ${what}` } } };
    return {
      json: this.expand(
        obj,
        expand.map((e) => `data.${e}`),
      ),
    };
  }

  private expand(obj: Obj, expand: string[]): Obj {
    const out: Obj = { ...obj };
    if (!expand.includes('data.source') && typeof obj.source === 'object' && obj.source !== null) out.source = (obj.source as Obj).id;
    if (expand.includes('data.balance_transaction') && typeof obj.balance_transaction === 'string') {
      out.balance_transaction = this.data.balanceTransactions.find((b) => b.id === obj.balance_transaction) ?? obj.balance_transaction;
    }
    return out;
  }

  private list(r: FakeRequest, all: Obj[], expand: string[]): FakeAnswer {
    const gte = r.query.get('created[gte]');
    const lte = r.query.get('created[lte]');
    const limit = Math.min(100, Math.max(1, Number(r.query.get('limit') ?? '10')));
    const key = `${r.path}|${r.query.get('payout') ?? ''}|${gte ?? ''}|${lte ?? ''}`;
    let listed = this.cacheLists ? this.lists.get(key) : undefined;
    if (listed === undefined) {
      const sorted = all
        .filter((o) => (gte === null || (o.created as number) >= Number(gte)) && (lte === null || (o.created as number) <= Number(lte)))
        .sort(desc);
      listed = { rows: sorted, at: new Map(sorted.map((o, i) => [o.id, i])) };
      if (this.cacheLists) this.lists.set(key, listed);
    }
    let rows = listed.rows;
    const after = r.query.get('starting_after');
    if (after !== null) {
      const at = listed.at.get(after) ?? -1;
      if (at < 0) return { status: 400, json: { error: { type: 'invalid_request_error', message: `No such object: '${after}'` } } };
      rows = rows.slice(at + 1);
    }
    const page = rows.slice(0, limit).map((o) => this.expand(o, expand));
    return { json: { object: 'list', data: page, has_more: rows.length > limit, url: r.path } };
  }

  /** Search by `metadata['order_id']:'N'`, the one query shape remediation asks. */
  private search(r: FakeRequest, expand: string[]): FakeAnswer {
    const q = /metadata\['order_id'\]:'([^']*)'/.exec(r.query.get('query') ?? '');
    const found = q === null ? [] : this.data.charges.filter((c) => (c.metadata as Obj).order_id === q[1]);
    return { json: { object: 'search_result', data: found.map((c) => this.expand(c, expand)), has_more: false, next_page: null, url: r.path } };
  }
}
