// Tests the Stripe API JSON parser on the shared Stripe fixture and on list pages built in memory.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stripeApiJsonParser } from '../../src/main/import/parsers/stripeApiJson.ts';
import { FormatError } from '../../src/main/import/parserTypes.ts';
import type { RecordResult } from '../../src/main/import/parserTypes.ts';
import type { EventDraftInput } from '../../src/shared/events/canonicalEvent.ts';
import { textChunks } from '../../src/main/import/text/fileText.ts';
import { FIXTURES_DIR, describeWithFixtures } from '../support/fixtures.ts';
import { ok, rejected } from '../support/records.ts';

function parse(text: string, chunkSize = 65536): RecordResult[] {
  return [...stripeApiJsonParser.parse({ chunks: textChunks(text, chunkSize), fileName: 'stripe.json', timeZone: 'UTC', locale: 'en-US' })];
}

function events(results: RecordResult[]): EventDraftInput[] {
  return results.flatMap((r) => ok(r).events);
}

function formatErrorOf(fn: () => unknown): FormatError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FormatError) return e;
    throw e;
  }
  throw new Error('expected a FormatError');
}

describeWithFixtures('stripe-api-json on the Stripe OpenAPI fixture bundle', () => {
  const text = readFileSync(join(FIXTURES_DIR, 'providers/stripe/fixtures3.json'), 'utf8');
  const lines = text.split('\n');
  /** 1-based line of `"NAME": {` directly under "resources" (two-space indent in the fixture). */
  const lineOf = (name: string): number => lines.findIndex((l) => l === `    "${name}": {`) + 1;

  it('is detected', () => {
    expect(stripeApiJsonParser.detect(text.slice(0, 65536))).toBe(true);
  });

  const results = parse(text);
  const byKind = new Map(events(results).map((e) => [e.kind, e]));

  it('yields exactly the five supported resources, each at the line it starts on', () => {
    expect(results).toHaveLength(5);
    // resources.balance_transaction (reporting_category charge), charge, refund, payout, dispute
    expect(events(results).map((e) => e.kind)).toEqual(['payment', 'payment', 'refund', 'payout', 'dispute']);
    for (const r of results) {
      const rec = ok(r);
      expect(rec.lineStart).toBeGreaterThan(1);
      expect(rec.lineEnd).toBeGreaterThan(rec.lineStart);
    }
    const bt = results.map(ok).find((r) => r.events[0]?.external_id.startsWith('txn_'));
    expect(bt?.lineStart).toBe(lineOf('balance_transaction'));
    const charge = results.map(ok).find((r) => r.events[0]?.external_id.startsWith('ch_'));
    expect(charge?.lineStart).toBe(lineOf('charge'));
  });

  it('maps the balance transaction (reporting_category charge → payment, amounts as given)', () => {
    const e = events(results).find((x) => x.external_id === 'txn_1PgaxNB7WZ01zgkWEV3TLf40');
    expect(e).toMatchObject({
      kind: 'payment',
      source_revision: '',
      amount_minor: 100,
      fee_minor: 0,
      net_minor: 100,
      currency: 'USD',
      occurred_at: '2009-02-13T23:31:30Z',
      trace_id: 'ch_1PgafuB7WZ01zgkWXYmPNZs8',
      payout_ref: null,
      state: 'charge',
    });
    expect(e?.attributes).toMatchObject({ available_on: '2009-02-13T23:31:30Z', source_id: 'ch_1PgafuB7WZ01zgkWXYmPNZs8', status: 'available' });
  });

  it('maps the charge', () => {
    const e = events(results).find((x) => x.external_id === 'ch_1PgafuB7WZ01zgkWXYmPNZs8');
    expect(e).toMatchObject({
      kind: 'payment',
      source_revision: 'succeeded',
      amount_minor: 100,
      currency: 'USD',
      // balance_transaction is not expanded in the fixture, so fee/net are unknown.
      fee_minor: null,
      net_minor: null,
      occurred_at: '2009-02-13T23:31:30Z',
      // No payment intent: the charge id is the trace, as on its refund and dispute.
      trace_id: 'ch_1PgafuB7WZ01zgkWXYmPNZs8',
      customer_ref: null,
      order_ref: null,
      payout_ref: null,
      state: 'succeeded',
    });
    expect(e?.attributes).toMatchObject({
      card_brand: 'visa',
      payment_method_type: 'card',
      balance_transaction: 'txn_1PgaxNB7WZ01zgkWEV3TLf40',
      captured: false,
    });
  });

  it('maps the refund with a negative amount and the charge as trace', () => {
    expect(byKind.get('refund')).toMatchObject({
      external_id: 're_1Pgc72B7WZ01zgkWqPvrRrPE',
      source_revision: 'succeeded',
      amount_minor: -100,
      currency: 'USD',
      trace_id: 'ch_1PgafuB7WZ01zgkWXYmPNZs8',
      state: 'succeeded',
      occurred_at: '2009-02-13T23:31:30Z',
    });
  });

  it('maps the payout with a negative amount, its own id as payout_ref and the arrival date', () => {
    expect(byKind.get('payout')).toMatchObject({
      external_id: 'po_1Pgc79B7WZ01zgkWu1KToYf4',
      source_revision: 'in_transit',
      amount_minor: -1100,
      currency: 'USD',
      payout_ref: 'po_1Pgc79B7WZ01zgkWu1KToYf4',
      state: 'in_transit',
      occurred_at: '2009-02-13T23:31:30Z',
      local_date: '2009-02-13',
    });
  });

  it('maps the dispute with a negative amount, the charge as trace and its status as revision', () => {
    expect(byKind.get('dispute')).toMatchObject({
      external_id: 'dp_1Pgc71B7WZ01zgkWMevJiAUx',
      source_revision: 'warning_needs_response',
      amount_minor: -1000,
      currency: 'USD',
      trace_id: 'ch_1PgafuB7WZ01zgkWXYmPNZs8',
      state: 'warning_needs_response',
    });
    expect(byKind.get('dispute')?.attributes).toMatchObject({ reason: 'general', evidence_due_by: '2024-08-14T23:59:59Z' });
  });
});

