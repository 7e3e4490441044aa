// Tests the built-in bank CSV presets: each validates, reads a realistic export, round-trips synthetic statements, and survives fuzzing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BANK_CSV_PRESETS, listPresets, resolvePreset } from '../../src/main/import/presets/bankCsvPresets.ts';
import { createGenericCsvParser } from '../../src/main/import/parsers/genericCsv.ts';
import { FormatError } from '../../src/main/import/parserTypes.ts';
import type { ParsedRecord, RecordResult, StatementBalance } from '../../src/main/import/parserTypes.ts';
import { textChunks } from '../../src/main/import/text/fileText.ts';
import { WRITABLE_BANK_PRESETS, writeBankCsv } from '../../src/main/synthetic/bankCsvWriter.ts';
import type { SyntheticBankEntry, WritableBankPreset } from '../../src/main/synthetic/bankCsvWriter.ts';
import { EventDraftSchema } from '../../src/shared/events/canonicalEvent.ts';
import type { EventDraftInput } from '../../src/shared/events/canonicalEvent.ts';
import { parseCsvMapping } from '../../src/shared/import/csvMapping.ts';
import type { CsvMapping } from '../../src/shared/import/csvMapping.ts';

const SHA = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

function preset(name: string): CsvMapping {
  const m = resolvePreset(name);
  if (m === undefined) throw new Error(`no preset ${name}`);
  return m;
}

function parse(m: CsvMapping, text: string, chunkSize = 65536): RecordResult[] {
  return [...createGenericCsvParser(m, SHA).parse({ chunks: textChunks(text, chunkSize), fileName: 'bank.csv', timeZone: 'UTC', locale: 'en-US' })];
}

function events(results: RecordResult[]): EventDraftInput[] {
  return results.flatMap((r) => {
    if (!r.ok) throw new Error(`unexpected rejection at line ${r.position.line}: ${r.message}`);
    return r.events;
  });
}

function statements(results: RecordResult[]): StatementBalance[] {
  return results.flatMap((r) => (r.ok && r.statement !== undefined ? [r.statement] : []));
}

function balanced(s: StatementBalance): boolean {
  return s.openingMinor !== null && s.closingMinor !== null && s.openingMinor + s.entriesSumMinor === s.closingMinor;
}

describe('bank CSV presets: registry', () => {
  it('lists every preset, each valid against the mapping schema and naming its export', () => {
    const names = listPresets().map((p) => p.name);
    expect(names).toEqual([
      'bank-of-america',
      'barclays-uk',
      'chase-checking',
      'generic-debit-credit-eu',
      'n26',
      'revolut',
      'sparkasse-camt-csv',
      'wise',
    ]);
    for (const [name, mapping] of Object.entries(BANK_CSV_PRESETS)) {
      // Round-trip through JSON, as a user copying a preset into a mapping file would.
      const reparsed = parseCsvMapping(JSON.parse(JSON.stringify(mapping)));
      expect(reparsed.ok, name).toBe(true);
      expect(mapping.name ?? '', name).not.toBe('');
      expect(mapping.kind_by_sign).toEqual({ positive: 'bank_credit', negative: 'bank_debit' });
    }
    expect(resolvePreset('nope')).toBeUndefined();
    expect(resolvePreset('toString')).toBeUndefined();
    expect([...WRITABLE_BANK_PRESETS].sort()).toEqual(names);
  });
});

