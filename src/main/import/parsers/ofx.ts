// Parses OFX 1.x (SGML), OFX 2.x (XML) and QFX bank and credit-card statements into bank entries and statement balances.
//
// Mapping decisions (one BankEntry per STMTTRN, through bankEntryDraft like every bank format):
//   statements    every STMTRS (bank) and CCSTMTRS (credit card), wherever they sit (STMTTRNRS /
//                 CCSTMTTRNRS, several per file). A file with no statement (an account list, a
//                 SIGNUP reply) yields zero records: not an error. INVSTMTRS (investment) is refused
//                 with a FormatError rather than silently skipped.
//   account       BANKACCTFROM: `BANKID/ACCTID` (just ACCTID without a BANKID); CCACCTFROM: ACCTID.
//   currency      CURDEF. A STMTTRN with <CURRENCY> has its TRNAMT in CURSYM (OFX spec: CURRENCY means
//                 "amounts are in this currency"), so CURSYM becomes the entry's currency and CURRATE is
//                 kept as text in extra.currency_rate. <ORIGCURRENCY> means the amount was already
//                 converted to CURDEF: the entry stays in CURDEF; extra.original_currency(_rate).
//                 An empty CURDEF is tolerated (some banks write every unknown tag empty) as long as
//                 each entry names its currency; the statement then takes the entries' currency (XXX,
//                 ISO's "no currency", when it has neither CURDEF nor entries).
//   TRNTYPE       → transactionCode (upper case). DTPOSTED → bookingDate, the calendar date as written
//                 (time and [offset:TZ] are validated, never used to shift the day). DTUSER (else the
//                 non-standard VALUEDATE some banks add) → valueDate. TRNAMT → amount, signed as OFX
//                 signs it (from the account holder's view: credit positive; card purchases negative).
//   FITID         → bankReference (the external id; empty → the hash rule of bankEntryExternalId).
//   NAME, else PAYEE/NAME → counterpartyName; MEMO → remittance; BANKACCTTO/CCACCTTO → counterpartyAccount;
//                 CHECKNUM, REFNUM, SRVRTID, SIC, PAYEEID, EXTDNAME, DTAVAIL → extra. A STMTTRN with
//                 CORRECTACTION (REPLACE/DELETE of an earlier download's FITID) is rejected: an append-only
//                 import would count the corrected money twice.
//   amounts       OFX writes plain decimals: optional sign, digits, '.' or ',' as decimal separator,
//                 never grouping. Anything else ("$120", "1,000.00", "12.3x") is refused, and so is a
//                 comma with exactly three decimals ("1,000": thousand or one?) unless the currency has three.
//   dates         YYYYMMDD[HHMM[SS[.XXX]]][[±h[.mm]:TZ]]; an impossible date (31 February) is refused: OFX
//                 dates are machine-written, so unlike MT940 there is no known sloppiness to forgive.
// Balances (one record with `statement` after each statement's last entry):
//   closingMinor  = LEDGERBAL/BALAMT. openingMinor = null: OFX has no opening balance, and deriving one as
//                 closing − entries would make the pipeline's check a tautology (LEDGERBAL's DTASOF is
//                 also often later than DTEND, so it need not even belong to the listed period).
//   otherBalances = { AVAILBAL }. entryCount counts the accepted entries; entriesSumMinor sums those in
//                 the statement currency (a CURRENCY entry in another one cannot be added). A LEDGERBAL whose BALAMT and DTASOF are both empty is a placeholder (no
//                 balance given: closing null); an empty BALAMT with a DTASOF, or a BALAMT that is not an
//                 amount, is a RejectedRecord (`BALAMT is empty in LEDGERBAL`) and the statement record
//                 still follows with closing null. An empty AVAILBAL is simply left out.
// Errors: a bad STMTTRN is a RejectedRecord naming every problem with its element
// (`DTPOSTED missing in STMTTRN`, `TRNAMT "$120" is not an amount`), and so is a STMTTRNRS whose STATUS
// has severity ERROR (that account's download failed; the others may be fine). Structural problems (no
// account, a truncated statement, a failed sign-on, not OFX at all) are FormatErrors.
import type { BankEntry } from '../bank/bankEntry.ts';
import { bankEntryDraft, lenientDate } from '../bank/bankEntry.ts';
import { parseAmount } from '../../../shared/money/amountText.ts';
import { currencyExponent, isCurrencyCode } from '../../../shared/money/currencies.ts';
import { textEncodingFromLabel } from '../../../shared/import/textEncoding.ts';
import type { TextEncoding } from '../../../shared/import/textEncoding.ts';
import { FormatError } from '../parserTypes.ts';
import type { FormatParser, ParseInput, RecordResult, RejectedRecord, SourcePosition, StatementBalance } from '../parserTypes.ts';
import { ofxElements } from '../text/ofxTokens.ts';
import type { OfxEvent } from '../text/ofxTokens.ts';

