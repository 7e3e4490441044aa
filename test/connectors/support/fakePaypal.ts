// PayPal's REST API on 127.0.0.1 as PayPal documents it: client-credentials OAuth (Basic auth, a bearer token that can
// expire early), Transaction Search with start_date/end_date at most 31 days apart, fields, page_size ≤ 500, page,
// total_pages, last_refreshed_datetime, transactions visible only `lagMs` after they happen, and RESULTSET_TOO_LARGE
// (400) above `maxResults`. Its transactions are activity-download entries, so a month can be imported and synced.
import { FakeHttpServer, type FakeAnswer, type FakeRequest } from './fakeHttp.ts';
import { PAYPAL_TIME_ZONE_OFFSETS } from '../../../src/main/import/parsers/paypalActivityCsv.ts';
import type { PaypalActivityEntry } from '../../../src/main/synthetic/paypalActivityWriter.ts';

export type PaypalEntry = PaypalActivityEntry & { eventCode: string };

const STATUS_CODE: Record<string, string> = { Completed: 'S', Pending: 'P', Denied: 'D', Reversed: 'V' };

const value = (minor: number, currency: string) => ({ currency_code: currency, value: (minor / 100).toFixed(2) });

/** `2026-10-03T10:15:00-0700`: the instant in the entry's zone, as PayPal writes it (no colon in the offset). */
function paypalTime(occurredAt: string, zone: string): string {
  const offset = PAYPAL_TIME_ZONE_OFFSETS[zone] ?? 0;
  const local = new Date(Date.parse(occurredAt) + offset * 60_000).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

export function transactionDetail(e: PaypalEntry): Record<string, unknown> {
  const info: Record<string, unknown> = {
    paypal_account_id: 'QBQ9K6GX8WZ2L',
    transaction_id: e.transactionId,
    transaction_event_code: e.eventCode,
    transaction_initiation_date: paypalTime(e.occurredAt, e.timeZone),
    transaction_updated_date: paypalTime(e.occurredAt, e.timeZone),
    transaction_amount: value(e.grossMinor, e.currency),
    transaction_status: STATUS_CODE[e.status] ?? 'S',
    protection_eligibility: '01',
  };
  if (e.feeMinor !== 0) info.fee_amount = value(e.feeMinor, e.currency);
  if (e.referenceTxnId !== '') info.paypal_reference_id = e.referenceTxnId;
  if (e.referenceTxnId !== '') info.paypal_reference_id_type = 'TXN';
  if (e.invoiceNumber !== '') info.invoice_id = e.invoiceNumber;
  if (e.subject !== '') info.transaction_subject = e.subject;
  if (e.balanceMinor !== null) info.ending_balance = value(e.balanceMinor, e.currency);
  const email = e.grossMinor >= 0 ? e.fromEmail : e.toEmail;
  return {
    transaction_info: info,
    payer_info:
      email === ''
        ? {}
        : { account_id: 'PAYER123', email_address: email, address_status: 'Y', payer_status: 'Y', payer_name: { alternate_full_name: e.name } },
    shipping_info: {},
    cart_info: {},
    store_info: {},
    auction_info: {},
    incentive_info: {},
  };
}

export class FakePaypal {
  readonly server: FakeHttpServer;
  entries: PaypalEntry[];
  clientId: string;
  secret: string;
  /** A transaction appears in search this long after it happened (PayPal: up to three hours). */
  lagMs = 0;
  /** More results than this in a window: RESULTSET_TOO_LARGE. */
  maxResults = 10_000;
  /** A token answers 401 after this many uses (PayPal expires or revokes tokens). */
  tokenUses = Number.POSITIVE_INFINITY;
  private readonly tokens = new Map<string, number>();
  tokensIssued = 0;

  constructor(
    entries: PaypalEntry[],
    clientId = 'AYSq3RDGsmBLJE-otTkBtM-jBRd1TCQwFf9RGfwddNXWz0uFU9ztymylOhRS',
    secret = 'EGnHDxD_qRPdaLdZz8iCr8N7_MzF-YHPTkjs6NKYQvQSBngp4PTTVWkPZRbL',
  ) {
    this.entries = entries;
    this.clientId = clientId;
    this.secret = secret;
    this.server = new FakeHttpServer((r) => this.route(r));
  }

  start(): Promise<string> {
    return this.server.start();
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private route(r: FakeRequest): FakeAnswer {
    if (r.path === '/v1/oauth2/token' && r.method === 'POST') return this.token(r);
    const bearer = /^Bearer (.+)$/.exec(String(r.headers.authorization ?? ''))?.[1];
    const uses = bearer === undefined ? undefined : this.tokens.get(bearer);
    if (uses === undefined || uses >= this.tokenUses)
      return { status: 401, json: { error: 'invalid_token', error_description: 'Token signature verification failed' } };
    this.tokens.set(bearer as string, uses + 1);
    if (r.path === '/v1/reporting/transactions' && r.method === 'GET') return this.search(r);
    return { status: 404, json: { name: 'RESOURCE_NOT_FOUND', message: 'The specified resource does not exist.' } };
  }

  private token(r: FakeRequest): FakeAnswer {
    const expected = `Basic ${Buffer.from(`${this.clientId}:${this.secret}`).toString('base64')}`;
    if (r.headers.authorization !== expected || r.body !== 'grant_type=client_credentials') {
      return { status: 401, json: { error: 'invalid_client', error_description: 'Client Authentication failed' } };
    }
    const token = `A21AAF${String(++this.tokensIssued).padStart(4, '0')}x9QfakeTokenForTests`;
    this.tokens.set(token, 0);
    return {
      json: {
        scope: 'https://uri.paypal.com/services/reporting/search/read',
        access_token: token,
        token_type: 'Bearer',
        app_id: 'APP-80W284485P519543T',
        expires_in: 32_400,
        nonce: 'n',
      },
    };
  }

  private search(r: FakeRequest): FakeAnswer {
    const start = Date.parse(r.query.get('start_date') ?? '');
    const end = Date.parse(r.query.get('end_date') ?? '');
    if (Number.isNaN(start) || Number.isNaN(end) || end < start)
      return {
        status: 400,
        json: {
          name: 'INVALID_REQUEST',
          message: 'Request is not well-formed, syntactically incorrect, or violates schema.',
          details: [{ field: 'start_date', issue: 'INVALID_DATE' }],
        },
      };
    if (end - start > 31 * 86_400_000)
      return {
        status: 400,
        json: {
          name: 'INVALID_REQUEST',
          message: 'Request is not well-formed, syntactically incorrect, or violates schema.',
          details: [{ field: 'end_date', issue: 'Date range is greater than 31 days' }],
        },
      };
    const pageSize = Math.min(500, Number(r.query.get('page_size') ?? '100'));
    const page = Number(r.query.get('page') ?? '1');
    const visibleUntil = this.server.now() - this.lagMs;
    const hits = this.entries
      .filter((e) => {
        const t = Date.parse(e.occurredAt);
        return t >= start && t <= end && t <= visibleUntil;
      })
      .sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0));
    if (hits.length > this.maxResults)
      return {
        status: 400,
        json: {
          name: 'RESULTSET_TOO_LARGE',
          message: 'Result set size is greater than the maximum limit. Change the filter criteria and try again.',
          debug_id: 'f3a1b2c3d4e5',
        },
      };
    const totalPages = Math.max(1, Math.ceil(hits.length / pageSize));
    const slice = hits.slice((page - 1) * pageSize, page * pageSize);
    return {
      json: {
        transaction_details: slice.map(transactionDetail),
        account_number: 'QBQ9K6GX8WZ2L',
        start_date: r.query.get('start_date'),
        end_date: r.query.get('end_date'),
        last_refreshed_datetime: new Date(visibleUntil).toISOString().replace(/\.\d{3}Z$/, '+0000'),
        page,
        total_items: hits.length,
        total_pages: totalPages,
        links: [],
      },
    };
  }
}
