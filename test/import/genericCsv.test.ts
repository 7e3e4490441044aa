// Tests the generic CSV parser: a German bank statement, a US processor export, row hashes and errors.
import { describe, expect, it } from 'vitest';
import { createGenericCsvParser } from '../../src/main/import/parsers/genericCsv.ts';
import { FormatError } from '../../src/main/import/parserTypes.ts';
import type { RecordResult } from '../../src/main/import/parserTypes.ts';
import { textChunks } from '../../src/main/import/text/fileText.ts';
import { EventDraftSchema } from '../../src/shared/events/canonicalEvent.ts';
import { parseCsvMapping } from '../../src/shared/import/csvMapping.ts';
import type { CsvMapping } from '../../src/shared/import/csvMapping.ts';
import { ok, rejected, event } from '../support/records.ts';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';

function mapping(json: unknown): CsvMapping {
  const r = parseCsvMapping(json);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.mapping;
}

function parse(m: CsvMapping, text: string, options: { chunkSize?: number; timeZone?: string } = {}): RecordResult[] {
  const parser = createGenericCsvParser(m, SHA);
  return [
    ...parser.parse({
      chunks: textChunks(text, options.chunkSize ?? 65536),
      fileName: 'statement.csv',
      timeZone: options.timeZone ?? 'UTC',
      locale: 'en-US',
    }),
  ];
}

function formatErrorOf(fn: () => unknown): FormatError {
  try {
    fn();
  } catch (err) {
    if (err instanceof FormatError) return err;
    throw err;
  }
  throw new Error('expected a FormatError');
}

// A German bank export: three preamble lines (one with an unbalanced quote, which would swallow
// the table if it were read as CSV), ';' delimiter, '1.234,56' amounts, Soll (debit) and Haben
// (credit) columns, DD.MM.YYYY booking dates, CRLF line ends.
const BANK_MAPPING = mapping({
  version: 1,
  name: 'Sparkasse Girokonto',
  kind_by_sign: { positive: 'bank_credit', negative: 'bank_debit' },
  columns: { occurred_at: 'Buchungstag', debit: 'Soll', credit: 'Haben', description: 'Verwendungszweck' },
  currency: 'EUR',
  date_format: 'DD.MM.YYYY',
  time_zone: 'Europe/Berlin',
  decimal: ',',
  thousands: '.',
  sign: 'as_is',
  encoding: 'windows-1252',
  header_row: 4,
  external_id_strategy: 'row_hash',
});

const BANK_CSV = [
  'Kontoauszug;Girokonto DE12 3456 7890',
  'Zeitraum: 01.03.2025 - 31.03.2025;"Stand',
  ';',
  'Buchungstag;Valuta;Verwendungszweck;Soll;Haben',
  '03.03.2025;03.03.2025;"STRIPE PAYOUT; po_1Abc";;1.234,56', // 5: credit
  '31.03.2025;31.03.2025;Lastschrift Google Ads;-45,00;', // 6: debit written negative
  '15.03.2025;15.03.2025;"Miete', // 7-8: description over two lines, debit written positive
  'März";1.250,00;',
  '16.03.2025;16.03.2025;Gebühr;0,00;3,10', // 9: zero debit next to a credit is fine
  '17.03.2025;17.03.2025;Both;10,00;5,00', // 10: both filled
  '18.03.2025;18.03.2025;Neither;;', // 11: neither filled
  '32.03.2025;01.04.2025;Bad date;1,00;', // 12: no such day
  '19.03.2025;19.03.2025;Bad amount;12,3,4;', // 13: two decimal commas
  ';;;;', // 14: an empty Excel row, skipped
  '',
].join('\r\n');

