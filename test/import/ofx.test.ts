// Tests the OFX/QFX parser on the shared fixtures, on hand-written edge cases, through its writer, and at 100,000 transactions.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { ofxParser, parseOfxAmount, parseOfxDate } from '../../src/main/import/parsers/ofx.ts';
import { FormatError } from '../../src/main/import/parserTypes.ts';
import type { ParsedRecord, RecordResult, RejectedRecord, StatementBalance } from '../../src/main/import/parserTypes.ts';
import { textChunks } from '../../src/main/import/text/fileText.ts';
import { EventDraftSchema } from '../../src/shared/events/canonicalEvent.ts';
import { ofxChunks, writeOfx } from '../../src/main/synthetic/ofxWriter.ts';
import type { OfxWriteOptions, OfxWriterEntry, OfxWriterStatement } from '../../src/main/synthetic/ofxWriter.ts';
import { FIXTURES_DIR, describeWithFixtures } from '../support/fixtures.ts';

const OFX_DIR = join(FIXTURES_DIR, 'bank', 'ofx');

function parseChunks(chunks: Iterable<string>): RecordResult[] {
  return [...ofxParser.parse({ chunks, fileName: 'test.ofx', timeZone: 'UTC', locale: 'en' })];
}

function parseText(text: string, chunkSize = 65536): RecordResult[] {
  return parseChunks(textChunks(text, chunkSize));
}

/** Decodes a fixture the way the pipeline does: with the encoding the file declares, else UTF-8. */
function readFixture(name: string): string {
  const bytes = readFileSync(join(OFX_DIR, name));
  const declared = ofxParser.declaredEncoding?.(bytes.toString('latin1').slice(0, 65536));
  return new TextDecoder(declared ?? 'utf-8').decode(bytes);
}

interface EntryView {
  account: unknown;
  date: unknown;
  valueDate: unknown;
  amount: number;
  currency: string;
  id: string;
  name: unknown;
  memo: unknown;
  code: unknown;
}

function entryRecords(records: RecordResult[]): ParsedRecord[] {
  return records.filter((r): r is ParsedRecord => r.ok && r.events.length > 0);
}

function entries(records: RecordResult[]): EntryView[] {
  return entryRecords(records).map((r) => {
    const e = EventDraftSchema.parse(r.events[0]);
    const a = e.attributes;
    return {
      account: a.account,
      date: a.booking_date,
      valueDate: a.value_date,
      amount: e.amount_minor,
      currency: e.currency,
      // External ids are `ACCOUNT:FITID` (bankEntryExternalId); the view shows the FITID part.
      id: e.external_id.startsWith(`${String(a.account)}:`) ? e.external_id.slice(String(a.account).length + 1) : e.external_id,
      name: a.counterparty_name,
      memo: a.description,
      code: a.transaction_code,
    };
  });
}

function statements(records: RecordResult[]): StatementBalance[] {
  return records.flatMap((r) => (r.ok && r.statement !== undefined ? [r.statement] : []));
}

function rejections(records: RecordResult[]): RejectedRecord[] {
  return records.filter((r): r is RejectedRecord => !r.ok);
}

function formatErrorOf(run: () => unknown): FormatError {
  try {
    run();
  } catch (err) {
    if (err instanceof FormatError) return err;
    throw err;
  }
  throw new Error('expected a FormatError');
}

