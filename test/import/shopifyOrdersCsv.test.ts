// Tests the Shopify orders export parser on the real development-store export in ../shared/fixtures.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { shopifyOrdersCsvParser } from '../../src/main/import/parsers/shopifyOrdersCsv.ts';
import { stripeBalanceCsvParser } from '../../src/main/import/parsers/stripeBalanceCsv.ts';
import { FormatError } from '../../src/main/import/parserTypes.ts';
import type { ParsedRecord, RecordResult, RejectedRecord } from '../../src/main/import/parserTypes.ts';
import { textChunks } from '../../src/main/import/text/fileText.ts';
import { EventDraftSchema } from '../../src/shared/events/canonicalEvent.ts';
import { FIXTURES_DIR, describeWithFixtures } from '../support/fixtures.ts';
import { ok, rejected, event } from '../support/records.ts';

function parse(text: string, chunkSize = 65536): RecordResult[] {
  return [...shopifyOrdersCsvParser.parse({ chunks: textChunks(text, chunkSize), fileName: 'orders_export.csv', timeZone: 'UTC', locale: 'en-US' })];
}

function byName(results: RecordResult[], name: string): ParsedRecord {
  const found = results.find((r) => r.ok && r.events[0]?.order_ref === name);
  return ok(found);
}

describeWithFixtures('shopify-orders-csv parser on the real export', () => {
  let csv = '';
  let lines: string[] = [];
  beforeAll(() => {
    csv = readFileSync(join(FIXTURES_DIR, 'providers/shopify/orders_export.csv'), 'utf8');
    lines = csv.split('\n');
  });

  it('detects the export and not other formats', () => {
    expect(shopifyOrdersCsvParser.detect(csv.slice(0, 65536))).toBe(true);
    expect(shopifyOrdersCsvParser.detect('\uFEFF' + csv.slice(0, 2000))).toBe(true);
    expect(stripeBalanceCsvParser.detect(csv.slice(0, 65536))).toBe(false);
    expect(shopifyOrdersCsvParser.detect('balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category\n')).toBe(false);
    expect(shopifyOrdersCsvParser.detect('Buchungstag;Valuta;Verwendungszweck;Soll;Haben\n')).toBe(false);
  });

  it('yields one order event per order, continuation rows merged', () => {
    const results = parse(csv);
    expect(results).toHaveLength(19);
    expect(results.every((r) => r.ok)).toBe(true);
    const names = results.map((r) => event(r).order_ref);
    expect(names).toEqual(Array.from({ length: 19 }, (_, i) => `#${1001 + i}`));
    // Every event is valid for the ledger as drafted.
    for (const r of results) expect(EventDraftSchema.safeParse(event(r)).success).toBe(true);
    // The export's order totals, summed in minor units.
    expect(results.reduce((sum, r) => sum + event(r).amount_minor, 0)).toBe(1_408_904);
  });

  it('spans each record over its order rows', () => {
    const results = parse(csv);
    const spans = results.map((r) => [ok(r).lineStart, ok(r).lineEnd]);
    expect(spans.slice(0, 4)).toEqual([
      [2, 5],
      [6, 7],
      [8, 8],
      [9, 10],
    ]);
    expect(spans[18]).toEqual([38, 41]);
    expect(event(byName(results, '#1001')).attributes).toMatchObject({ line_items: 4, items_quantity: 4 });
    expect(event(byName(results, '#1006')).attributes).toMatchObject({ line_items: 3, items_quantity: 3 });
  });

  it('maps order #1001 field by field', () => {
    const e = event(byName(parse(csv), '#1001'));
    expect(e).toMatchObject({
      kind: 'order',
      external_id: '6634244374859',
      order_ref: '#1001',
      amount_minor: 165_995,
      currency: 'EUR',
      state: 'paid',
      customer_ref: null,
      trace_id: 'rZcE2A8z2PsX5lSwvlVnslhPs',
      channel: 'shopify_draft_order',
      occurred_at: '2025-05-11T13:55:16Z',
      payout_ref: null,
      fee_minor: null,
      net_minor: null,
    });
    expect(e.attributes).toEqual({
      created_at: '2025-05-11T13:55:16Z',
      paid_at: '2025-05-11T13:55:16Z',
      refunded_minor: 0,
      outstanding_balance_minor: 0,
      subtotal_minor: 165_995,
      shipping_minor: 0,
      taxes_minor: 0,
      discount_minor: 0,
      payment_method: 'manual',
      payment_id: 'rZcE2A8z2PsX5lSwvlVnslhPs',
      payment_reference: 'rZcE2A8z2PsX5lSwvlVnslhPs',
      payment_references: 'rZcE2A8z2PsX5lSwvlVnslhPs',
      fulfillment_status: 'fulfilled',
      source: 'shopify_draft_order',
      risk_level: 'Low',
      location: 'Shop location',
      line_items: 4,
      items_quantity: 4,
      vendor: 'Snowboard Vendor, Test Cycle Sense App, Hydrogen Vendor',
    });
    expect(e.source_revision).toMatch(/^[0-9a-f]{16}$/);
  });

  it('maps a few more orders exactly', () => {
    const results = parse(csv);
    expect(event(byName(results, '#1004'))).toMatchObject({
      external_id: '6637075562827',
      amount_minor: 3_495,
      currency: 'EUR',
      state: 'paid',
      customer_ref: 'ayumu.hirano@example.com',
      trace_id: 'rEdO9xjeHTAGTf5hsTXv5eRYC',
      occurred_at: '2025-05-12T19:06:16Z',
    });
    // Mixed-case email in the file is lowercased; 0.01 left outstanding.
    const o1008 = event(byName(results, '#1008'));
    expect(o1008).toMatchObject({ amount_minor: 18_980, customer_ref: 'russel.winfield@example.com', trace_id: 'rkWhfnrQJ9tSJGtKNQcYlwpQd' });
    expect(o1008.attributes).toMatchObject({ outstanding_balance_minor: 1, refunded_minor: 0, vendor: 'Snowboard Vendor' });
    // Paid at (15:44:42) wins over Created at (15:44:41).
    const o1009 = event(byName(results, '#1009'));
    expect(o1009.occurred_at).toBe('2025-05-13T19:44:42Z');
    expect(o1009.attributes).toMatchObject({ created_at: '2025-05-13T19:44:41Z' });
    expect(event(byName(results, '#1011')).attributes).toMatchObject({ fulfillment_status: 'partial' });
    expect(event(byName(results, '#1016'))).toMatchObject({ amount_minor: 995, customer_ref: 'russel.winfield@example.com' });
  });

  it('maps the pending order without a payment: Created at, no trace id, payment terms kept', () => {
    const e = event(byName(parse(csv), '#1013'));
    expect(e).toMatchObject({
      external_id: '6642365890891',
      amount_minor: 12_759,
      state: 'pending',
      customer_ref: 'karine.ruby@example.com',
      trace_id: null,
      occurred_at: '2025-05-16T06:36:49Z',
    });
    expect(e.attributes).toMatchObject({ outstanding_balance_minor: 12_759, payment_terms_name: 'Net 7' });
    expect(e.attributes).not.toHaveProperty('paid_at');
  });

  it('gives the same result whatever the chunk size, and the same revision on re-export', () => {
    const whole = parse(csv);
    expect(parse(csv, 7)).toEqual(whole);
    expect(parse(csv).map((r) => event(r).source_revision)).toEqual(whole.map((r) => event(r).source_revision));
  });

  it('gives a new revision when a later export shows a refund', () => {
    // #1003 (line 8) refunded in full in a later export.
    const later = lines.map((l, i) =>
      i === 7 ? l.replace(',paid,', ',refunded,').replace(',rqXCKBq2mDK9UmPpvV7qVepvj,0.00,', ',rqXCKBq2mDK9UmPpvV7qVepvj,729.95,') : l,
    );
    const before = event(byName(parse(csv), '#1003'));
    const after = event(byName(parse(later.join('\n')), '#1003'));
    expect(after).toMatchObject({ state: 'refunded', amount_minor: 72_995, external_id: before.external_id });
    expect(after.attributes).toMatchObject({ refunded_minor: 72_995 });
    expect(after.source_revision).not.toBe(before.source_revision);
    // Other orders are untouched.
    expect(event(byName(parse(later.join('\n')), '#1002')).source_revision).toBe(event(byName(parse(csv), '#1002')).source_revision);
  });

  it('rejects an order with a bad Total at its first row, Total column, as one record', () => {
    // #1005: line 11 (first row) and line 12 (continuation). Subtotal is left intact.
    const broken = lines.map((l, i) => (i === 10 ? l.replace('EUR,1635.55,0.00,0.00,1635.55,', 'EUR,1635.55,0.00,0.00,16x5.55,') : l));
    expect(broken[10]).toContain('16x5.55');
    const results = parse(broken.join('\n'));
    expect(results).toHaveLength(19);
    const bad = rejected(results[4]);
    expect(bad.position).toEqual({ line: 11, column: 12 });
    expect(bad.lineEnd).toBe(12);
    expect(bad.message).toContain('"Total"');
    expect(bad.message).toContain('16x5.55');
    expect(bad.raw.split('\n')).toHaveLength(2);
    expect(bad.raw.startsWith('#1005,')).toBe(true);
    expect(results.filter((r) => r.ok)).toHaveLength(18);
    expect(ok(results[5]).lineStart).toBe(13);
  });

  it('rejects bad dates, unknown currencies and missing order columns with their column', () => {
    const withLine = (index: number, edit: (l: string) => string): RejectedRecord => {
      const text = lines.map((l, i) => (i === index ? edit(l) : l)).join('\n');
      const bad = parse(text).find((r) => !r.ok);
      return rejected(bad);
    };
    const date = withLine(7, (l) => l.replace('paid,2025-05-11 10:01:25 -0400', 'paid,2025-13-11 10:01:25 -0400'));
    expect(date.position).toEqual({ line: 8, column: 4 });
    expect(date.message).toContain('"Paid at"');
    const currency = withLine(7, (l) => l.replace(',EUR,', ',EUX,'));
    expect(currency.position).toEqual({ line: 8, column: 8 });
    expect(currency.message).toContain('"Currency"');
    const noId = withLine(7, (l) => l.replace(',6634253189451,', ',,'));
    expect(noId.position).toEqual({ line: 8, column: 56 });
    expect(noId.message).toContain('"Id"');
  });

  it('rejects a continuation row that follows another order', () => {
    // A #1001 line-item row renamed #9999 and placed after #1003 (line 8): its order is unknown.
    const orphan = (lines[2] ?? '').replace('#1001,', '#9999,');
    const text = [...lines.slice(0, 8), orphan, ...lines.slice(8)].join('\n');
    const results = parse(text);
    expect(results).toHaveLength(20);
    const bad = rejected(results[3]);
    expect(bad.position).toEqual({ line: 9, column: 1 });
    expect(bad.message).toContain('#9999');
    expect(ok(results[4]).lineStart).toBe(10);
    expect(event(results[4]).order_ref).toBe('#1004');
  });

  it('keeps orders apart when Excel has rewritten their Ids in scientific notation, keyed by name', () => {
    // Opened and saved in a spreadsheet: every 13-digit Id becomes "6.63424E+12", shared by many orders.
    const damaged = csv.replace(/,(66\d{11}),/g, (_m, id: string) => `,${id.slice(0, 1)}.${id.slice(1, 6)}E+12,`);
    expect(damaged).not.toBe(csv);
    const results = parse(damaged);
    expect(results).toHaveLength(19);
    const ids = results.map((r) => event(r).external_id);
    expect(new Set(ids).size).toBe(19);
    expect(ids[0]).toBe('#1001');
    expect(event(results[0]).attributes).toMatchObject({ id_damaged: '6.63424E+12' });
    expect(results.map((r) => event(r).order_ref)).toEqual(parse(csv).map((r) => event(r).order_ref));
  });

  it('throws a FormatError at line 1 when a required column is missing', () => {
    const text = [(lines[0] ?? '').replace(',Currency,', ',Devise,'), ...lines.slice(1)].join('\n');
    let caught: unknown;
    try {
      parse(text);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(FormatError);
    expect((caught as FormatError).position).toEqual({ line: 1, column: 1 });
    expect((caught as FormatError).message).toContain('"Currency"');
    expect(() => parse('')).toThrow(FormatError);
  });
});