describe('generic-csv parser: European bank statement', () => {
  it('reads preamble, delimiter, amounts, debit/credit and Berlin dates', () => {
    const results = parse(BANK_MAPPING, BANK_CSV);
    expect(results).toHaveLength(8);
    const credit = ok(results[0]);
    expect(credit.lineStart).toBe(5);
    expect(event(credit)).toMatchObject({
      kind: 'bank_credit',
      amount_minor: 123_456,
      currency: 'EUR',
      occurred_at: '2025-03-02T23:00:00Z', // midnight CET
      local_date: '2025-03-03',
      source_revision: '',
      attributes: { description: 'STRIPE PAYOUT; po_1Abc', row_occurrence: 1 },
    });
    expect(event(credit).external_id).toMatch(/^rh_[0-9a-f]{32}$/);
    // After the DST switch on 30 March: midnight CEST.
    expect(event(results[1])).toMatchObject({
      kind: 'bank_debit',
      amount_minor: -4_500,
      occurred_at: '2025-03-30T22:00:00Z',
      local_date: '2025-03-31',
    });
    const rent = ok(results[2]);
    expect([rent.lineStart, rent.lineEnd]).toEqual([7, 8]);
    expect(event(rent)).toMatchObject({ kind: 'bank_debit', amount_minor: -125_000, attributes: { description: 'Miete\r\nMärz' } });
    expect(event(results[3])).toMatchObject({ kind: 'bank_credit', amount_minor: 310 });
    for (const r of results.filter((x) => x.ok)) expect(EventDraftSchema.safeParse(event(r)).success).toBe(true);
  });

  it('rejects bad rows naming line, column number and header', () => {
    const results = parse(BANK_MAPPING, BANK_CSV);
    const both = rejected(results[4]);
    expect(both.position).toEqual({ line: 10, column: 4 });
    expect(both.message).toContain('"Soll"');
    expect(both.message).toContain('both debit 10,00 and credit 5,00');
    expect(both.raw).toBe('17.03.2025;17.03.2025;Both;10,00;5,00');
    const neither = rejected(results[5]);
    expect(neither.position).toEqual({ line: 11, column: 4 });
    expect(neither.message).toContain('"Soll" and "Haben" are both empty');
    const date = rejected(results[6]);
    expect(date.position).toEqual({ line: 12, column: 1 });
    expect(date.message).toContain('column 1 "Buchungstag" (occurred_at)');
    expect(date.message).toContain('32.03.2025');
    const amount = rejected(results[7]);
    expect(amount.position).toEqual({ line: 13, column: 4 });
    expect(amount.message).toContain('"12,3,4" is not an amount');
  });

  it('detects the delimiter on the header line, not the preamble, and survives any chunking', () => {
    const whole = parse(BANK_MAPPING, BANK_CSV);
    const explicit = parse({ ...BANK_MAPPING, delimiter: ';' }, BANK_CSV);
    expect(explicit).toEqual(whole);
    for (const size of [1, 2, 3, 7, 64]) expect(parse(BANK_MAPPING, BANK_CSV, { chunkSize: size })).toEqual(whole);
    // LF and lone-CR line ends give the same records, ids included (raw text and the multi-line description aside).
    const strip = (rs: RecordResult[]): unknown[] => rs.map((r) => (r.ok ? r.events.map((e) => ({ ...e, attributes: {} })) : r.position));
    expect(strip(parse(BANK_MAPPING, BANK_CSV.replace(/\r\n/g, '\n')))).toEqual(strip(whole));
    expect(strip(parse(BANK_MAPPING, BANK_CSV.replace(/\r\n/g, '\r'), { chunkSize: 5 }))).toEqual(strip(whole));
  });

  it('exposes the mapping version, the declared encoding and never claims a file', () => {
    const parser = createGenericCsvParser(BANK_MAPPING, SHA);
    expect(parser.format).toBe('generic-csv');
    expect(parser.mappingVersion).toBe('generic-csv@2:a1b2c3d4e5f6');
    expect(parser.encoding).toBe('windows-1252');
    expect(parser.description).toContain('Sparkasse Girokonto');
    expect(parser.detect(BANK_CSV)).toBe(false);
    expect(createGenericCsvParser({ ...BANK_MAPPING, encoding: undefined }, SHA).encoding).toBeUndefined();
    expect(() => createGenericCsvParser(BANK_MAPPING, 'not-a-hash')).toThrow(/sha256/);
  });

  it('throws a FormatError at the header line when a mapped column is missing', () => {
    const err = formatErrorOf(() => parse(BANK_MAPPING, BANK_CSV.replace('Haben', 'Credit')));
    expect(err.position).toEqual({ line: 4, column: 1 });
    expect(err.message).toContain('"Haben" (columns.credit)');
    expect(err.message).toContain('"Credit"');
    // The header is not where header_row says: line 1 is read as the header and lacks the columns.
    expect(formatErrorOf(() => parse({ ...BANK_MAPPING, header_row: 1, delimiter: ';' }, BANK_CSV)).position).toEqual({ line: 1, column: 1 });
    const short = formatErrorOf(() => parse(BANK_MAPPING, 'Kontoauszug\r\nZeitraum\r\n'));
    expect(short.position.line).toBe(4);
    expect(short.message).toContain('header_row');
  });
});

