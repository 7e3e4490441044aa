// Tests the PayPal activity/statement CSV parser on the shared fixtures, on crafted rows, by round trip through the writer and by fuzzing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventDraftSchema, normalizeRef } from '../../src/shared/events/canonicalEvent.ts';
import type { EventDraftInput, EventKind } from '../../src/shared/events/canonicalEvent.ts';
import {
  DATE_LOOKAHEAD_ROWS,
  PAYPAL_TIME_ZONE_OFFSETS,
  paypalActivityCsvParser,
  paypalKindForType,
} from '../../src/main/import/parsers/paypalActivityCsv.ts';
import type { PaypalDateOrder, PaypalLanguage } from '../../src/main/import/parsers/paypalActivityCsv.ts';
import { FormatError } from '../../src/main/import/parserTypes.ts';
import type { RecordResult } from '../../src/main/import/parserTypes.ts';
import { textChunks } from '../../src/main/import/text/fileText.ts';
import { PAYPAL_ACTIVITY_HEADERS, paypalActivityChunks, writePaypalActivityCsv } from '../../src/main/synthetic/paypalActivityWriter.ts';
import type { PaypalActivityEntry } from '../../src/main/synthetic/paypalActivityWriter.ts';
import { FIXTURES_DIR, describeWithFixtures } from '../support/fixtures.ts';
import { ok, rejected } from '../support/records.ts';

function parseChunks(chunks: Iterable<string>, timeZone = 'UTC'): RecordResult[] {
  return [...paypalActivityCsvParser.parse({ chunks, fileName: 'paypal.csv', timeZone, locale: 'en-US' })];
}

function parse(text: string, chunkSize = 65_536): RecordResult[] {
  return parseChunks(textChunks(text, chunkSize));
}

function events(results: RecordResult[]): EventDraftInput[] {
  return results.map((r) => {
    const e = ok(r).events[0];
    if (e === undefined) throw new Error('a record without its event');
    return e;
  });
}

function byId(evs: EventDraftInput[], id: string): EventDraftInput {
  const e = evs.find((x) => x.external_id === id);
  if (e === undefined) throw new Error(`no event ${id}`);
  return e;
}

function countKinds(evs: EventDraftInput[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of evs) counts[e.kind] = (counts[e.kind] ?? 0) + 1;
  return counts;
}

function sums(evs: EventDraftInput[]): Record<string, [number, number, number]> {
  const out: Record<string, [number, number, number]> = {};
  for (const e of evs) {
    const s = (out[e.currency] ??= [0, 0, 0]);
    s[0] += e.amount_minor;
    s[1] += e.fee_minor ?? 0;
    s[2] += e.net_minor ?? 0;
  }
  return out;
}

/** Each row's Balance is the previous balance in its currency plus its net: the file's own check. */
function expectRunningBalances(evs: EventDraftInput[]): void {
  const last = new Map<string, number>();
  for (const e of evs) {
    const balance = e.attributes?.balance;
    if (typeof balance !== 'number') throw new Error(`${e.external_id} has no balance`);
    const before = last.get(e.currency);
    if (before !== undefined) expect(before + (e.net_minor ?? 0), e.external_id).toBe(balance);
    last.set(e.currency, balance);
  }
}

const PAYPAL_DIR = (): string => join(FIXTURES_DIR, 'providers', 'paypal');
const fixture = (name: string): string => readFileSync(join(PAYPAL_DIR(), name), 'utf8');
const FIXTURE_FILES = ['activity_en.csv', 'statement_en.csv', 'statement_es.csv', 'empty_activity.csv'];

interface Mutation {
  op: 'truncate' | 'delete' | 'insert' | 'duplicate';
  at: number;
  len?: number;
  text?: string;
}