export const OFX_FORMAT_ID = 'ofx';
const PARSER_VERSION = 1;
const MAX_RAW = 65536;
// The OFX specification's limit; a longer one is not an id we can store as one.
const MAX_FITID = 255;

interface Leaf {
  value: string;
  position: SourcePosition;
}

interface Problem {
  message: string;
  position: SourcePosition;
}

type StatementKind = 'STMTRS' | 'CCSTMTRS';
type BalanceKind = 'LEDGERBAL' | 'AVAILBAL';
type Amount = { ok: true; minor: number } | { ok: false; error: string };

const PLAIN_DECIMAL = /^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$/;

/** An OFX amount in minor units; see the header for what is accepted. */
export function parseOfxAmount(text: string, currency: string): Amount {
  const t = text.trim();
  if (!PLAIN_DECIMAL.test(t)) return { ok: false, error: 'OFX amounts are plain decimals like -1234.56' };
  const decimal = t.includes(',') ? ',' : '.';
  const fraction = t.split(decimal)[1];
  if (decimal === ',' && fraction?.length === 3 && currencyExponent(currency) !== 3) {
    return { ok: false, error: 'ambiguous: the comma may be a decimal or a thousands separator' };
  }
  return parseAmount(t, currency, { decimal, group: '' });
}

const OFX_DATE =
  /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(?:(\d{2})(?:[.:]\d{1,3})?)?)?\s*(?:\[\s*[+-]?\d{1,2}(?:[.:]\d{1,2})?(?::[A-Za-z][A-Za-z0-9_+-]{0,15})?\s*\])?$/;

/** The calendar date of an OFX date-time, as written (YYYY-MM-DD). */
export function parseOfxDate(text: string): { ok: true; date: string } | { ok: false; error: string } {
  const m = OFX_DATE.exec(text.trim());
  if (m === null) return { ok: false, error: 'expected YYYYMMDD[HHMMSS[.XXX]][[offset:TZ]]' };
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((p) => (p === undefined ? 0 : Number(p)));
  if (year === undefined || month === undefined || day === undefined) return { ok: false, error: 'no date' };
  if (year < 1900 || year > 2999) return { ok: false, error: `year ${year} is not plausible` };
  if ((hour ?? 0) > 23 || (minute ?? 0) > 59 || (second ?? 0) > 60) return { ok: false, error: 'the time is not a time of day' };
  const date = lenientDate(year, month, day);
  if (date === null || date.corrected) return { ok: false, error: 'no such calendar date' };
  return { ok: true, date: date.date };
}

interface EntryState {
  position: SourcePosition;
  fields: Map<string, Leaf>;
  problems: Problem[];
  payeeName: Leaf | null;
  currency: { kind: 'CURRENCY' | 'ORIGCURRENCY'; position: SourcePosition; rate: Leaf | null; sym: Leaf | null } | null;
  to: { kind: string; bankId: string; acctId: string } | null;
}

interface BalanceState {
  kind: BalanceKind;
  position: SourcePosition;
  amount: Leaf | null;
  asOf: Leaf | null;
  raw: string;
  lineEnd: number;
}

interface StatementState {
  kind: StatementKind;
  position: SourcePosition;
  curdef: string | null;
  from: { kind: string; position: SourcePosition; bankId: Leaf | null; acctId: Leaf | null; type: string } | null;
  /** Fixed at the first entry, so every entry and the balance record agree. */
  fixed: { account: string; statementId: string } | null;
  dtStart: Leaf | null;
  dtEnd: Leaf | null;
  balances: Map<BalanceKind, BalanceState>;
  entryCurrency: string | null;
  sumMinor: number;
  count: number;
  perDay: Map<string, number>;
}