describeWithFixtures('OFX fixtures (jseutter/ofxparse)', () => {
  it('reads bank_medium.ofx: OFX 1.02 SGML, one transaction per line, unclosed leaves, CAD', () => {
    const records = parseText(readFixture('bank_medium.ofx'));
    const account = '160000100/12300 000012345678';
    expect(entries(records)).toEqual([
      {
        account,
        date: '2009-04-01',
        valueDate: null,
        amount: -660,
        currency: 'CAD',
        id: '0000123456782009040100001',
        name: "MCDONALD'S #112",
        memo: "POS MERCHANDISE;MCDONALD'S #112",
        code: 'POS',
      },
      {
        account,
        date: '2009-04-02',
        valueDate: null,
        amount: -31667,
        currency: 'CAD',
        id: '0000123456782009040200004',
        name: "Joe's Bald Hairstyles",
        memo: "MISCELLANEOUS PAYMENTS;Joe's Bald Hairstyles",
        code: 'CHECK',
      },
      {
        account,
        date: '2009-04-03',
        valueDate: null,
        amount: -2200,
        currency: 'CAD',
        id: '0000123456782009040300005',
        name: "CONNIE'S HAIR D",
        memo: "POS MERCHANDISE;CONNIE'S HAIR D",
        code: 'POS',
      },
    ]);
    expect(entryRecords(records)[1]?.events[0]?.attributes?.check_number).toBe('0');
    expect(statements(records)).toEqual([
      {
        statementId: `${account}:2009-04-01..2009-05-23`,
        account,
        currency: 'CAD',
        openingMinor: null,
        closingMinor: 38234,
        entriesSumMinor: -34527,
        entryCount: 3,
        otherBalances: { AVAILBAL: 68234 },
        periodEnd: '2009-05-23',
      },
    ]);
    expect(rejections(records)).toEqual([]);
  });

  it('reads checking.ofx: indented SGML without any leaf end tags', () => {
    const records = parseText(readFixture('checking.ofx'));
    const view = entries(records);
    expect(view.map((e) => [e.date, e.amount, e.id, e.code])).toEqual([
      ['2011-03-31', 1, '0000486', 'CREDIT'],
      ['2011-04-05', -3451, '0000487', 'DEBIT'],
      ['2011-04-07', -2500, '0000488', 'CHECK'],
    ]);
    expect(view[0]?.account).toBe('5472369148/1452687~7');
    expect(view[2]?.memo).toBe('RETURNED CHECK FEE, CHECK # 319 FOR $45.33 ON 04/07/11');
    expect(entryRecords(records)[2]?.events[0]?.attributes?.check_number).toBe('319');
    const [st] = statements(records);
    expect(st).toMatchObject({ currency: 'USD', closingMinor: 10099, openingMinor: null, entriesSumMinor: -5950, entryCount: 3 });
    expect(st?.otherBalances).toEqual({ AVAILBAL: 7599 });
    // Lines of the first STMTTRN: its start and end tags.
    expect(entryRecords(records)[0]).toMatchObject({ lineStart: 46, lineEnd: 53 });
  });

  it('reads multiple_accounts.ofx: OFX 2 XML, two bank statements without transactions', () => {
    const records = parseText(readFixture('multiple_accounts.ofx'));
    expect(entries(records)).toEqual([]);
    expect(statements(records)).toEqual([
      {
        statementId: '123/9100@2012-06-03',
        account: '123/9100',
        currency: 'USD',
        openingMinor: null,
        closingMinor: 11100,
        entriesSumMinor: 0,
        entryCount: 0,
      },
      {
        statementId: '123/9200@2012-06-03',
        account: '123/9200',
        currency: 'USD',
        openingMinor: null,
        closingMinor: 22200,
        entriesSumMinor: 0,
        entryCount: 0,
      },
    ]);
  });

  it('reads ofx-v102-empty-tags.ofx: everything on one line, empty tags, empty CURDEF, CURRENCY on the entry', () => {
    const records = parseText(readFixture('ofx-v102-empty-tags.ofx'));
    const [e] = entries(records);
    expect(e).toMatchObject({
      account: 'NPBS/12345678',
      date: '2018-05-07',
      valueDate: '2018-05-07',
      amount: 1234,
      currency: 'AUD',
      name: null,
      memo: 'CBA:Transfer',
      code: 'CREDIT',
    });
    // Empty FITID: the hash rule of bankEntryExternalId.
    expect(e?.id).toMatch(/^h:[0-9a-f]{32}$/);
    // An all-empty LEDGERBAL is a placeholder: no balance, no error.
    expect(statements(records)).toEqual([
      {
        statementId: 'NPBS/12345678:2018-05-06..2018-08-04',
        account: 'NPBS/12345678',
        currency: 'AUD',
        openingMinor: null,
        closingMinor: null,
        entriesSumMinor: 1234,
        entryCount: 1,
        periodEnd: '2018-08-04',
      },
    ]);
    expect(rejections(records)).toEqual([]);
  });

  it('reads suncorp.ofx: OFX 2 XML with CDATA values', () => {
    const records = parseText(readFixture('suncorp.ofx'));
    expect(entries(records)).toEqual([
      {
        account: 'SUNCORP/123456789',
        date: '2013-12-15',
        valueDate: null,
        amount: -1685,
        currency: 'AUD',
        id: '1',
        name: 'EFTPOS WDL HANDYWAY ALDI STORE',
        memo: 'EFTPOS WDL HANDYWAY ALDI STORE   GEELONG WEST VICAU',
        code: 'DEBIT',
      },
    ]);
    expect(statements(records)[0]).toMatchObject({ closingMinor: 123412, otherBalances: { AVAILBAL: 123412 }, entriesSumMinor: -1685 });
  });

  it('reads account_listing_aggregation.ofx (an account list, no statement) as zero records, not an error', () => {
    expect(parseText(readFixture('account_listing_aggregation.ofx'))).toEqual([]);
  });

  it('rejects each STMTTRN of fail_nice/date_missing.ofx naming DTPOSTED', () => {
    const records = parseText(readFixture('fail_nice/date_missing.ofx'));
    const bad = rejections(records);
    expect(bad.map((r) => r.message)).toEqual([
      'DTPOSTED missing in STMTTRN',
      'DTPOSTED is empty in STMTTRN',
      'DTPOSTED "20120231" is not a date (no such calendar date)',
    ]);
    expect(bad.map((r) => r.position)).toEqual([
      { line: 33, column: 5 },
      { line: 42, column: 21 },
      { line: 50, column: 21 },
    ]);
    expect(bad[0]?.raw).toContain('<NAME>TestFail1</NAME>');
    expect(bad[0]?.lineEnd).toBe(38);
    expect(statements(records)[0]).toMatchObject({ closingMinor: 0, entryCount: 0 });
  });

  it('rejects the STMTTRN of fail_nice/decimal_error.ofx naming TRNAMT and DTPOSTED', () => {
    const bad = rejections(parseText(readFixture('fail_nice/decimal_error.ofx')));
    expect(bad).toHaveLength(1);
    expect(bad[0]?.message).toContain('TRNAMT "$120" is not an amount');
    expect(bad[0]?.message).toContain('DTPOSTED "201120000000" is not a date');
    expect(bad[0]?.position).toEqual({ line: 36, column: 21 });
  });

  it('reports fail_nice/empty_balance.ofx as BALAMT is empty in LEDGERBAL, keeping its entry', () => {
    const records = parseText(readFixture('fail_nice/empty_balance.ofx'));
    expect(entries(records).map((e) => e.amount)).toEqual([12000]);
    const bad = rejections(records);
    expect(bad.map((r) => [r.message, r.position])).toEqual([['BALAMT is empty in LEDGERBAL', { line: 38, column: 17 }]]);
    expect(bad[0]?.raw).toContain('<LEDGERBAL>');
    expect(statements(records)[0]).toMatchObject({ closingMinor: null, entryCount: 1, entriesSumMinor: 12000 });
    expect(statements(records)[0]?.otherBalances).toBeUndefined();
  });

  it('gives the same result however the text is chunked', () => {
    for (const name of readdirSync(OFX_DIR).filter((f) => f.endsWith('.ofx'))) {
      const text = readFixture(name);
      const whole = parseText(text);
      for (const size of [1, 2, 7, 100]) expect(parseText(text, size), `${name} in chunks of ${size}`).toEqual(whole);
    }
  });

  it('reads the declared encoding of every fixture', () => {
    const head = (name: string): string => readFileSync(join(OFX_DIR, name), 'latin1');
    const declared = (name: string) => ofxParser.declaredEncoding?.(head(name));
    for (const name of ['bank_medium.ofx', 'checking.ofx', 'ofx-v102-empty-tags.ofx', 'account_listing_aggregation.ofx']) {
      expect(declared(name), name).toBe('windows-1252');
    }
    expect(declared('multiple_accounts.ofx')).toBe('utf-8');
    // us-ascii is a subset of whatever was detected: nothing to re-decode.
    expect(declared('suncorp.ofx')).toBeUndefined();
    expect(declared('fail_nice/date_missing.ofx')).toBeUndefined();
  });

  it('detects every OFX fixture, including the headerless broken ones', () => {
    for (const name of readdirSync(OFX_DIR).filter((f) => f.endsWith('.ofx'))) expect(ofxParser.detect(readFixture(name)), name).toBe(true);
    for (const name of readdirSync(join(OFX_DIR, 'fail_nice'))) {
      expect(ofxParser.detect(readFixture(`fail_nice/${name}`)), name).toBe(true);
    }
  });

  it('claims no file of the other fixture families', () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (path === OFX_DIR) continue;
        if (statSync(path).isDirectory()) walk(path);
        else files.push(path);
      }
    };
    walk(FIXTURES_DIR);
    expect(files.length).toBeGreaterThan(10);
    for (const path of files) {
      const head = readFileSync(path).subarray(0, 65536).toString('latin1');
      expect(ofxParser.detect(head), relative(FIXTURES_DIR, path)).toBe(false);
    }
  });
});