describeWithFixtures('paypal-activity-csv on the shared fixtures', () => {
  it('detects every PayPal file and nothing else', () => {
    for (const name of FIXTURE_FILES) expect(paypalActivityCsvParser.detect(fixture(name)), name).toBe(true);
    const shopify = readFileSync(join(FIXTURES_DIR, 'providers', 'shopify', 'orders_export.csv'), 'utf8');
    expect(paypalActivityCsvParser.detect(shopify)).toBe(false);
    const stripe = 'balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,net,reporting_category,description\n';
    expect(paypalActivityCsvParser.detect(stripe)).toBe(false);
    expect(paypalActivityCsvParser.detect('Date,Description,Amount,Balance\n01/02/2024,CARD,-1.00,2.00\n')).toBe(false);
    expect(paypalActivityCsvParser.detect('Buchungstag;Valuta;Verwendungszweck;Betrag\n')).toBe(false);
    expect(paypalActivityCsvParser.detect('')).toBe(false);
  });

  it('reads activity_en.csv: 76 rows, kinds, sums per currency and running balances', () => {
    const results = parse(fixture('activity_en.csv'));
    expect(results).toHaveLength(76);
    const evs = events(results);
    expect(countKinds(evs)).toEqual({ payment: 26, adjustment: 36, payout: 14 });
    expect(sums(evs)).toEqual({ USD: [292778, 292588, 190], EUR: [4334, 0, 4334], AUD: [0, 0, 0] });
    expectRunningBalances(evs);
    expect(ok(results[0]).lineStart).toBe(2);
    expect(ok(results[75]).lineEnd).toBe(77);
  });

  it('maps a payment with thousands separators, its fee as a positive cost and PDT to UTC', () => {
    const evs = events(parse(fixture('activity_en.csv')));
    expect(byId(evs, 'TID1')).toMatchObject({
      kind: 'payment',
      amount_minor: 8400,
      fee_minor: 425,
      net_minor: 7975,
      currency: 'USD',
      state: 'Completed',
      occurred_at: '2015-12-29T15:45:51Z',
      local_date: '2015-12-29',
      customer_ref: 'paypal@partner1.com',
      source_revision: 'Completed',
      trace_id: null,
      order_ref: null,
    });
    expect(byId(evs, 'TID4')).toMatchObject({
      kind: 'payment',
      amount_minor: 165375,
      fee_minor: 7307,
      net_minor: 158068,
      order_ref: '31',
      trace_id: 'RTID1',
      occurred_at: '2016-06-09T14:19:50Z',
      customer_ref: 'paypal@partner2.com',
      attributes: {
        type: 'Website Payment',
        name: 'PARTNER2',
        subject: 'Payment to My Company for invoice 31',
        receipt_id: 'RID1',
        time_zone: 'PDT',
        address_status: 'Confirmed',
        balance: 161043,
      },
    });
    // A late PDT evening is the next UTC day; local_date keeps PayPal's own calendar day.
    expect(byId(evs, 'TID17')).toMatchObject({ occurred_at: '2016-08-25T04:17:40Z', local_date: '2016-08-24' });
  });

  it('links currency conversion legs by Reference Txn ID', () => {
    const evs = events(parse(fixture('activity_en.csv')));
    const conversions = evs.filter((e) => typeof e.attributes?.conversion_group === 'string');
    expect(conversions).toHaveLength(32);
    for (const e of conversions) {
      expect(e.kind).toBe('adjustment');
      expect(e.trace_id).toBe(e.attributes?.conversion_group);
    }
    // User-initiated pair: each leg points at the other.
    expect(byId(evs, 'TID2')).toMatchObject({ amount_minor: -5000, currency: 'USD', trace_id: 'TID3', attributes: { conversion_group: 'TID3' } });
    expect(byId(evs, 'TID3')).toMatchObject({ amount_minor: 4334, currency: 'EUR', trace_id: 'TID2', attributes: { conversion_group: 'TID2' } });
    // Withdrawal in EUR funded by converting USD: both legs name the withdrawal.
    const group = conversions.filter((e) => e.attributes?.conversion_group === 'TID11').map((e) => [e.external_id, e.currency, e.amount_minor]);
    expect(group).toEqual([
      ['TID12', 'USD', -1400000],
      ['TID13', 'EUR', 1243137],
    ]);
    // AUD purchase: conversion legs point at the payment sent, which carries the same invoice.
    expect(byId(evs, 'TID6')).toMatchObject({ currency: 'AUD', amount_minor: 10000, trace_id: 'TID7', order_ref: 'PARTNER3-INV1' });
  });

  it('keeps pending withdrawals as payouts in state Pending', () => {
    const evs = events(parse(fixture('activity_en.csv')));
    const payouts = evs.filter((e) => e.kind === 'payout');
    expect(payouts).toHaveLength(14);
    for (const p of payouts) {
      expect(p).toMatchObject({ state: 'Pending', currency: 'EUR', fee_minor: 0, customer_ref: null, attributes: { type: 'General Withdrawal' } });
      expect(p.payout_ref).toBe(p.external_id);
      expect(p.amount_minor).toBeLessThan(0);
    }
    expect(byId(evs, 'TID11')).toMatchObject({ amount_minor: -1243137, net_minor: -1243137, attributes: { balance: -1238803 } });
    expect(payouts.reduce((s, p) => s + p.amount_minor, 0)).toBe(-5938368);
  });

  it('marks holds and releases, and payments sent as adjustments', () => {
    const evs = events(parse(fixture('activity_en.csv')));
    expect(byId(evs, 'TID37')).toMatchObject({
      kind: 'adjustment',
      amount_minor: -374722,
      trace_id: 'TID36',
      order_ref: '47',
      attributes: { type: 'Payment Hold', hold: 'hold' },
    });
    expect(byId(evs, 'TID46')).toMatchObject({
      kind: 'adjustment',
      amount_minor: 374722,
      trace_id: 'TID36',
      attributes: { type: 'Payment Release', hold: 'release' },
    });
    expect(byId(evs, 'TID7')).toMatchObject({
      kind: 'adjustment',
      amount_minor: -10000,
      currency: 'AUD',
      customer_ref: 'paypal@partner3.com',
      attributes: { payment_direction: 'sent' },
    });
    expect(byId(evs, 'TID14')).toMatchObject({ kind: 'adjustment', amount_minor: -19500, customer_ref: 'paypal@partner4.com' });
  });

  it('reads statement_en.csv: month-first dates, IANA zones, CET as +01:00, no Status column', () => {
    const results = parse(fixture('statement_en.csv'));
    expect(results).toHaveLength(19);
    const evs = events(results);
    expect(countKinds(evs)).toEqual({ payout: 4, adjustment: 8, payment: 7 });
    expect(sums(evs)).toEqual({ EUR: [0, 0, 0], USD: [109680, 81650, 28030] });
    expectRunningBalances(evs);
    expect(byId(evs, 'TID7')).toMatchObject({
      kind: 'payout',
      amount_minor: -964813,
      state: null,
      source_revision: '',
      local_date: '2018-09-27',
      occurred_at: '2018-09-28T04:33:27Z',
      attributes: { type: 'General Withdrawal - Bank Account', bank_name: 'Bank B', bank_account: '9169', time_zone: 'America/Los_Angeles' },
    });
    expect(byId(evs, 'TID18')).toMatchObject({ amount_minor: -1167200, currency: 'USD', trace_id: 'TID7', attributes: { conversion_group: 'TID7' } });
    expect(byId(evs, 'TID16')).toMatchObject({ occurred_at: '2018-09-27T17:16:12Z', attributes: { time_zone: 'CET' } });
    expect(byId(evs, 'TID9')).toMatchObject({
      kind: 'payment',
      amount_minor: 130980,
      fee_minor: 4876,
      net_minor: 126104,
      order_ref: '361',
      customer_ref: 'paypal@partner1.com',
      attributes: { name: 'Partner 1' },
    });
  });

  it('reads statement_es.csv: Spanish headers, comma decimals, dot thousands, day-first dates', () => {
    const results = parse(fixture('statement_es.csv'));
    expect(results).toHaveLength(4);
    const evs = events(results);
    expect(evs.map((e) => [e.external_id, e.kind, e.amount_minor, e.fee_minor, e.net_minor, e.attributes?.balance, e.local_date])).toEqual([
      ['TID1', 'payment', 4937, 178, 4759, 462681, '2020-01-02'],
      ['TID2', 'payment', 2882, 119, 2763, 465444, '2020-01-02'],
      ['TID3', 'payment', 3578, 139, 3439, 468883, '2020-01-02'],
      ['TID4', 'payment', 2247, 100, 2147, 471030, '2020-01-03'],
    ]);
    expect(sums(evs)).toEqual({ EUR: [13644, 536, 13108] });
    expectRunningBalances(evs);
    expect(evs[0]).toMatchObject({
      occurred_at: '2020-01-02T10:05:56Z',
      currency: 'EUR',
      customer_ref: 'paypal@partner1.com',
      attributes: { type: 'Pago estándar', time_zone: 'Europe/Berlin' },
    });
  });

  it('reads empty_activity.csv as zero records without an error', () => {
    expect(parse(fixture('empty_activity.csv'))).toEqual([]);
  });

  it('gives the same results whatever the chunk size', () => {
    for (const name of FIXTURE_FILES) {
      const text = fixture(name);
      const whole = parse(text);
      for (const size of [1, 7, 256]) expect(parse(text, size), `${name} in ${size}-char chunks`).toEqual(whole);
    }
  });

  it('rejects a Spanish file whose amount is written in English style, naming the column', () => {
    const text = fixture('statement_es.csv').replace('"49,37"', '"49.37"');
    const r = rejected(parse(text)[0]);
    expect(r.position).toEqual({ line: 2, column: 6 });
    expect(r.message).toContain('"Bruto"');
    expect(r.message).toContain('Spanish');
  });

  it('never fails other than by records, RejectedRecords or FormatError on mutated and truncated fixtures', () => {
    const texts = FIXTURE_FILES.map(fixture);
    const mutation: fc.Arbitrary<Mutation> = fc.oneof(
      fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
      fc.record({
        op: fc.constant('insert' as const),
        at: fc.nat(),
        text: fc.string({ unit: fc.constantFrom('"', ',', '\n', '\r', '.', '-', '1', '9', '/', ':', 'x', ' ', 'é', '\uFEFF'), maxLength: 8 }),
      }),
      fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 400 }) }),
    );
    const apply = (text: string, m: Mutation): string => {
      const at = text.length === 0 ? 0 : m.at % (text.length + 1);
      if (m.op === 'truncate') return text.slice(0, at);
      if (m.op === 'delete') return text.slice(0, at) + text.slice(at + (m.len ?? 1));
      if (m.op === 'insert') return text.slice(0, at) + (m.text ?? '') + text.slice(at);
      return text.slice(0, at) + text.slice(at, at + (m.len ?? 1)) + text.slice(at);
    };
    fc.assert(
      fc.property(
        fc.nat({ max: texts.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 5000 }),
        (which, ms, chunk) => {
          const text = ms.reduce((t, m) => apply(t, m), texts[which] ?? '');
          let results: RecordResult[];
          try {
            results = parse(text, chunk);
          } catch (err) {
            expect(err).toBeInstanceOf(FormatError);
            return;
          }
          for (const r of results) {
            if (r.ok) {
              for (const e of r.events) expect(EventDraftSchema.safeParse(e).success).toBe(true);
            } else {
              expect(r.position.line).toBeGreaterThanOrEqual(1);
              expect(r.position.column).toBeGreaterThanOrEqual(1);
              expect(r.message.length).toBeGreaterThan(0);
            }
          }
        },
      ),
      { numRuns: 400, seed: 20240501 },
    );
  });
});

