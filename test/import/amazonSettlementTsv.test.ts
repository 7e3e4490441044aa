// Tests the Amazon settlement report flat file parser (V1 and V2 columns, US and European number and date styles).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { amazonSettlementTsvParser } from '../../src/main/import/parsers/amazonSettlementTsv.ts';
import { FormatError } from '../../src/main/import/parserTypes.ts';
import type { ParsedRecord, RecordResult, StatementBalance } from '../../src/main/import/parserTypes.ts';
import { textChunks } from '../../src/main/import/text/fileText.ts';
import type { EventDraftInput } from '../../src/shared/events/canonicalEvent.ts';
import { EventDraftSchema } from '../../src/shared/events/canonicalEvent.ts';
import { ok, rejected } from '../support/records.ts';

const read = (name: string): string => readFileSync(join(import.meta.dirname, 'files', 'amazon', name), 'utf8');

function parse(text: string, chunkSize = 65536): RecordResult[] {
  return [...amazonSettlementTsvParser.parse({ chunks: textChunks(text, chunkSize), fileName: 'settlement.txt', timeZone: 'UTC', locale: 'en-US' })];
}

const events = (results: RecordResult[]): EventDraftInput[] => results.flatMap((r) => ok(r).events);
const statementOf = (results: RecordResult[]): StatementBalance => {
  const s = results.map((r) => (r.ok ? r.statement : undefined)).find((x) => x !== undefined);
  if (s === undefined) throw new Error('no statement record');
  return s;
};
const row = (e: EventDraftInput): unknown[] => [e.kind, e.order_ref, e.amount_minor, e.fee_minor, e.net_minor, e.payout_ref];

describe('amazon-settlement-tsv, V2 columns (US marketplace)', () => {
  const text = read('settlement_11872360011_v2.txt');
  const results = parse(text);
  const evs = events(results);

  it('is detected, V2 and V1 alike', () => {
    expect(amazonSettlementTsvParser.detect(text)).toBe(true);
    expect(amazonSettlementTsvParser.detect(read('settlement_6016502941_v1.txt'))).toBe(true);
    expect(amazonSettlementTsvParser.detect(text.replace(/\t/g, ','))).toBe(false);
  });

  it('yields the settlement as a payout and one event per order, refund, fee and adjustment', () => {
    expect(evs.map(row)).toEqual([
      ['payout', null, -6172, null, null, '11872360011'],
      ['adjustment', null, 15000, 0, 15000, '11872360011'],
      ['payment', '111-1234567-1234567', 2706, 1196, 1510, '11872360011'],
      ['payment', '111-7654321-7654321', 2598, 1140, 1458, '11872360011'],
      ['fee', null, -3999, 0, -3999, '11872360011'],
      ['fee', null, -1234, 0, -1234, '11872360011'],
      ['refund', '111-1234567-1234567', -2706, -506, -2200, '11872360011'],
      ['adjustment', null, 875, 0, 875, '11872360011'],
      ['dispute', '111-7654321-7654321', -2598, -360, -2238, '11872360011'],
      ['adjustment', null, -3000, 0, -3000, '11872360011'],
    ]);
    for (const e of evs) expect(EventDraftSchema.safeParse(e).success).toBe(true);
  });

  it('dates the payout at the deposit and each item at its posting', () => {
    expect(evs[0]).toMatchObject({
      external_id: '11872360011',
      trace_id: '11872360011',
      occurred_at: '2024-03-17T08:00:00Z',
      local_date: '2024-03-17',
      state: 'settled',
    });
    expect(evs[0]?.attributes).toMatchObject({ settlement_start_date: '2024-03-01T08:00:00Z', settlement_end_date: '2024-03-15T08:00:00Z' });
    expect(evs[2]).toMatchObject({
      external_id: '11872360011/Order/111-1234567-1234567/DzK1Xq1Jb/2024-03-02 14:11:09 UTC',
      occurred_at: '2024-03-02T14:11:09Z',
      local_date: '2024-03-02',
      channel: 'Amazon.com',
      state: 'order',
    });
    expect(evs[2]?.attributes).toMatchObject({
      price_minor: 3205,
      promotion_minor: -499,
      fees_minor: -990,
      withheld_tax_minor: -206,
      sku: 'WIDGET-1',
      quantity: 1,
      fulfillment_id: 'AFN',
    });
    expect(evs[3]?.attributes).toMatchObject({ quantity: 2 });
    expect(evs[4]?.attributes).toMatchObject({ description: 'other-transaction Subscription Fee' });
  });

  it('spans each record over its rows and checks the settlement like a statement', () => {
    expect(results.filter((r) => ok(r).events.length > 0).map((r) => [ok(r).lineStart, ok(r).lineEnd])).toEqual([
      [2, 2],
      [3, 3],
      [4, 10],
      [11, 14],
      [15, 15],
      [16, 16],
      [17, 21],
      [22, 22],
      [23, 25],
      [26, 26],
    ]);
    expect(statementOf(results)).toEqual({
      statementId: 'settlement 11872360011',
      account: 'Amazon seller account',
      currency: 'USD',
      openingMinor: 0,
      closingMinor: 6172,
      entriesSumMinor: 6172,
      entryCount: 9,
    });
  });

  it('nets the items to the payout, as payout matching requires', () => {
    const items = evs.slice(1);
    expect(items.reduce((s, e) => s + (e.net_minor ?? 0), 0)).toBe(-(evs[0]?.amount_minor ?? 0));
  });

  it('gives the same records whatever the chunk size', () => {
    expect(parse(text, 13)).toEqual(results);
  });

  it('reports a truncated file through the balance check, and rejects a bad amount with its line and column', () => {
    const lines = text.split('\r\n');
    const truncated = statementOf(parse(lines.slice(0, 20).join('\r\n')));
    expect((truncated.closingMinor ?? 0) - (truncated.openingMinor ?? 0) - truncated.entriesSumMinor).not.toBe(0);
    const bad = parse(text.replace('\t-5.40\t', '\t-5,4x\t'));
    const r = rejected(bad[2]);
    expect(r.position).toEqual({ line: 9, column: 15 });
    expect(r.message).toMatch(/^column "amount": "-5,4x" is not an amount/);
    expect(r.raw.split('\n')).toHaveLength(7);
  });

  it('refuses a file without its summary row or header columns', () => {
    const lines = text.split('\r\n');
    expect(() => parse([lines[0], ...lines.slice(2)].join('\r\n'))).toThrow(FormatError);
    expect(() => parse('settlement-id\ttotal-amount\n')).toThrow(/lacks required columns/);
  });
});

