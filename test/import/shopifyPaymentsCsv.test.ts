// Tests the Shopify Payments transactions export and the order transaction histories export parsers, on files shaped as Shopify writes them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shopifyPaymentsCsvParser, shopifyPaymentsKind } from '../../src/main/import/parsers/shopifyPaymentsCsv.ts';
import { shopifyTransactionsCsvParser } from '../../src/main/import/parsers/shopifyTransactionsCsv.ts';
import { shopifyOrdersCsvParser } from '../../src/main/import/parsers/shopifyOrdersCsv.ts';
import { FormatError } from '../../src/main/import/parserTypes.ts';
import type { FormatParser, RecordResult } from '../../src/main/import/parserTypes.ts';
import { textChunks } from '../../src/main/import/text/fileText.ts';
import type { EventDraftInput } from '../../src/shared/events/canonicalEvent.ts';
import { EventDraftSchema } from '../../src/shared/events/canonicalEvent.ts';
import { ok, rejected } from '../support/records.ts';

const read = (name: string): string => readFileSync(join(import.meta.dirname, 'files', 'shopify', name), 'utf8');

function parseWith(parser: FormatParser, text: string, chunkSize = 65536): RecordResult[] {
  return [...parser.parse({ chunks: textChunks(text, chunkSize), fileName: 'x.csv', timeZone: 'America/Toronto', locale: 'en-US' })];
}

const events = (results: RecordResult[]): EventDraftInput[] => results.flatMap((r) => ok(r).events);

describe('shopify-payments-csv (Shopify Payments transactions export)', () => {
  const text = read('payment_transactions_export_1.csv');
  const results = parseWith(shopifyPaymentsCsvParser, text);
  const evs = events(results);

  it('is detected, and not taken for an orders export or a transaction history', () => {
    expect(shopifyPaymentsCsvParser.detect(text)).toBe(true);
    expect(shopifyPaymentsCsvParser.detect(read('payment_transactions_export_2019.csv'))).toBe(true);
    expect(shopifyOrdersCsvParser.detect(text)).toBe(false);
    expect(shopifyTransactionsCsvParser.detect(text)).toBe(false);
  });

  it('maps every row with Shopify signs: charges in, refunds and disputes out, fee a positive cost', () => {
    expect(evs.map((e) => [e.kind, e.order_ref, e.amount_minor, e.fee_minor, e.net_minor, e.payout_ref])).toEqual([
      ['payment', '1042', 6490, 162, 6328, null],
      ['refund', '1031', -2500, 0, -2500, '98812365490'],
      ['payment', '1040', 11052, 298, 10754, '98812365490'],
      ['dispute', '1018', -4500, 1500, -6000, '98812365490'],
      ['payment', '1039', 1850, 33, 1817, '98812365490'],
      ['adjustment', null, -320, 0, -320, '98812365490'],
      ['payment', '1038', 124900, 3118, 121782, '98812365490'],
    ]);
    for (const e of evs) expect(EventDraftSchema.safeParse(e).success).toBe(true);
  });

  it('keeps what the customer paid in another currency as presentment, signed like the amount', () => {
    expect(evs[2]?.attributes).toMatchObject({
      presentment_amount_minor: 11900,
      presentment_currency: 'USD',
      checkout: '#36101120372930',
      card_brand: 'visa',
    });
    expect(evs[0]?.attributes).not.toHaveProperty('presentment_currency');
    const older = events(parseWith(shopifyPaymentsCsvParser, read('payment_transactions_export_2019.csv')));
    expect(
      older.map((e) => [
        e.kind,
        e.amount_minor,
        e.currency,
        e.attributes?.presentment_amount_minor ?? null,
        e.attributes?.presentment_currency ?? null,
      ]),
    ).toEqual([
      ['payment', 4200, 'USD', null, null],
      ['payment', 3711, 'USD', 5000, 'CAD'],
      ['refund', -4200, 'USD', null, null],
    ]);
  });

  it('builds ids from the transaction itself, so a later export with the payout filled in is the same event', () => {
    expect(evs[0]).toMatchObject({
      external_id: 'charge #1042 2024-03-04T17:22:07Z 6490EUR',
      source_revision: '',
      occurred_at: '2024-03-04T17:22:07Z',
      state: 'charge',
    });
    const paidLater = text.replace(',pending,2024-03-08,,', ',paid,2024-03-08,98812399999,');
    expect(events(parseWith(shopifyPaymentsCsvParser, paidLater))[0]?.external_id).toBe(evs[0]?.external_id);
    const lines = text.trimEnd().split('\n');
    const twice = events(parseWith(shopifyPaymentsCsvParser, [...lines, lines[1]].join('\n')));
    expect(twice[7]?.external_id).toBe(`${evs[0]?.external_id ?? ''}#2`);
  });

  it('keys orders by name when Excel has damaged the payout id, and refuses a damaged order name', () => {
    const damaged = text.replace(',paid,2024-03-06,98812365490,2024-03-06,-25.00', ',paid,06/03/2024,9.88124E+10,06/03/2024,-25.00');
    const e = events(parseWith(shopifyPaymentsCsvParser, damaged))[1];
    expect(e).toMatchObject({ kind: 'refund', order_ref: '1031', payout_ref: null });
    expect(e?.attributes).toMatchObject({ payout_id_damaged: '9.88124E+10' });
    const noName = text.replace(',refund,#1031,', ',refund,5.37518E+12,');
    const r = rejected(parseWith(shopifyPaymentsCsvParser, noName)[1]);
    expect(r.position).toEqual({ line: 3, column: 3 });
    expect(r.message).toMatch(/^column "Order": "5\.37518E\+12" is a number Excel rewrote in scientific notation/);
  });

  it('rejects a row whose Amount − Fee ≠ Net, and a file missing required columns', () => {
    const r = rejected(parseWith(shopifyPaymentsCsvParser, text.replace('64.90,1.62,63.28', '64.90,1.62,63.82'))[0]);
    expect(r.position).toEqual({ line: 2, column: 12 });
    expect(r.message).toBe('column "Net": Amount 64.90 − Fee 1.62 ≠ Net 63.82: the row does not add up');
    expect(() => parseWith(shopifyPaymentsCsvParser, 'Transaction Date,Type,Order,Amount\n')).toThrow(FormatError);
  });

  it('reads amounts with a currency symbol or a decimal comma, and the same whatever the chunk size', () => {
    const header = 'Transaction Date,Type,Order,Payout Status,Amount,Fee,Net,Currency';
    const evs2 = events(
      parseWith(
        shopifyPaymentsCsvParser,
        `${header}\n2024-03-01 10:00:00 -0500,charge,#1,paid,$21.83,$1.52,$20.31,USD\n2024-03-01 11:00:00,charge,#2,paid,"21,83","1,52","20,31",EUR\n`,
      ),
    );
    expect(evs2.map((e) => [e.amount_minor, e.net_minor, e.occurred_at])).toEqual([
      [2183, 2031, '2024-03-01T15:00:00Z'],
      [2183, 2031, '2024-03-01T16:00:00Z'],
    ]);
    expect(parseWith(shopifyPaymentsCsvParser, text, 5)).toEqual(results);
  });

  it('names the kind of each Shopify Payments type', () => {
    expect(
      [
        'charge',
        'refund',
        'dispute',
        'chargeback_fee',
        'dispute_reversal',
        'payout',
        'reserve',
        'adjustment',
        'refund_failure',
        'application_fee',
      ].map(shopifyPaymentsKind),
    ).toEqual(['payment', 'refund', 'dispute', 'fee', 'dispute', 'payout', 'adjustment', 'adjustment', 'adjustment', 'fee']);
  });
});