const MONEY_FIELDS = new Set(['TRNAMT', 'DTPOSTED', 'FITID']);
const ENTRY_LEAVES = new Set([
  'TRNTYPE',
  'DTPOSTED',
  'DTUSER',
  'DTAVAIL',
  'VALUEDATE',
  'TRNAMT',
  'FITID',
  'CORRECTFITID',
  'CORRECTACTION',
  'SRVRTID',
  'CHECKNUM',
  'REFNUM',
  'SIC',
  'PAYEEID',
  'NAME',
  'EXTDNAME',
  'MEMO',
]);

function nonEmpty(leaf: Leaf | null | undefined): string | null {
  return leaf === null || leaf === undefined || leaf.value === '' ? null : leaf.value;
}

/** The statement's account; a statement without one cannot be imported at all. */
function statementAccount(stmt: StatementState): string {
  const from = stmt.from;
  const fromName = stmt.kind === 'CCSTMTRS' ? 'CCACCTFROM' : 'BANKACCTFROM';
  if (from === null) throw new FormatError(`${fromName} missing in ${stmt.kind}`, stmt.position);
  const acctId = nonEmpty(from.acctId);
  if (acctId === null) {
    const what = from.acctId === null ? 'missing in' : 'is empty in';
    throw new FormatError(`ACCTID ${what} ${from.kind}`, from.acctId?.position ?? from.position);
  }
  const bankId = nonEmpty(from.bankId);
  return bankId === null ? acctId : `${bankId}/${acctId}`;
}

function dateLabel(leaf: Leaf | null): string {
  const text = nonEmpty(leaf);
  if (text === null) return '?';
  const d = parseOfxDate(text);
  return d.ok ? d.date : text;
}

/** DTEND, when it is a date: the end of the transaction data the statement lists. */
function periodEndOf(leaf: Leaf | null): { periodEnd?: string } {
  const text = nonEmpty(leaf);
  const d = text === null ? null : parseOfxDate(text);
  return d !== null && d.ok ? { periodEnd: d.date } : {};
}

function fixStatement(stmt: StatementState): { account: string; statementId: string } {
  if (stmt.fixed !== null) return stmt.fixed;
  const account = statementAccount(stmt);
  let statementId = account;
  if (stmt.dtStart !== null || stmt.dtEnd !== null) {
    statementId = `${account}:${dateLabel(stmt.dtStart)}..${dateLabel(stmt.dtEnd)}`;
  } else {
    const asOf = stmt.balances.get('LEDGERBAL')?.asOf ?? null;
    if (nonEmpty(asOf) !== null) statementId = `${account}@${dateLabel(asOf)}`;
  }
  stmt.fixed = { account, statementId };
  return stmt.fixed;
}

// Reads a date leaf of an entry; records a problem and returns null when it is unusable.
function entryDate(entry: EntryState, name: string, required: boolean): string | null {
  const leaf = entry.fields.get(name);
  if (leaf === undefined) {
    if (required) entry.problems.push({ message: `${name} missing in STMTTRN`, position: entry.position });
    return null;
  }
  if (leaf.value === '') {
    if (required) entry.problems.push({ message: `${name} is empty in STMTTRN`, position: leaf.position });
    return null;
  }
  const d = parseOfxDate(leaf.value);
  if (!d.ok) {
    entry.problems.push({ message: `${name} "${leaf.value}" is not a date (${d.error})`, position: leaf.position });
    return null;
  }
  return d.date;
}

type Extra = NonNullable<BankEntry['extra']>;

// The entry's currency and the currency facts kept for the reviewer.
function entryCurrency(entry: EntryState, stmt: StatementState, extra: Extra): string | null {
  const c = entry.currency;
  if (c === null || c.kind === 'ORIGCURRENCY') {
    if (stmt.curdef === null) {
      entry.problems.push({ message: `no currency: CURDEF is empty in ${stmt.kind} and STMTTRN has no CURRENCY`, position: entry.position });
    }
    if (c !== null) {
      const sym = nonEmpty(c.sym)?.toUpperCase() ?? null;
      if (sym !== null) extra.original_currency = sym;
      if (nonEmpty(c.rate) !== null) extra.original_currency_rate = nonEmpty(c.rate);
    }
    return stmt.curdef;
  }
  const sym = nonEmpty(c.sym)?.toUpperCase() ?? null;
  if (sym === null || !isCurrencyCode(sym)) {
    const message = sym === null ? 'CURSYM missing in CURRENCY' : `CURSYM "${c.sym?.value ?? ''}" is not a currency code`;
    entry.problems.push({ message, position: c.sym?.position ?? c.position });
    return null;
  }
  if (stmt.curdef !== null && sym !== stmt.curdef) {
    extra.statement_currency = stmt.curdef;
    if (nonEmpty(c.rate) !== null) extra.currency_rate = nonEmpty(c.rate);
  }
  return sym;
}

