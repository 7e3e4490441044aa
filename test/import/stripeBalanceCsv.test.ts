// Tests the Stripe itemized balance report parser on a realistic report built in memory.
import { describe, expect, it } from 'vitest';
import { stripeBalanceCsvParser, orderRefFromDescription } from '../../src/main/import/parsers/stripeBalanceCsv.ts';
import { FormatError } from '../../src/main/import/parserTypes.ts';
import type { RecordResult } from '../../src/main/import/parserTypes.ts';
import { textChunks } from '../../src/main/import/text/fileText.ts';
import { ok, rejected } from '../support/records.ts';

const HEADER = [
  'balance_transaction_id',
  'created_utc',
  'available_on_utc',
  'currency',
  'gross',
  'fee',
  'net',
  'reporting_category',
  'source_id',
  'description',
  'customer_facing_amount',
  'customer_facing_currency',
  'automatic_payout_id',
  'automatic_payout_effective_at',
  'customer_id',
  'customer_email',
  'customer_name',
  'charge_id',
  'payment_intent_id',
  'refund_id',
  'dispute_id',
  'invoice_id',
  'statement_descriptor',
  'card_brand',
  'payment_method_type',
  'payment_metadata[order_id]',
  'payment_metadata[channel]',
].join(',');

// One line per record; fields in HEADER order. Quoted description with a comma, and one with a newline.
const ROWS = [
  // 2: charge with a metadata order id
  'txn_1Charge,2024-03-01 14:05:09,2024-03-03 00:00:00,usd,100.00,3.20,96.80,charge,ch_1A,"Payment for Order #1001, thanks",100.00,usd,po_1Auto,2024-03-04 00:00:00,cus_9,Jane.Doe@Example.COM,"Doe, Jane",ch_1A,pi_1A,,,,SHOP*TIEOUT,visa,card,SO-1001,web',
  // 3: refund of that charge (negative gross), order only in the description
  'txn_2Refund,2024-03-02 09:00:00,2024-03-02 09:00:00,usd,-40.00,0.00,-40.00,refund,re_1B,Refund order 1002,,,po_1Auto,2024-03-04 00:00:00,cus_9,,,ch_1A,pi_1A,re_1B,,,,,,,',
  // 4: a Stripe fee (Radar, billing) is a negative gross with no fee of its own
  'txn_3Fee,2024-03-02 10:00:00,,usd,-5.00,0.00,-5.00,fee,,"Radar fees (Mar 1 - Mar 2)",,,po_1Auto,,,,,,,,,,,,,,',
  // 5: dispute withdrawal with the 15.00 dispute fee; description spans two lines
  'txn_4Dispute,2024-03-02T11:00:00Z,,usd,-100.00,15.00,-115.00,dispute,dp_1C,"Chargeback\non #1001",,,,,,,,ch_1A,pi_1A,,dp_1C,,,,,,',
  // 7: a transfer is an adjustment
  'txn_5Transfer,2024-03-02 12:00:00,,usd,-20.00,0.00,-20.00,transfer,tr_1D,Connect transfer,,,,,,,,,,,,,,,,,',
  // 8: the payout itself (balance change report): negative, payout_ref from source_id
  'txn_6Payout,2024-03-04 00:00:00,,usd,-31.80,0.00,-31.80,payout,po_1Auto,STRIPE PAYOUT,,,,,,,,,,,,,,,,,',
];

const CSV = [HEADER, ...ROWS].join('\r\n') + '\r\n';

function parse(text: string, chunkSize = 65536): RecordResult[] {
  return [...stripeBalanceCsvParser.parse({ chunks: textChunks(text, chunkSize), fileName: 'balance.csv', timeZone: 'UTC', locale: 'en-US' })];
}