describe('bank CSV presets: realistic exports', () => {
  it('chase-checking: newest first, trailing commas, running balance', () => {
    const csv = [
      'Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #',
      'DEBIT,03/04/2025,"AMAZON MKTPL*1A2B3C, SEATTLE WA",-45.10,DEBIT_CARD,2154.90,,',
      'CREDIT,03/03/2025,STRIPE TRANSFER ST-X1Y2 ACME INC,1200.00,ACH_CREDIT,2200.00,,',
      'CHECK,03/03/2025,CHECK 1042,-500.00,CHECK_PAID,1000.00,1042,',
      'DEBIT,03/01/2025,MONTHLY SERVICE FEE,-12.00,FEE_TRANSACTION,1500.00,,',
      '',
    ].join('\r\n');
    const results = parse(preset('chase-checking'), csv);
    const evs = events(results);
    expect(evs.map((e) => [e.kind, e.amount_minor, e.local_date])).toEqual([
      ['bank_debit', -4510, '2025-03-04'],
      ['bank_credit', 120000, '2025-03-03'],
      ['bank_debit', -50000, '2025-03-03'],
      ['bank_debit', -1200, '2025-03-01'],
    ]);
    expect(evs[0]?.attributes).toMatchObject({
      description: 'AMAZON MKTPL*1A2B3C, SEATTLE WA',
      transaction_code: 'DEBIT_CARD',
      balance_after_minor: 215490,
      booking_date: '2025-03-04',
    });
    for (const e of evs) expect(EventDraftSchema.safeParse(e).success).toBe(true);
    expect(statements(results)).toEqual([
      {
        statementId: 'csv:USD:2025-03-01..2025-03-04',
        account: '',
        currency: 'USD',
        openingMinor: 151200,
        closingMinor: 215490,
        entriesSumMinor: 64290,
        entryCount: 4,
      },
    ]);
  });

  it('bank-of-america: summary preamble, a beginning-balance line, grouped amounts', () => {
    const csv = [
      'Description,,Summary Amt.',
      'Beginning balance as of 02/01/2025,,"10,000.00"',
      'Total credits,,"2,500.00"',
      'Total debits,,"-1,234.56"',
      'Ending balance as of 02/28/2025,,"11,265.44"',
      '',
      'Date,Description,Amount,Running Bal.',
      '02/01/2025,Beginning balance as of 02/01/2025,,"10,000.00"',
      '02/03/2025,"SHOPIFY PAYOUT DES:TRANSFER ID:123","2,500.00","12,500.00"',
      '02/14/2025,"GUSTO DES:NET 250214 ID:9X","-1,234.56","11,265.44"',
      '',
    ].join('\n');
    const results = parse(preset('bank-of-america'), csv);
    const evs = events(results);
    expect(evs.map((e) => [e.kind, e.amount_minor, e.local_date])).toEqual([
      ['bank_credit', 250000, '2025-02-03'],
      ['bank_debit', -123456, '2025-02-14'],
    ]);
    expect(results[0]).toMatchObject({ lineStart: 9 });
    const [s] = statements(results);
    expect(s).toMatchObject({
      openingMinor: 1_000_000,
      closingMinor: 1_126_544,
      entriesSumMinor: 126_544,
      entryCount: 2,
      statementId: 'csv:USD:2025-02-01..2025-02-14',
    });
    expect(s !== undefined && balanced(s)).toBe(true);
  });

  it('barclays-uk: account column, DD/MM/YYYY, no balance so no statement', () => {
    const csv = [
      'Number,Date,Account,Amount,Subcategory,Memo',
      ' ,02/03/2025,20-32-06 13152170,-39.99,Debit,TESCO STORES 3125    ON 01 MAR          BCC',
      ',05/03/2025,20-32-06 13152170,1500.00,Counter Credit,ACME LTD              SALARY',
      '',
    ].join('\r\n');
    const results = parse(preset('barclays-uk'), csv);
    const evs = events(results);
    expect(evs.map((e) => [e.kind, e.amount_minor, e.currency, e.local_date, e.occurred_at])).toEqual([
      ['bank_debit', -3999, 'GBP', '2025-03-02', '2025-03-02T00:00:00Z'],
      ['bank_credit', 150000, 'GBP', '2025-03-05', '2025-03-05T00:00:00Z'],
    ]);
    expect(evs[0]?.attributes).toMatchObject({ account: '20-32-06 13152170', transaction_code: 'Debit' });
    expect(statements(results)).toEqual([]);
  });

  it('n26: quoted header, foreign-currency columns in their own exponent', () => {
    const csv = [
      '"Date","Payee","Account number","Transaction type","Payment reference","Amount (EUR)","Amount (Foreign Currency)","Type Foreign Currency","Exchange Rate"',
      '"2025-01-10","Tokyo Ramen","","MasterCard Payment","","-9.37","-1500.0","JPY","0.0062466"',
      '"2025-01-11","ACME GmbH","DE89370400440532013000","Income","Invoice 2025-001","1250.5","","",""',
      '"2025-01-12","Kuwait Air","","MasterCard Payment","","-31.6","-10.125","KWD","3.12"',
      '',
    ].join('\n');
    const evs = events(parse(preset('n26'), csv));
    expect(evs.map((e) => [e.kind, e.amount_minor])).toEqual([
      ['bank_debit', -937],
      ['bank_credit', 125050],
      ['bank_debit', -3160],
    ]);
    expect(evs[0]?.attributes).toMatchObject({ original_amount_minor: -1500, original_currency: 'JPY', counterparty_name: 'Tokyo Ramen' });
    expect(evs[1]?.attributes).toMatchObject({
      counterparty_account: 'DE89370400440532013000',
      description: 'Invoice 2025-001',
      transaction_code: 'Income',
    });
    expect(evs[1]?.attributes).not.toHaveProperty('original_currency');
    expect(evs[2]?.attributes).toMatchObject({ original_amount_minor: -10125, original_currency: 'KWD' });
  });

  it('revolut: fees move the balance, pending/declined rows skipped, products keep separate balances', () => {
    const csv = [
      'Type,Product,Started Date,Completed Date,Description,Amount,Fee,Currency,State,Balance',
      'TOPUP,Current,2025-04-01 09:00:00,2025-04-01 09:00:05,Top-up by *1234,500.00,0.00,EUR,COMPLETED,500.00',
      'CARD_PAYMENT,Current,2025-04-02 13:15:00,2025-04-03 08:00:00,Amazon,-40.00,0.00,EUR,COMPLETED,460.00',
      'EXCHANGE,Current,2025-04-04 10:00:00,2025-04-04 10:00:00,Exchanged to USD,-100.00,0.50,EUR,COMPLETED,359.50',
      'EXCHANGE,Current,2025-04-04 10:00:00,2025-04-04 10:00:00,Exchanged to USD,108.20,0.00,USD,COMPLETED,108.20',
      'CARD_PAYMENT,Current,2025-04-05 19:30:00,,Uber,-12.30,0.00,EUR,PENDING,',
      'CARD_PAYMENT,Current,2025-04-05 20:00:00,,Shady shop,-99.00,0.00,EUR,DECLINED,',
      'TRANSFER,Savings,2025-04-06 07:00:00,2025-04-06 07:00:00,To Savings,50.00,0.00,EUR,COMPLETED,50.00',
      '',
    ].join('\n');
    const results = parse(preset('revolut'), csv);
    const evs = events(results);
    expect(evs.map((e) => [e.kind, e.amount_minor, e.currency, e.fee_minor, e.occurred_at, e.local_date, e.state])).toEqual([
      ['bank_credit', 50000, 'EUR', 0, '2025-04-01T09:00:05Z', '2025-04-01', 'COMPLETED'],
      ['bank_debit', -4000, 'EUR', 0, '2025-04-03T08:00:00Z', '2025-04-03', 'COMPLETED'],
      ['bank_debit', -10000, 'EUR', 50, '2025-04-04T10:00:00Z', '2025-04-04', 'COMPLETED'],
      ['bank_credit', 10820, 'USD', 0, '2025-04-04T10:00:00Z', '2025-04-04', 'COMPLETED'],
      ['bank_credit', 5000, 'EUR', 0, '2025-04-06T07:00:00Z', '2025-04-06', 'COMPLETED'],
    ]);
    const s = statements(results);
    expect(s.map((x) => [x.statementId, x.openingMinor, x.closingMinor, x.entriesSumMinor, x.entryCount])).toEqual([
      ['Current:EUR:2025-04-01..2025-04-04', 0, 35950, 35950, 3],
      ['Current:USD:2025-04-04..2025-04-04', 0, 10820, 10820, 1],
      ['Savings:EUR:2025-04-06..2025-04-06', 0, 5000, 5000, 1],
    ]);
    expect(s.every(balanced)).toBe(true);
  });

  it('wise: newest first (detected), TransferWise ID as the external id', () => {
    const csv = [
      '"TransferWise ID",Date,Amount,Currency,Description,"Payment Reference","Running Balance","Exchange From","Exchange To","Exchange Rate","Payer Name","Payee Name","Payee Account Number",Merchant,"Card Last Four Digits","Card Holder Full Name",Attachment,Note,"Total fees"',
      'CARD-2233445,15-05-2025,-23.40,EUR,"Card transaction of 23.40 EUR issued by Cafe Central WIEN",,976.60,,,,,,,"Cafe Central",1234,"Jane Doe",,,0.00',
      'TRANSFER-998877,12-05-2025,-500.00,EUR,"Sent money to Landlord GmbH",Miete Mai,1000.00,,,,,"Landlord GmbH",DE02120300000000202051,,,,,,1.20',
      'TRANSFER-998800,10-05-2025,1500.00,EUR,"Received money from ACME Inc",INV-42,1500.00,,,,"ACME Inc",,,,,,,,0.00',
      '',
    ].join('\n');
    const results = parse(preset('wise'), csv);
    const evs = events(results);
    expect(evs.map((e) => [e.external_id, e.kind, e.amount_minor, e.local_date])).toEqual([
      ['CARD-2233445', 'bank_debit', -2340, '2025-05-15'],
      ['TRANSFER-998877', 'bank_debit', -50000, '2025-05-12'],
      ['TRANSFER-998800', 'bank_credit', 150000, '2025-05-10'],
    ]);
    expect(evs[1]).toMatchObject({ trace_id: 'Miete Mai', attributes: { counterparty_name: 'Landlord GmbH', bank_reference: 'TRANSFER-998877' } });
    expect(statements(results)).toEqual([
      {
        statementId: 'csv:EUR:2025-05-10..2025-05-15',
        account: '',
        currency: 'EUR',
        openingMinor: 0,
        closingMinor: 97660,
        entriesSumMinor: 97660,
        entryCount: 3,
      },
    ]);
  });

  it('sparkasse-camt-csv: ";", DD.MM.YY, "1.234,56", value dates, pending lines skipped', () => {
    const header =
      '"Auftragskonto";"Buchungstag";"Valutadatum";"Buchungstext";"Verwendungszweck";"Glaeubiger ID";"Mandatsreferenz";"Kundenreferenz (End-to-End)";"Sammlerreferenz";"Lastschrift Ursprungsbetrag";"Auslagenersatz Ruecklastschrift";"Beguenstigter/Zahlungspflichtiger";"Kontonummer/IBAN";"BIC (SWIFT-Code)";"Betrag";"Waehrung";"Info"';
    const csv = [
      header,
      '"DE12500105170648489890";"";"";"KARTENZAHLUNG";"Bäckerei";"";"";"";"";"";"";"Bäckerei Müller";"";"";"-4,20";"EUR";"Umsatz vorgemerkt"',
      '"DE12500105170648489890";"31.03.25";"01.04.25";"FOLGELASTSCHRIFT";"Miete April";"DE98ZZZ09999999999";"M-001";"E2E-4711";"";"";"";"Hausverwaltung GmbH";"DE02120300000000202051";"BYLADEM1001";"-1.250,00";"EUR";"Umsatz gebucht"',
      '"DE12500105170648489890";"28.03.25";"28.03.25";"GUTSCHR. UEBERWEISUNG";"RE 2025-17";"";"";"NOTPROVIDED";"";"";"";"Kunde AG";"DE89370400440532013000";"COBADEFFXXX";"2.380,00";"EUR";"Umsatz gebucht"',
      '',
    ].join('\r\n');
    const evs = events(parse(preset('sparkasse-camt-csv'), csv));
    expect(evs.map((e) => [e.kind, e.amount_minor, e.local_date, e.occurred_at, e.trace_id])).toEqual([
      ['bank_debit', -125000, '2025-03-31', '2025-03-30T22:00:00Z', 'E2E-4711'],
      ['bank_credit', 238000, '2025-03-28', '2025-03-27T23:00:00Z', null],
    ]);
    expect(evs[0]?.attributes).toMatchObject({
      account: 'DE12500105170648489890',
      value_date: '2025-04-01',
      counterparty_name: 'Hausverwaltung GmbH',
      counterparty_account: 'DE02120300000000202051',
      transaction_code: 'FOLGELASTSCHRIFT',
      description: 'Miete April',
    });
    expect(createGenericCsvParser(preset('sparkasse-camt-csv'), SHA).encoding).toBe('windows-1252');
  });

  it('generic-debit-credit-eu: preamble, Soll/Haben, Saldo, a footer line', () => {
    const csv = [
      'Kontoauszug;DE89 3704 0044 0532 0130 00',
      'Zeitraum;01.06.2025 - 30.06.2025',
      'Anfangssaldo;1.000,00',
      '',
      'Buchungstag;Valuta;Auftraggeber/Empfänger;Verwendungszweck;Soll;Haben;Saldo',
      '02.06.2025;02.06.2025;Stripe;"Auszahlung; po_1"; ;2.500,00;3.500,00',
      '10.06.2025;11.06.2025;Telekom;Rechnung 06;89,99;;3.410,01',
      '20.06.2025;20.06.2025;Finanzamt;USt;1.000,00;;2.410,01',
      'Kontostand am 30.06.2025;;;;;;2.410,01',
      '',
    ].join('\r\n');
    const results = parse(preset('generic-debit-credit-eu'), csv);
    const evs = events(results);
    expect(evs.map((e) => [e.kind, e.amount_minor, e.local_date, e.attributes?.value_date])).toEqual([
      ['bank_credit', 250000, '2025-06-02', '2025-06-02'],
      ['bank_debit', -8999, '2025-06-10', '2025-06-11'],
      ['bank_debit', -100000, '2025-06-20', '2025-06-20'],
    ]);
    expect(statements(results)).toEqual([
      {
        statementId: 'csv:EUR:2025-06-02..2025-06-20',
        account: '',
        currency: 'EUR',
        openingMinor: 100000,
        closingMinor: 241001,
        entriesSumMinor: 141001,
        entryCount: 3,
      },
    ]);
  });
});