function entryAmount(entry: EntryState, currency: string | null): number | null {
  const leaf = entry.fields.get('TRNAMT');
  if (leaf === undefined || leaf.value === '') {
    const message = leaf === undefined ? 'TRNAMT missing in STMTTRN' : 'TRNAMT is empty in STMTTRN';
    entry.problems.push({ message, position: leaf?.position ?? entry.position });
    return null;
  }
  if (currency === null) return null;
  const amount = parseOfxAmount(leaf.value, currency);
  if (!amount.ok) {
    entry.problems.push({ message: `TRNAMT "${leaf.value}" is not an amount (${amount.error})`, position: leaf.position });
    return null;
  }
  return amount.minor;
}

const EXTRA_TEXT: ReadonlyArray<[string, string]> = [
  ['CHECKNUM', 'check_number'],
  ['REFNUM', 'reference_number'],
  ['SRVRTID', 'server_transaction_id'],
  ['SIC', 'sic'],
  ['PAYEEID', 'payee_id'],
  ['EXTDNAME', 'extended_name'],
];

function entryExtra(entry: EntryState, stmt: StatementState): Extra {
  const extra: Extra = { statement_kind: stmt.kind === 'CCSTMTRS' ? 'credit_card' : 'bank' };
  const type = stmt.from?.type ?? '';
  if (type !== '') extra.account_type = type;
  for (const [tag, key] of EXTRA_TEXT) {
    const v = nonEmpty(entry.fields.get(tag));
    if (v !== null) extra[key] = v;
  }
  const avail = nonEmpty(entry.fields.get('DTAVAIL'));
  if (avail !== null) {
    const d = parseOfxDate(avail);
    extra.available_date = d.ok ? d.date : avail;
  }
  return extra;
}

interface EntryOutcome {
  entry: Omit<BankEntry, 'account' | 'statementId' | 'positionInDay'> | null;
  problems: Problem[];
}

/** Turns a finished STMTTRN into the parts of a BankEntry, or the list of what is wrong with it. */
function readEntry(entry: EntryState, stmt: StatementState): EntryOutcome {
  const extra = entryExtra(entry, stmt);
  const bookingDate = entryDate(entry, 'DTPOSTED', true);
  const valueDate = entry.fields.has('DTUSER') ? entryDate(entry, 'DTUSER', false) : entryDate(entry, 'VALUEDATE', false);
  const currency = entryCurrency(entry, stmt, extra);
  const amountMinor = entryAmount(entry, currency);
  const correction = entry.fields.get('CORRECTACTION');
  if (correction !== undefined && correction.value !== '') {
    // A REPLACE or DELETE of an earlier download's transaction: booking it as a new entry would count money twice.
    const target = nonEmpty(entry.fields.get('CORRECTFITID')) ?? '?';
    const message = `CORRECTACTION "${correction.value}" of FITID "${target}" is not supported: correct the earlier entry by hand`;
    entry.problems.push({ message, position: correction.position });
  }
  const fitId = entry.fields.get('FITID');
  if (fitId !== undefined && fitId.value.length > MAX_FITID) {
    entry.problems.push({ message: `FITID is longer than ${MAX_FITID} characters`, position: fitId.position });
  }
  if (entry.problems.length > 0 || bookingDate === null || currency === null || amountMinor === null) {
    return { entry: null, problems: entry.problems };
  }
  const to = entry.to;
  const toAcct = to === null || to.acctId === '' ? null : to.bankId === '' ? to.acctId : `${to.bankId}/${to.acctId}`;
  return {
    problems: [],
    entry: {
      bookingDate,
      valueDate,
      amountMinor,
      currency,
      counterpartyName: nonEmpty(entry.fields.get('NAME')) ?? nonEmpty(entry.payeeName),
      counterpartyAccount: toAcct,
      remittance: nonEmpty(entry.fields.get('MEMO')),
      remittanceStructured: null,
      endToEndId: null,
      bankReference: nonEmpty(entry.fields.get('FITID')),
      reversal: false,
      transactionCode: nonEmpty(entry.fields.get('TRNTYPE'))?.toUpperCase() ?? null,
      returnReason: null,
      extra,
    },
  };
}