const SGML_HEAD =
  'OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\nCHARSET:1252\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n';

function sgmlStatement(trns: string, opts: { curdef?: string; from?: string; bal?: string } = {}): string {
  const from = opts.from ?? '<BANKACCTFROM><BANKID>111<ACCTID>222<ACCTTYPE>CHECKING</BANKACCTFROM>';
  const bal = opts.bal ?? '<LEDGERBAL><BALAMT>10.00<DTASOF>20240131</LEDGERBAL>';
  return (
    `${SGML_HEAD}<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS><STMTRS><CURDEF>${opts.curdef ?? 'USD'}${from}` +
    `<BANKTRANLIST><DTSTART>20240101<DTEND>20240131${trns}</BANKTRANLIST>${bal}</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>`
  );
}

function trn(fields: string): string {
  return `<STMTTRN>${fields}</STMTTRN>`;
}

describe('OFX parser edge cases', () => {
  it('reads a credit-card statement and a bank statement from one file', () => {
    const text =
      `${SGML_HEAD}<OFX><CREDITCARDMSGSRSV1><CCSTMTTRNRS><TRNUID>2<CCSTMTRS><CURDEF>EUR<CCACCTFROM><ACCTID>4111</CCACCTFROM>` +
      '<BANKTRANLIST><DTSTART>20240101<DTEND>20240131<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240105<TRNAMT>-12,50<FITID>A1<NAME>Shop &amp; Co</STMTTRN>' +
      '</BANKTRANLIST><LEDGERBAL><BALAMT>-12.50<DTASOF>20240131</LEDGERBAL></CCSTMTRS></CCSTMTTRNRS></CREDITCARDMSGSRSV1></OFX>';
    const records = parseText(text);
    expect(entries(records)).toEqual([
      {
        account: '4111',
        date: '2024-01-05',
        valueDate: null,
        amount: -1250,
        currency: 'EUR',
        id: 'A1',
        name: 'Shop & Co',
        memo: null,
        code: 'DEBIT',
      },
    ]);
    expect(entryRecords(records)[0]?.events[0]?.attributes?.statement_kind).toBe('credit_card');
    // FITIDs are unique per account only, so the stored id is scoped by the account.
    expect(entryRecords(records)[0]?.events[0]?.external_id).toBe('4111:A1');
    expect(statements(records)[0]).toMatchObject({ account: '4111', closingMinor: -1250, entriesSumMinor: -1250 });
  });

  it('maps DTUSER, PAYEE, BANKACCTTO, CHECKNUM, REFNUM and ORIGCURRENCY', () => {
    const records = parseText(
      sgmlStatement(
        trn(
          '<TRNTYPE>xfer<DTPOSTED>20240102120000.000[-5:EST]<DTUSER>20240101<TRNAMT>+5<FITID>F<CHECKNUM>12<REFNUM>R9' +
            '<PAYEE><NAME>Payee Inc<ADDR1>1 Road</PAYEE><BANKACCTTO><BANKID>9<ACCTID>8<ACCTTYPE>SAVINGS</BANKACCTTO>' +
            '<ORIGCURRENCY><CURRATE>1.1<CURSYM>eur</ORIGCURRENCY><MEMO>m</STMTTRN>',
        ).replace('</STMTTRN></STMTTRN>', '</STMTTRN>'),
      ),
    );
    const [r] = entryRecords(records);
    expect(r?.events[0]).toMatchObject({
      amount_minor: 500,
      currency: 'USD',
      local_date: '2024-01-02',
      attributes: {
        value_date: '2024-01-01',
        counterparty_name: 'Payee Inc',
        counterparty_account: '9/8',
        check_number: '12',
        reference_number: 'R9',
        original_currency: 'EUR',
        original_currency_rate: '1.1',
        transaction_code: 'XFER',
        description: 'm',
      },
    });
  });

  it('takes the currency of a CURRENCY aggregate for the amount and keeps it out of the statement sum', () => {
    const records = parseText(
      sgmlStatement(
        trn('<TRNTYPE>DEBIT<DTPOSTED>20240102<TRNAMT>-100<FITID>1<CURRENCY><CURRATE>0.0067<CURSYM>JPY</CURRENCY>') +
          trn('<TRNTYPE>DEBIT<DTPOSTED>20240102<TRNAMT>-1.00<FITID>2'),
      ),
    );
    expect(entries(records).map((e) => [e.amount, e.currency])).toEqual([
      [-100, 'JPY'],
      [-100, 'USD'],
    ]);
    expect(entryRecords(records)[0]?.events[0]?.attributes).toMatchObject({ statement_currency: 'USD', currency_rate: '0.0067' });
    expect(statements(records)[0]).toMatchObject({ currency: 'USD', entriesSumMinor: -100, entryCount: 2 });
  });

  it('numbers entries of the same day for the hash id when FITID is missing', () => {
    const same = '<TRNTYPE>DEBIT<DTPOSTED>20240102<TRNAMT>-1.00<MEMO>x';
    const records = parseText(sgmlStatement(trn(same) + trn(same)));
    const [a, b] = entries(records);
    expect(a?.id).toMatch(/^h:/);
    expect(a?.id).not.toBe(b?.id);
  });

  it('accepts the account without BANKID', () => {
    const records = parseText(sgmlStatement(trn('<DTPOSTED>20240102<TRNAMT>1'), { from: '<BANKACCTFROM><ACCTID>777</BANKACCTFROM>' }));
    expect(entries(records)[0]?.account).toBe('777');
  });

  it.each([
    ['1,000.0x', 'TRNAMT "1,000.0x" is not an amount'],
    ['1,000.00', 'TRNAMT "1,000.00" is not an amount'],
    ['1,000', 'ambiguous'],
    ['12.345', 'TRNAMT "12.345" is not an amount'],
    ['', 'TRNAMT is empty in STMTTRN'],
  ])('rejects TRNAMT %j', (amount, message) => {
    const bad = rejections(parseText(sgmlStatement(trn(`<DTPOSTED>20240102<TRNAMT>${amount}<FITID>1`))));
    expect(bad).toHaveLength(1);
    expect(bad[0]?.message).toContain(message);
  });

  it('rejects a transaction that says its amount twice, differently', () => {
    const bad = rejections(parseText(sgmlStatement(trn('<DTPOSTED>20240102<TRNAMT>1.00<TRNAMT>2.00'))));
    expect(bad[0]?.message).toContain('TRNAMT appears twice in STMTTRN');
  });

  it('rejects a non-numeric LEDGERBAL and an amount with no currency at all', () => {
    const bad = rejections(
      parseText(sgmlStatement(trn('<DTPOSTED>20240102<TRNAMT>1'), { bal: '<LEDGERBAL><BALAMT>N/A<DTASOF>20240131</LEDGERBAL>' })),
    );
    expect(bad.map((r) => r.message)).toEqual([expect.stringContaining('BALAMT "N/A" is not an amount in LEDGERBAL')]);
    const noCurrency = rejections(parseText(sgmlStatement(trn('<DTPOSTED>20240102<TRNAMT>1'), { curdef: '' })));
    expect(noCurrency[0]?.message).toContain('CURDEF is empty in STMTRS');
  });

  it('throws FormatError naming the element for whole-statement problems', () => {
    const noAcct = formatErrorOf(() =>
      parseText(sgmlStatement(trn('<DTPOSTED>20240102<TRNAMT>1'), { from: '<BANKACCTFROM><BANKID>1</BANKACCTFROM>' })),
    );
    expect(noAcct.message).toBe('ACCTID missing in BANKACCTFROM');
    const badCur = formatErrorOf(() => parseText(sgmlStatement('', { curdef: 'DOLLARS' })));
    expect(badCur.message).toBe('CURDEF "DOLLARS" is not a currency code in STMTRS');
    expect(badCur.position.line).toBe(11);
    const noFrom = formatErrorOf(() => parseText(sgmlStatement(trn('<DTPOSTED>20240102<TRNAMT>1'), { from: '' })));
    expect(noFrom.message).toBe('BANKACCTFROM missing in STMTRS');
  });

  it('throws FormatError for a truncated file, an investment statement, a failed sign-on and non-OFX text', () => {
    const text = sgmlStatement(trn('<DTPOSTED>20240102<TRNAMT>1'));
    expect(formatErrorOf(() => parseText(text.slice(0, text.indexOf('</STMTTRN>')))).message).toMatch(/ends inside STMTTRN opened on line 11/);
    expect(formatErrorOf(() => parseText(text.slice(0, text.indexOf('<LEDGERBAL>')))).message).toMatch(/ends inside STMTRS/);
    expect(formatErrorOf(() => parseText('<OFX><INVSTMTMSGSRSV1><INVSTMTTRNRS><INVSTMTRS>')).message).toMatch(/INVSTMTRS/);
    const signon = '<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>15500<SEVERITY>ERROR<MESSAGE>Bad password</STATUS></SONRS></SIGNONMSGSRSV1></OFX>';
    expect(formatErrorOf(() => parseText(signon)).message).toBe('the bank reported an error in SONRS: STATUS 15500 Bad password');
    expect(formatErrorOf(() => parseText('date,amount\n2024-01-01,1.00\n')).message).toMatch(/not an OFX file/);
  });

  it('turns a failed account request into a rejected record, so other accounts can still be imported', () => {
    const text = '<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>2000<SEVERITY>ERROR</STATUS></STMTTRNRS></BANKMSGSRSV1></OFX>';
    const bad = rejections(parseText(text));
    expect(bad.map((r) => r.message)).toEqual(['the bank reported an error in STMTTRNRS: STATUS 2000']);
  });

  it('reads XML with self-closing tags, comments and entities, and ignores a stray "<" in SGML text', () => {
    const xml =
      '<?xml version="1.0"?><?OFX OFXHEADER="200" VERSION="220"?><OFX><!-- c --><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>USD</CURDEF>' +
      '<BANKACCTFROM><ACCTID>1</ACCTID></BANKACCTFROM><BANKTRANLIST><STMTTRN><DTPOSTED>20240102</DTPOSTED><TRNAMT>-1.5</TRNAMT><FITID/>' +
      '<NAME>A &lt;b&gt; &#233;</NAME><MEMO>1 < 2</MEMO></STMTTRN></BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>';
    const [e] = entries(parseText(xml));
    expect(e).toMatchObject({ amount: -150, name: 'A <b> é', memo: '1 < 2' });
    expect(e?.id).toMatch(/^h:/);
  });

  it('keeps a stray "<!" or "<?" in an SGML value from swallowing the markup after it', () => {
    const records = parseText(sgmlStatement(trn('<DTPOSTED>20240102<TRNAMT>1<MEMO>Hi <! there <? you<FITID>Z')));
    expect(entries(records)[0]).toMatchObject({ memo: 'Hi <! there <? you', id: 'Z' });
  });

  it('rejects a correction of an earlier download rather than booking it again', () => {
    const bad = rejections(parseText(sgmlStatement(trn('<DTPOSTED>20240102<TRNAMT>1<FITID>N2<CORRECTFITID>N1<CORRECTACTION>REPLACE'))));
    expect(bad[0]?.message).toBe('CORRECTACTION "REPLACE" of FITID "N1" is not supported: correct the earlier entry by hand');
  });

  it('parses OFX dates as the calendar date written, whatever the time and zone', () => {
    expect(parseOfxDate('20240131235959.999[-12:XYZ]')).toEqual({ ok: true, date: '2024-01-31' });
    expect(parseOfxDate('202401310000')).toEqual({ ok: true, date: '2024-01-31' });
    expect(parseOfxDate('20240230').ok).toBe(false);
    expect(parseOfxDate('2024-01-31').ok).toBe(false);
    expect(parseOfxDate('20240131250000').ok).toBe(false);
  });

  it('parses OFX amounts strictly', () => {
    expect(parseOfxAmount('-1234.56', 'USD')).toEqual({ ok: true, minor: -123456 });
    expect(parseOfxAmount('12,5', 'EUR')).toEqual({ ok: true, minor: 1250 });
    expect(parseOfxAmount('.5', 'USD')).toEqual({ ok: true, minor: 50 });
    expect(parseOfxAmount('1,234', 'KWD')).toEqual({ ok: true, minor: 1234 });
    expect(parseOfxAmount('100', 'JPY')).toEqual({ ok: true, minor: 100 });
    for (const bad of ['$1', '1 000', '1e3', '--1', '1.2.3', 'NaN']) expect(parseOfxAmount(bad, 'USD').ok, bad).toBe(false);
  });
});