// ---- Crafted files (no fixtures needed) ----

const EN_HEADER = PAYPAL_ACTIVITY_HEADERS.en.map((h) => `"${h}"`).join(',');

/** A full English activity row; `over` replaces fields by header name. */
function enRow(over: Record<string, string>): string {
  const base: Record<string, string> = {
    Date: '01/25/2024',
    Time: '10:00:00',
    TimeZone: 'PST',
    Name: 'Buyer',
    Type: 'Express Checkout Payment',
    Status: 'Completed',
    Currency: 'USD',
    Gross: '10.00',
    Fee: '-0.59',
    Net: '9.41',
    'From Email Address': 'Buyer@Example.com',
    'To Email Address': 'me@shop.test',
    'Transaction ID': 'T1',
    'Reference Txn ID': '',
    'Invoice Number': '#1001',
    Balance: '9.41',
  };
  const values = { ...base, ...over };
  return PAYPAL_ACTIVITY_HEADERS.en.map((h) => `"${(values[h] ?? '').replace(/"/g, '""')}"`).join(',');
}

function enFile(rows: Array<Record<string, string>>): string {
  return [EN_HEADER, ...rows.map(enRow)].join('\n') + '\n';
}

describe('paypal-activity-csv rules', () => {
  it('has a stable id', () => {
    expect(paypalActivityCsvParser.format).toBe('paypal-activity-csv');
    expect(paypalActivityCsvParser.version).toBe(2);
  });

  it('maps PayPal types in English and Spanish to kinds', () => {
    const cases: Array<[string, number, EventKind, Record<string, unknown>?]> = [
      ['General Payment', 100, 'payment'],
      ['Express Checkout Payment', 100, 'payment'],
      ['Website Payment', 100, 'payment'],
      ['Mobile Payment', 100, 'payment'],
      ['Subscription Payment', 100, 'payment'],
      ['Payment Received', 100, 'payment'],
      ['Pago estándar', 100, 'payment'],
      ['Pago de Express Checkout', 100, 'payment'],
      ['Website Payment', -100, 'adjustment', { sent: true }],
      ['Pago enviado', -100, 'adjustment', { sent: true }],
      ['Refund', -100, 'refund'],
      ['Payment Refund', -100, 'refund'],
      ['Reembolso de pago', -100, 'refund'],
      ['Fee', -100, 'fee'],
      ['Comisión por transacción', -100, 'fee'],
      ['General Withdrawal', -100, 'payout'],
      ['General Withdrawal - Bank Account', -100, 'payout'],
      ['Withdraw Funds to Bank Account', -100, 'payout'],
      ['Retiro general', -100, 'payout'],
      ['General Currency Conversion', -100, 'adjustment', { conversion: true }],
      ['User Initiated Currency Conversion', 100, 'adjustment', { conversion: true }],
      ['Conversión de divisa', 100, 'adjustment', { conversion: true }],
      ['Account Hold for Open Authorization', -100, 'adjustment', { hold: 'hold' }],
      ['Payment Review Hold', -100, 'adjustment', { hold: 'hold' }],
      ['Payment Hold', -100, 'adjustment', { hold: 'hold' }],
      ['Reversal of General Account Hold', 100, 'adjustment', { hold: 'release' }],
      ['Payment Review Release', 100, 'adjustment', { hold: 'release' }],
      ['Retención de pago', -100, 'adjustment', { hold: 'hold' }],
      ['Hold on Balance for Dispute Investigation', -100, 'dispute', { hold: 'hold' }],
      ['Cancellation of Hold for Dispute Resolution', 100, 'dispute', { hold: 'release' }],
      ['Chargeback', -100, 'dispute'],
      ['Chargeback Fee', -100, 'dispute'],
      ['Payment Reversal', -100, 'dispute'],
      ['Contracargo', -100, 'dispute'],
      ['Something New From PayPal', 100, 'adjustment'],
    ];
    for (const [type, gross, kind, extra] of cases) {
      expect(paypalKindForType(type, gross), type).toEqual({ kind, ...extra });
    }
  });

  it('keeps unknown types as adjustments with their type text', () => {
    const e = events(parse(enFile([{ Type: 'Mystery Credit', Gross: '5.00', Fee: '0.00', Net: '5.00' }])))[0];
    expect(e).toMatchObject({ kind: 'adjustment', attributes: { type: 'Mystery Credit' }, customer_ref: 'buyer@example.com', order_ref: '1001' });
  });

  it('takes the counterparty email by direction: From for money in, To for money out', () => {
    const evs = events(
      parse(
        enFile([
          { 'Transaction ID': 'IN' },
          {
            'Transaction ID': 'OUT',
            Type: 'Refund',
            Gross: '-10.00',
            Fee: '0.30',
            Net: '-9.70',
            'From Email Address': 'me@shop.test',
            'To Email Address': 'Buyer@Example.COM',
            'Reference Txn ID': 'IN',
          },
        ]),
      ),
    );
    expect(byId(evs, 'IN').customer_ref).toBe('buyer@example.com');
    // A refunded fee is a negative cost: PayPal writes +0.30.
    expect(byId(evs, 'OUT')).toMatchObject({
      kind: 'refund',
      customer_ref: 'buyer@example.com',
      trace_id: 'IN',
      amount_minor: -1000,
      fee_minor: -30,
      net_minor: -970,
    });
  });

  it('rejects a row whose gross + fee ≠ net, naming the three columns', () => {
    const r = rejected(parse(enFile([{ Net: '9.40' }]))[0]);
    expect(r.position).toEqual({ line: 2, column: 10 });
    expect(r.message).toBe('Gross 10.00 + Fee -0.59 ≠ Net 9.40: the row does not add up');
  });

  it('rejects unknown time zone abbreviations, naming the column', () => {
    const r = rejected(parse(enFile([{ TimeZone: 'XYZT' }]))[0]);
    expect(r.position).toEqual({ line: 2, column: 3 });
    expect(r.message).toContain('column "TimeZone"');
  });

  it('uses the workspace time zone when TimeZone is empty', () => {
    const e = events(parseChunks([enFile([{ TimeZone: '' }])], 'Europe/Berlin'))[0];
    expect(e?.occurred_at).toBe('2024-01-25T09:00:00Z');
  });

  it('decides the date order from the first decisive date and rejects dates impossible in it', () => {
    const results = parse(
      enFile([
        { 'Transaction ID': 'A', Date: '03/04/2024' },
        { 'Transaction ID': 'B', Date: '25/04/2024' },
        { 'Transaction ID': 'C', Date: '04/25/2024' },
      ]),
    );
    expect(ok(results[0]).events[0]?.local_date).toBe('2024-04-03');
    expect(ok(results[1]).events[0]?.local_date).toBe('2024-04-25');
    const r = rejected(results[2]);
    expect(r.position).toEqual({ line: 4, column: 1 });
    expect(r.message).toContain('day/month/year');
  });

  it('uses the header language convention when no date decides: English month-first, Spanish day-first', () => {
    expect(events(parse(enFile([{ Date: '03/04/2024' }])))[0]?.local_date).toBe('2024-03-04');
    const es = writePaypalActivityCsv([entry({ occurredAt: '2024-04-03T12:00:00Z', timeZone: 'UTC' })], { language: 'es' });
    expect(es).toContain('"03/04/2024"');
    expect(events(parse(es))[0]?.local_date).toBe('2024-04-03');
  });

  it('holds back at most DATE_LOOKAHEAD_ROWS rows before falling back to the language convention', () => {
    const rows = Array.from({ length: DATE_LOOKAHEAD_ROWS }, (_, i) => ({ 'Transaction ID': `A${i}`, Date: '03/04/2024' }));
    const results = parse(enFile([...rows, { 'Transaction ID': 'LATE', Date: '25/04/2024' }]));
    expect(results).toHaveLength(DATE_LOOKAHEAD_ROWS + 1);
    expect(ok(results[0]).events[0]?.local_date).toBe('2024-03-04');
    expect(rejected(results[DATE_LOOKAHEAD_ROWS]).message).toContain('month/day/year');
  });

  it('rejects amounts that do not fit the declared English style', () => {
    const r = rejected(parse(enFile([{ Gross: '10,00', Net: '9,41' }]))[0]);
    expect(r.position.column).toBe(8);
    expect(r.message).toContain('"Gross"');
  });

  it('rejects rows with values beyond the header', () => {
    const text = `${EN_HEADER}\n${enRow({})},"extra"\n`;
    const r = rejected(parse(text)[0]);
    expect(r.position).toEqual({ line: 2, column: 23 });
  });

  it('throws FormatError for a file that is not a PayPal download, and for an empty one', () => {
    expect(() => parse('Date,Description,Amount\n01/02/2024,x,1.00\n')).toThrow(FormatError);
    expect(() => parse('')).toThrow(/empty/);
  });
});