interface BalanceOutcome {
  minor: number | null;
  problem: Problem | null;
}

// LEDGERBAL strictness lives here: see the header for when an empty BALAMT is an error.
function readBalance(b: BalanceState | undefined, currency: string | null, stmtKind: StatementKind): BalanceOutcome {
  if (b === undefined) return { minor: null, problem: null };
  const text = nonEmpty(b.amount)?.trim() ?? '';
  if (text === '') {
    const placeholder = b.kind === 'AVAILBAL' || nonEmpty(b.asOf) === null;
    if (placeholder) return { minor: null, problem: null };
    const what = b.amount === null ? 'missing in' : 'is empty in';
    return { minor: null, problem: { message: `BALAMT ${what} ${b.kind}`, position: b.amount?.position ?? b.position } };
  }
  const position = b.amount?.position ?? b.position;
  if (currency === null) {
    return { minor: null, problem: { message: `BALAMT in ${b.kind} cannot be read: CURDEF is empty in ${stmtKind}`, position } };
  }
  const amount = parseOfxAmount(text, currency);
  if (!amount.ok) {
    return { minor: null, problem: { message: `BALAMT "${text}" is not an amount in ${b.kind} (${amount.error})`, position } };
  }
  return { minor: amount.minor, problem: null };
}

type OpenEvent = Extract<OfxEvent, { type: 'open' }>;
type LeafEvent = Extract<OfxEvent, { type: 'leaf' }>;
type EndEvent = Extract<OfxEvent, { type: 'end' }>;

const TRANSACTION_WRAPPERS = new Set(['STMTTRNRS', 'CCSTMTTRNRS']);
const MAX_PROBLEMS = 10;

function newStatement(kind: StatementKind, position: SourcePosition): StatementState {
  return {
    kind,
    position,
    curdef: null,
    from: null,
    fixed: null,
    dtStart: null,
    dtEnd: null,
    balances: new Map(),
    entryCurrency: null,
    sumMinor: 0,
    count: 0,
    perDay: new Map(),
  };
}

function newEntry(position: SourcePosition): EntryState {
  return { position, fields: new Map(), problems: [], payeeName: null, currency: null, to: null };
}

/** The bookkeeping of one pass: at most one statement, its current STMTTRN or balance, and that record's raw text. */
class OfxReader {
  private readonly timeZone: string;
  private sawOfx = false;
  private statements = 0;
  private stmt: StatementState | null = null;
  private entry: EntryState | null = null;
  private balance: BalanceState | null = null;
  private status: { parent: string; position: SourcePosition; fields: Map<string, string>; raw: string } | null = null;
  private raw: string[] | null = null;
  private rawLength = 0;

  constructor(timeZone: string) {
    this.timeZone = timeZone;
  }

  handle(ev: OfxEvent): RecordResult[] {
    if (ev.type === 'end') return this.end(ev);
    if (this.raw !== null) this.record(ev.raw);
    if (this.status !== null && this.status.raw.length < MAX_RAW) this.status.raw += ev.raw;
    if (ev.type === 'open') return this.open(ev);
    if (ev.type === 'close') return this.close(ev.name, ev.position);
    if (ev.type === 'leaf') this.leaf(ev);
    return [];
  }

  private record(text: string): void {
    if (this.raw === null || this.rawLength >= MAX_RAW) return;
    this.raw.push(text);
    this.rawLength += text.length;
  }

  private startRecording(text: string): void {
    this.raw = [];
    this.rawLength = 0;
    this.record(text);
  }

  private takeRaw(): string {
    const text = (this.raw ?? []).join('');
    this.raw = null;
    this.rawLength = 0;
    return text.length > MAX_RAW ? `${text.slice(0, MAX_RAW)}…` : text;
  }

  private open(ev: OpenEvent): RecordResult[] {
    const { name, position } = ev;
    if (name === 'OFX') this.sawOfx = true;
    else if (name === 'INVSTMTRS') {
      throw new FormatError('investment statements (INVSTMTRS) are not supported; import bank or card statements', position);
    } else if (name === 'STMTRS' || name === 'CCSTMTRS') {
      const outer = this.entry !== null ? 'STMTTRN' : this.stmt?.kind;
      if (outer !== undefined) throw new FormatError(`${name} inside ${outer}: the statement structure is broken`, position);
      this.stmt = newStatement(name, position);
    } else if (name === 'STATUS') {
      this.status = { parent: ev.parent ?? '', position, fields: new Map(), raw: ev.raw };
    } else if (name === 'STMTTRN') {
      if (this.stmt === null) throw new FormatError('STMTTRN outside a statement (STMTRS or CCSTMTRS)', position);
      this.entry = newEntry(position);
      this.startRecording(ev.raw);
    } else if (this.entry !== null) {
      this.openInEntry(this.entry, ev);
    } else if (this.stmt !== null && ev.parent === this.stmt.kind) {
      this.openInStatement(this.stmt, ev);
    }
    return [];
  }

