// Tests PayPal downloads in French, German and Portuguese, the pre-2010 layout, and the refusal of files a spreadsheet has damaged.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { paypalActivityCsvParser, paypalKindForType } from '../../src/main/import/parsers/paypalActivityCsv.ts';
import { FormatError } from '../../src/main/import/parserTypes.ts';
import type { RecordResult } from '../../src/main/import/parserTypes.ts';
import { textChunks } from '../../src/main/import/text/fileText.ts';
import type { EventDraftInput } from '../../src/shared/events/canonicalEvent.ts';
import { EventDraftSchema } from '../../src/shared/events/canonicalEvent.ts';
import { ok } from '../support/records.ts';

const dir = join(import.meta.dirname, 'files', 'paypal');
const read = (name: string, encoding: BufferEncoding = 'utf8'): string => readFileSync(join(dir, name), encoding).replace(/^\uFEFF/, '');

function parse(text: string, chunkSize = 65536): RecordResult[] {
  return [...paypalActivityCsvParser.parse({ chunks: textChunks(text, chunkSize), fileName: 'Download.CSV', timeZone: 'UTC', locale: 'en-US' })];
}

const events = (results: RecordResult[]): EventDraftInput[] => results.flatMap((r) => ok(r).events);
const summary = (e: EventDraftInput): unknown[] => [e.kind, e.amount_minor, e.fee_minor, e.net_minor, e.currency, e.occurred_at];

function formatError(fn: () => unknown): FormatError {
  try {
    fn();
  } catch (err) {
    if (err instanceof FormatError) return err;
    throw err;
  }
  throw new Error('expected a FormatError');
}

/** Each row's balance is the previous one in its currency plus its net: the download's own check. */
function expectRunningBalances(evs: EventDraftInput[]): void {
  const last = new Map<string, number>();
  for (const e of evs) {
    const balance = e.attributes?.balance;
    if (typeof balance !== 'number') throw new Error(`${e.external_id} has no balance`);
    const before = last.get(e.currency);
    if (before !== undefined) expect(before + (e.net_minor ?? e.amount_minor), e.external_id).toBe(balance);
    last.set(e.currency, balance);
  }
}

describe('paypal-activity-csv in German', () => {
  it('reads the activity download: comma decimals, dot thousands, day.month.year, German types', () => {
    const text = read('Download_DE.CSV');
    expect(paypalActivityCsvParser.detect(text)).toBe(true);
    const evs = events(parse(text));
    expect(evs.map(summary)).toEqual([
      ['payment', 124900, 4281, 120619, 'EUR', '2024-03-01T08:14:05Z'],
      ['refund', -4900, -168, -4732, 'EUR', '2024-03-02T15:40:22Z'],
      ['adjustment', -10000, 0, -10000, 'EUR', '2024-03-05T07:00:11Z'],
      ['adjustment', 10652, 0, 10652, 'USD', '2024-03-05T07:00:11Z'],
      ['dispute', -5850, 0, -5850, 'EUR', '2024-03-12T10:30:00Z'],
      ['payout', -100000, 0, -100000, 'EUR', '2024-03-15T06:05:43Z'],
    ]);
    expect(evs[0]).toMatchObject({
      external_id: '6AB12345CD678901E',
      order_ref: '1042',
      customer_ref: 'lena.fischer@example.de',
      source_revision: 'Abgeschlossen',
      local_date: '2024-03-01',
    });
    expect(evs[1]).toMatchObject({ trace_id: '6AB12345CD678901E', customer_ref: 'lena.fischer@example.de' });
    expect(evs[2]?.attributes).toMatchObject({ conversion_group: '9DE45678FG901234H' });
    expect(evs[4]?.attributes).toMatchObject({ hold: 'hold' });
    expect(evs[5]).toMatchObject({ payout_ref: '3HI89012JK345678L', state: 'Ausstehend' });
    expectRunningBalances(evs);
    for (const e of evs) expect(EventDraftSchema.safeParse(e).success).toBe(true);
  });

  it('reads the statement variant (Beschreibung, Entgelt, Guthaben)', () => {
    const evs = events(parse(read('Kontoauszug_DE.CSV')));
    expect(evs.map((e) => [e.kind, e.amount_minor, e.fee_minor, e.order_ref, e.trace_id])).toEqual([
      ['payment', 3590, 137, '1050', null],
      ['adjustment', 20000, 0, null, null],
      ['dispute', -3590, 0, '1050', '4KL90123MN456789P'],
    ]);
    expect(evs[1]?.attributes).toMatchObject({ bank_name: 'Sparkasse Köln' });
    expectRunningBalances(evs);
  });
});