// ---- Round trip through the writer ----

function entry(over: Partial<PaypalActivityEntry>): PaypalActivityEntry {
  return {
    transactionId: 'T1',
    occurredAt: '2024-01-25T12:00:00Z',
    timeZone: 'PDT',
    name: '',
    type: 'Express Checkout Payment',
    status: 'Completed',
    currency: 'USD',
    grossMinor: 1000,
    feeMinor: -59,
    fromEmail: '',
    toEmail: '',
    referenceTxnId: '',
    invoiceNumber: '',
    receiptId: '',
    balanceMinor: null,
    subject: '',
    note: '',
    ...over,
  };
}

const TYPE_CASES: Array<{ type: string; kind: (gross: number) => EventKind }> = [
  { type: 'Express Checkout Payment', kind: (g) => (g > 0 ? 'payment' : 'adjustment') },
  { type: 'Pago estándar', kind: (g) => (g > 0 ? 'payment' : 'adjustment') },
  { type: 'Refund', kind: () => 'refund' },
  { type: 'Reembolso', kind: () => 'refund' },
  { type: 'General Withdrawal', kind: () => 'payout' },
  { type: 'Retiro general', kind: () => 'payout' },
  { type: 'General Currency Conversion', kind: () => 'adjustment' },
  { type: 'Conversión de divisa', kind: () => 'adjustment' },
  { type: 'Payment Review Hold', kind: () => 'adjustment' },
  { type: 'Chargeback', kind: () => 'dispute' },
  { type: 'Fee', kind: () => 'fee' },
  { type: 'Brand New Type', kind: () => 'adjustment' },
];

