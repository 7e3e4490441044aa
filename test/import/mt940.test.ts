// Tests the MT940/MT942 parser against the wolph/mt940 fixtures and their expected parses, the writer round trip, encodings and streaming.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { mt940Parser, parseBalance, parseDetails, parseStatementLine } from '../../src/main/import/parsers/mt940.ts';
import { FormatError } from '../../src/main/import/parserTypes.ts';
import type { ParsedRecord, RecordResult, RejectedRecord, StatementBalance } from '../../src/main/import/parserTypes.ts';
import { textChunks } from '../../src/main/import/text/fileText.ts';
import { parseAmount } from '../../src/shared/money/amountText.ts';
import { mt940StatementChunks, writeMt940 } from '../../src/main/synthetic/mt940Writer.ts';
import type { Mt940EntryInput, Mt940StatementInput } from '../../src/main/synthetic/mt940Writer.ts';
import { describeWithFixtures, FIXTURES_DIR } from '../support/fixtures.ts';

const DIR = join(FIXTURES_DIR, 'bank/mt940');

interface Outcome {
  entries: ParsedRecord[];
  statements: StatementBalance[];
  rejected: RejectedRecord[];
  error: FormatError | null;
}

function run(chunks: Iterable<string>): Outcome {
  const out: Outcome = { entries: [], statements: [], rejected: [], error: null };
  try {
    for (const r of mt940Parser.parse({ chunks, fileName: 'x.sta', timeZone: 'Europe/Berlin', locale: 'de-DE' })) collect(out, r);
  } catch (err) {
    if (!(err instanceof FormatError)) throw err;
    out.error = err;
  }
  return out;
}

function collect(out: Outcome, r: RecordResult): void {
  if (!r.ok) out.rejected.push(r);
  else if (r.statement !== undefined) out.statements.push(r.statement);
  else out.entries.push(r);
}

function parseText(text: string): Outcome {
  // Small chunks so lines and CRLF pairs straddle chunk boundaries.
  return run(textChunks(text, 7));
}

function fixtureText(name: string): string {
  return new TextDecoder('utf-8').decode(readFileSync(join(DIR, name)));
}

function attrs(r: ParsedRecord): Record<string, unknown> {
  return r.events[0]?.attributes ?? {};
}

function balances(s: StatementBalance): boolean {
  return s.openingMinor !== null && s.closingMinor !== null && s.openingMinor + s.entriesSumMinor === s.closingMinor;
}

// ------------------------------------------------------------------------------------------
// The wolph/mt940 expected parse: Python-tagged YAML whose tags we ignore; dates are packed bytes.

interface ExpectedTx {
  amount: string;
  currency: string | null;
  date: string;
  entryDate: string | null;
  bankReference: string | null;
}

function packedDate(v: unknown): string | null {
  if (!Array.isArray(v)) return null;
  const first: unknown = v[0];
  const b = first instanceof Uint8Array ? first : Buffer.from(String(first).replace(/\s/g, ''), 'base64');
  const y = ((b[0] ?? 0) << 8) | (b[1] ?? 0);
  return `${y}-${String(b[2]).padStart(2, '0')}-${String(b[3]).padStart(2, '0')}`;
}

function loadExpected(name: string): { data: Record<string, unknown>; transactions: ExpectedTx[] } {
  const doc = YAML.parseDocument(readFileSync(join(DIR, name), 'utf8'), { logLevel: 'error' });
  const js = doc.toJS({ maxAliasCount: -1 }) as { data?: Record<string, unknown>; transactions?: Array<{ data: Record<string, unknown> }> };
  const transactions = (js.transactions ?? []).map(({ data }) => {
    const amount = data.amount as { amount: string[]; currency: string | null };
    return {
      amount: String(amount.amount[0]),
      currency: amount.currency,
      date: packedDate(data.date) ?? '',
      entryDate: packedDate(data.entry_date),
      bankReference: data.bank_reference == null ? null : String(data.bank_reference),
    };
  });
  return { data: js.data ?? {}, transactions };
}

function minor(decimal: string, currency: string): number {
  const r = parseAmount(decimal, currency);
  if (!r.ok) throw new Error(r.error);
  return r.minor;
}

/** Our entries against wolph's: amount, currency, value date and booking (entry) date, in order. */
function expectMatches(entries: ParsedRecord[], expected: ExpectedTx[], currencyOverride?: string): void {
  expect(entries.length).toBe(expected.length);
  entries.forEach((r, i) => {
    const x = expected[i];
    const e = r.events[0];
    if (x === undefined || e === undefined) throw new Error('missing');
    const currency = currencyOverride ?? x.currency ?? 'EUR';
    expect(e.currency).toBe(currency);
    const mark = attrs(r).debit_credit_mark;
    // wolph keeps the unsigned amount for RC/RD; the statement balances only with RC negative, RD positive.
    if (mark === 'RC' || mark === 'RD') expect(Math.abs(e.amount_minor)).toBe(Math.abs(minor(x.amount, currency)));
    else expect(e.amount_minor).toBe(minor(x.amount, currency));
    expect(attrs(r).value_date).toBe(x.date);
    expect(e.local_date).toBe(x.entryDate ?? x.date);
  });
}