  private openInEntry(entry: EntryState, ev: OpenEvent): void {
    if (ev.parent !== 'STMTTRN') return;
    if (ev.name === 'CURRENCY' || ev.name === 'ORIGCURRENCY') {
      if (entry.currency === null) entry.currency = { kind: ev.name, position: ev.position, rate: null, sym: null };
      else entry.problems.push({ message: `STMTTRN has both ${entry.currency.kind} and ${ev.name}`, position: ev.position });
    } else if ((ev.name === 'BANKACCTTO' || ev.name === 'CCACCTTO') && entry.to === null) {
      entry.to = { kind: ev.name, bankId: '', acctId: '' };
    }
  }

  private openInStatement(stmt: StatementState, ev: OpenEvent): void {
    if ((ev.name === 'BANKACCTFROM' || ev.name === 'CCACCTFROM') && stmt.from === null) {
      stmt.from = { kind: ev.name, position: ev.position, bankId: null, acctId: null, type: '' };
    } else if (ev.name === 'LEDGERBAL' || ev.name === 'AVAILBAL') {
      this.balance = { kind: ev.name, position: ev.position, amount: null, asOf: null, raw: '', lineEnd: ev.position.line };
      this.startRecording(ev.raw);
    }
  }

  private close(name: string, position: SourcePosition): RecordResult[] {
    if (name === 'STMTTRN' && this.entry !== null) return [this.finishEntry(this.entry, position)];
    const b = this.balance;
    if (b !== null && name === b.kind) {
      this.balance = null;
      b.raw = this.takeRaw();
      b.lineEnd = position.line;
      if (this.stmt !== null && !this.stmt.balances.has(b.kind)) this.stmt.balances.set(b.kind, b);
      return [];
    }
    if (this.stmt !== null && name === this.stmt.kind) return this.finishStatement(this.stmt, position);
    if (name === 'STATUS' && this.status !== null) return this.finishStatus(position);
    return [];
  }

  private leaf(ev: LeafEvent): void {
    const leaf: Leaf = { value: ev.value, position: ev.position };
    if (this.status !== null && ev.parent === 'STATUS') {
      if (!this.status.fields.has(ev.name)) this.status.fields.set(ev.name, ev.value);
    } else if (this.entry !== null) {
      this.entryLeaf(this.entry, ev, leaf);
    } else if (this.balance !== null && ev.parent === this.balance.kind) {
      const b = this.balance;
      if (ev.name === 'BALAMT') b.amount ??= leaf;
      else if (ev.name === 'DTASOF') b.asOf ??= leaf;
    } else if (this.stmt !== null) {
      this.statementLeaf(this.stmt, ev, leaf);
    }
  }

  private entryLeaf(entry: EntryState, ev: LeafEvent, leaf: Leaf): void {
    const { name, parent } = ev;
    if (parent === 'STMTTRN') {
      if (!ENTRY_LEAVES.has(name)) return;
      const prior = entry.fields.get(name);
      if (prior === undefined) entry.fields.set(name, leaf);
      else if (MONEY_FIELDS.has(name) && prior.value !== leaf.value && entry.problems.length < MAX_PROBLEMS) {
        const message = `${name} appears twice in STMTTRN ("${prior.value}" on line ${prior.position.line}, "${leaf.value}")`;
        entry.problems.push({ message, position: leaf.position });
      }
      return;
    }
    if (ev.grandparent !== 'STMTTRN') return;
    const c = entry.currency;
    if (parent === 'PAYEE' && name === 'NAME') entry.payeeName ??= leaf;
    else if (c !== null && parent === c.kind && name === 'CURSYM') c.sym ??= leaf;
    else if (c !== null && parent === c.kind && name === 'CURRATE') c.rate ??= leaf;
    else if (entry.to !== null && parent === entry.to.kind) {
      if (name === 'BANKID' && entry.to.bankId === '') entry.to.bankId = leaf.value;
      if (name === 'ACCTID' && entry.to.acctId === '') entry.to.acctId = leaf.value;
    }
  }