// Distinct, non-empty descriptions from an alphabet that exercises quoting (delimiters, quotes).
const descriptionArb = fc
  .string({ unit: fc.constantFrom(...'abcXYZ019 ,;"-/äö'.split('')), minLength: 1, maxLength: 20 })
  .map((s) => s.trim())
  .filter((s) => s !== '' && !/^(Kontostand|Endsaldo|Anfangssaldo|Closing balance|Opening balance|Summe|\*|Beginning balance)/i.test(s));

const entryArb = fc.record({
  day: fc.integer({ min: 0, max: 3000 }),
  amountMinor: fc.integer({ min: -5_000_000, max: 5_000_000 }),
  feeMinor: fc.integer({ min: 0, max: 500 }),
  description: descriptionArb,
});

function entriesFrom(
  raw: Array<{ day: number; amountMinor: number; feeMinor: number; description: string }>,
  withFee: boolean,
): SyntheticBankEntry[] {
  const days = raw.map((r) => r.day).sort((a, b) => a - b);
  // At least two distinct dates, so the row order is never a coin toss.
  if (days.length > 1 && days[0] === days[days.length - 1]) days[days.length - 1] = (days[0] ?? 0) + 1;
  return raw.map((r, i) => ({
    date: new Date(Date.UTC(2020, 0, 1) + (days[i] ?? 0) * 86_400_000).toISOString().slice(0, 10),
    amountMinor: r.amountMinor,
    ...(withFee ? { feeMinor: r.feeMinor } : {}),
    description: r.description,
  }));
}