const text = (max: number): fc.Arbitrary<string> => fc.string({ maxLength: max }).map((s) => s.trim());
const id = fc.stringMatching(/^[0-9A-Z]{6,17}$/);

const entryArb: fc.Arbitrary<[PaypalActivityEntry, (typeof TYPE_CASES)[number]]> = fc
  .record({
    transactionId: id,
    seconds: fc.integer({ min: Date.UTC(2000, 0, 1) / 1000, max: Date.UTC(2035, 0, 1) / 1000 }),
    timeZone: fc.constantFrom(...Object.keys(PAYPAL_TIME_ZONE_OFFSETS)),
    name: text(20),
    typeCase: fc.constantFrom(...TYPE_CASES),
    status: fc.constantFrom('Completed', 'Pending', 'Denied', 'Reversed', 'Completado', 'Pendiente'),
    currency: fc.constantFrom('USD', 'EUR', 'JPY', 'GBP', 'KWD', 'MXN'),
    grossMinor: fc.integer({ min: -1e12, max: 1e12 }),
    feeMinor: fc.integer({ min: -1e8, max: 1e6 }),
    fromEmail: fc.emailAddress(),
    toEmail: fc.emailAddress(),
    referenceTxnId: fc.oneof(fc.constant(''), id),
    invoiceNumber: fc.stringMatching(/^[A-Za-z0-9-]{0,12}$/),
    receiptId: fc.stringMatching(/^[0-9-]{0,12}$/),
    balanceMinor: fc.option(fc.integer({ min: -1e12, max: 1e12 })),
    subject: text(30),
    note: text(30),
  })
  .map(({ seconds, typeCase, ...rest }) => [
    { ...rest, type: typeCase.type, occurredAt: new Date(seconds * 1000).toISOString().replace('.000Z', 'Z') },
    typeCase,
  ]);