describe('paypal-activity-csv in French and Portuguese', () => {
  it('reads a French download: space thousands, day/month/year, Europe/Paris', () => {
    const text = read('Download_FR.CSV');
    expect(paypalActivityCsvParser.detect(text)).toBe(true);
    const evs = events(parse(text, 11));
    expect(evs.map(summary)).toEqual([
      ['payment', 152000, 5203, 146797, 'EUR', '2024-03-04T09:12:31Z'],
      ['refund', -12000, 0, -12000, 'EUR', '2024-03-06T14:00:00Z'],
      ['payout', -130000, 0, -130000, 'EUR', '2024-03-13T08:30:00Z'],
      ['payment', 8990, 340, 8650, 'EUR', '2024-03-14T16:45:09Z'],
    ]);
    expect(evs[0]).toMatchObject({ order_ref: 'FR-2024-0311', customer_ref: 'camille.martin@exemple.fr', source_revision: 'Terminé' });
    expect(evs[1]).toMatchObject({ trace_id: '2AB34567CD890123E', customer_ref: 'camille.martin@exemple.fr' });
    expect(evs[3]).toMatchObject({ state: 'En attente' });
    expectRunningBalances(evs);
  });

  it('reads a Brazilian Portuguese download', () => {
    const text = read('Download_BR.CSV');
    expect(paypalActivityCsvParser.detect(text)).toBe(true);
    const evs = events(parse(text));
    expect(evs.map(summary)).toEqual([
      ['payment', 235000, 11310, 223690, 'BRL', '2024-03-01T17:03:55Z'],
      ['refund', -35000, -1685, -33315, 'BRL', '2024-03-04T12:10:00Z'],
      ['payout', -190000, 0, -190000, 'BRL', '2024-03-18T14:00:00Z'],
    ]);
    expect(evs[0]).toMatchObject({ order_ref: 'BR-7781', external_id: '7FG89012HI345678J', source_revision: 'Concluído' });
    expectRunningBalances(evs);
  });

  it('names kinds of French, German and Portuguese types', () => {
    const cases: Array<[string, number, string]> = [
      ['Paiement express', 100, 'payment'],
      ['Paiement sur site marchand', 100, 'payment'],
      ['Don', 100, 'payment'],
      ['Remboursement', -100, 'refund'],
      ['Virement standard vers un compte bancaire', -100, 'payout'],
      ['Retrait général', -100, 'payout'],
      ['Virement bancaire vers le compte PayPal', 100, 'adjustment'],
      ['Conversion de devise générale', -100, 'adjustment'],
      ['Litige', -100, 'dispute'],
      ['Blocage de compte pour autorisation ouverte', -100, 'adjustment'],
      ['Frais de paiement', -100, 'fee'],
      ['Allgemeine Zahlung', 100, 'payment'],
      ['Handyzahlung', 100, 'payment'],
      ['Spendenzahlung', 100, 'payment'],
      ['Rückzahlung', -100, 'refund'],
      ['Allgemeine Abbuchung', -100, 'payout'],
      ['Bankgutschrift auf PayPal-Konto', 100, 'adjustment'],
      ['Rückbuchung', -100, 'dispute'],
      ['Allgemeine Währungsumrechnung', 100, 'adjustment'],
      ['Gebühr für Zahlungsempfang', -100, 'fee'],
      ['Pagamento de checkout expresso', 100, 'payment'],
      ['Doação', 100, 'payment'],
      ['Reembolso de pagamento', -100, 'refund'],
      ['Saque geral', -100, 'payout'],
      ['Transferência para conta bancária', -100, 'payout'],
      ['Estorno', -100, 'dispute'],
      ['Conversão de moeda geral', -100, 'adjustment'],
      ['Tarifa de recebimento', -100, 'fee'],
    ];
    for (const [type, gross, kind] of cases) expect(paypalKindForType(type, gross).kind, type).toBe(kind);
    expect(paypalKindForType('Einbehaltung für offene Konfliktlösung', -100)).toEqual({ kind: 'dispute', hold: 'hold' });
    expect(paypalKindForType('Annulation de blocage pour litige', 100)).toEqual({ kind: 'dispute', hold: 'release' });
    expect(paypalKindForType('Liberação de bloqueio', 100)).toEqual({ kind: 'adjustment', hold: 'release' });
  });
});