describe('OFX detection and declared encoding', () => {
  it('claims OFX 1.x headers, OFX 2 prologs and headerless <OFX>, nothing else', () => {
    expect(ofxParser.detect('\uFEFF\n\nOFXHEADER:100\nDATA:OFXSGML')).toBe(true);
    expect(ofxParser.detect('<?xml version="1.0"?>\n<!-- x -->\n<?OFX OFXHEADER="200"?>')).toBe(true);
    expect(ofxParser.detect('  <OFX>\n<SIGNONMSGSRSV1>')).toBe(true);
    expect(ofxParser.detect('<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">')).toBe(false);
    expect(ofxParser.detect(':20:STARTUMS\n:25:12345678/1234567890')).toBe(false);
    expect(ofxParser.detect('Date,Amount,Memo\n2024-01-01,1.00,<OFX>')).toBe(false);
    expect(ofxParser.detect('{"object":"list"}')).toBe(false);
  });

  it('honours CHARSET, ENCODING:UTF-8 and the XML prolog', () => {
    const head = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n<OFX>`;
    expect(ofxParser.declaredEncoding?.(head(['OFXHEADER:100', 'ENCODING:USASCII', 'CHARSET:1252']))).toBe('windows-1252');
    expect(ofxParser.declaredEncoding?.(head(['OFXHEADER:100', 'ENCODING:USASCII', 'CHARSET:ISO-8859-1']))).toBe('iso-8859-1');
    expect(ofxParser.declaredEncoding?.(head(['OFXHEADER:100', 'ENCODING:USASCII', 'CHARSET:8859-1']))).toBe('iso-8859-1');
    expect(ofxParser.declaredEncoding?.(head(['OFXHEADER:100', 'ENCODING:UTF-8', 'CHARSET:NONE']))).toBe('utf-8');
    expect(ofxParser.declaredEncoding?.(head(['OFXHEADER:100', 'ENCODING:USASCII', 'CHARSET:NONE']))).toBeUndefined();
    expect(ofxParser.declaredEncoding?.('<?xml version="1.0" encoding="windows-1252"?><?OFX?>')).toBe('windows-1252');
    expect(ofxParser.declaredEncoding?.('<?xml version="1.0"?><?OFX?>')).toBeUndefined();
  });

  it('reads a CP1252 file correctly once decoded with the declared charset', () => {
    const bytes = iconv.encode(sgmlStatement(trn('<DTPOSTED>20240102<TRNAMT>1<NAME>Café Müller – €')), 'win1252');
    const asUtf8 = new TextDecoder('utf-8').decode(bytes);
    const declared = ofxParser.declaredEncoding?.(asUtf8);
    expect(declared).toBe('windows-1252');
    const [e] = entries(parseText(new TextDecoder(declared).decode(bytes)));
    expect(e?.name).toBe('Café Müller – €');
  });
});

// Values the writer can carry through a round trip: OFX trims leaf values, so no edge whitespace.
const textArb = fc.option(
  fc
    .stringMatching(/^[A-Za-z0-9&<>'";:/#.,()é€ -]{1,24}$/)
    .map((s) => s.trim())
    .filter((s) => s !== ''),
  { nil: null },
);
const dateArb = fc.date({ min: new Date('1995-01-01'), max: new Date('2035-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const entryArb: fc.Arbitrary<OfxWriterEntry> = fc.record({
  trnType: fc.constantFrom('CREDIT', 'DEBIT', 'POS', 'CHECK', 'XFER', 'FEE'),
  posted: dateArb,
  user: fc.option(dateArb, { nil: null }),
  amountMinor: fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
  fitId: fc.option(fc.stringMatching(/^[A-Za-z0-9-]{1,20}$/), { nil: null }),
  name: textArb,
  memo: textArb,
  checkNum: fc.option(fc.stringMatching(/^[0-9]{1,6}$/), { nil: null }),
  refNum: fc.option(fc.stringMatching(/^[A-Z0-9]{1,8}$/), { nil: null }),
});
const statementArb = fc.record({
  kind: fc.constantFrom('bank' as const, 'creditCard' as const),
  bankId: fc.option(fc.stringMatching(/^[0-9]{3,9}$/), { nil: null }),
  acctId: fc.stringMatching(/^[0-9A-Z-]{1,20}$/),
  currency: fc.constantFrom('USD', 'EUR', 'JPY', 'KWD', 'CAD'),
  start: dateArb,
  end: dateArb,
  entries: fc.array(entryArb, { maxLength: 12 }),
  ledgerBalanceMinor: fc.option(fc.integer({ min: -1e12, max: 1e12 }), { nil: null }),
  availableBalanceMinor: fc.option(fc.integer({ min: -1e12, max: 1e12 }), { nil: null }),
  asOf: dateArb,
});
const optionsArb: fc.Arbitrary<OfxWriteOptions> = fc.record({
  version: fc.constantFrom(1 as const, 2 as const),
  layout: fc.constantFrom('indented' as const, 'one-line' as const),
  closeLeaves: fc.boolean(),
  dateStyle: fc.constantFrom('date' as const, 'datetime' as const, 'datetime-tz' as const),
  newline: fc.constantFrom('\n' as const, '\r\n' as const),
});

function expectedAccount(st: OfxWriterStatement): string {
  return st.kind === 'bank' && st.bankId != null && st.bankId !== '' ? `${st.bankId}/${st.acctId}` : st.acctId;
}

describe('OFX writer round trip', () => {
  it('parses back what it writes, in any version, layout and chunking', () => {
    fc.assert(
      fc.property(fc.array(statementArb, { minLength: 1, maxLength: 3 }), optionsArb, fc.integer({ min: 1, max: 300 }), (sts, options, size) => {
        const records = parseText(writeOfx(sts, options), size);
        expect(rejections(records)).toEqual([]);
        const got = entryRecords(records).map((r) => {
          const e = EventDraftSchema.parse(r.events[0]);
          const a = e.attributes;
          return [
            a.account,
            a.booking_date,
            a.value_date,
            e.amount_minor,
            e.currency,
            a.bank_reference,
            a.counterparty_name,
            a.description,
            a.transaction_code,
            a.check_number ?? null,
            a.reference_number ?? null,
          ];
        });
        const want = sts.flatMap((st) =>
          [...st.entries].map((e) => [
            expectedAccount(st),
            e.posted,
            e.user ?? null,
            e.amountMinor,
            st.currency,
            e.fitId ?? null,
            e.name,
            e.memo,
            e.trnType,
            e.checkNum ?? null,
            e.refNum ?? null,
          ]),
        );
        expect(got).toEqual(want);
        expect(
          statements(records).map((s) => [s.account, s.currency, s.closingMinor, s.otherBalances?.AVAILBAL ?? null, s.entryCount, s.entriesSumMinor]),
        ).toEqual(
          sts.map((st) => [
            expectedAccount(st),
            st.currency,
            st.ledgerBalanceMinor,
            st.availableBalanceMinor ?? null,
            st.entries.length,
            st.entries.reduce((sum, e) => sum + e.amountMinor, 0),
          ]),
        );
      }),
      { numRuns: 200 },
    );
  });
});

function* syntheticEntries(count: number): Generator<OfxWriterEntry> {
  for (let i = 0; i < count; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    yield {
      trnType: i % 3 === 0 ? 'CREDIT' : 'DEBIT',
      posted: `2025-03-${day}`,
      amountMinor: i % 3 === 0 ? 1000 + i : -(500 + (i % 97)),
      fitId: `T${i}`,
      name: `Counterparty ${i % 50}`,
      memo: `Invoice ${i}`,
    };
  }
}

/** Re-chunks text into pieces of about `size`, counting how many pieces the consumer has pulled. */
function* rechunk(source: Iterable<string>, size: number, pulled: { count: number }): Generator<string> {
  let buf = '';
  for (const piece of source) {
    buf += piece;
    if (buf.length >= size) {
      pulled.count++;
      yield buf;
      buf = '';
    }
  }
  if (buf !== '') {
    pulled.count++;
    yield buf;
  }
}

describe('OFX streaming', () => {
  it('streams a 100,000-transaction statement, yielding entries before the input is consumed', () => {
    const count = 100_000;
    let expectedSum = 0;
    for (const e of syntheticEntries(count)) expectedSum += e.amountMinor;
    for (const version of [1, 2] as const) {
      const pulled = { count: 0 };
      const statement: OfxWriterStatement = {
        kind: 'bank',
        bankId: '021000021',
        acctId: '123456',
        currency: 'USD',
        start: '2025-03-01',
        end: '2025-03-31',
        entries: syntheticEntries(count),
        ledgerBalanceMinor: 1,
        asOf: '2025-03-31',
      };
      const results = ofxParser.parse({
        chunks: rechunk(ofxChunks([statement], { version }), 65536, pulled),
        fileName: 'big.ofx',
        timeZone: 'UTC',
        locale: 'en',
      });
      let entriesSeen = 0;
      let pulledAtFirst = -1;
      let last: RecordResult | undefined;
      for (const r of results) {
        if (!r.ok) throw new Error(r.message);
        if (r.events.length > 0) {
          if (entriesSeen === 0) pulledAtFirst = pulled.count;
          entriesSeen++;
        }
        last = r;
      }
      expect(pulledAtFirst).toBe(1);
      expect(pulled.count).toBeGreaterThan(50);
      expect(entriesSeen).toBe(count);
      expect(last?.ok === true ? last.statement : undefined).toMatchObject({ entryCount: count, entriesSumMinor: expectedSum, closingMinor: 1 });
    }
  });
});