// ------------------------------------------------------------------------------------------

describeWithFixtures('mt940 fixtures (wolph/mt940)', () => {
  it('covers every fixture in the folder', () => {
    const files = readdirSync(DIR)
      .filter((f) => f.endsWith('.sta') || f.endsWith('.txt'))
      .sort();
    expect(files).toEqual([...FIXTURE_CASES].sort());
  });

  it('betterplace_sepa_mt9401: 97 entries, storno RC, every statement balances', () => {
    const out = parseText(fixtureText('betterplace_sepa_mt9401.sta'));
    expect(out.error).toBeNull();
    expect(out.rejected).toEqual([]);
    const expected = loadExpected('betterplace_sepa_mt9401.expected.yml');
    expectMatches(out.entries, expected.transactions);
    expect(out.statements.length).toBeGreaterThan(10);
    for (const s of out.statements) expect(balances(s), s.statementId).toBe(true);
    expect(out.statements.reduce((n, s) => n + s.entryCount, 0)).toBe(97);
    const storno = out.entries.find((r) => r.lineStart === 19);
    expect(storno?.events[0]).toMatchObject({ kind: 'bank_debit', amount_minor: -20488, state: 'reversed' });
    expect(attrs(storno as ParsedRecord)).toMatchObject({ reversal: true, debit_credit_mark: 'RC', funds_code: 'R' });
    // Intermediate (:60M:/:62M:) balances of the last statement, as wolph reads them.
    const last = out.statements.at(-1);
    expect(last?.closingMinor).toBe(minor('50.05', 'EUR'));
    const withSepa = out.entries.find((r) => attrs(r).end_to_end_id === 'TFNR 21005 EndToEndId 00001');
    expect(attrs(withSepa as ParsedRecord)).toMatchObject({
      description: 'Verwend CTSc-01 eBB TFNr 21005',
      counterparty_name: 'Empfaenger Florian Frech UK 01',
    });
  });

  it('betterplace_with_binary_character: UTF-8 letters in :20:, ?-subfields as wolph reads them', () => {
    const out = parseText(fixtureText('betterplace_with_binary_character.sta'));
    expect(out.error).toBeNull();
    const expected = loadExpected('betterplace_with_binary_character.expected.yml');
    expectMatches(out.entries, expected.transactions);
    expect(out.statements.map((s) => s.statementId)).toEqual(['STAR1ÜTßUMS/00027/00001', 'STAR1ÜTUMS/00053/00001']);
    for (const s of out.statements) expect(balances(s)).toBe(true);
    expect(attrs(out.entries[0] as ParsedRecord)).toMatchObject({
      counterparty_name: 'PAYPAL',
      counterparty_account: '0175526300',
      counterparty_bank: '50070010',
      description: 'QQW53T2245ZGY46J ABBUCHUNGVOM PAYPAL-KONTO100318P3TX1433EV',
      posting_text: 'Bank Transfer Credit',
      prima_nota: '930226',
      text_key_extension: '000',
      transaction_code: '051',
      bank_reference: '32-P1-TCS49518',
      customer_reference: '100323-03-100323',
    });
  });

  it('cmxl_mt940: the DEM statement is rejected (no ISO currency); EUR and PLN statements match and balance', () => {
    const text = fixtureText('cmxl_mt940.sta');
    const out = parseText(text);
    expect(out.error).toBeNull();
    expect(out.rejected).toHaveLength(12);
    expect(out.rejected[0]?.message).toContain('currency "DEM" is not a known ISO 4217 currency');
    expect(out.rejected[0]?.position).toEqual({ line: 4, column: 13 });
    expect(out.statements.map((s) => s.statementId)).toEqual(['1234567/5/1', 'TELEWIZORY S.A./00084/001']);
    for (const s of out.statements) expect(balances(s)).toBe(true);
    const expected = loadExpected('cmxl_mt940.expected.yml');
    expectMatches(out.entries, expected.transactions.slice(11));
    // Read as EUR (DEM also had 2 decimals) the first statement matches wolph and balances too.
    const asEur = parseText(text.replaceAll('DEM', 'EUR'));
    expectMatches(asEur.entries.slice(0, 11), expected.transactions.slice(0, 11), 'EUR');
    expect(asEur.statements.every(balances)).toBe(true);
    // The same bank reference on two entries must not give them one external id.
    const [a, b] = out.entries;
    expect(a?.events[0]?.external_id).toBe('10020030/1234567:55555');
    expect(b?.events[0]?.external_id).toMatch(/^h:[0-9a-f]{32}$/);
    expect(attrs(b as ParsedRecord).bank_reference_repeated).toBe('55555');
    expect(attrs(out.entries[2] as ParsedRecord)).toMatchObject({ counterparty_account: 'PL08106000760000777777777777', transaction_code: '020' });
  });

  it('mBank MT940 and MT942: free-text :86:, supplementary line, MT942 :90C: sums checked', () => {
    const mt940 = parseText(fixtureText('mBank_mt940.sta'));
    expectMatches(mt940.entries, loadExpected('mBank_mt940.expected.yml').transactions);
    expect(mt940.statements).toHaveLength(1);
    expect(balances(mt940.statements[0] as StatementBalance)).toBe(true);
    expect(mt940.statements[0]?.otherBalances).toEqual({ CLAV: 43 });
    expect(attrs(mt940.entries[0] as ParsedRecord)).toMatchObject({
      supplementary_details: '911-TRANSAKCJA IPH',
      funds_code: 'N',
      description:
        '911 TRANSAKCJA COLLECT; ID IPH: XX000000000001; Z RACH.: 56114010810000267002001001; OD: JAN NOWAK UL. NIJAKA 1 M 2 31-234 KRAKOW; TYT.: PRZELEW SRODKOW   ; TNR: 179171073864111.010001',
    });
    const text942 = fixtureText('mBank_mt942.sta');
    const mt942 = parseText(text942);
    expect(mt942.error).toBeNull();
    expectMatches(mt942.entries, loadExpected('mBank_mt942.expected.yml').transactions);
    expect(mt942.statements[0]).toMatchObject({ openingMinor: null, closingMinor: null, entriesSumMinor: 3, entryCount: 3, currency: 'PLN' });
    expect(attrs(mt942.entries[0] as ParsedRecord)).toMatchObject({ mt_type: 'MT942', report_time: '2017-01-19T17:15:00Z' });
    const wrongSum = parseText(text942.replace(':90C:3PLN0,03', ':90C:3PLN0,04'));
    expect(wrongSum.error?.message).toMatch(/:90C: at line 26 says 3 credit entries totalling 0,04 PLN, but statement .* has 3 totalling 0,03 PLN/);
  });

  it('self-provided_february_30: 30 February becomes 29 February, raw value kept and flagged', () => {
    const out = parseText(fixtureText('self-provided_february_30.sta'));
    expectMatches(out.entries, loadExpected('self-provided_february_30.expected.yml').transactions);
    expect(attrs(out.entries[0] as ParsedRecord)).toMatchObject({
      value_date: '2016-02-29',
      raw_value_date: '160230',
      value_date_corrected: true,
      booking_date: '2016-03-01',
    });
    expect(balances(out.statements[0] as StatementBalance)).toBe(true);
    // Without an entry date the corrected value date is the booking date: rawBookingDate flags the event.
    const noEntryDate = parseText(fixtureText('self-provided_february_30.sta').replace(':61:1602300301DR', ':61:160230DR'));
    expect(attrs(noEntryDate.entries[0] as ParsedRecord)).toMatchObject({
      booking_date: '2016-02-29',
      raw_booking_date: '160230',
      booking_date_corrected: true,
    });
  });

  it('self-provided_multiline: ?20–?29 purpose, ?38 IBAN, supplementary line; an entry after the "-" trailer is an error', () => {
    const out = parseText(fixtureText('self-provided_multiline.sta'));
    const expected = loadExpected('self-provided_multiline.expected.yml').transactions;
    expectMatches(out.entries, expected.slice(0, 1));
    expect(balances(out.statements[0] as StatementBalance)).toBe(true);
    expect(attrs(out.entries[0] as ParsedRecord)).toMatchObject({
      counterparty_name: 'NOM DU DO / BENEFICIAIRE 11NOM DU DO / BENEFICIAIRE 22',
      counterparty_account: 'NUMERO DE COMPTE IBAN 234567890123',
      supplementary_details: '/OCMT/EUR4,5//IACC/D3/',
      bank_reference: 'MUL0408041114005',
      customer_reference: 'REFERENCE DO 111',
    });
    expect(String(attrs(out.entries[0] as ParsedRecord).description)).toMatch(
      /^LIGNE1{21}X12345678LIGNE2{21}X12345678.*\/CHGS\/EUR0,5\/.*LIGNE101010101010101010101X12345678NOM ET ADRESSE DO/,
    );
    expect(out.error?.message).toBe(':61: (statement line) at line 38 is outside a statement: a statement starts with :20:');
    expect(out.error?.position).toEqual({ line: 38, column: 1 });
    // wolph's second transaction is that stray line; read on its own it matches.
    const stray = parseStatementLine('2212191220C119,NMSC341241773/1XXXXX//O/341241774\nPaiement', 'EUR');
    expect(stray).toMatchObject({
      amountMinor: 11900,
      valueDate: '2022-12-19',
      bookingDate: '2022-12-20',
      customerReference: '341241773/1XXXXX',
      bankReference: 'O/341241774',
      supplementary: 'Paiement',
    });
    expect(expected[1]).toMatchObject({ amount: '119', date: '2022-12-19', entryDate: '2022-12-20' });
  });

  it('self-provided_gv_codes: SEPA keys across subfields; the statement has no closing balance', () => {
    const out = parseText(fixtureText('self-provided_gv_codes.sta'));
    expectMatches(out.entries, loadExpected('self-provided_gv_codes.expected.yml').transactions);
    expect(attrs(out.entries[0] as ParsedRecord)).toMatchObject({
      end_to_end_id: '1234567890123 PAYPAL',
      description: '. SPOTIFY, Ihr Einkaufbei SPOTIFY',
      sepa_mref: '12AB234CD6E7F',
      sepa_cred: 'AB12CDE0000000000000000034',
      counterparty_name: 'PayPal (Europe) S.a.r.l. et',
      transaction_code: '835',
    });
    expect(out.entries[0]?.events[0]?.trace_id).toBe('1234567890123 PAYPAL');
    expect(out.error?.message).toBe('statement STARTUMS/0 (lines 1–7) ends without a closing balance (:62F:/:62M:): the file may be truncated');
  });

  it('self-provided_whitespace: wrapped ?-subfields; the fixture genuinely does not balance', () => {
    const out = parseText(fixtureText('self-provided_whitespace.sta'));
    expectMatches(out.entries, loadExpected('self-provided_whitespace.expected.yml').transactions);
    expect(attrs(out.entries[0] as ParsedRecord)).toMatchObject({
      description: 'ERSTATTUNG AUSLANDSEINSATZENTGELT FUER VISA 4998 XXXXXXXX 1234',
      counterparty_name: 'DEUTSCHE KREDITBANK AG',
    });
    // 12345,12 − 233,15 = 12111,97, but the file says 12345,98: a hand-made test file, not a bank's.
    expect(out.statements[0]).toMatchObject({ openingMinor: 1234512, entriesSumMinor: -23315, closingMinor: 1234598 });
    expect(balances(out.statements[0] as StatementBalance)).toBe(false);
  });

  it('betterplace_sepa_snippet_broken: the :86: written as :25: is a clear error after the first entry', () => {
    const out = parseText(fixtureText('betterplace_sepa_snippet_broken.sta'));
    expectMatches(out.entries, loadExpected('betterplace_sepa_snippet_broken.expected.yml').transactions);
    expect(out.error?.message).toBe(
      ':25: (account) at line 6: a second account in statement T089414086000001/00004/00001 (its account "50880050/0194787400888" came first); a misplaced tag?',
    );
    expect(out.error?.position).toEqual({ line: 6, column: 5 });
  });

  it('ASNB: {1:}{2:}{4: framing, 31 statements, blank lines in :86:, all balance', () => {
    const out = parseText(fixtureText('ASNB_mt940.txt'));
    expect(out.error).toBeNull();
    expect(out.statements).toHaveLength(31);
    for (const s of out.statements) expect(balances(s), s.statementId).toBe(true);
    expect(attrs(out.entries[0] as ParsedRecord).description).toBe('NL47INGB9999999999 hr gjlm paulissen Betaling sieraden');
    const hardWrapped = out.entries.find((r) => String(attrs(r).description).includes('Betaling aan ICS'));
    expect(hardWrapped).toBeDefined();
  });

  it('snippets without a statement (:20:) are rejected with the line; their fields read as wolph reads them', () => {
    const cases: Record<string, string> = {
      'betterplace_amount_formats.sta': ':60F: (opening balance) at line 1 is outside a statement: a statement starts with :20:',
      'betterplace_currency_in_25.sta': ':25: (account) at line 1 is outside a statement: a statement starts with :20:',
      'betterplace_empty_86.sta': ':86: (details) at line 1 is outside a statement: a statement starts with :20:',
      'cmxl_statement_line.sta': ':61: (statement line) at line 1 is outside a statement: a statement starts with :20:',
      'self-provided_sparkassen.sta': ':61: (statement line) at line 1 is outside a statement: a statement starts with :20:',
      'self-provided_invalid_statement.sta': 'no MT940/MT942 statement found in its 10 lines: no line starts with :20:',
    };
    for (const [file, message] of Object.entries(cases)) {
      const out = parseText(fixtureText(file));
      expect(out.error?.message, file).toBe(message);
      expect(out.error?.position, file).toEqual({ line: 1, column: 1 });
    }
    const amounts = fixtureText('betterplace_amount_formats.sta')
      .trim()
      .split('\n')
      .map((l) => parseBalance(l.slice(5)).amountMinor);
    expect(amounts).toEqual([38011512, 38011510, 38011500, 12, 12, 112]);
    expect(loadExpected('betterplace_amount_formats.expected.yml').data.final_opening_balance).toBeDefined();
    const line = parseStatementLine(fixtureText('cmxl_statement_line.sta').trim().slice(4), 'EUR');
    expect(line).toMatchObject({
      amountMinor: -162,
      mark: 'D',
      fundsCode: 'R',
      valueDate: '2014-09-01',
      bookingDate: '2014-09-02',
      transactionType: 'NTRF',
      customerReference: '0000549855700010',
      bankReference: '025498557/000001',
    });
    expect(parseDetails(['091'])).toMatchObject({ gvc: '091', purpose: '091' });
  });

  it('currency in :25: and the Sparkassen line breaks read inside a statement', () => {
    // Without :60F: the entries take the currency from the :25: suffix, but an MT940 still needs its opening balance.
    const in25 = parseText(`:20:X\n${fixtureText('betterplace_currency_in_25.sta')}:61:100318C1,NTRFNONREF\n:62F:C100318EUR1,\n`);
    expect(in25.entries[0]?.events[0]).toMatchObject({ amount_minor: 100, currency: 'EUR' });
    expect(attrs(in25.entries[0] as ParsedRecord).account).toBe('51210600/9223382012EUR');
    expect(in25.error?.message).toBe('statement X (lines 1–4) has no opening balance (:60F:/:60M:)');
    const spk = parseText(`:20:X\n:25:1/2\n:60F:C181126EUR0,\n${fixtureText('self-provided_sparkassen.sta')}\n:62F:C181126EUR30,\n`);
    expect(spk.error).toBeNull();
    expect(spk.entries[0]?.events[0]).toMatchObject({ amount_minor: 3000, local_date: '2018-11-26' });
    expect(attrs(spk.entries[0] as ParsedRecord)).toMatchObject({
      transaction_code: '166',
      posting_text: 'GUTSCHR. UEBERWEISUNG',
      description: 'Test',
      swift_type: 'N062',
    });
    expect(balances(spk.statements[0] as StatementBalance)).toBe(true);
  });

  it('detect claims MT940 files and no file of another format', () => {
    for (const file of [
      'betterplace_sepa_mt9401.sta',
      'cmxl_mt940.sta',
      'mBank_mt940.sta',
      'mBank_mt942.sta',
      'ASNB_mt940.txt',
      'self-provided_february_30.sta',
    ]) {
      expect(mt940Parser.detect(fixtureText(file)), file).toBe(true);
    }
    const others = ['bank/camt', 'bank/camt/oca', 'bank/ofx', 'bank/ofx/fail_nice', 'providers/paypal', 'providers/shopify', 'providers/stripe'];
    for (const folder of others) {
      for (const f of readdirSync(join(FIXTURES_DIR, folder), { withFileTypes: true })) {
        if (!f.isFile()) continue;
        const head = new TextDecoder('windows-1252').decode(readFileSync(join(FIXTURES_DIR, folder, f.name)).subarray(0, 65536));
        expect(mt940Parser.detect(head), `${folder}/${f.name}`).toBe(false);
      }
    }
  });
});

