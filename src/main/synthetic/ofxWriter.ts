// Writes OFX 1.02 (SGML) and OFX 2.11 (XML) bank and credit-card statements, for tests, benchmarks and samples.
//
// Output is produced as a stream of chunks (one per transaction), so a statement of any size
// can be written without holding it. Bank statements go into BANKMSGSRSV1 and card statements
// into CREDITCARDMSGSRSV1; a change of kind between consecutive statements starts a new message
// set, so give all bank statements before all card statements for a spec-valid file.
import { minorToDecimalString } from '../../shared/money/amountText.ts';

export interface OfxWriterEntry {
  /** TRNTYPE: CREDIT, DEBIT, POS, CHECK, … */
  trnType: string;
  /** DTPOSTED as YYYY-MM-DD. */
  posted: string;
  /** DTUSER as YYYY-MM-DD. */
  user?: string | null;
  amountMinor: number;
  /** null writes an empty <FITID>, as some banks do (the parser then falls back to the hash id). */
  fitId?: string | null;
  name?: string | null;
  memo?: string | null;
  checkNum?: string | null;
  refNum?: string | null;
}

export interface OfxWriterStatement {
  kind: 'bank' | 'creditCard';
  /** BANKID (bank statements only); omitted when null or empty. */
  bankId?: string | null;
  acctId: string;
  /** ACCTTYPE of a bank account; CHECKING when not given. */
  acctType?: string;
  currency: string;
  /** DTSTART and DTEND as YYYY-MM-DD. */
  start: string;
  end: string;
  /** Iterated once, lazily: a generator keeps a large statement out of memory. */
  entries: Iterable<OfxWriterEntry>;
  /** LEDGERBAL; null writes no LEDGERBAL. */
  ledgerBalanceMinor: number | null;
  availableBalanceMinor?: number | null;
  /** DTASOF of the balances as YYYY-MM-DD. */
  asOf: string;
}

export interface OfxWriteOptions {
  /** 1: OFX 1.02 SGML with the OFXHEADER block; 2: OFX 2.11 XML. */
  version: 1 | 2;
  /** 'one-line' writes all markup without line breaks, as several banks do. */
  layout?: 'indented' | 'one-line';
  /** SGML only: also close leaf elements (`<TRNAMT>1.00</TRNAMT>`), as some banks do. */
  closeLeaves?: boolean;
  /** How dates are written: `20240131`, `20240131120000.000` or `20240131120000.000[-5:EST]`. */
  dateStyle?: 'date' | 'datetime' | 'datetime-tz';
  newline?: '\n' | '\r\n';
  /** OFX 1.x CHARSET header value (the caller encodes the text accordingly). */
  charset?: string;
}

export function escapeOfxText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function ofxDate(date: string, style: OfxWriteOptions['dateStyle']): string {
  const d = date.replace(/-/g, '');
  if (style === 'datetime') return `${d}120000.000`;
  if (style === 'datetime-tz') return `${d}120000.000[-5:EST]`;
  return d;
}

/** Markup helpers bound to one set of options. */
function markup(options: OfxWriteOptions): {
  leaf: (name: string, value: string) => string;
  open: (name: string) => string;
  close: (name: string) => string;
} {
  const nl = options.layout === 'one-line' ? '' : (options.newline ?? '\n');
  const closeLeaf = options.version === 2 || options.closeLeaves === true;
  return {
    leaf: (name, value) => `<${name}>${escapeOfxText(value)}${closeLeaf ? `</${name}>` : ''}${nl}`,
    open: (name) => `<${name}>${nl}`,
    close: (name) => `</${name}>${nl}`,
  };
}

function header(options: OfxWriteOptions): string {
  const nl = options.newline ?? '\n';
  if (options.version === 2) {
    return (
      `<?xml version="1.0" encoding="UTF-8" standalone="no"?>${nl}` +
      `<?OFX OFXHEADER="200" VERSION="211" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>${nl}`
    );
  }
  const lines = [
    'OFXHEADER:100',
    'DATA:OFXSGML',
    'VERSION:102',
    'SECURITY:NONE',
    'ENCODING:USASCII',
    `CHARSET:${options.charset ?? '1252'}`,
    'COMPRESSION:NONE',
    'OLDFILEUID:NONE',
    'NEWFILEUID:NONE',
    '',
  ];
  return lines.join(nl) + nl;
}