describe('shopify-transactions-csv (order transaction histories export)', () => {
  const text = read('transactions_export_1.csv');
  const results = parseWith(shopifyTransactionsCsvParser, text);
  const evs = events(results);

  it('is detected by its Gateway and Kind columns', () => {
    expect(shopifyTransactionsCsvParser.detect(text)).toBe(true);
    expect(shopifyPaymentsCsvParser.detect(text)).toBe(false);
    expect(shopifyOrdersCsvParser.detect(text)).toBe(false);
  });

  it('turns successful sales, captures, refunds and change into events; authorizations, voids and failures move nothing', () => {
    expect(results).toHaveLength(11);
    expect(results.map((r) => ok(r).events.length)).toEqual([0, 1, 0, 1, 1, 1, 0, 1, 1, 0, 0]);
    expect(evs.map((e) => [e.kind, e.order_ref, e.amount_minor, e.state, e.attributes?.gateway])).toEqual([
      ['payment', '1042', 6490, 'capture', 'shopify_payments'],
      ['payment', '1041', 3000, 'sale', 'paypal'],
      ['payment', '1031', 2500, 'sale', 'shopify_payments'],
      ['refund', '1031', -2500, 'refund', 'shopify_payments'],
      ['payment', '1044', 12000, 'sale', 'manual'],
      ['adjustment', '1044', -500, 'change', 'manual'],
    ]);
    for (const e of evs) expect(EventDraftSchema.safeParse(e).success).toBe(true);
  });

  it('keys on the order name, keeping the numeric order id only as an attribute', () => {
    expect(evs[0]).toMatchObject({
      external_id: '#1042 capture 2024-03-04T17:22:07Z 6490EUR shopify_payments',
      occurred_at: '2024-03-04T17:22:07Z',
      fee_minor: null,
    });
    expect(evs[0]?.attributes).toMatchObject({ order_id: '5375181234567', card_type: 'visa', status: 'success' });
    const damaged = text.replace(/^5375181234567,/gm, '5.37518E+12,');
    const again = events(parseWith(shopifyTransactionsCsvParser, damaged));
    expect(again[0]).toMatchObject({ external_id: evs[0]?.external_id, order_ref: '1042' });
    expect(again[0]?.attributes).toMatchObject({ order_id_damaged: '5.37518E+12' });
  });

  it('rejects an unknown kind or status, naming line and column', () => {
    const r = rejected(parseWith(shopifyTransactionsCsvParser, text.replace(',capture,', ',settle,'))[1]);
    expect(r.position).toEqual({ line: 3, column: 3 });
    expect(r.message).toMatch(/^column "Kind": "settle" is not a transaction kind/);
    const s = rejected(parseWith(shopifyTransactionsCsvParser, text.replace(',failure,', ',declined,'))[2]);
    expect(s.position).toEqual({ line: 4, column: 6 });
  });
});