function expectSameEvent(e: EventDraftInput | undefined, x: PaypalActivityEntry, kind: EventKind): void {
  const offset = PAYPAL_TIME_ZONE_OFFSETS[x.timeZone] ?? 0;
  const email = x.grossMinor >= 0 ? x.fromEmail : x.toEmail;
  expect(e).toMatchObject({
    kind,
    external_id: x.transactionId,
    source_revision: x.status,
    state: x.status,
    currency: x.currency,
    amount_minor: x.grossMinor,
    fee_minor: x.feeMinor === 0 ? 0 : -x.feeMinor,
    net_minor: x.grossMinor + x.feeMinor,
    occurred_at: x.occurredAt,
    local_date: new Date(Date.parse(x.occurredAt) + offset * 60_000).toISOString().slice(0, 10),
    customer_ref: normalizeRef(email.toLowerCase()),
    trace_id: x.referenceTxnId || null,
    order_ref: x.invoiceNumber || null,
    payout_ref: kind === 'payout' ? x.transactionId : null,
  });
  const attrs = e?.attributes ?? {};
  expect(attrs.type).toBe(x.type);
  expect(attrs.time_zone).toBe(x.timeZone);
  expect(attrs.name).toBe(x.name || undefined);
  expect(attrs.subject).toBe(x.subject || undefined);
  expect(attrs.note).toBe(x.note || undefined);
  expect(attrs.receipt_id).toBe(x.receiptId || undefined);
  expect(attrs.balance).toBe(x.balanceMinor ?? undefined);
}