const LIST = `{
  "object": "list",
  "url": "/v1/balance_transactions",
  "has_more": false,
  "data": [
    {
      "id": "txn_A",
      "object": "balance_transaction",
      "amount": 10000,
      "available_on": 1709424000,
      "created": 1709301909,
      "currency": "eur",
      "description": "Order #1001",
      "fee": 320,
      "net": 9680,
      "reporting_category": "charge",
      "source": {
        "id": "ch_A",
        "object": "charge",
        "payment_intent": "pi_A",
        "metadata": { "order_id": "SO-1001" },
        "billing_details": { "email": "Buyer@Example.com" }
      },
      "status": "pending",
      "type": "charge"
    },
    {"id": "txn_P", "object": "balance_transaction", "amount": -9680, "created": 1709510400, "currency": "eur", "fee": 0, "net": -9680, "reporting_category": "payout", "source": "po_A", "type": "payout"},
    {"id": "cus_1", "object": "customer", "email": "x@example.com"},
    {"id": "ch_B", "object": "charge", "amount": 5000, "currency": "jpy", "created": 1709301909, "status": "succeeded",
     "payment_intent": "pi_B", "receipt_email": "R@Example.com", "metadata": {"order_number": "#2002"},
     "balance_transaction": {"id": "txn_B", "object": "balance_transaction", "currency": "jpy", "amount": 5000, "fee": 180, "net": 4820}},
    {"id": "re_B", "object": "refund", "amount": 5000, "currency": "jpy", "created": 1709388309, "status": "pending", "charge": "ch_B", "payment_intent": "pi_B"},
    {"id": "dp_B", "object": "dispute", "amount": 5000, "currency": "jpy", "created": 1709388309, "status": "lost", "charge": "ch_B"}
  ]
}`;