function entryText(e: OfxWriterEntry, currency: string, m: ReturnType<typeof markup>, options: OfxWriteOptions): string {
  let s = m.open('STMTTRN') + m.leaf('TRNTYPE', e.trnType) + m.leaf('DTPOSTED', ofxDate(e.posted, options.dateStyle));
  if (e.user != null) s += m.leaf('DTUSER', ofxDate(e.user, options.dateStyle));
  s += m.leaf('TRNAMT', minorToDecimalString(e.amountMinor, currency));
  s += m.leaf('FITID', e.fitId ?? '');
  if (e.checkNum != null && e.checkNum !== '') s += m.leaf('CHECKNUM', e.checkNum);
  if (e.refNum != null && e.refNum !== '') s += m.leaf('REFNUM', e.refNum);
  if (e.name != null && e.name !== '') s += m.leaf('NAME', e.name);
  if (e.memo != null && e.memo !== '') s += m.leaf('MEMO', e.memo);
  return s + m.close('STMTTRN');
}

function* statementChunks(st: OfxWriterStatement, uid: number, options: OfxWriteOptions): Generator<string> {
  const m = markup(options);
  const bank = st.kind === 'bank';
  const rs = bank ? 'STMTRS' : 'CCSTMTRS';
  const from = bank ? 'BANKACCTFROM' : 'CCACCTFROM';
  let s = m.open(bank ? 'STMTTRNRS' : 'CCSTMTTRNRS') + m.leaf('TRNUID', String(uid));
  s += m.open('STATUS') + m.leaf('CODE', '0') + m.leaf('SEVERITY', 'INFO') + m.close('STATUS');
  s += m.open(rs) + m.leaf('CURDEF', st.currency) + m.open(from);
  if (bank && st.bankId != null && st.bankId !== '') s += m.leaf('BANKID', st.bankId);
  s += m.leaf('ACCTID', st.acctId);
  if (bank) s += m.leaf('ACCTTYPE', st.acctType ?? 'CHECKING');
  s += m.close(from) + m.open('BANKTRANLIST');
  s += m.leaf('DTSTART', ofxDate(st.start, options.dateStyle)) + m.leaf('DTEND', ofxDate(st.end, options.dateStyle));
  yield s;
  for (const e of st.entries) yield entryText(e, st.currency, m, options);
  s = m.close('BANKTRANLIST');
  const asOf = ofxDate(st.asOf, options.dateStyle);
  if (st.ledgerBalanceMinor !== null) {
    s +=
      m.open('LEDGERBAL') +
      m.leaf('BALAMT', minorToDecimalString(st.ledgerBalanceMinor, st.currency)) +
      m.leaf('DTASOF', asOf) +
      m.close('LEDGERBAL');
  }
  if (st.availableBalanceMinor != null) {
    s +=
      m.open('AVAILBAL') +
      m.leaf('BALAMT', minorToDecimalString(st.availableBalanceMinor, st.currency)) +
      m.leaf('DTASOF', asOf) +
      m.close('AVAILBAL');
  }
  yield s + m.close(rs) + m.close(bank ? 'STMTTRNRS' : 'CCSTMTTRNRS');
}

/** The OFX text of the statements, as chunks (one per transaction plus the surrounding markup). */
export function* ofxChunks(statements: Iterable<OfxWriterStatement>, options: OfxWriteOptions): Generator<string> {
  const m = markup(options);
  yield (
    header(options) +
    m.open('OFX') +
    m.open('SIGNONMSGSRSV1') +
    m.open('SONRS') +
    m.open('STATUS') +
    m.leaf('CODE', '0') +
    m.leaf('SEVERITY', 'INFO') +
    m.close('STATUS') +
    m.leaf('DTSERVER', '20260101120000') +
    m.leaf('LANGUAGE', 'ENG') +
    m.close('SONRS') +
    m.close('SIGNONMSGSRSV1')
  );
  let msgset: string | null = null;
  let uid = 1;
  for (const st of statements) {
    const wanted = st.kind === 'bank' ? 'BANKMSGSRSV1' : 'CREDITCARDMSGSRSV1';
    if (msgset !== wanted) {
      if (msgset !== null) yield m.close(msgset);
      yield m.open(wanted);
      msgset = wanted;
    }
    yield* statementChunks(st, uid++, options);
  }
  if (msgset !== null) yield m.close(msgset);
  yield m.close('OFX');
}

export function writeOfx(statements: Iterable<OfxWriterStatement>, options: OfxWriteOptions): string {
  return [...ofxChunks(statements, options)].join('');
}