// A US processor export: ',' delimiter, '1,234.56' amounts in quotes, '(12.34)' negatives,
// MM/DD/YYYY dates read in the workspace zone, a kind column and a currency column.
const US_MAPPING = mapping({
  version: 1,
  kind_column: 'Type',
  kind_values: { Sale: 'payment', refund: 'refund', Fee: 'fee' },
  columns: {
    external_id: 'Transaction ID',
    amount: 'Amount',
    currency: 'Currency',
    occurred_at: 'Date',
    fee: 'Fee',
    net: 'Net',
    order_ref: 'Order',
    customer_ref: 'Customer',
    state: 'Status',
  },
  date_format: 'MM/DD/YYYY',
  decimal: '.',
  thousands: ',',
  sign: 'as_is',
  external_id_strategy: 'column',
});

const US_CSV = [
  'Date,Transaction ID,Type,Status,Amount,Currency,Fee,Net,Order,Customer',
  '03/01/2025,T-1,Sale,settled,"1,234.56",usd,35.80,"1,198.76",#1001,Jane.Doe@Example.com', // 2
  '03/02/2025,T-2,REFUND,settled,(12.34),USD,0.00,(12.34),1001,cus_AbC', // 3
  '03/03/2025,T-3,Chargeback,open,(50.00),USD,15.00,(65.00),,', // 4: unknown kind
  '03/04/2025,T-4,Sale,settled,12.34,XYZ,0.00,12.34,,', // 5: unknown currency
  '03/05/2025,,Sale,settled,1.00,USD,0.00,1.00,,', // 6: no id
  '03/06/2025,T-6,Sale,settled,1,234.56,USD,0.00,1.00,#1006,cus_1', // 7: unquoted comma shifts the columns
  '13/01/2025,T-7,Sale,settled,1.00,USD,0.00,1.00,,', // 8: month 13
  '',
].join('\n');