describe('stripe-api-json on a list page', () => {
  const results = parse(LIST);

  it('skips non-money objects and maps the rest in order', () => {
    expect(results).toHaveLength(5);
    expect(events(results).map((e) => e.external_id)).toEqual(['txn_A', 'txn_P', 'ch_B', 're_B', 'dp_B']);
    expect(results.map((r) => [ok(r).lineStart, ok(r).lineEnd])).toEqual([
      [6, 26],
      [27, 27],
      [29, 31],
      [32, 32],
      [33, 33],
    ]);
  });

  it('uses an expanded source for trace, order and customer', () => {
    expect(events(results)[0]).toMatchObject({
      kind: 'payment',
      amount_minor: 10000,
      fee_minor: 320,
      net_minor: 9680,
      currency: 'EUR',
      trace_id: 'pi_A',
      order_ref: 'SO-1001',
      customer_ref: 'buyer@example.com',
      occurred_at: '2024-03-01T14:05:09Z',
      source_revision: '',
    });
  });

  it('keys a payout balance transaction by the payout id', () => {
    expect(events(results)[1]).toMatchObject({ kind: 'payout', amount_minor: -9680, payout_ref: 'po_A', trace_id: 'po_A' });
  });

  it('takes fee and net from an expanded balance transaction in the same currency', () => {
    expect(events(results)[2]).toMatchObject({
      kind: 'payment',
      amount_minor: 5000,
      currency: 'JPY',
      fee_minor: 180,
      net_minor: 4820,
      order_ref: '2002',
      customer_ref: 'r@example.com',
      trace_id: 'pi_B',
    });
  });

  it('signs refunds and disputes negative and shares the payment intent as trace', () => {
    expect(events(results)[3]).toMatchObject({ kind: 'refund', amount_minor: -5000, trace_id: 'pi_B', state: 'pending', source_revision: 'pending' });
    expect(events(results)[4]).toMatchObject({ kind: 'dispute', amount_minor: -5000, trace_id: 'ch_B', state: 'lost', source_revision: 'lost' });
  });

  it('gives the same result whatever the chunk size', () => {
    expect(parse(LIST, 5)).toEqual(results);
  });

  it('does not mix fee/net from a balance transaction in another currency', () => {
    const text = JSON.stringify({
      object: 'charge',
      id: 'ch_X',
      amount: 1000,
      currency: 'eur',
      created: 0,
      status: 'succeeded',
      balance_transaction: { id: 'txn_X', object: 'balance_transaction', currency: 'usd', amount: 1100, fee: 62, net: 1038 },
    });
    const e = events(parse(text))[0];
    expect(e).toMatchObject({ fee_minor: null, net_minor: null, occurred_at: '1970-01-01T00:00:00Z' });
    expect(e?.attributes).toMatchObject({ settlement_currency: 'USD', settlement_fee_minor: 62, settlement_net_minor: 1038 });
  });

  it('accepts a bare array', () => {
    const text = '[{"object":"payout","id":"po_1","amount":250,"currency":"gbp","created":1700000000,"arrival_date":1700092800,"status":"paid"}]';
    expect(events(parse(text))[0]).toMatchObject({ kind: 'payout', amount_minor: -250, currency: 'GBP', local_date: '2023-11-16', state: 'paid' });
  });
});

describe('stripe-api-json rejections and errors', () => {
  it('rejects an amount that is not an integer, naming the path and its position', () => {
    const text = [
      '{"object": "list", "data": [',
      '  {"object": "charge", "id": "ch_1", "amount": 100, "currency": "usd", "created": 1, "status": "succeeded"},',
      '  {"object": "charge", "id": "ch_2", "amount": 100, "currency": "usd", "created": 1, "status": "succeeded"},',
      '  {"object": "charge", "id": "ch_3", "amount": 100, "currency": "usd", "created": 1, "status": "succeeded"},',
      '  {"object": "charge", "id": "ch_4",',
      '   "amount": 12.5, "currency": "usd", "created": 1, "status": "succeeded"}',
      ']}',
    ].join('\n');
    const results = parse(text);
    expect(results).toHaveLength(4);
    const r = rejected(results[3]);
    expect(r.message).toMatch(/^data\[3\]\.amount: 12\.5 is not/);
    expect(r.position).toEqual({ line: 6, column: 14 });
    expect(r.lineEnd).toBe(6);
    expect(r.raw.startsWith('{"object": "charge", "id": "ch_4"')).toBe(true);
  });

  it('rejects amounts outside the safe integer range and unknown currencies', () => {
    const big = rejected(parse('[{"object":"refund","id":"re_1","amount":9007199254740993,"currency":"usd","created":1,"status":"succeeded"}]')[0]);
    expect(big.message).toMatch(/^\[0\]\.amount: /);
    const cur = rejected(parse('{"object":"refund","id":"re_1","amount":1,"currency":"zzz","created":1,"status":"succeeded"}')[0]);
    expect(cur.message).toBe('currency: "zzz" is not a known currency');
    expect(cur.position).toEqual({ line: 1, column: 54 });
  });

  it('rejects a balance transaction whose amount − fee ≠ net', () => {
    const r = rejected(
      parse(
        '[{"object":"balance_transaction","id":"txn","amount":100,"fee":3,"net":90,"currency":"usd","created":1,"reporting_category":"charge"}]',
      )[0],
    );
    expect(r.message).toMatch(/^\[0\]\.net: /);
  });

  it('rejects list elements that are not Stripe objects', () => {
    const results = parse('{"object":"list","data":[42,{"id":"x"}]}');
    expect(rejected(results[0]).message).toBe('data[0] is not an object');
    expect(rejected(results[1]).message).toContain('data[1] has no "object" field');
  });

  it('reports a syntax error with its line and column', () => {
    const text = '{\n  "object": "list",\n  "data": [\n    {"object": "charge", "amount": 1,}\n  ]\n}';
    const fe = formatErrorOf(() => parse(text));
    expect(fe.position).toEqual({ line: 4, column: 38 });
    expect(fe.message).toContain('line 4 column 38');
  });

  it('reports truncated JSON and CRLF line counting', () => {
    const fe = formatErrorOf(() => parse('{\r\n  "object": "list",\r\n  "data": [\r\n    {"object": "charge"'));
    expect(fe.position).toEqual({ line: 4, column: 24 });
    const unterminated = formatErrorOf(() => parse('[\n  {"object": "charge", "id": "ch_1\n'));
    expect(unterminated.position.line).toBe(2);
  });

  it('rejects whole files that are not Stripe API JSON', () => {
    expect(() => parse('')).toThrow(FormatError);
    expect(() => parse('"just a string"')).toThrow(FormatError);
    expect(() => parse('{"foo": 1}')).toThrow(FormatError);
  });

  it('does not turn "__proto__" keys into prototypes', () => {
    const e = events(
      parse(
        '{"object":"charge","id":"ch_1","amount":1,"currency":"usd","created":1,"status":"succeeded","metadata":{"__proto__":"x","order_id":"7"}}',
      ),
    )[0];
    expect(e?.order_ref).toBe('7');
    expect(e?.attributes?.['metadata.__proto__']).toBe('x');
  });
});