  private statementLeaf(stmt: StatementState, ev: LeafEvent, leaf: Leaf): void {
    const { name, parent } = ev;
    if (name === 'CURDEF' && parent === stmt.kind) {
      setCurdef(stmt, leaf);
    } else if (stmt.from !== null && parent === stmt.from.kind && ev.grandparent === stmt.kind) {
      const from = stmt.from;
      if (name === 'BANKID') from.bankId ??= leaf;
      else if (name === 'ACCTID') from.acctId ??= leaf;
      else if (name === 'ACCTTYPE' && from.type === '') from.type = leaf.value.toUpperCase();
    } else if (parent === 'BANKTRANLIST') {
      if (name === 'DTSTART') stmt.dtStart ??= leaf;
      else if (name === 'DTEND') stmt.dtEnd ??= leaf;
    }
  }

  private finishEntry(entry: EntryState, position: SourcePosition): RecordResult {
    this.entry = null;
    const raw = this.takeRaw();
    const stmt = this.stmt;
    if (stmt === null) throw new FormatError('STMTTRN outside a statement (STMTRS or CCSTMTRS)', entry.position);
    const outcome = readEntry(entry, stmt);
    if (outcome.entry === null) {
      const message = outcome.problems.map((p) => p.message).join('; ');
      return { ok: false, position: outcome.problems[0]?.position ?? entry.position, message, raw, lineEnd: position.line };
    }
    const e = outcome.entry;
    const { account, statementId } = fixStatement(stmt);
    if (stmt.curdef === null) stmt.entryCurrency ??= e.currency;
    const positionInDay = stmt.perDay.get(e.bookingDate) ?? 0;
    stmt.perDay.set(e.bookingDate, positionInDay + 1);
    if (e.currency === (stmt.curdef ?? stmt.entryCurrency)) stmt.sumMinor += e.amountMinor;
    if (!Number.isSafeInteger(stmt.sumMinor)) throw new FormatError(`the entries of ${statementId} sum beyond exact arithmetic`, position);
    stmt.count++;
    const bankEntry: BankEntry = { ...e, account, statementId, positionInDay };
    return { ok: true, events: [bankEntryDraft(bankEntry, this.timeZone)], lineStart: entry.position.line, lineEnd: position.line };
  }

  private finishStatement(stmt: StatementState, position: SourcePosition): RecordResult[] {
    this.stmt = null;
    this.statements++;
    const { account, statementId } = fixStatement(stmt);
    const currency = stmt.curdef ?? stmt.entryCurrency;
    const out: RecordResult[] = [];
    const outcomes = new Map<BalanceKind, BalanceOutcome>();
    for (const kind of ['LEDGERBAL', 'AVAILBAL'] as const) {
      const b = stmt.balances.get(kind);
      const outcome = readBalance(b, currency, stmt.kind);
      outcomes.set(kind, outcome);
      if (b !== undefined && outcome.problem !== null) {
        out.push({ ok: false, position: outcome.problem.position, message: outcome.problem.message, raw: b.raw, lineEnd: b.lineEnd });
      }
    }
    const available = outcomes.get('AVAILBAL')?.minor ?? null;
    const statement: StatementBalance = {
      statementId,
      account,
      // XXX is ISO 4217's "no currency": a statement with no CURDEF and no entries has no money to speak of.
      currency: currency ?? 'XXX',
      openingMinor: null,
      closingMinor: outcomes.get('LEDGERBAL')?.minor ?? null,
      entriesSumMinor: stmt.sumMinor,
      entryCount: stmt.count,
      ...(available !== null ? { otherBalances: { AVAILBAL: available } } : {}),
      ...periodEndOf(stmt.dtEnd),
    };
    out.push({ ok: true, events: [], lineStart: stmt.position.line, lineEnd: position.line, statement });
    return out;
  }

  // A failed sign-on means no data at all; one failed account request is a rejected record, so
  // --skip-invalid can import the other accounts and journal the failure.
  private finishStatus(position: SourcePosition): RecordResult[] {
    const s = this.status;
    this.status = null;
    if (s === null || (s.fields.get('SEVERITY') ?? '').toUpperCase() !== 'ERROR') return [];
    const detail = [s.fields.get('CODE'), s.fields.get('MESSAGE')].filter((v) => v !== undefined && v !== '').join(' ');
    const message = `the bank reported an error in ${s.parent}: STATUS ${detail}`.trim();
    if (s.parent === 'SONRS') throw new FormatError(message, s.position);
    if (!TRANSACTION_WRAPPERS.has(s.parent)) return [];
    const rejected: RejectedRecord = { ok: false, position: s.position, message, raw: s.raw, lineEnd: position.line };
    return [rejected];
  }