const WITH_BALANCE = new Set<WritableBankPreset>(['chase-checking', 'bank-of-america', 'revolut', 'wise', 'generic-debit-credit-eu']);
const NEWEST_FIRST = new Set<WritableBankPreset>(['chase-checking', 'wise', 'sparkasse-camt-csv']);

describe('bank CSV presets: round trip (property)', () => {
  for (const name of WRITABLE_BANK_PRESETS) {
    it(`${name}: written entries parse back identically with a balanced statement`, () => {
      fc.assert(
        fc.property(
          fc.array(entryArb, { minLength: 1, maxLength: 25 }),
          fc.integer({ min: -1_000_000, max: 10_000_000 }),
          fc.integer({ min: 1, max: 97 }),
          (raw, opening, chunk) => {
            const entries = entriesFrom(raw, name === 'revolut');
            const text = writeBankCsv(name, entries, {
              currency: name === 'barclays-uk' ? 'GBP' : name.startsWith('chase') || name === 'bank-of-america' ? 'USD' : 'EUR',
              openingMinor: opening,
            });
            const results = parse(preset(name), text, chunk);
            const evs = events(results);
            const expected = NEWEST_FIRST.has(name) ? [...entries].reverse() : entries;
            expect(evs.map((e) => [e.amount_minor, e.local_date, e.attributes?.description])).toEqual(
              expected.map((e) => [e.amountMinor, e.date, e.description]),
            );
            expect(evs.map((e) => e.kind)).toEqual(expected.map((e) => (e.amountMinor >= 0 ? 'bank_credit' : 'bank_debit')));
            const s = statements(results);
            if (!WITH_BALANCE.has(name)) {
              expect(s).toEqual([]);
              return;
            }
            const moves = entries.reduce((sum, e) => sum + e.amountMinor - (e.feeMinor ?? 0), 0);
            expect(s).toHaveLength(1);
            expect(s[0]).toMatchObject({ openingMinor: opening, closingMinor: opening + moves, entriesSumMinor: moves, entryCount: entries.length });
            // Ids are distinct even for identical rows.
            expect(new Set(evs.map((e) => e.external_id)).size).toBe(evs.length);
          },
        ),
        { numRuns: 60 },
      );
    });
  }
});

