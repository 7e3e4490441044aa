// Tests the Stripe Itemised payouts report and the Dashboard Payments export parsers on files shaped as Stripe writes them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stripePayoutsCsvParser, zoneFromStripeFileName } from '../../src/main/import/parsers/stripePayoutsCsv.ts';
import { stripePaymentsCsvParser } from '../../src/main/import/parsers/stripePaymentsCsv.ts';
import { FormatError } from '../../src/main/import/parserTypes.ts';
import type { FormatParser, RecordResult } from '../../src/main/import/parserTypes.ts';
import { textChunks } from '../../src/main/import/text/fileText.ts';
import type { EventDraftInput } from '../../src/shared/events/canonicalEvent.ts';
import { EventDraftSchema } from '../../src/shared/events/canonicalEvent.ts';
import { ok, rejected } from '../support/records.ts';

const PAYOUTS_FILE = 'Itemised_payouts_USD_2024-03-01_to_2024-04-01_America-New_York.csv';
const read = (name: string): string => readFileSync(join(import.meta.dirname, 'files', 'stripe', name), 'utf8');

function parseWith(parser: FormatParser, text: string, fileName = 'x.csv', chunkSize = 65536): RecordResult[] {
  return [...parser.parse({ chunks: textChunks(text, chunkSize), fileName, timeZone: 'Europe/Berlin', locale: 'en-US' })];
}

function events(results: RecordResult[]): EventDraftInput[] {
  return results.flatMap((r) => ok(r).events);
}

describe('stripe-payouts-csv (Itemised payouts report)', () => {
  const text = read(PAYOUTS_FILE);
  const results = parseWith(stripePayoutsCsvParser, text, PAYOUTS_FILE);
  const evs = events(results);

  it('is detected by its columns, without created_utc', () => {
    expect(stripePayoutsCsvParser.detect(text)).toBe(true);
    expect(
      stripePayoutsCsvParser.detect('balance_transaction_id,created_utc,payout_id,effective_at_utc,currency,gross,fee,net,reporting_category\n'),
    ).toBe(false);
  });

  it('reads one payout per row, signed as the effect on the Stripe balance', () => {
    expect(results).toHaveLength(5);
    expect(evs.map((e) => [e.kind, e.amount_minor, e.fee_minor, e.net_minor, e.state])).toEqual([
      ['payout', -152340, 0, -152340, 'paid'],
      ['payout', -31000, 0, -31000, 'failed'],
      ['payout', 31000, 0, 31000, 'failed'],
      ['payout', 4500, 0, 4500, 'paid'],
      ['payout', -200417, 0, -200417, 'in_transit'],
    ]);
    for (const e of evs) expect(EventDraftSchema.safeParse(e).success).toBe(true);
  });

  it('keys each payout by its balance transaction, payout id and the bank trace id', () => {
    expect(evs[0]).toMatchObject({
      external_id: 'txn_1OpAq2LkdIwHu7ixq0bWcD3e',
      source_revision: '',
      payout_ref: 'po_1OpAq2LkdIwHu7ixV3lY8cQx',
      trace_id: '021000021867530',
      currency: 'USD',
      occurred_at: '2024-03-04T00:00:00Z',
      local_date: '2024-03-04',
    });
    expect(evs[0]?.attributes).toMatchObject({
      reporting_category: 'payout',
      bank_trace_id: '021000021867530',
      payout_destination_id: 'ba_1NxYv1LkdIwHu7ixbQ8R3m2k',
      effective_at: '2024-03-03 19:00:00',
    });
    expect(evs[1]?.trace_id).toBe('po_1OrBz9LkdIwHu7ixmP2aU4Wd');
    expect(evs[2]).toMatchObject({ payout_ref: 'po_1OrBz9LkdIwHu7ixmP2aU4Wd', occurred_at: '2024-03-12T15:02:11Z' });
    expect(evs[2]?.attributes).toMatchObject({ reporting_category: 'payout_reversal', payout_reversed_at: '2024-03-12T15:02:11Z' });
  });

  it('reads effective_at in the zone the file name states when effective_at_utc is missing', () => {
    expect(zoneFromStripeFileName(PAYOUTS_FILE)).toBe('America/New_York');
    expect(zoneFromStripeFileName('Itemised_payouts_HKD_2025-11-01_to_2025-11-29_UTC.csv')).toBe('UTC');
    expect(zoneFromStripeFileName('payouts.csv')).toBeUndefined();
    const noUtc =
      'payout_id,effective_at,currency,gross,fee,net,reporting_category,balance_transaction_id\npo_1,2024-03-10 20:00:00,usd,10.00,0.00,10.00,payout,txn_1\n';
    expect(events(parseWith(stripePayoutsCsvParser, noUtc, PAYOUTS_FILE))[0]?.occurred_at).toBe('2024-03-11T00:00:00Z');
    // No zone in the name: the workspace zone (Europe/Berlin here).
    expect(events(parseWith(stripePayoutsCsvParser, noUtc, 'payouts.csv'))[0]?.occurred_at).toBe('2024-03-10T19:00:00Z');
  });

  it('rejects a row that does not add up, naming line and column', () => {
    const bad = text.replace('"1523.40","0.00","1523.40"', '"1523.40","0.00","1523.04"');
    const r = rejected(parseWith(stripePayoutsCsvParser, bad, PAYOUTS_FILE)[0]);
    expect(r.position).toEqual({ line: 2, column: 7 });
    expect(r.message).toBe('column "net": gross 1523.40 − fee 0.00 ≠ net 1523.04: the row does not add up');
  });

  it('refuses a file without the required columns, and gives the same events whatever the chunk size', () => {
    expect(() => parseWith(stripePayoutsCsvParser, 'payout_id,effective_at_utc,currency,gross\n')).toThrow(FormatError);
    expect(parseWith(stripePayoutsCsvParser, text, PAYOUTS_FILE, 7)).toEqual(results);
  });
});