describe('generic-csv parser: US processor export', () => {
  it('maps kinds, (12.34) negatives, grouped amounts, fees and refs', () => {
    const results = parse(US_MAPPING, US_CSV, { timeZone: 'America/New_York' });
    expect(results).toHaveLength(7);
    expect(event(results[0])).toEqual({
      kind: 'payment',
      external_id: 'T-1',
      source_revision: '',
      order_ref: '1001',
      customer_ref: 'jane.doe@example.com',
      payout_ref: null,
      trace_id: null,
      amount_minor: 123_456,
      currency: 'USD',
      fee_minor: 3_580,
      net_minor: 119_876,
      state: 'settled',
      channel: null,
      occurred_at: '2025-03-01T05:00:00Z', // midnight EST
      local_date: '2025-03-01',
      attributes: { source_kind: 'Sale' },
    });
    // Kind values match ignoring case; non-email customer ids keep their case.
    expect(event(results[1])).toMatchObject({ kind: 'refund', amount_minor: -1_234, net_minor: -1_234, customer_ref: 'cus_AbC', order_ref: '1001' });
  });

  it('rejects unknown kinds, currencies, missing ids, shifted columns and bad dates', () => {
    const results = parse(US_MAPPING, US_CSV, { timeZone: 'America/New_York' });
    const kind = rejected(results[2]);
    expect(kind.position).toEqual({ line: 4, column: 3 });
    expect(kind.message).toContain('column 3 "Type" (kind_column): "Chargeback" is not in kind_values');
    const currency = rejected(results[3]);
    expect(currency.position).toEqual({ line: 5, column: 6 });
    expect(currency.message).toContain('"XYZ" is not a known currency');
    const id = rejected(results[4]);
    expect(id.position).toEqual({ line: 6, column: 2 });
    expect(id.message).toBe('column 2 "Transaction ID" (external_id): is empty');
    const shifted = rejected(results[5]);
    expect(shifted.position).toEqual({ line: 7, column: 11 });
    expect(shifted.message).toContain('11 fields but the header has 10');
    const date = rejected(results[6]);
    expect(date.position).toEqual({ line: 8, column: 1 });
    expect(date.message).toContain('"13/01/2025"');
  });

  it('inverts every money column when the source shows money out as positive', () => {
    const card = mapping({
      version: 1,
      kind: 'ad_spend',
      columns: { external_id: 'Ref', amount: 'Amount', fee: 'Fee', net: 'Net', occurred_at: 'Posted', channel: 'Merchant' },
      currency: 'USD',
      date_format: 'YYYY-MM-DD HH:mm',
      time_zone: 'America/Los_Angeles',
      decimal: '.',
      thousands: '',
      sign: 'inverted',
      delimiter: '|',
      external_id_strategy: 'column',
    });
    const text = 'Ref|Posted|Merchant|Amount|Fee|Net\nA1|2025-03-10 09:30|Meta Ads|25.00|0.50|24.50\nA2|2025-03-11 10:00|Google|-3.00|0|-3.00\n';
    const [first, second] = parse(card, text);
    expect(event(first)).toMatchObject({
      kind: 'ad_spend',
      amount_minor: -2_500,
      fee_minor: -50,
      net_minor: -2_450,
      channel: 'Meta Ads',
      occurred_at: '2025-03-10T16:30:00Z', // PDT
      local_date: null, // the source gives a time, not a booking date
    });
    expect(event(second)).toMatchObject({ amount_minor: 300, fee_minor: 0, net_minor: 300 });
    expect(Object.is(event(second).fee_minor, -0)).toBe(false);
  });
});

describe('generic-csv parser: row_hash ids', () => {
  const HASHED = mapping({
    version: 1,
    kind: 'bank_debit',
    columns: { occurred_at: 'Date', amount: 'Amount', description: 'Memo' },
    currency: 'USD',
    date_format: 'MM/DD/YYYY',
    decimal: '.',
    thousands: ',',
    sign: 'as_is',
    external_id_strategy: 'row_hash',
  });
  const TEXT =
    'Date,Memo,Amount,Balance\n03/05/2025,Coffee,5.00,100.00\n03/05/2025,Coffee,5.00,95.00\n03/05/2025,Coffee,5.00,90.00\n03/06/2025,Tea,4.00,86.00\n';

  it('keeps identical rows as separate records with stable, documented ids', () => {
    const results = parse(HASHED, TEXT);
    const ids = results.map((r) => event(r).external_id);
    expect(new Set(ids).size).toBe(4);
    // sha256('[["Amount","5.00"],["Date","03/05/2025"],["Memo","Coffee"]]' + '\n' + occurrence), first 32 hex.
    expect(ids[0]).toBe('rh_a40cb488c4f9e98a3c965fb99c389709');
    expect(ids[1]).toBe('rh_4f0390eb44c4aab7d5bfa42a84570998');
    expect(results.map((r) => event(r).attributes?.row_occurrence)).toEqual([1, 2, 3, 1]);
    // Another run, another chunking: the same ids.
    expect(parse(HASHED, TEXT, { chunkSize: 3 }).map((r) => event(r).external_id)).toEqual(ids);
  });

  it('ignores unmapped columns and column order, so a re-export with another layout keeps the ids', () => {
    const reordered =
      'Amount,Balance,Memo,Date\n5.00,1.00,Coffee,03/05/2025\n5.00,2.00,Coffee,03/05/2025\n5.00,3.00,Coffee,03/05/2025\n4.00,4.00,Tea,03/06/2025\n';
    expect(parse(HASHED, reordered).map((r) => event(r).external_id)).toEqual(parse(HASHED, TEXT).map((r) => event(r).external_id));
  });

  it('counts rejected rows too, so ids depend only on the file', () => {
    const withBad = 'Date,Memo,Amount\n03/05/2025,Coffee,5.x0\n03/05/2025,Coffee,5.x0\n';
    const results = parse(HASHED, withBad);
    expect(results.map((r) => r.ok)).toEqual([false, false]);
    expect(rejected(results[1]).position).toEqual({ line: 3, column: 3 });
  });
});