describe('stripe-api-json detect', () => {
  it('claims Stripe API JSON', () => {
    expect(stripeApiJsonParser.detect(LIST)).toBe(true);
    expect(stripeApiJsonParser.detect('  [{"object": "payout", "id": "po_1"}]')).toBe(true);
    expect(stripeApiJsonParser.detect('{\n  "resources": {\n    "account": {}')).toBe(true);
  });

  it('does not claim other files', () => {
    expect(stripeApiJsonParser.detect('{"object": "list", "data": [{"object": "customer"}]}')).toBe(false);
    expect(stripeApiJsonParser.detect('{"orders": [{"id": 1}]}')).toBe(false);
    expect(stripeApiJsonParser.detect('balance_transaction_id,created_utc\n')).toBe(false);
    expect(stripeApiJsonParser.detect('')).toBe(false);
  });
});

describe('stripe-api-json: a dispute imports its balance effect', () => {
  const file = (name: string): string => readFileSync(join(import.meta.dirname, 'files', 'stripe', name), 'utf8');

  it('yields the withdrawal with its 15.00 fee and the reinstatement, as their own balance transactions', () => {
    const results = parse(file('dispute_won_with_balance_transactions.json'));
    expect(results).toHaveLength(1);
    const [withdrawal, reinstatement] = events(results);
    expect(events(results)).toHaveLength(2);
    expect(withdrawal).toMatchObject({
      kind: 'dispute',
      external_id: 'txn_1OqZr5LkdIwHu7ixKk4pV0sA',
      source_revision: '',
      amount_minor: -10000,
      fee_minor: 1500,
      net_minor: -11500,
      currency: 'USD',
      state: 'dispute',
      trace_id: 'pi_3OqYb1LkdIwHu7ix1DkQ3sWm',
      occurred_at: '2024-03-02T12:07:06Z',
    });
    expect(withdrawal?.attributes).toMatchObject({
      dispute_id: 'dp_1OqZr4LkdIwHu7ix0qWn7Tb2',
      dispute_status: 'won',
      reason: 'fraudulent',
      reporting_category: 'dispute',
    });
    expect(withdrawal?.attributes).not.toHaveProperty('presentment_currency');
    expect(reinstatement).toMatchObject({
      kind: 'dispute',
      external_id: 'txn_1P4cT9LkdIwHu7ixF3u8mQe1',
      amount_minor: 10000,
      fee_minor: 0,
      net_minor: 10000,
      state: 'dispute_reversal',
    });
    // Withdrawal and reinstatement together cost the dispute fee.
    expect((withdrawal?.net_minor ?? 0) + (reinstatement?.net_minor ?? 0)).toBe(-1500);
  });

  it('gives each balance transaction the same id and money as the balance history would', () => {
    const fromDispute = events(parse(file('dispute_won_with_balance_transactions.json')));
    const dispute = JSON.parse(file('dispute_won_with_balance_transactions.json')) as { balance_transactions: unknown[] };
    const fromHistory = events(parse(JSON.stringify({ object: 'list', data: dispute.balance_transactions })));
    const key = (e: EventDraftInput): unknown[] => [
      e.external_id,
      e.kind,
      e.source_revision,
      e.amount_minor,
      e.fee_minor,
      e.net_minor,
      e.currency,
      e.occurred_at,
    ];
    expect(fromDispute.map(key)).toEqual(fromHistory.map(key));
  });

  it('keeps the disputed amount as presentment when the balance moved in another currency', () => {
    const text = JSON.stringify({
      id: 'dp_GBP',
      object: 'dispute',
      amount: 8000,
      currency: 'gbp',
      created: 1709381226,
      status: 'needs_response',
      charge: 'ch_GBP',
      balance_transactions: [
        {
          id: 'txn_GBP',
          object: 'balance_transaction',
          amount: -9312,
          fee: 1500,
          net: -10812,
          currency: 'eur',
          created: 1709381226,
          reporting_category: 'dispute',
          source: 'dp_GBP',
          type: 'adjustment',
        },
      ],
    });
    const [e] = events(parse(text));
    expect(e).toMatchObject({ currency: 'EUR', amount_minor: -9312, trace_id: 'ch_GBP' });
    expect(e?.attributes).toMatchObject({ presentment_amount_minor: -8000, presentment_currency: 'GBP' });
  });

  it('keeps an inquiry without balance transactions as one dispute event with its status as revision', () => {
    const text = JSON.stringify({
      id: 'dp_Q',
      object: 'dispute',
      amount: 2500,
      currency: 'usd',
      created: 1709381226,
      status: 'warning_needs_response',
      charge: 'ch_Q',
      balance_transactions: [],
    });
    expect(events(parse(text))).toEqual([
      expect.objectContaining({
        kind: 'dispute',
        external_id: 'dp_Q',
        amount_minor: -2500,
        fee_minor: null,
        source_revision: 'warning_needs_response',
      }),
    ]);
  });

  it('rejects a dispute whose balance transactions are not objects, naming the field', () => {
    const r = rejected(
      parse('{"id":"dp_X","object":"dispute","amount":1,"currency":"usd","created":1,"status":"lost",\n"balance_transactions":["txn_1"]}')[0],
    );
    expect(r.message).toBe('balance_transactions: element 0 is not a balance transaction object');
    expect(r.position).toEqual({ line: 2, column: 24 });
  });
});