const FIXTURE_CASES = [
  'ASNB_mt940.txt',
  'betterplace_amount_formats.sta',
  'betterplace_currency_in_25.sta',
  'betterplace_empty_86.sta',
  'betterplace_sepa_mt9401.sta',
  'betterplace_sepa_snippet_broken.sta',
  'betterplace_with_binary_character.sta',
  'cmxl_mt940.sta',
  'cmxl_statement_line.sta',
  'mBank_mt940.sta',
  'mBank_mt942.sta',
  'self-provided_february_30.sta',
  'self-provided_gv_codes.sta',
  'self-provided_invalid_statement.sta',
  'self-provided_multiline.sta',
  'self-provided_sparkassen.sta',
  'self-provided_whitespace.sta',
];

describe('mt940 parser rules', () => {
  const statement = (body: string): string => `:20:REF1\r\n:25:DE89370400440532013000\r\n:28C:7/1\r\n:60F:C240102EUR100,00\r\n${body}`;

  it('maps D/C/RD/RC to signs with the reversal flag, and wraps the entry date across New Year', () => {
    const out = parseText(
      statement(
        [
          ':61:2401020102D10,NTRFNONREF',
          ':61:2401020102C,5NTRFNONREF',
          ':61:2401020102RD2,NTRFNONREF//B1',
          ':61:2401020102RC3,NTRFNONREF//B2',
          ':61:2312311229C1,NTRFNONREF',
          ':61:2401011231C1,NTRFNONREF',
          ':62F:C240102EUR91,50',
          '-',
          '',
        ].join('\r\n'),
      ),
    );
    expect(out.error).toBeNull();
    expect(out.entries.map((r) => [r.events[0]?.amount_minor, r.events[0]?.kind, r.events[0]?.state])).toEqual([
      [-1000, 'bank_debit', 'booked'],
      [50, 'bank_credit', 'booked'],
      [200, 'bank_credit', 'reversed'],
      [-300, 'bank_debit', 'reversed'],
      [100, 'bank_credit', 'booked'],
      [100, 'bank_credit', 'booked'],
    ]);
    expect(out.entries.slice(4).map((r) => [attrs(r).value_date, r.events[0]?.local_date])).toEqual([
      ['2023-12-31', '2023-12-29'],
      ['2024-01-01', '2023-12-31'],
    ]);
    expect(out.statements[0]).toMatchObject({
      statementId: 'REF1/7/1',
      openingMinor: 10000,
      closingMinor: 9150,
      entriesSumMinor: -850,
      entryCount: 6,
    });
    expect(balances(out.statements[0] as StatementBalance)).toBe(true);
    expect(out.entries.map((r) => attrs(r).statement_id)).toEqual(Array(6).fill('REF1/7/1'));
  });

  it('rejects one bad entry with its line and column, strict on amounts that would be guessed', () => {
    const out = parseText(statement(':61:2401020102D10,123NTRFNONREF\n:86:X\n:61:2401020102X10,NTRF\n:61:2401020102D5,NTRF\n:62F:C240102EUR95,\n'));
    expect(out.rejected.map((r) => [r.position, r.message])).toEqual([
      [{ line: 5, column: 16 }, ':61: (statement line) at line 5: amount "10,123": "10.123" has 3 decimals but EUR allows 2'],
      [
        { line: 7, column: 5 },
        ':61: (statement line) at line 7: statement line "2401020102X10,NTRF" has no debit/credit mark (D, C, RD, RC) after its dates',
      ],
    ]);
    expect(out.rejected[0]?.raw).toBe(':61:2401020102D10,123NTRFNONREF\n:86:X');
    expect(out.entries).toHaveLength(1);
  });

  it('names the place of whole-file problems', () => {
    expect(parseText(statement(':61:2401020102D1,NTRF\n')).error?.message).toBe(
      'statement REF1/7/1 (lines 1–5) ends without a closing balance (:62F:/:62M:): the file may be truncated',
    );
    expect(parseText(statement(':62F:C240102USD1,\n')).error?.message).toBe(
      ':62F: (closing balance) at line 5: closing balance currency USD differs from the statement currency EUR',
    );
    const bad = parseText(statement(':62F:C2401EUR1,\n'));
    expect(bad.error?.message).toBe(':62F: (closing balance) at line 5: "C2401EUR1," is not a balance (C or D, YYMMDD date, currency, amount)');
    expect(bad.error?.position).toEqual({ line: 5, column: 6 });
    expect(parseText(':20:A\n:60F:C240102EUR1,\n:62F:C240102EUR1,\n').error?.message).toBe('statement A (lines 1–3) has no account (:25:)');
    expect(parseText('').error?.message).toBe('no MT940/MT942 statement found in the file: no line starts with :20:');
  });

  it('strips control bytes, accepts LF, CR and CRLF, ignores header text between statements', () => {
    const body =
      '\u0001ABNANL2A\n940\n:20:A\u0000B\r:25:1/2\r\n:60F:C240102EUR1,\n:61:240102C1,NTRF\n:86:free\u0007 text\n:62F:C240102EUR2,\n-\u0003\n';
    const out = parseText(body);
    expect(out.error).toBeNull();
    expect(out.statements[0]).toMatchObject({ statementId: 'AB', closingMinor: 200 });
    expect(attrs(out.entries[0] as ParsedRecord).description).toBe('free text');
  });

  it('reads CP852 (Polish/Czech letters) once the pipeline has decoded it', () => {
    const text =
      ':20:WYCIĄG\r\n:25:PL61109010140000071219812874\r\n:28C:1/1\r\n:60F:C240301PLN1000,00\r\n:61:2403010301D250,50NTRFNONREF//PŁ1\r\n:86:020?00Przelew?20Zapłata za fakturę?32Žluťoučký kůň Łódź\r\n:62F:C240301PLN749,50\r\n-\r\n';
    const bytes = iconv.encode(text, 'cp852');
    expect(bytes.includes(0xc4)).toBe(false);
    const out = run([iconv.decode(bytes, 'cp852')]);
    expect(out.error).toBeNull();
    expect(attrs(out.entries[0] as ParsedRecord)).toMatchObject({
      description: 'Zapłata za fakturę',
      counterparty_name: 'Žluťoučký kůň Łódź',
      bank_reference: 'PŁ1',
    });
    expect(out.statements[0]?.statementId).toBe('WYCIĄG/1/1');
    expect(balances(out.statements[0] as StatementBalance)).toBe(true);
  });

  it('reads a Citi statement whose entry date is four spaces (D mark, D funds code)', () => {
    const text = readFileSync(join(import.meta.dirname, 'files', 'mt940', 'citi_blank_entry_date.sta'), 'utf8');
    expect(mt940Parser.detect(text)).toBe(true);
    const out = parseText(text);
    expect(out.error).toBeNull();
    expect(out.rejected).toEqual([]);
    expect(out.entries.map((r) => [r.events[0]?.amount_minor, r.events[0]?.local_date, attrs(r).value_date, attrs(r).funds_code ?? null])).toEqual([
      [-21239, '2024-03-12', '2024-03-12', 'D'],
      [150000, '2024-03-12', '2024-03-12', 'D'],
      [-4500, '2024-03-12', '2024-03-12', null],
    ]);
    expect(balances(out.statements[0] as StatementBalance)).toBe(true);
    const line = parseStatementLine('240312    DD212,39NCHK000123//0312CK000123', 'USD');
    expect(line).toMatchObject({
      bookingDate: '2024-03-12',
      bookingDateRaw: '240312',
      mark: 'D',
      fundsCode: 'D',
      amountMinor: -21239,
      transactionType: 'NCHK',
    });
    expect(line.customerReference).toBe('000123');
    expect(line.bankReference).toBe('0312CK000123');
  });

  it('detect is specific', () => {
    expect(mt940Parser.detect('{1:F01X}{2:O940X}{4:\r\n:20:A\r\n:25:B\r\n:28C:1\r\n:60F:C240102EUR1,\r\n')).toBe(true);
    expect(mt940Parser.detect(':20:A\n:25:B\n:13D:2401021200\n')).toBe(false);
    expect(mt940Parser.detect('date,amount\n:20:A\n:25:B\n:60F:C1\n')).toBe(true);
    expect(mt940Parser.detect('<?xml version="1.0"?>\n:20:A\n:25:B\n:60F:C\n')).toBe(false);
    expect(mt940Parser.detect('OFXHEADER:100\n:20:A\n:25:B\n:60F:C\n')).toBe(false);
    expect(mt940Parser.detect('ref,note\n1,":20:A"\n2,":25:B"\n')).toBe(false);
  });
});