  private end(ev: EndEvent): RecordResult[] {
    const open =
      this.entry !== null
        ? { name: 'STMTTRN', at: this.entry.position }
        : this.stmt !== null
          ? { name: this.stmt.kind, at: this.stmt.position }
          : null;
    if (open !== null) {
      throw new FormatError(`the file ends inside ${open.name} opened on line ${open.at.line}: it is truncated`, ev.position);
    }
    if (!this.sawOfx && this.statements === 0) throw new FormatError('no <OFX> element: this is not an OFX file');
    return [];
  }
}

function setCurdef(stmt: StatementState, leaf: Leaf): void {
  const code = leaf.value.toUpperCase();
  if (code === '') return;
  if (!isCurrencyCode(code)) throw new FormatError(`CURDEF "${leaf.value}" is not a currency code in ${stmt.kind}`, leaf.position);
  if (stmt.curdef !== null && stmt.curdef !== code) {
    throw new FormatError(`CURDEF appears twice in ${stmt.kind} ("${stmt.curdef}", "${code}")`, leaf.position);
  }
  if (stmt.curdef === null && stmt.count > 0) {
    throw new FormatError(`CURDEF comes after the first STMTTRN in ${stmt.kind}`, leaf.position);
  }
  stmt.curdef = code;
}

function* parseOfx(input: ParseInput): Generator<RecordResult> {
  const reader = new OfxReader(input.timeZone);
  for (const ev of ofxElements(input.chunks)) {
    const out = reader.handle(ev);
    for (const r of out) yield r;
  }
}

const XML_PROLOG = /^<\?xml\b([^>]*)\?>/i;

/** The encoding an OFX file declares: OFX 1.x `ENCODING:UTF-8` or `CHARSET:1252`, OFX 2 the XML prolog. */
export function ofxDeclaredEncoding(head: string): TextEncoding | undefined {
  const text = head.replace(/^\uFEFF/, '').trimStart();
  const xml = XML_PROLOG.exec(text);
  if (xml !== null) {
    const label = /\bencoding\s*=\s*["']([^"']+)["']/i.exec(xml[1] ?? '')?.[1];
    return label === undefined ? undefined : textEncodingFromLabel(label);
  }
  const lt = text.indexOf('<');
  const header = lt < 0 ? text : text.slice(0, lt);
  if (!/^OFXHEADER\s*:/i.test(header)) return undefined;
  const encoding = /^\s*ENCODING\s*:\s*(\S+)/im.exec(header)?.[1];
  if (encoding !== undefined && /^UTF-?8$/i.test(encoding)) return 'utf-8';
  const charset = /^\s*CHARSET\s*:\s*(\S+)/im.exec(header)?.[1];
  if (charset === undefined || /^NONE$/i.test(charset)) return undefined;
  // OFX 1.x writes ISO-8859-1 as "8859-1" in some exports.
  return textEncodingFromLabel(charset) ?? textEncodingFromLabel(`iso-${charset}`);
}

/** OFX 1.x starts with its OFXHEADER block, OFX 2 with an XML prolog and <?OFX …?>; headerless files with <OFX>. */
export function detectOfx(head: string): boolean {
  const text = head.replace(/^\uFEFF/, '').trimStart();
  if (/^OFXHEADER\s*:\s*\d/i.test(text) || /^<OFX>/i.test(text)) return true;
  const xml = /^<\?xml\b[^>]*\?>\s*(?:<!--[\s\S]*?-->\s*)*/i.exec(text);
  if (xml === null) return false;
  const rest = text.slice(xml[0].length);
  return /^<\?OFX\b/i.test(rest) || /^<OFX>/i.test(rest);
}

export const ofxParser: FormatParser = {
  kinds: ['bank_credit', 'bank_debit'],
  format: OFX_FORMAT_ID,
  version: PARSER_VERSION,
  description: 'OFX 1.x (SGML), OFX 2.x (XML) and QFX bank and credit-card statements',
  detect: detectOfx,
  declaredEncoding: ofxDeclaredEncoding,
  parse: parseOfx,
};