describe('stripe-payments-csv (Dashboard Payments export)', () => {
  const text = read('unified_payments.csv');
  const results = parseWith(stripePaymentsCsvParser, text, 'unified_payments.csv');
  const evs = events(results);
  const byId = (id: string): EventDraftInput => {
    const e = evs.find((x) => x.external_id === id);
    if (e === undefined) throw new Error(`no event ${id}`);
    return e;
  };

  it('is detected by its Title Case header, older "Created (UTC)" too', () => {
    expect(stripePaymentsCsvParser.detect(text)).toBe(true);
    expect(stripePaymentsCsvParser.detect('id,Description,Created (UTC),Amount,Amount Refunded,Currency,Status\n')).toBe(true);
    expect(stripePaymentsCsvParser.detect('id,Amount,Currency\n')).toBe(false);
  });

  it('reads one record per row; failed and pending attempts move no money and yield no event', () => {
    expect(results).toHaveLength(6);
    expect(results.map((r) => ok(r).events.map((e) => e.kind))).toEqual([
      ['payment'],
      ['payment', 'refund'],
      [],
      ['payment', 'dispute'],
      ['payment', 'refund'],
      [],
    ]);
    for (const e of evs) expect(EventDraftSchema.safeParse(e).success).toBe(true);
  });

  it('maps a payment in the balance currency with its fee, order, customer and payment intent', () => {
    expect(byId('ch_3OqYb1LkdIwHu7ix1n2Zq9Lp')).toMatchObject({
      kind: 'payment',
      source_revision: 'succeeded',
      amount_minor: 12000,
      currency: 'USD',
      fee_minor: 378,
      net_minor: 11622,
      order_ref: '1001',
      customer_ref: 'jane.doe@example.com',
      trace_id: 'pi_3OqYb1LkdIwHu7ix1DkQ3sWm',
      payout_ref: null,
      occurred_at: '2024-03-01T14:05:09Z',
    });
    expect(byId('ch_3OqYb1LkdIwHu7ix1n2Zq9Lp').attributes).toMatchObject({
      'metadata.order_id': '1001',
      'metadata.channel': 'web',
      transfer: 'po_1OpAq2LkdIwHu7ixV3lY8cQx',
    });
  });

  it('settles a foreign-currency payment in the converted currency and keeps what the customer paid as presentment', () => {
    expect(byId('ch_3OqZk8LkdIwHu7ix0Yp4Rw2T')).toMatchObject({
      amount_minor: 5412,
      currency: 'USD',
      fee_minor: 211,
      net_minor: 5201,
      order_ref: '1002',
    });
    expect(byId('ch_3OqZk8LkdIwHu7ix0Yp4Rw2T').attributes).toMatchObject({ presentment_amount_minor: 5000, presentment_currency: 'EUR' });
    expect(byId('ch_3OqZk8LkdIwHu7ix0Yp4Rw2T/refunds')).toMatchObject({
      kind: 'refund',
      amount_minor: -2170,
      currency: 'USD',
      fee_minor: 0,
      source_revision: '2000',
      trace_id: 'pi_3OqZk8LkdIwHu7ix0eWc5Ty1',
      occurred_at: '2024-03-05T16:40:02Z',
    });
    expect(byId('ch_3OqZk8LkdIwHu7ix0Yp4Rw2T/refunds').attributes).toMatchObject({ presentment_amount_minor: -2000, presentment_currency: 'EUR' });
  });

  it('adds the tax on the fee to the fee, and keys an invoice payment without an order by the customer id', () => {
    expect(byId('ch_3Or3CdLkdIwHu7ix1a0Kx4Pe')).toMatchObject({
      amount_minor: 1964,
      fee_minor: 105,
      net_minor: 1859,
      customer_ref: 'cus_PfT1q2W3e4R5t6',
      order_ref: null,
    });
    expect(byId('ch_3Or3CdLkdIwHu7ix1a0Kx4Pe/refunds')).toMatchObject({ amount_minor: -1980, source_revision: '3000' });
  });

  it('records a dispute in the charge currency with its status as revision', () => {
    expect(byId('ch_3Or0bKLkdIwHu7ix0n5Gh2Ks/dispute')).toMatchObject({
      kind: 'dispute',
      amount_minor: -7500,
      currency: 'USD',
      state: 'needs_response',
      source_revision: 'needs_response',
      trace_id: 'pi_3Or0aVLkdIwHu7ix1d7uXc3Q',
      occurred_at: '2024-03-09T02:14:55Z',
    });
  });

  it('rejects an unknown status and a refund without its converted amount, naming line and column', () => {
    const lines = text.split('\n');
    const unknown = [lines[0], (lines[1] ?? '').replace(',Paid,', ',Sorta paid,')].join('\n');
    const r = rejected(parseWith(stripePaymentsCsvParser, unknown)[0]);
    expect(r.position).toEqual({ line: 2, column: 14 });
    expect(r.message).toMatch(/^column "Status": "Sorta paid" is not a payment status this importer knows/);
    const noConverted = [lines[0], (lines[2] ?? '').replace(',54.12,21.70,', ',54.12,,')].join('\n');
    expect(rejected(parseWith(stripePaymentsCsvParser, noConverted)[0]).position).toEqual({ line: 2, column: 9 });
  });

  it('reads a file of the default columns only, amounts in the charge currency', () => {
    const minimal = 'id,Created date (UTC),Amount,Amount Refunded,Currency,Status,Fee\nch_1,2024-03-01 10:00,10.00,0.00,jpy,Paid,1\n';
    expect(events(parseWith(stripePaymentsCsvParser, minimal))).toEqual([
      expect.objectContaining({ amount_minor: 10, currency: 'JPY', fee_minor: 1, net_minor: 9, trace_id: 'ch_1' }),
    ]);
  });
});