// ------------------------------------------------------------------------------------------

const word = fc
  .stringMatching(/^[A-Za-z0-9][A-Za-z0-9 .,/()+']{0,40}[A-Za-z0-9]$/)
  .filter((s) => !/ {2}|(EREF|SVWZ|KREF|MREF|CRED|DEBT|ABWA|ABWE|IBAN|BIC|COAM|OAMT|PURP|SQTP|RTRN)\+/.test(s));
const dateArb = fc
  .date({ min: new Date(Date.UTC(2001, 0, 1)), max: new Date(Date.UTC(2069, 11, 31)), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

const entryArb: fc.Arbitrary<Mt940EntryInput> = fc.record({
  valueDate: dateArb,
  amountMinor: fc.integer({ min: -99_999_999, max: 99_999_999 }),
  reversal: fc.boolean(),
  transactionType: fc.constantFrom('NTRF', 'NMSC', 'N051', 'FCHK', 'SDDT'),
  customerReference: fc.constantFrom('NONREF', 'INV1001', 'KREF 77'),
  bankReference: fc.option(fc.stringMatching(/^[A-Z0-9]{4,16}$/), { nil: null }),
  supplementary: fc.option(word, { nil: null }),
  details: fc.option(
    fc.oneof(
      word.map((w) => `${w} ${w}`.repeat(3)),
      fc.record({
        gvc: fc.constantFrom('166', '051', '805'),
        postingText: word,
        purpose: word,
        endToEndId: fc.option(
          word.map((w) => w.slice(0, 35)),
          { nil: undefined },
        ),
        counterpartyName: fc.option(word, { nil: undefined }),
        counterpartyAccount: fc.constantFrom('DE89370400440532013000', '0175526300'),
      }),
    ),
    { nil: null },
  ),
});

describe('mt940 writer round trip (property)', () => {
  it('random statements written and parsed back give the same entries and balances', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            entries: fc.array(entryArb, { maxLength: 8 }),
            opening: fc.integer({ min: -1e9, max: 1e9 }),
            framing: fc.boolean(),
            currency: fc.constantFrom('EUR', 'PLN', 'JPY', 'KWD'),
            mt942: fc.boolean(),
          }),
          { minLength: 1, maxLength: 3 },
        ),
        fc.constantFrom<'\n' | '\r\n'>('\n', '\r\n'),
        (stmts, nl) => {
          const inputs: Mt940StatementInput[] = stmts.map((s, i) => ({
            reference: `STMT${i}`,
            account: `DE89370400440532013${String(i).padStart(3, '0')}`,
            statementNumber: `${i + 1}/1`,
            currency: s.currency,
            date: '2024-05-31',
            openingMinor: s.opening,
            entries: s.entries,
            framing: s.framing,
            lineEnding: nl,
            mt942: s.mt942,
          }));
          const out = parseText(writeMt940(inputs));
          expect(out.error).toBeNull();
          expect(out.rejected).toEqual([]);
          expect(out.entries).toHaveLength(stmts.reduce((n, s) => n + s.entries.length, 0));
          const written = stmts.flatMap((s) => s.entries.map((e) => ({ e, currency: s.currency })));
          out.entries.forEach((r, i) => checkEntry(r, written[i]?.e as Mt940EntryInput, written[i]?.currency ?? ''));
          out.statements.forEach((st, i) => {
            const s = stmts[i];
            if (s === undefined) throw new Error('missing statement');
            const sum = s.entries.reduce((n, e) => n + e.amountMinor, 0);
            expect(st).toMatchObject({
              statementId: `STMT${i}/${i + 1}/1`,
              entriesSumMinor: sum,
              entryCount: s.entries.length,
              currency: s.currency,
            });
            if (s.mt942) expect(st.openingMinor).toBeNull();
            else expect(st).toMatchObject({ openingMinor: s.opening, closingMinor: s.opening + sum });
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});

function checkEntry(r: ParsedRecord, e: Mt940EntryInput, currency: string): void {
  const ev = r.events[0];
  const a = attrs(r);
  expect(ev?.amount_minor).toBe(e.amountMinor);
  expect(ev?.currency).toBe(currency);
  expect(a.value_date).toBe(e.valueDate);
  expect(a.reversal).toBe(e.reversal === true);
  expect(a.customer_reference).toBe(e.customerReference);
  if (e.bankReference != null) expect(a.bank_reference ?? a.bank_reference_repeated).toBe(e.bankReference);
  expect(a.supplementary_details ?? null).toBe(e.supplementary ?? null);
  if (typeof e.details === 'string') expect(a.description).toBe(e.details);
  else if (e.details != null) {
    expect(a.description).toBe(e.details.purpose);
    expect(a.counterparty_name).toBe(e.details.counterpartyName ?? null);
    expect(a.counterparty_account).toBe(e.details.counterpartyAccount);
    expect(a.end_to_end_id).toBe(e.details.endToEndId?.trim() ?? null);
    expect(a.transaction_code).toBe(e.details.gvc);
  }
}

describe('mt940 streaming', () => {
  it('parses 100,000 :61: lines fed as a generator of chunks, yielding entries before the input ends', () => {
    const n = 100_000;
    let pulled = 0;
    let pulledAtFirst = -1;
    function* entries(): Generator<Mt940EntryInput> {
      for (let i = 0; i < n; i++) {
        const amount = ((i * 7919) % 200_001) - 100_000;
        yield {
          valueDate: `2024-0${1 + (i % 9)}-1${i % 10}`,
          bookingDate: null,
          amountMinor: amount,
          transactionType: 'NTRF',
          bankReference: `R${i}`,
          details: i % 2 === 0 ? `Invoice ${i}` : { gvc: '166', purpose: `SEPA credit ${i}`, counterpartyName: 'Muster GmbH' },
        };
      }
    }
    let expectedSum = 0;
    for (let i = 0; i < n; i++) expectedSum += ((i * 7919) % 200_001) - 100_000;
    function* chunks(): Generator<string> {
      for (const c of mt940StatementChunks({
        reference: 'BIG',
        account: 'DE89370400440532013000',
        currency: 'EUR',
        date: '2024-09-30',
        openingMinor: 5_000_000,
        entries: entries(),
      })) {
        pulled++;
        yield c;
      }
    }
    let count = 0;
    let statement: StatementBalance | undefined;
    for (const r of mt940Parser.parse({ chunks: chunks(), fileName: 'big.sta', timeZone: 'UTC', locale: 'en' })) {
      if (!r.ok) throw new Error(r.message);
      if (r.statement !== undefined) statement = r.statement;
      else {
        if (count === 0) pulledAtFirst = pulled;
        count++;
      }
    }
    expect(count).toBe(n);
    expect(pulledAtFirst).toBeLessThan(5);
    expect(statement).toMatchObject({ entryCount: n, entriesSumMinor: expectedSum, openingMinor: 5_000_000, closingMinor: 5_000_000 + expectedSum });
  }, 60_000);
});