describe('amazon-settlement-tsv, European marketplace and V1 columns', () => {
  it('reads day.month.year dates and decimal commas (Amazon.de)', () => {
    const results = parse(read('settlement_12004519982_de_v2.txt'));
    expect(events(results).map(row)).toEqual([
      ['payout', null, -7258, null, null, '12004519982'],
      ['payment', '302-1122334-5566778', 5938, 1054, 4884, '12004519982'],
      ['refund', '302-1122334-5566778', -5938, -449, -5489, '12004519982'],
      ['payment', '302-9988776-6554433', 14351, 2588, 11763, '12004519982'],
      ['fee', null, -3900, 0, -3900, '12004519982'],
    ]);
    expect(events(results)[0]).toMatchObject({ currency: 'EUR', occurred_at: '2024-03-17T06:12:44Z', local_date: '2024-03-17' });
    expect(events(results)[1]).toMatchObject({ occurred_at: '2024-03-05T10:20:30Z', channel: 'Amazon.de' });
    const s = statementOf(results);
    expect(s.entriesSumMinor).toBe(s.closingMinor);
  });

  it('reads the V1 typed amount columns, a quantity-only row included in its order', () => {
    const results = parse(read('settlement_6016502941_v1.txt'));
    const evs = events(results);
    expect(evs.map(row)).toEqual([
      ['payout', null, -1662521, null, null, '6016502941'],
      ['adjustment', null, 1663176, 0, 1663176, '6016502941'],
      ['payment', '112-8095165-5463447', 2799, 674, 2125, '6016502941'],
      ['refund', '112-3345561-1188113', -2799, -336, -2463, '6016502941'],
      ['fee', null, -317, 0, -317, '6016502941'],
    ]);
    expect(evs[2]).toMatchObject({ occurred_at: '2015-12-02T04:15:26Z', local_date: '2015-12-02' });
    expect(evs[2]?.attributes).toMatchObject({ quantity: 1, sku: 'edifier-p270-gold', fees_minor: -674 });
    expect(results.map((r) => (r.ok && r.events.length > 0 ? [r.lineStart, r.lineEnd] : null)).filter((x) => x !== null)).toEqual([
      [2, 2],
      [3, 3],
      [4, 10],
      [11, 13],
      [14, 14],
    ]);
    const s = statementOf(results);
    expect(s.entriesSumMinor).toBe(s.closingMinor);
    expect((results.at(-1) as ParsedRecord).statement).toBeDefined();
  });
});