/** Seed files for the fuzzer: one realistic export per preset. */
function seedFile(name: WritableBankPreset): string {
  const entries: SyntheticBankEntry[] = [
    { date: '2025-03-01', amountMinor: 123456, description: 'Payout, "po_1"' },
    { date: '2025-03-02', amountMinor: -4500, description: 'Ads; Google' },
    { date: '2025-03-03', amountMinor: -99, description: 'Fee' },
  ];
  return writeBankCsv(name, entries, { currency: name === 'barclays-uk' ? 'GBP' : 'USD', openingMinor: 10000 });
}

const mutationArb = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 20 }) }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.string({ unit: fc.constantFrom(...'",;\r\n\t0123456789.-()aZ€\u0000 '.split('')), maxLength: 8 }),
  }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 80 }) }),
);

describe('bank CSV presets: fuzz', () => {
  it('mutated and truncated files give records, rejections or a FormatError, nothing else', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...WRITABLE_BANK_PRESETS),
        fc.array(mutationArb, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 50 }),
        (name, mutations, chunk) => {
          let text = seedFile(name);
          for (const m of mutations) {
            const at = text.length === 0 ? 0 : m.at % (text.length + 1);
            if (m.op === 'truncate') text = text.slice(0, at);
            else if (m.op === 'delete') text = text.slice(0, at) + text.slice(at + m.length);
            else if (m.op === 'insert') text = text.slice(0, at) + m.text + text.slice(at);
            else text = text.slice(0, at) + text.slice(at, at + m.length) + text.slice(at);
          }
          const started = Date.now();
          try {
            const results = parse(preset(name), text, chunk);
            for (const r of results) {
              if (r.ok) for (const e of r.events) expect(EventDraftSchema.safeParse(e).success).toBe(true);
              else expect(r.position.line).toBeGreaterThanOrEqual(1);
              if (r.ok && r.statement !== undefined) expect(Number.isSafeInteger(r.statement.entriesSumMinor)).toBe(true);
            }
          } catch (err) {
            if (!(err instanceof FormatError)) throw err;
          }
          expect(Date.now() - started).toBeLessThan(2000);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('random bytes through every preset never throw anything but FormatError', () => {
    fc.assert(
      fc.property(fc.constantFrom(...WRITABLE_BANK_PRESETS), fc.string({ maxLength: 400 }), (name, text) => {
        try {
          parse(preset(name), text);
        } catch (err) {
          if (!(err instanceof FormatError)) throw err;
        }
      }),
      { numRuns: 200 },
    );
  });
});

// Keeps the ParsedRecord type import honest for readers: statements ride on records with no events.
export type StatementRecord = ParsedRecord & { statement: StatementBalance };