describe('paypal-activity-csv round trip through the writer', () => {
  const variants: Array<[PaypalLanguage, PaypalDateOrder]> = [
    ['en', 'MDY'],
    ['en', 'DMY'],
    ['es', 'DMY'],
    ['es', 'MDY'],
    ['fr', 'DMY'],
    ['de', 'DMY'],
    ['de', 'MDY'],
    ['pt', 'DMY'],
  ];
  for (const [language, dateOrder] of variants) {
    it(`parses back what the writer wrote (${language}, ${dateOrder})`, () => {
      // A 25th of the month first, so that a non-default order is decided by the file itself.
      const anchor = entry({ transactionId: 'ANCHOR', occurredAt: '2024-03-25T12:00:00Z', timeZone: 'UTC' });
      fc.assert(
        fc.property(fc.array(entryArb, { maxLength: 15 }), fc.integer({ min: 1, max: 300 }), (generated, chunk) => {
          const entries = [anchor, ...generated.map(([x]) => x)];
          const results = parse(writePaypalActivityCsv(entries, { language, dateOrder }), chunk);
          expect(results).toHaveLength(entries.length);
          expectSameEvent(ok(results[0]).events[0], anchor, 'payment');
          generated.forEach(([x, typeCase], i) => expectSameEvent(ok(results[i + 1]).events[0], x, typeCase.kind(x.grossMinor)));
        }),
        { numRuns: 150, seed: 7 },
      );
    });
  }
});