describe('stripe-api-json: 2014 balance transactions without reporting_category', () => {
  it('reads a `transfer` (the payout to the bank before 2017) as a payout keyed by its tr_ id', () => {
    const text = readFileSync(join(import.meta.dirname, 'files', 'stripe', 'balance_transactions_2014.json'), 'utf8');
    expect(stripeApiJsonParser.detect(text)).toBe(true);
    const [transfer, charge] = events(parse(text));
    expect(transfer).toMatchObject({
      kind: 'payout',
      external_id: 'txn_14GQ7t2eZvKYlo2CS1ZjwYbq',
      amount_minor: -52350,
      payout_ref: 'tr_14GQ7t2eZvKYlo2CmMhqEm4P',
      state: 'payout',
      occurred_at: '2014-07-01T00:00:00Z',
    });
    expect(transfer?.attributes).toMatchObject({ type: 'transfer' });
    expect(charge).toMatchObject({ kind: 'payment', amount_minor: 5000, fee_minor: 175, net_minor: 4825, trace_id: 'ch_14FhyT2eZvKYlo2CxZ1Jg7Qv' });
  });

  it('categorizes the other legacy types by what they were', () => {
    const bt = (type: string, amount: number, source = 'x_1') =>
      JSON.stringify({
        id: `txn_${type}`,
        object: 'balance_transaction',
        amount,
        fee: 0,
        net: amount,
        currency: 'usd',
        created: 1404000000,
        type,
        source,
      });
    const kinds = [
      bt('transfer_failure', 52350, 'tr_1'),
      bt('stripe_fee', -500),
      bt('payment', 900, 'py_1'),
      bt('payment_refund', -900, 'pyr_1'),
      bt('adjustment', -2000, 'dp_1'),
      bt('adjustment', 2000, 'dp_1'),
      bt('adjustment', -300, 'ad_1'),
      bt('application_fee', 100),
    ].map((t) => {
      const e = events(parse(t))[0];
      return [e?.kind, e?.state, e?.payout_ref];
    });
    expect(kinds).toEqual([
      ['payout', 'payout_reversal', 'tr_1'],
      ['fee', 'fee', null],
      ['payment', 'charge', null],
      ['refund', 'refund', null],
      ['dispute', 'dispute', null],
      ['dispute', 'dispute_reversal', null],
      ['adjustment', 'adjustment', null],
      ['adjustment', 'application_fee', null],
    ]);
  });
});