describe('paypal-activity-csv: the pre-2010 layout', () => {
  const text = read('History_2008.csv');

  it('is detected despite the spaces after the commas and the trailing comma', () => {
    expect(paypalActivityCsvParser.detect(text)).toBe(true);
  });

  it('reads Amount as the gross, keeps quoted names whole, and builds ids from the row', () => {
    const results = parse(text);
    expect(results).toHaveLength(5);
    const evs = events(results);
    expect(evs.map((e) => [e.kind, e.amount_minor, e.fee_minor, e.net_minor, e.attributes?.name ?? null, e.attributes?.balance])).toEqual([
      ['payment', 2500, null, null, 'Smith, John', 112500],
      ['payment', 2500, null, null, 'Doe, Jane', 115000],
      ['adjustment', -750, null, null, 'eBay Inc Shipping', 114250],
      ['payout', -110000, null, null, null, 4250],
      ['refund', -1000, null, null, 'Smith, John', 3250],
    ]);
    expect(evs[0]).toMatchObject({
      external_id: '12/01/2008 09:15:02 PST Payment Received 2500USD 1,125.00',
      occurred_at: '2008-12-01T17:15:02Z',
      source_revision: 'Completed',
    });
    // Same second, same amount: the running balance keeps the two payments apart.
    expect(new Set(evs.map((e) => e.external_id)).size).toBe(5);
    expect(evs[2]?.attributes).toMatchObject({ receipt_id: '1234-5678-9012-3456', payment_direction: 'sent' });
    expect(evs[3]?.payout_ref).toBe(evs[3]?.external_id);
    for (const e of evs) expect(EventDraftSchema.safeParse(e).success).toBe(true);
    expect(parse(text, 3)).toEqual(results);
  });
});

describe('paypal-activity-csv refuses a download a spreadsheet has damaged', () => {
  it('names the line and column of an id rewritten in scientific notation', () => {
    const err = formatError(() => parse(read('Download_EN_excel.csv')));
    expect(err.position).toEqual({ line: 3, column: 13 });
    expect(err.message).toMatch(
      /^column "Transaction ID": "1\.23457E\+16" is a number in scientific notation, so the id is lost: the file was opened and saved in a spreadsheet/,
    );
  });

  it('names the line where an unquoted decimal comma shifted the columns', () => {
    const err = formatError(() => parse(read('Kontoauszug_DE_excel.csv', 'latin1')));
    expect(err.position).toEqual({ line: 2, column: 8 });
    expect(err.message).toMatch(/^the row has 22 fields but the header has 18: "-1,37" looks like an amount whose decimal comma is not quoted/);
  });

  it('refuses an id in the decimal-comma form Excel writes in Europe ("1,23E+021")', () => {
    const lines = read('Kontoauszug_DE.CSV').split('\r\n');
    const damaged = [lines[0], (lines[1] ?? '').replace('"4KL90123MN456789P"', '"1,23E+021"')].join('\r\n');
    const err = formatError(() => parse(damaged));
    expect(err.position).toEqual({ line: 2, column: 10 });
    expect(err.message).toContain('"1,23E+021" is a number in scientific notation');
  });
});