describe('paypal-activity-csv streaming', () => {
  it('parses 100,000 rows fed as chunks, pulling input only as records are consumed', () => {
    const count = 100_000;
    let expectedGross = 0;
    function* entries(): Generator<PaypalActivityEntry> {
      for (let i = 0; i < count; i++) {
        const withdrawal = i % 50 === 49;
        const grossMinor = withdrawal ? -(10_000 + i) : 500 + (i % 9973);
        expectedGross += grossMinor;
        yield entry({
          transactionId: `TX${i}`,
          occurredAt: new Date(Date.UTC(2024, 0, 14) + i * 60_000).toISOString().replace('.000Z', 'Z'),
          timeZone: i % 2 === 0 ? 'PST' : 'CET',
          type: withdrawal ? 'General Withdrawal' : 'Website Payment',
          status: withdrawal ? 'Pending' : 'Completed',
          grossMinor,
          feeMinor: withdrawal ? 0 : -Math.round(grossMinor * 0.03) - 30,
          fromEmail: `buyer${i % 997}@example.com`,
          invoiceNumber: String(1000 + i),
          balanceMinor: i * 7,
        });
      }
    }
    let pulled = 0;
    function* counted(): Generator<string> {
      for (const c of paypalActivityChunks(entries(), { language: 'es' }, 16_384)) {
        pulled++;
        yield c;
      }
    }
    const iterator = paypalActivityCsvParser.parse({ chunks: counted(), fileName: 'big.csv', timeZone: 'UTC', locale: 'es-ES' })[Symbol.iterator]();
    const first = iterator.next();
    expect(first.done).toBe(false);
    // The first dates (14 January) decide the order at once, so one chunk is enough for the first record.
    expect(pulled).toBeLessThanOrEqual(2);
    let parsed = 1;
    let payouts = 0;
    let gross = ok(first.value as RecordResult).events[0]?.amount_minor ?? 0;
    for (let r = iterator.next(); r.done !== true; r = iterator.next()) {
      const e = ok(r.value).events[0];
      parsed++;
      gross += e?.amount_minor ?? 0;
      if (e?.kind === 'payout') payouts++;
    }
    expect(parsed).toBe(count);
    expect(payouts).toBe(count / 50);
    expect(gross).toBe(expectedGross);
  });
});