describe('generic-csv parser: running balance and statements', () => {
  const RUNNING = mapping({
    version: 1,
    kind_by_sign: { positive: 'bank_credit', negative: 'bank_debit' },
    columns: { occurred_at: 'Date', amount: 'Amount', balance: 'Balance', description: 'Memo', bank_reference: 'Ref' },
    account: 'CHK-1234',
    currency: 'USD',
    date_format: 'YYYY-MM-DD',
    decimal: '.',
    thousands: ',',
    sign: 'as_is',
    skip_footer_matching: '^closing balance',
    external_id_strategy: 'row_hash',
  });
  const HEADER = 'Date,Memo,Amount,Balance,Ref';

  function statementOf(rs: RecordResult[]): unknown {
    const last = rs[rs.length - 1];
    return last !== undefined && last.ok ? last.statement : undefined;
  }

  it('checks oldest-first rows, rejects the row that breaks the chain with expected vs actual, and continues from the file', () => {
    const text = [
      HEADER,
      '2025-03-01,A,100.00,600.00,',
      '2025-03-02,B,-50.00,550.00,R-2',
      '2025-03-03,C,-10.00,545.00,',
      '2025-03-04,D,5.00,550.00,',
      'Closing balance,,,550.00,',
      '',
    ].join('\n');
    const rs = parse(RUNNING, text);
    expect(rs).toHaveLength(5);
    const broken = rejected(rs[2]);
    expect(broken.position).toEqual({ line: 4, column: 4 });
    expect(broken.message).toBe(
      'column 4 "Balance" (balance): the running balance breaks here: expected 540.00 (previous balance 550.00 + this row -10.00, rows oldest first), the file says 545.00',
    );
    // The bank reference is the id where present; row hashes elsewhere.
    expect(event(rs[1]).external_id).toBe('R-2');
    expect(event(rs[0]).external_id).toMatch(/^rh_/);
    expect(event(rs[1]).attributes).toMatchObject({
      account: 'CHK-1234',
      booking_date: '2025-03-02',
      balance_after_minor: 55000,
      statement_id: null,
      bank_reference: 'R-2',
    });
    expect(event(rs[1]).state).toBe('booked');
    // The statement uses the bank's balances, so the dropped row makes it fail the pipeline's check.
    expect(statementOf(rs)).toEqual({
      statementId: 'CHK-1234:USD:2025-03-01..2025-03-04',
      account: 'CHK-1234',
      currency: 'USD',
      openingMinor: 50000,
      closingMinor: 55000,
      entriesSumMinor: 5500,
      entryCount: 3,
    });
  });

  it('detects newest-first rows from the dates and checks them backwards', () => {
    const text = [
      HEADER,
      '2025-03-04,D,5.00,555.00,',
      '2025-03-03,C,-10.00,550.00,',
      '2025-03-02,B,-50.00,560.00,',
      '2025-03-01,A,100.00,610.00,',
      '',
    ].join('\n');
    const rs = parse(RUNNING, text);
    expect(rs.filter((r) => !r.ok)).toHaveLength(0);
    expect(statementOf(rs)).toMatchObject({ openingMinor: 51000, closingMinor: 55500, entriesSumMinor: 4500, entryCount: 4 });
    // Declared the wrong way round, every row after the first breaks.
    const forced = parse({ ...RUNNING, balance_order: 'oldest_first' }, text);
    expect(forced.filter((r) => !r.ok).map((r) => (r.ok ? 0 : r.position.line))).toEqual([3, 4, 5]);
  });

  it('resolves same-day files by the running balance, and asks for balance_order when both orders fit', () => {
    const sameDayNewest = [HEADER, '2025-03-04,B,-5.00,95.00,', '2025-03-04,A,100.00,100.00,', ''].join('\n');
    expect(statementOf(parse(RUNNING, sameDayNewest))).toMatchObject({ openingMinor: 0, closingMinor: 9500 });
    const ambiguous = [HEADER, '2025-03-04,A,5.00,100.00,', '2025-03-04,B,-5.00,95.00,', ''].join('\n');
    const err = formatErrorOf(() => parse(RUNNING, ambiguous));
    expect(err.message).toContain('balance_order');
    expect(err.position).toEqual({ line: 2, column: 4 });
    expect(statementOf(parse({ ...RUNNING, balance_order: 'oldest_first' }, ambiguous))).toMatchObject({ openingMinor: 9500, closingMinor: 9500 });
    // One row: both orders agree.
    expect(statementOf(parse(RUNNING, [HEADER, '2025-03-04,A,5.00,100.00,', ''].join('\n')))).toMatchObject({
      openingMinor: 9500,
      closingMinor: 10000,
      entryCount: 1,
    });
  });

  it('carries the balance over empty balance cells, anchors on balance-only lines, and does not check after another rejection', () => {
    const text = [
      HEADER,
      '2025-03-01,Opening,,1000.00,', // a balance line: no event
      '2025-03-02,A,-100.00,,', // no balance: carried (900)
      '2025-03-03,B,50.00,950.00,', // checked against the carried balance
      '2025-03-04,C,12.x,962.00,', // rejected: bad amount
      '2025-03-05,D,-2.00,960.00,', // not checked: its predecessor's move is unknown
      '',
    ].join('\n');
    const rs = parse(RUNNING, text);
    expect(rs.map((r) => (r.ok ? (r.statement !== undefined ? 'statement' : event(r).amount_minor) : `rejected:${r.position.column}`))).toEqual([
      -10000,
      5000,
      'rejected:3',
      -200,
      'statement',
    ]);
    expect(statementOf(rs)).toMatchObject({ openingMinor: 100000, closingMinor: 96000, entriesSumMinor: -5200, entryCount: 3 });
  });

  it('keeps the plain generic shape for other kinds, adding the bank columns where mapped', () => {
    const card = mapping({
      version: 1,
      kind: 'ad_spend',
      columns: {
        occurred_at: 'Date',
        amount: 'Amount',
        original_amount: 'Orig',
        original_currency: 'Orig Cur',
        counterparty_name: 'Merchant',
        value_date: 'Value',
        account: 'Card',
      },
      currency: 'EUR',
      date_format: 'DD.MM.YYYY',
      decimal: ',',
      thousands: '.',
      sign: 'inverted',
      delimiter: ';',
      external_id_strategy: 'row_hash',
    });
    const text =
      'Date;Value;Card;Merchant;Amount;Orig;Orig Cur\n01.03.2025;03.03.2025;*1234;Meta;10,00;1.234;JPY\n02.03.2025;;*1234;Google;1,00;1,5;\n02.03.2025;;*1234;X;1,00;1,5;XYZ\n';
    const [first, noCurrency, badCurrency] = parse(card, text);
    expect(event(first)).toMatchObject({
      kind: 'ad_spend',
      amount_minor: -1000,
      attributes: { account: '*1234', counterparty_name: 'Meta', value_date: '2025-03-03', original_amount_minor: -1234, original_currency: 'JPY' },
    });
    expect(event(first).attributes).not.toHaveProperty('booking_date');
    expect(rejected(noCurrency).message).toBe('column 7 "Orig Cur" (original_currency): is empty but the original amount is 1,5');
    expect(rejected(badCurrency).message).toContain('"XYZ" is not a known currency');
  });

  it('skips rows by skip_rows_where and footer lines, without counting them for row hashes', () => {
    const m = { ...RUNNING, skip_rows_where: { column: 'Memo', pattern: '^pending$' } };
    const text = [HEADER, '2025-03-01,A,100.00,100.00,', '2025-03-02,PENDING,-1.00,,', 'closing BALANCE 2025-03-02,,,100.00,', ''].join('\n');
    const rs = parse(m, text);
    expect(rs).toHaveLength(2);
    expect(statementOf(rs)).toMatchObject({ entryCount: 1, closingMinor: 10000 });
    const err = formatErrorOf(() => parse({ ...m, skip_rows_where: { column: 'Status', pattern: 'x' } }, text));
    expect(err.message).toContain('"Status" (skip_rows_where.column)');
  });
});