describe('stripe-balance-csv parser', () => {
  it('has a stable id', () => {
    expect(stripeBalanceCsvParser.format).toBe('stripe-balance-csv');
    expect(stripeBalanceCsvParser.version).toBeGreaterThanOrEqual(2);
  });

  it('maps every field of a charge', () => {
    const results = parse(CSV);
    expect(results).toHaveLength(6);
    const r = ok(results[0]);
    expect(r.lineStart).toBe(2);
    expect(r.lineEnd).toBe(2);
    expect(r.events).toEqual([
      {
        kind: 'payment',
        external_id: 'txn_1Charge',
        // An item of an automatic payout is the revision its payout names: a report made before the payout has ''.
        source_revision: 'po_1Auto',
        order_ref: 'SO-1001',
        customer_ref: 'jane.doe@example.com',
        payout_ref: 'po_1Auto',
        trace_id: 'pi_1A',
        amount_minor: 10000,
        currency: 'USD',
        fee_minor: 320,
        net_minor: 9680,
        state: 'charge',
        channel: null,
        occurred_at: '2024-03-01T14:05:09Z',
        local_date: null,
        attributes: {
          reporting_category: 'charge',
          description: 'Payment for Order #1001, thanks',
          source_id: 'ch_1A',
          charge_id: 'ch_1A',
          payment_intent_id: 'pi_1A',
          customer_id: 'cus_9',
          customer_email: 'Jane.Doe@Example.COM',
          customer_name: 'Doe, Jane',
          automatic_payout_id: 'po_1Auto',
          automatic_payout_effective_at: '2024-03-04T00:00:00Z',
          statement_descriptor: 'SHOP*TIEOUT',
          card_brand: 'visa',
          payment_method_type: 'card',
          customer_facing_amount: '100.00',
          customer_facing_currency: 'USD',
          available_on: '2024-03-03T00:00:00Z',
          'metadata.order_id': 'SO-1001',
          'metadata.channel': 'web',
          order_ref_source: 'metadata.order_id',
        },
      },
    ]);
  });

  it('maps a refund: negative gross, order from the description, trace shared with its charge', () => {
    const e = ok(parse(CSV)[1]).events[0];
    expect(e).toMatchObject({
      kind: 'refund',
      external_id: 'txn_2Refund',
      amount_minor: -4000,
      fee_minor: 0,
      net_minor: -4000,
      order_ref: '1002',
      customer_ref: 'cus_9',
      payout_ref: 'po_1Auto',
      trace_id: 'pi_1A',
      state: 'refund',
      occurred_at: '2024-03-02T09:00:00Z',
    });
    expect(e?.attributes).toMatchObject({ refund_id: 're_1B', order_ref_source: 'description', available_on: '2024-03-02T09:00:00Z' });
  });

  it('maps a fee row as kind fee with a negative amount', () => {
    const e = ok(parse(CSV)[2]).events[0];
    expect(e).toMatchObject({
      kind: 'fee',
      amount_minor: -500,
      fee_minor: 0,
      net_minor: -500,
      order_ref: null,
      customer_ref: null,
      trace_id: null,
      payout_ref: 'po_1Auto',
    });
    expect(e?.attributes?.description).toBe('Radar fees (Mar 1 - Mar 2)');
  });

  it('maps a dispute: ISO created_utc, Stripe-signed fee, multi-line description', () => {
    const r = ok(parse(CSV)[3]);
    expect(r.lineStart).toBe(5);
    expect(r.lineEnd).toBe(6);
    expect(r.events[0]).toMatchObject({
      kind: 'dispute',
      external_id: 'txn_4Dispute',
      amount_minor: -10000,
      fee_minor: 1500,
      net_minor: -11500,
      order_ref: '1001',
      trace_id: 'pi_1A',
      payout_ref: null,
      occurred_at: '2024-03-02T11:00:00Z',
      state: 'dispute',
    });
    expect(r.events[0]?.attributes).toMatchObject({ description: 'Chargeback\non #1001', dispute_id: 'dp_1C' });
  });

  it('maps a transfer to an adjustment and the payout row to a negative payout keyed by its own id', () => {
    const results = parse(CSV);
    const transfer = ok(results[4]);
    expect(transfer.lineStart).toBe(7);
    expect(transfer.events[0]).toMatchObject({ kind: 'adjustment', state: 'transfer', amount_minor: -2000, trace_id: 'tr_1D', payout_ref: null });
    const payout = ok(results[5]);
    expect(payout.lineStart).toBe(8);
    expect(payout.events[0]).toMatchObject({
      kind: 'payout',
      amount_minor: -3180,
      fee_minor: 0,
      net_minor: -3180,
      payout_ref: 'po_1Auto',
      trace_id: 'po_1Auto',
      state: 'payout',
    });
  });

  it('keeps what the customer paid in another currency as presentment, signed like gross', () => {
    const csv = [
      'balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category,customer_facing_amount,customer_facing_currency',
      'txn_E1,2024-03-01 10:00:00,usd,108.52,3.45,105.07,charge,100.00,eur',
      'txn_E2,2024-03-02 10:00:00,usd,-21.70,0.00,-21.70,refund,20.00,eur',
      'txn_E3,2024-03-02 11:00:00,usd,10.00,0.59,9.41,charge,10.00,usd',
    ].join('\n');
    const attrs = parse(csv).map((r) => ok(r).events[0]?.attributes ?? {});
    expect(attrs.map((a) => [a.presentment_amount_minor ?? null, a.presentment_currency ?? null])).toEqual([
      [10000, 'EUR'],
      [-2000, 'EUR'],
      [null, null],
    ]);
  });

  it('gives the same result whatever the chunk size', () => {
    expect(parse(CSV, 7)).toEqual(parse(CSV));
  });

  it('accepts LF line endings and a header with only the required columns; zero-decimal currencies use exponent 0', () => {
    const text = 'created_utc,balance_transaction_id,reporting_category,currency,gross,fee,net\n2024-01-01 00:00:00,txn_J,charge,jpy,1000,36,964\n';
    const e = ok(parse(text)[0]).events[0];
    expect(e).toMatchObject({
      kind: 'payment',
      currency: 'JPY',
      amount_minor: 1000,
      fee_minor: 36,
      net_minor: 964,
      order_ref: null,
      payout_ref: null,
      trace_id: null,
    });
  });

  it('maps other reporting categories to adjustment and keeps the category as state', () => {
    const header = 'balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category\n';
    const rows = ['dispute_reversal', 'payout_reversal', 'other_adjustment', 'refund_failure', 'topup', 'tax']
      .map((c, i) => `txn_${i},2024-01-01 00:00:00,eur,1.00,0.00,1.00,${c}`)
      .join('\n');
    const kinds = parse(header + rows).map((r) => ok(r).events[0]?.kind);
    expect(kinds).toEqual(['dispute', 'payout', 'adjustment', 'adjustment', 'adjustment', 'adjustment']);
  });

  describe('rejected rows', () => {
    const header = 'balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category';

    it('rejects an unparseable amount at its column and keeps going', () => {
      const text = `${header}\r\ntxn_bad,2024-01-01 00:00:00,usd,"12,x",0.00,12.00,charge\r\ntxn_ok,2024-01-01 00:00:00,usd,1.00,0.00,1.00,charge\r\n`;
      const [bad, good] = parse(text);
      const r = rejected(bad);
      expect(r.position).toEqual({ line: 2, column: 4 });
      expect(r.message).toMatch(/^column "gross": "12,x" is not an amount/);
      expect(r.raw).toBe('txn_bad,2024-01-01 00:00:00,usd,"12,x",0.00,12.00,charge');
      expect(r.lineEnd).toBe(2);
      expect(ok(good).events[0]?.external_id).toBe('txn_ok');
    });

    it('rejects more decimals than the currency has', () => {
      const r = rejected(parse(`${header}\ntxn,2024-01-01 00:00:00,usd,1.005,0.00,1.005,charge\n`)[0]);
      expect(r.position).toEqual({ line: 2, column: 4 });
      expect(r.message).toContain('column "gross"');
    });

    it('rejects an unknown currency', () => {
      const r = rejected(parse(`${header}\ntxn,2024-01-01 00:00:00,xyz,1.00,0.00,1.00,charge\n`)[0]);
      expect(r.position).toEqual({ line: 2, column: 3 });
      expect(r.message).toBe('column "currency": "xyz" is not a known currency');
    });

    it('rejects a missing created_utc value', () => {
      const r = rejected(parse(`${header}\ntxn,,usd,1.00,0.00,1.00,charge\n`)[0]);
      expect(r.position).toEqual({ line: 2, column: 2 });
      expect(r.message).toContain('"created_utc"');
    });

    it('rejects a date that is not a date', () => {
      const r = rejected(parse(`${header}\ntxn,2024-13-45 99:00:00,usd,1.00,0.00,1.00,charge\n`)[0]);
      expect(r.position).toEqual({ line: 2, column: 2 });
      expect(r.message).toMatch(/^column "created_utc": "2024-13-45 99:00:00" is not a date/);
    });

    it('rejects a row where gross − fee ≠ net, naming the three values', () => {
      const r = rejected(parse(`${header}\ntxn,2024-01-01 00:00:00,usd,10.00,0.30,9.60,charge\n`)[0]);
      expect(r.position).toEqual({ line: 2, column: 6 });
      expect(r.message).toContain('10.00');
      expect(r.message).toContain('0.30');
      expect(r.message).toContain('9.60');
    });

    it('rejects a row with more fields than the header', () => {
      const r = rejected(parse(`${header}\ntxn,2024-01-01 00:00:00,usd,1.00,0.00,1.00,charge,extra\n`)[0]);
      expect(r.position).toEqual({ line: 2, column: 8 });
    });
  });

  it('throws FormatError at line 1 naming every missing required column', () => {
    const text = 'balance_transaction_id,created_utc,currency,gross,description\ntxn,2024-01-01 00:00:00,usd,1.00,x\n';
    let error: unknown;
    try {
      parse(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FormatError);
    const fe = error as FormatError;
    expect(fe.position.line).toBe(1);
    expect(fe.message).toContain('"fee"');
    expect(fe.message).toContain('"net"');
    expect(fe.message).toContain('"reporting_category"');
  });

  it('throws FormatError on an empty file', () => {
    expect(() => parse('')).toThrow(FormatError);
  });

  describe('detect', () => {
    it('claims a Stripe itemized report header', () => {
      expect(stripeBalanceCsvParser.detect(CSV.slice(0, 300))).toBe(true);
      expect(stripeBalanceCsvParser.detect('"balance_transaction_id","created_utc","gross","fee","net","reporting_category"\n')).toBe(true);
    });

    it('does not claim other files', () => {
      expect(stripeBalanceCsvParser.detect('id,created,amount,currency,status\n')).toBe(false);
      expect(stripeBalanceCsvParser.detect('balance_transaction_id,gross,net\n')).toBe(false);
      // The names must be in the header line, not further down.
      expect(stripeBalanceCsvParser.detect('id,amount\nbalance_transaction_id,reporting_category,gross,net,created_utc\n')).toBe(false);
      expect(stripeBalanceCsvParser.detect('{"object":"list","data":[]}')).toBe(false);
      expect(stripeBalanceCsvParser.detect('')).toBe(false);
    });
  });
});

describe('orderRefFromDescription', () => {
  it.each([
    ['Order #1001', '1001'],
    ['order 1001', '1001'],
    ['Payment for order no. 55-A', '55-A'],
    ['Shopify #1001', '1001'],
    ['#SH1001 paid', 'SH1001'],
  ])('%s → %s', (text, expected) => {
    expect(orderRefFromDescription(text)).toBe(expected);
  });

  it.each(['Invoice #1234', 'Subscription update', 'STRIPE PAYOUT', '# of items', 'Orders'])('%s → null', (text) => {
    expect(orderRefFromDescription(text)).toBeNull();
  });
});
